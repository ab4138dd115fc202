//! The Liquidator's Solidity custom errors and its one `Error` enum.

#![allow(missing_docs)] // sol! expands to items without docs; each one is documented here

#[allow(unused_imports)] // the macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::U256;
use alloy_sol_types::sol;
use lien_contract_common::owner::OwnerError;
use lien_contract_common::owner::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
use lien_math::MathError;

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
    /// A call to `target` reverted without revert data or returned data that does not decode
    /// (a callee's revert data, when there is any, is passed through instead: e.g. the
    /// currency's ERC-6093 `ERC20InsufficientAllowance`, or the LoanBook's own error).
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorCallFailed(address target);
    /// The sequencer is down, or back for less than its grace period (`resumesAt` is the first
    /// second bids and `closeUnsold` are accepted again; 0 while it is still down or its feed
    /// cannot be read). No auction sells or closes then.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorSequencerDown(uint64 resumesAt);
    /// `setSequencerFeed` with a grace outside 60..=86_400 seconds.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorBadGrace(uint64 grace);
    /// Price arithmetic failed; `code` is 0 Overflow, 1 Underflow, 2 DivisionByZero,
    /// 3 BpsOutOfRange, 4 BadLength.
    #[derive(Debug, PartialEq, Eq)]
    error LiquidatorMath(uint8 code);
}

lien_contract_common::contract_errors! {
    /// Ownable: the caller is not the owner.
    UnauthorizedAccount(OwnableUnauthorizedAccount { account }),
    /// Ownable: the new owner is the zero address.
    InvalidOwner(OwnableInvalidOwner { owner }),
    /// See [`LiquidatorNotLoanBook`].
    NotLoanBook(LiquidatorNotLoanBook { caller }),
    /// See [`LiquidatorAlreadySet`].
    AlreadySet(LiquidatorAlreadySet { current }),
    /// See [`LiquidatorZeroAddress`].
    ZeroAddress(LiquidatorZeroAddress {}),
    /// See [`LiquidatorNotWired`].
    NotWired(LiquidatorNotWired {}),
    /// See [`LiquidatorZeroLoanId`].
    ZeroLoanId(LiquidatorZeroLoanId {}),
    /// See [`LiquidatorZeroStep`].
    ZeroStep(LiquidatorZeroStep {}),
    /// See [`LiquidatorBadCut`].
    BadCut(LiquidatorBadCut { cutBps }),
    /// See [`LiquidatorBadTail`].
    BadTail(LiquidatorBadTail { tail }),
    /// See [`LiquidatorZeroStartPrice`].
    ZeroStartPrice(LiquidatorZeroStartPrice {}),
    /// See [`LiquidatorFloorAboveStart`].
    FloorAboveStart(LiquidatorFloorAboveStart { floorPrice, startPrice }),
    /// See [`LiquidatorUnknownAuction`].
    UnknownAuction(LiquidatorUnknownAuction { auctionId }),
    /// See [`LiquidatorNotLive`].
    NotLive(LiquidatorNotLive { auctionId, status }),
    /// See [`LiquidatorExpired`].
    Expired(LiquidatorExpired { auctionId, endTime }),
    /// See [`LiquidatorNotExpired`].
    NotExpired(LiquidatorNotExpired { auctionId, endTime }),
    /// See [`LiquidatorPriceAboveMax`].
    PriceAboveMax(LiquidatorPriceAboveMax { price, maxPrice }),
    /// See [`LiquidatorZeroPrice`].
    ZeroPrice(LiquidatorZeroPrice { auctionId }),
    /// See [`LiquidatorTransferFailed`].
    TransferFailed(LiquidatorTransferFailed { currency }),
    /// See [`LiquidatorPaymentMismatch`].
    PaymentMismatch(LiquidatorPaymentMismatch { expected, received }),
    /// See [`LiquidatorCallFailed`].
    CallFailed(LiquidatorCallFailed { target }),
    /// See [`LiquidatorSequencerDown`].
    SequencerDown(LiquidatorSequencerDown { resumesAt }),
    /// See [`LiquidatorBadGrace`].
    BadGrace(LiquidatorBadGrace { grace }),
    /// See [`LiquidatorMath`].
    Math(LiquidatorMath { code }),
}

impl From<OwnerError> for Error {
    fn from(e: OwnerError) -> Self {
        match e {
            OwnerError::Unauthorized(x) => Error::UnauthorizedAccount(x),
            OwnerError::Invalid(x) => Error::InvalidOwner(x),
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

/// A failed call to `target`: its revert data passed through, or [`LiquidatorCallFailed`]
/// when it gave none.
pub(crate) fn callee(target: alloy_primitives::Address) -> impl FnOnce(Vec<u8>) -> Error {
    move |data| {
        if data.is_empty() {
            Error::CallFailed(LiquidatorCallFailed { target })
        } else {
            Error::Callee(data)
        }
    }
}

/// Shorthand for [`LiquidatorUnknownAuction`].
pub(crate) fn unknown(auction_id: U256) -> Error {
    Error::UnknownAuction(LiquidatorUnknownAuction {
        auctionId: auction_id,
    })
}
