//! The oracle's custom errors and events.

#[cfg(not(feature = "export-abi"))]
use alloc::vec::Vec;

use alloy_sol_types::sol;
#[cfg(not(feature = "export-abi"))]
use alloy_sol_types::SolError;
use lien_contract_common::owner::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
#[cfg(feature = "export-abi")]
use stylus_sdk::prelude::*;

#[cfg(not(feature = "export-abi"))]
use crate::abi::{addr, error_data, num};

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
    /// A multiplier outside 1..=20_000 bps, or an expiry not in (now, now + 365 days].
    #[derive(Debug)]
    error OracleBadMultiplier(uint32 bps, uint64 expiresAt);
    /// `postPrices` names `collection` more than once.
    #[derive(Debug)]
    error OracleDuplicateCollection(address collection);
    /// A multiplier raise of more than 2_500 bps over the one in force (`fromBps`).
    #[derive(Debug)]
    error OracleMultiplierStepTooLarge(uint32 fromBps, uint32 toBps);
    /// A multiplier raise less than a day after the token's previous change.
    #[derive(Debug)]
    error OracleMultiplierTooSoon(uint64 nextChangeAt);
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

/// Every way an oracle call can fail. Its revert data is the custom error's ABI encoding
/// (`From<Error> for Vec<u8>` below; the `export-abi` build derives it to list the errors).
#[cfg_attr(feature = "export-abi", derive(SolidityError))]
#[derive(Debug)]
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
    /// See [`OracleDuplicateCollection`].
    DuplicateCollection(OracleDuplicateCollection),
    /// See [`OracleMultiplierStepTooLarge`].
    MultiplierStepTooLarge(OracleMultiplierStepTooLarge),
    /// See [`OracleMultiplierTooSoon`].
    MultiplierTooSoon(OracleMultiplierTooSoon),
    /// See [`OracleMath`].
    Math(OracleMath),
    /// The caller is not the owner (OpenZeppelin `Ownable`).
    UnauthorizedAccount(OwnableUnauthorizedAccount),
    /// A zero owner (OpenZeppelin `Ownable`).
    InvalidOwner(OwnableInvalidOwner),
}

#[cfg(not(feature = "export-abi"))]
impl From<Error> for Vec<u8> {
    fn from(e: Error) -> Vec<u8> {
        match e {
            Error::UnauthorizedReporter(x) => error_data(
                OracleUnauthorizedReporter::SELECTOR,
                &[addr(x.collection), addr(x.reporter)],
            ),
            Error::BadPrice(x) => {
                error_data(OracleBadPrice::SELECTOR, &[addr(x.collection), x.price])
            }
            Error::BadBatch(x) => error_data(OracleBadBatch::SELECTOR, &[x.collections, x.prices]),
            Error::ParamOutOfBounds(x) => {
                error_data(OracleParamOutOfBounds::SELECTOR, &[num(x.param.into())])
            }
            Error::DecimalsLocked(x) => {
                error_data(OracleDecimalsLocked::SELECTOR, &[addr(x.collection)])
            }
            Error::SourceExists(x) => error_data(
                OracleSourceExists::SELECTOR,
                &[addr(x.collection), addr(x.source)],
            ),
            Error::UnknownSource(x) => error_data(
                OracleUnknownSource::SELECTOR,
                &[addr(x.collection), addr(x.source)],
            ),
            Error::TooManySources(x) => {
                error_data(OracleTooManySources::SELECTOR, &[addr(x.collection)])
            }
            Error::ZeroAddress(_) => error_data(OracleZeroAddress::SELECTOR, &[]),
            Error::FeedUnreadable(x) => error_data(OracleFeedUnreadable::SELECTOR, &[addr(x.feed)]),
            Error::BadMultiplier(x) => error_data(
                OracleBadMultiplier::SELECTOR,
                &[num(x.bps.into()), num(x.expiresAt)],
            ),
            Error::DuplicateCollection(x) => {
                error_data(OracleDuplicateCollection::SELECTOR, &[addr(x.collection)])
            }
            Error::MultiplierStepTooLarge(x) => error_data(
                OracleMultiplierStepTooLarge::SELECTOR,
                &[num(x.fromBps.into()), num(x.toBps.into())],
            ),
            Error::MultiplierTooSoon(x) => {
                error_data(OracleMultiplierTooSoon::SELECTOR, &[num(x.nextChangeAt)])
            }
            Error::Math(_) => error_data(OracleMath::SELECTOR, &[]),
            Error::UnauthorizedAccount(x) => {
                error_data(OwnableUnauthorizedAccount::SELECTOR, &[addr(x.account)])
            }
            Error::InvalidOwner(x) => error_data(OwnableInvalidOwner::SELECTOR, &[addr(x.owner)]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{Address, U256};
    use alloy_sol_types::SolError;

    #[test]
    fn revert_data_is_the_abi_encoding() {
        let a = Address::with_last_byte(0xAA);
        let b = Address::with_last_byte(0xBB);
        let p = U256::from(123_456u64);
        let cases: Vec<(Error, Vec<u8>)> = vec![
            (
                Error::UnauthorizedReporter(OracleUnauthorizedReporter {
                    collection: a,
                    reporter: b,
                }),
                OracleUnauthorizedReporter {
                    collection: a,
                    reporter: b,
                }
                .abi_encode(),
            ),
            (
                Error::BadPrice(OracleBadPrice {
                    collection: a,
                    price: p,
                }),
                OracleBadPrice {
                    collection: a,
                    price: p,
                }
                .abi_encode(),
            ),
            (
                Error::BadBatch(OracleBadBatch {
                    collections: p,
                    prices: U256::from(3u64),
                }),
                OracleBadBatch {
                    collections: p,
                    prices: U256::from(3u64),
                }
                .abi_encode(),
            ),
            (
                Error::ParamOutOfBounds(OracleParamOutOfBounds { param: 7 }),
                OracleParamOutOfBounds { param: 7 }.abi_encode(),
            ),
            (
                Error::DecimalsLocked(OracleDecimalsLocked { collection: a }),
                OracleDecimalsLocked { collection: a }.abi_encode(),
            ),
            (
                Error::SourceExists(OracleSourceExists {
                    collection: a,
                    source: b,
                }),
                OracleSourceExists {
                    collection: a,
                    source: b,
                }
                .abi_encode(),
            ),
            (
                Error::UnknownSource(OracleUnknownSource {
                    collection: b,
                    source: a,
                }),
                OracleUnknownSource {
                    collection: b,
                    source: a,
                }
                .abi_encode(),
            ),
            (
                Error::TooManySources(OracleTooManySources { collection: a }),
                OracleTooManySources { collection: a }.abi_encode(),
            ),
            (
                Error::ZeroAddress(OracleZeroAddress {}),
                OracleZeroAddress {}.abi_encode(),
            ),
            (
                Error::FeedUnreadable(OracleFeedUnreadable { feed: b }),
                OracleFeedUnreadable { feed: b }.abi_encode(),
            ),
            (
                Error::BadMultiplier(OracleBadMultiplier {
                    bps: 30_001,
                    expiresAt: 99,
                }),
                OracleBadMultiplier {
                    bps: 30_001,
                    expiresAt: 99,
                }
                .abi_encode(),
            ),
            (
                Error::DuplicateCollection(OracleDuplicateCollection { collection: a }),
                OracleDuplicateCollection { collection: a }.abi_encode(),
            ),
            (
                Error::MultiplierStepTooLarge(OracleMultiplierStepTooLarge {
                    fromBps: 10_000,
                    toBps: 12_501,
                }),
                OracleMultiplierStepTooLarge {
                    fromBps: 10_000,
                    toBps: 12_501,
                }
                .abi_encode(),
            ),
            (
                Error::MultiplierTooSoon(OracleMultiplierTooSoon { nextChangeAt: 77 }),
                OracleMultiplierTooSoon { nextChangeAt: 77 }.abi_encode(),
            ),
            (Error::Math(OracleMath {}), OracleMath {}.abi_encode()),
            (
                Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account: a }),
                OwnableUnauthorizedAccount { account: a }.abi_encode(),
            ),
            (
                Error::InvalidOwner(OwnableInvalidOwner {
                    owner: Address::ZERO,
                }),
                OwnableInvalidOwner {
                    owner: Address::ZERO,
                }
                .abi_encode(),
            ),
        ];
        for (e, expected) in cases {
            let name = alloc::format!("{e:?}");
            assert_eq!(Vec::<u8>::from(e), expected, "{name}");
        }
    }
}
