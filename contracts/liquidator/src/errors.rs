//! The Liquidator's Solidity custom errors and its one `Error` enum.

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use alloy_sol_types::sol;
use lien_math::MathError;
use openzeppelin_stylus::access::ownable::{self, OwnableInvalidOwner, OwnableUnauthorizedAccount};
use stylus_sdk::{call::MethodError, prelude::*};

sol! {
    /// The caller is not the wired LoanBook (or no LoanBook is wired yet).
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorNotLoanBook(address caller);
    /// `setLoanBook` / `setVault` was called again; `current` is the address already wired.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorAlreadySet(address current);
    /// A zero address was passed where a contract address is required.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorZeroAddress();
    /// `startAuction` before both the LoanBook and the vault are wired.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorNotWired();
    /// `startAuction` with loan id 0 (ids start at 1).
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorZeroLoanId();
    /// `startAuction` with `step == 0`.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorZeroStep();
    /// `startAuction` with `cutBps == 0` or `cutBps > 10_000`.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorBadCut(uint16 cutBps);
    /// `startAuction` with `tail == 0`, or `now + tail` past the end of `uint64` time.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorBadTail(uint64 tail);
    /// `startAuction` with `startPrice == 0`.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorZeroStartPrice();
    /// `startAuction` with `floorPrice > startPrice`.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorFloorAboveStart(uint256 floorPrice, uint256 startPrice);
    /// No auction has this id (ids start at 1).
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorUnknownAuction(uint256 auctionId);
    /// The auction is not live; `status` is 2 Sold, 3 Cancelled or 4 ClosedUnsold.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorNotLive(uint256 auctionId, uint8 status);
    /// The auction's tail has passed (`now >= endTime`): no more bids, only `closeUnsold`.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorExpired(uint256 auctionId, uint64 endTime);
    /// `closeUnsold` before the tail has passed (`now < endTime`).
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorNotExpired(uint256 auctionId, uint64 endTime);
    /// The current price is above the bidder's `maxPrice`.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorPriceAboveMax(uint256 price, uint256 maxPrice);
    /// The current price is zero (unreachable: `startPrice > 0` and the curve rounds up).
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorZeroPrice(uint256 auctionId);
    /// The currency's `transferFrom` returned `false`.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorTransferFailed(address currency);
    /// The LoanBook's currency balance grew by `received`, not by the `expected` price
    /// (fee-on-transfer or otherwise misbehaving token).
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorPaymentMismatch(uint256 expected, uint256 received);
    /// A call to `target` reverted or returned data that does not decode.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorCallFailed(address target);
    /// Price arithmetic failed; `code` is 0 Overflow, 1 Underflow, 2 DivisionByZero,
    /// 3 BpsOutOfRange, 4 BadLength.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorMath(uint8 code);
}

/// Every way a Liquidator call can fail.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// See [`OwnableUnauthorizedAccount`].
    UnauthorizedAccount(OwnableUnauthorizedAccount),
    /// See [`OwnableInvalidOwner`].
    InvalidOwner(OwnableInvalidOwner),
    /// See [`LiquidatorNotLoanBook`].
    NotLoanBook(LiquidatorNotLoanBook),
    /// See [`LiquidatorAlreadySet`].
    AlreadySet(LiquidatorAlreadySet),
    /// See [`LiquidatorZeroAddress`].
    ZeroAddress(LiquidatorZeroAddress),
    /// See [`LiquidatorNotWired`].
    NotWired(LiquidatorNotWired),
    /// See [`LiquidatorZeroLoanId`].
    ZeroLoanId(LiquidatorZeroLoanId),
    /// See [`LiquidatorZeroStep`].
    ZeroStep(LiquidatorZeroStep),
    /// See [`LiquidatorBadCut`].
    BadCut(LiquidatorBadCut),
    /// See [`LiquidatorBadTail`].
    BadTail(LiquidatorBadTail),
    /// See [`LiquidatorZeroStartPrice`].
    ZeroStartPrice(LiquidatorZeroStartPrice),
    /// See [`LiquidatorFloorAboveStart`].
    FloorAboveStart(LiquidatorFloorAboveStart),
    /// See [`LiquidatorUnknownAuction`].
    UnknownAuction(LiquidatorUnknownAuction),
    /// See [`LiquidatorNotLive`].
    NotLive(LiquidatorNotLive),
    /// See [`LiquidatorExpired`].
    Expired(LiquidatorExpired),
    /// See [`LiquidatorNotExpired`].
    NotExpired(LiquidatorNotExpired),
    /// See [`LiquidatorPriceAboveMax`].
    PriceAboveMax(LiquidatorPriceAboveMax),
    /// See [`LiquidatorZeroPrice`].
    ZeroPrice(LiquidatorZeroPrice),
    /// See [`LiquidatorTransferFailed`].
    TransferFailed(LiquidatorTransferFailed),
    /// See [`LiquidatorPaymentMismatch`].
    PaymentMismatch(LiquidatorPaymentMismatch),
    /// See [`LiquidatorCallFailed`].
    CallFailed(LiquidatorCallFailed),
    /// See [`LiquidatorMath`].
    Math(LiquidatorMath),
}

impl MethodError for Error {
    fn encode(self) -> Vec<u8> {
        self.into()
    }
}

impl From<ownable::Error> for Error {
    fn from(err: ownable::Error) -> Self {
        match err {
            ownable::Error::UnauthorizedAccount(e) => Error::UnauthorizedAccount(e),
            ownable::Error::InvalidOwner(e) => Error::InvalidOwner(e),
        }
    }
}

impl From<MathError> for Error {
    fn from(err: MathError) -> Self {
        let code = match err {
            MathError::Overflow => 0,
            MathError::Underflow => 1,
            MathError::DivisionByZero => 2,
            MathError::BpsOutOfRange => 3,
            MathError::BadLength => 4,
        };
        Error::Math(LiquidatorMath { code })
    }
}

/// Maps a failed cross-contract call to `target` into [`LiquidatorCallFailed`]. The callee's
/// revert data is not forwarded (it would cost the `bytes` encoder; see the docs).
#[allow(deprecated)] // stylus-sdk 0.9's `sol_interface!` still returns `call::Error`
pub(crate) fn call_failed(target: Address) -> impl FnOnce(stylus_sdk::call::Error) -> Error {
    move |_| Error::CallFailed(LiquidatorCallFailed { target })
}

/// Shorthand for [`LiquidatorUnknownAuction`].
pub(crate) fn unknown(auction_id: U256) -> Error {
    Error::UnknownAuction(LiquidatorUnknownAuction {
        auctionId: auction_id,
    })
}
