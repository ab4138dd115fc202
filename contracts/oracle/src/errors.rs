//! The oracle's custom errors and events.

use alloy_sol_types::sol;
use openzeppelin_stylus::access::ownable;
use stylus_sdk::prelude::*;

sol! {
    /// The caller is not a reporter of `collection`.
    #[derive(Debug)]
    error OracleUnauthorizedReporter(address collection, address reporter);
    /// A posted price of zero or above 2^128 − 1.
    #[derive(Debug)]
    error OracleBadPrice(address collection, uint256 price);
    /// `postPrices` got arrays of different lengths or more than 32 pairs.
    #[derive(Debug)]
    error OracleBadBatch(uint256 collections, uint256 prices);
    /// A parameter outside its hard bounds (`param`: 0 minSources, 1 maxAge, 2 maxJumpBps,
    /// 3 confirmDelay, 4 maxSpreadBps, 5 twapWindow, 6 decimals, 7 sequencer grace).
    #[derive(Debug)]
    error OracleParamOutOfBounds(uint8 param);
    /// The quote decimals cannot change once the collection has TWAP history.
    #[derive(Debug)]
    error OracleDecimalsLocked(address collection);
    /// The source is already registered for the collection.
    #[derive(Debug)]
    error OracleSourceExists(address collection, address source);
    /// The source is not registered for the collection.
    #[derive(Debug)]
    error OracleUnknownSource(address collection, address source);
    /// The collection already has the maximum number of sources (10).
    #[derive(Debug)]
    error OracleTooManySources(address collection);
    /// A zero collection or source address.
    #[derive(Debug)]
    error OracleZeroAddress();
    /// A feed whose `decimals()` reverted or exceeds 36.
    #[derive(Debug)]
    error OracleFeedUnreadable(address feed);
    /// A multiplier outside 1..=30_000 bps, or an expiry not in (now, now + 365 days].
    #[derive(Debug)]
    error OracleBadMultiplier(uint32 bps, uint64 expiresAt);
    /// An arithmetic overflow (unreachable with prices ≤ 2^128 − 1).
    #[derive(Debug)]
    error OracleMath();

    /// A reporter's post was accepted.
    #[derive(Debug)]
    event PricePosted(address indexed collection, address indexed reporter, uint256 price);
    /// A reporter's post jumped more than `maxJumpBps` against its accepted value and is held
    /// back (it feeds the TWAP, not the borrow spot) since `pendingSince`.
    #[derive(Debug)]
    event PriceHeldBack(address indexed collection, address indexed reporter, uint256 price, uint256 accepted, uint64 pendingSince);
    /// A post confirmed a held-back value at least `confirmDelay` after it started.
    #[derive(Debug)]
    event PriceConfirmed(address indexed collection, address indexed reporter, uint256 price, uint256 previous);
    /// The TWAP accumulator was rolled: `price` is the aggregate now in force.
    #[derive(Debug)]
    event TwapUpdated(address indexed collection, uint256 price, uint256 cumulative, uint8 fresh);
    /// A source was added (`kind` 1 reporter, 2 feed; `feedDecimals` 0 for reporters).
    #[derive(Debug)]
    event SourceAdded(address indexed collection, address indexed source, uint8 kind, uint8 feedDecimals);
    /// A source was removed.
    #[derive(Debug)]
    event SourceRemoved(address indexed collection, address indexed source);
    /// A collection's parameters were set (also when defaults are first written).
    #[derive(Debug)]
    event ParamsSet(address indexed collection, uint8 minSources, uint64 maxAge, uint16 maxJumpBps, uint64 confirmDelay, uint16 maxSpreadBps, uint64 twapWindow, uint8 decimals);
    /// A token's multiplier was set.
    #[derive(Debug)]
    event MultiplierSet(address indexed collection, uint256 indexed tokenId, uint32 bps, uint64 expiresAt);
    /// The sequencer-uptime feed and grace period were set.
    #[derive(Debug)]
    event SequencerFeedSet(address indexed feed, uint64 grace);
}

/// Every way an oracle call can fail.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// See [`OracleUnauthorizedReporter`].
    UnauthorizedReporter(OracleUnauthorizedReporter),
    /// See [`OracleBadPrice`].
    BadPrice(OracleBadPrice),
    /// See [`OracleBadBatch`].
    BadBatch(OracleBadBatch),
    /// See [`OracleParamOutOfBounds`].
    ParamOutOfBounds(OracleParamOutOfBounds),
    /// See [`OracleDecimalsLocked`].
    DecimalsLocked(OracleDecimalsLocked),
    /// See [`OracleSourceExists`].
    SourceExists(OracleSourceExists),
    /// See [`OracleUnknownSource`].
    UnknownSource(OracleUnknownSource),
    /// See [`OracleTooManySources`].
    TooManySources(OracleTooManySources),
    /// See [`OracleZeroAddress`].
    ZeroAddress(OracleZeroAddress),
    /// See [`OracleFeedUnreadable`].
    FeedUnreadable(OracleFeedUnreadable),
    /// See [`OracleBadMultiplier`].
    BadMultiplier(OracleBadMultiplier),
    /// See [`OracleMath`].
    Math(OracleMath),
    /// The caller is not the owner (OpenZeppelin `Ownable`).
    UnauthorizedAccount(ownable::OwnableUnauthorizedAccount),
    /// A zero owner (OpenZeppelin `Ownable`).
    InvalidOwner(ownable::OwnableInvalidOwner),
}

impl From<ownable::Error> for Error {
    fn from(e: ownable::Error) -> Self {
        match e {
            ownable::Error::UnauthorizedAccount(x) => Error::UnauthorizedAccount(x),
            ownable::Error::InvalidOwner(x) => Error::InvalidOwner(x),
        }
    }
}
