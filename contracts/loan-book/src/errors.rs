//! The LoanBook's custom errors and events (documented in docs/contracts/loan-book.md).
#![allow(missing_docs)] // sol! expands to items without docs; each one is documented here

use alloy_sol_types::sol;
use lien_math::MathError;
use openzeppelin_stylus::access::ownable::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use stylus_sdk::prelude::*;

sol! {
    /// The caller is not the wired Liquidator.
    #[derive(Debug)]
    error LoanBookNotLiquidator(address caller);
    /// The sibling addresses were already set.
    #[derive(Debug)]
    error LoanBookAlreadySet();
    /// The sibling addresses are not set yet.
    #[derive(Debug)]
    error LoanBookNotWired();
    /// A zero address was given where an account is required.
    #[derive(Debug)]
    error LoanBookZeroAddress();
    /// The address has no deployed code.
    #[derive(Debug)]
    error LoanBookNoCode(address account);
    /// New offers and borrowing are paused.
    #[derive(Debug)]
    error LoanBookPaused();
    /// `pause`/`unpause` would not change the state.
    #[derive(Debug)]
    error LoanBookPauseUnchanged();
    /// The currency is not listed.
    #[derive(Debug)]
    error LoanBookCurrencyNotListed(address currency);
    /// The collection is not listed.
    #[derive(Debug)]
    error LoanBookCollectionNotListed(address collection);
    /// The collection is already listed.
    #[derive(Debug)]
    error LoanBookAlreadyListed(address collection);
    /// The collection is listed but disabled for new offers and loans.
    #[derive(Debug)]
    error LoanBookCollectionDisabled(address collection);
    /// The offer's currency is not the collection's currency.
    #[derive(Debug)]
    error LoanBookWrongCurrency();
    /// A parameter is outside its hard bound; `field` numbers the parameter (see the docs).
    #[derive(Debug)]
    error LoanBookParamOutOfBounds(uint8 field);
    /// A parameter moves by more than `max_step_bps` in one change.
    #[derive(Debug)]
    error LoanBookStepTooLarge(uint8 field);
    /// A parameter change comes before `min_change_interval` has passed since the last one.
    #[derive(Debug)]
    error LoanBookChangeTooSoon(uint64 nextAllowed);
    /// An amount is zero.
    #[derive(Debug)]
    error LoanBookZeroAmount();
    /// The duration is below one day or above the collection's `max_duration`.
    #[derive(Debug)]
    error LoanBookBadDuration();
    /// The APR is above `MAX_APR_BPS`.
    #[derive(Debug)]
    error LoanBookBadApr();
    /// The capacity is zero or above `MAX_CAPACITY`.
    #[derive(Debug)]
    error LoanBookBadCapacity();
    /// The expiry is not in the future.
    #[derive(Debug)]
    error LoanBookBadExpiry();
    /// No offer has this id.
    #[derive(Debug)]
    error LoanBookUnknownOffer(uint256 offerId);
    /// The offer is cancelled or fully used.
    #[derive(Debug)]
    error LoanBookOfferClosed();
    /// The offer has expired.
    #[derive(Debug)]
    error LoanBookOfferExpired();
    /// The token id is not the one the offer is for.
    #[derive(Debug)]
    error LoanBookWrongToken();
    /// The caller is not the lender of the offer or loan.
    #[derive(Debug)]
    error LoanBookNotLender();
    /// Borrower, lender, keeper or transferee would be the same party.
    #[derive(Debug)]
    error LoanBookSelfDealing();
    /// The oracle's status does not allow this action (0 Ok, 1 Uncertain, 2 Stale, 3 NoQuorum,
    /// 4 SequencerDown; 255 = the oracle call failed).
    #[derive(Debug)]
    error LoanBookOracleUnavailable(uint8 status);
    /// The principal is above the allowed LTV of the borrow price.
    #[derive(Debug)]
    error LoanBookLtvExceeded(uint256 maxPrincipal);
    /// No loan has this id.
    #[derive(Debug)]
    error LoanBookUnknownLoan(uint256 loanId);
    /// The loan's status does not allow this action.
    #[derive(Debug)]
    error LoanBookWrongStatus(uint8 status);
    /// The loan is neither overdue past its grace period nor unhealthy.
    #[derive(Debug)]
    error LoanBookNotLiquidatable();
    /// A token transfer reverted, returned false or returned malformed data.
    #[derive(Debug)]
    error LoanBookTransferFailed();
    /// A transfer in moved a different amount than requested (fee-on-transfer token).
    #[derive(Debug)]
    error LoanBookTransferMismatch(uint256 expected, uint256 received);
    /// The account has nothing to withdraw in this currency.
    #[derive(Debug)]
    error LoanBookNothingToClaim();
    /// The reserve holds less than requested.
    #[derive(Debug)]
    error LoanBookInsufficientReserve();
    /// The settlement proceeds are not in the LoanBook's balance.
    #[derive(Debug)]
    error LoanBookSettlementUnfunded();
    /// The Liquidator returned another auction id than the LoanBook expected.
    #[derive(Debug)]
    error LoanBookAuctionIdMismatch(uint256 expected, uint256 got);
    /// A call to the vault or liquidator reverted.
    #[derive(Debug)]
    error LoanBookCallFailed();
    /// Arithmetic overflow, underflow or division by zero.
    #[derive(Debug)]
    error LoanBookMath();

    /// The vault, oracle and liquidator were wired.
    #[derive(Debug)]

    event SiblingsSet(address vault, address oracle, address liquidator);
    /// New offers and borrowing were paused (`true`) or resumed (`false`).
    #[derive(Debug)]
    event PausedSet(bool paused);
    /// A currency was listed or its keeper-tip cap changed.
    #[derive(Debug)]
    event CurrencySet(address indexed currency, uint256 tipCap);
    /// A collection was listed for lending in `currency`.
    #[derive(Debug)]
    event CollectionListed(address indexed collection, address indexed currency);
    /// A collection's risk and auction parameters were set.
    #[derive(Debug)]
    event CollectionParamsSet(address indexed collection, uint16 maxLtvBps, uint16 liqThresholdBps,
        uint16 liqPenaltyBps, uint16 auctionStartBps, uint16 auctionCutBps, uint64 maxDuration,
        uint64 gracePeriod, uint64 auctionStep, uint64 auctionTail);
    /// A collection was enabled or disabled for new offers and loans.
    #[derive(Debug)]
    event CollectionEnabled(address indexed collection, bool enabled);
    /// The protocol fee, keeper tip and uncertain-price haircut were set.
    #[derive(Debug)]
    event ProtocolParamsSet(uint16 feeBps, uint16 tipBps, uint16 uncertainHaircutBps);
    /// A funded offer was created; `escrow = principal × capacity` was pulled from the lender.
    #[derive(Debug)]
    event OfferCreated(uint256 indexed offerId, address indexed lender, address indexed collection,
        address currency, uint256 tokenId, bool anyToken, uint256 principal, uint16 aprBps,
        uint64 duration, uint64 expiry, uint64 capacity);
    /// An offer was cancelled and its unused escrow refunded.
    #[derive(Debug)]
    event OfferCancelled(uint256 indexed offerId, uint256 refund);
    /// A loan started.
    #[derive(Debug)]
    event LoanStarted(uint256 indexed loanId, uint256 indexed offerId, address indexed borrower,
        address lender, uint256 tokenId, uint256 principal, uint64 due);
    /// A loan was repaid by `payer`; `toLender` is claimable by the lender, `toReserve` is
    /// the protocol fee plus any penalty.
    #[derive(Debug)]
    event LoanRepaid(uint256 indexed loanId, address indexed payer, uint256 amount, uint256 toLender,
        uint256 toReserve);
    /// A loan was sent to auction by `keeper`; `debt` is frozen.
    #[derive(Debug)]
    event LoanLiquidated(uint256 indexed loanId, address indexed keeper, uint256 indexed auctionId,
        uint256 debt, uint256 startPrice, bool overdue);
    /// An auction settled; the four parts sum to `proceeds` exactly.
    #[derive(Debug)]
    event AuctionSettled(uint256 indexed loanId, address indexed buyer, uint256 proceeds, uint256 tip,
        uint256 toLender, uint256 toReserve, uint256 toBorrower);
    /// Part of the lender's claim that neither the proceeds nor the reserve covered.
    #[derive(Debug)]
    event BadDebt(uint256 indexed loanId, address indexed currency, uint256 reserveCover, uint256 loss);
    /// An unsold auction ended in foreclosure; the NFT went to the lender.
    #[derive(Debug)]
    event LoanForeclosed(uint256 indexed loanId, address indexed lender);
    /// A lender position changed hands.
    #[derive(Debug)]
    event LoanTransferred(uint256 indexed loanId, address indexed from, address indexed to);
    /// `account` withdrew its claimable balance.
    #[derive(Debug)]
    event Withdrawn(address indexed account, address indexed currency, uint256 amount);
    /// The owner withdrew from the reserve.
    #[derive(Debug)]
    event ReserveWithdrawn(address indexed currency, address indexed to, uint256 amount);
}

/// Every way a LoanBook call can fail.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// Ownable: the caller is not the owner.
    UnauthorizedAccount(OwnableUnauthorizedAccount),
    /// Ownable: the new owner is the zero address.
    InvalidOwner(OwnableInvalidOwner),
    /// See [`LoanBookNotLiquidator`].
    NotLiquidator(LoanBookNotLiquidator),
    /// See [`LoanBookAlreadySet`].
    AlreadySet(LoanBookAlreadySet),
    /// See [`LoanBookNotWired`].
    NotWired(LoanBookNotWired),
    /// See [`LoanBookZeroAddress`].
    ZeroAddress(LoanBookZeroAddress),
    /// See [`LoanBookNoCode`].
    NoCode(LoanBookNoCode),
    /// See [`LoanBookPaused`].
    Paused(LoanBookPaused),
    /// See [`LoanBookPauseUnchanged`].
    PauseUnchanged(LoanBookPauseUnchanged),
    /// See [`LoanBookCurrencyNotListed`].
    CurrencyNotListed(LoanBookCurrencyNotListed),
    /// See [`LoanBookCollectionNotListed`].
    CollectionNotListed(LoanBookCollectionNotListed),
    /// See [`LoanBookAlreadyListed`].
    AlreadyListed(LoanBookAlreadyListed),
    /// See [`LoanBookCollectionDisabled`].
    CollectionDisabled(LoanBookCollectionDisabled),
    /// See [`LoanBookWrongCurrency`].
    WrongCurrency(LoanBookWrongCurrency),
    /// See [`LoanBookParamOutOfBounds`].
    ParamOutOfBounds(LoanBookParamOutOfBounds),
    /// See [`LoanBookStepTooLarge`].
    StepTooLarge(LoanBookStepTooLarge),
    /// See [`LoanBookChangeTooSoon`].
    ChangeTooSoon(LoanBookChangeTooSoon),
    /// See [`LoanBookZeroAmount`].
    ZeroAmount(LoanBookZeroAmount),
    /// See [`LoanBookBadDuration`].
    BadDuration(LoanBookBadDuration),
    /// See [`LoanBookBadApr`].
    BadApr(LoanBookBadApr),
    /// See [`LoanBookBadCapacity`].
    BadCapacity(LoanBookBadCapacity),
    /// See [`LoanBookBadExpiry`].
    BadExpiry(LoanBookBadExpiry),
    /// See [`LoanBookUnknownOffer`].
    UnknownOffer(LoanBookUnknownOffer),
    /// See [`LoanBookOfferClosed`].
    OfferClosed(LoanBookOfferClosed),
    /// See [`LoanBookOfferExpired`].
    OfferExpired(LoanBookOfferExpired),
    /// See [`LoanBookWrongToken`].
    WrongToken(LoanBookWrongToken),
    /// See [`LoanBookNotLender`].
    NotLender(LoanBookNotLender),
    /// See [`LoanBookSelfDealing`].
    SelfDealing(LoanBookSelfDealing),
    /// See [`LoanBookOracleUnavailable`].
    OracleUnavailable(LoanBookOracleUnavailable),
    /// See [`LoanBookLtvExceeded`].
    LtvExceeded(LoanBookLtvExceeded),
    /// See [`LoanBookUnknownLoan`].
    UnknownLoan(LoanBookUnknownLoan),
    /// See [`LoanBookWrongStatus`].
    WrongStatus(LoanBookWrongStatus),
    /// See [`LoanBookNotLiquidatable`].
    NotLiquidatable(LoanBookNotLiquidatable),
    /// See [`LoanBookTransferFailed`].
    TransferFailed(LoanBookTransferFailed),
    /// See [`LoanBookTransferMismatch`].
    TransferMismatch(LoanBookTransferMismatch),
    /// See [`LoanBookNothingToClaim`].
    NothingToClaim(LoanBookNothingToClaim),
    /// See [`LoanBookInsufficientReserve`].
    InsufficientReserve(LoanBookInsufficientReserve),
    /// See [`LoanBookSettlementUnfunded`].
    SettlementUnfunded(LoanBookSettlementUnfunded),
    /// See [`LoanBookAuctionIdMismatch`].
    AuctionIdMismatch(LoanBookAuctionIdMismatch),
    /// See [`LoanBookCallFailed`].
    CallFailed(LoanBookCallFailed),
    /// See [`LoanBookMath`].
    Math(LoanBookMath),
}

impl From<crate::owner::OwnerError> for Error {
    fn from(e: crate::owner::OwnerError) -> Self {
        match e {
            crate::owner::OwnerError::Unauthorized(x) => Error::UnauthorizedAccount(x),
            crate::owner::OwnerError::Invalid(x) => Error::InvalidOwner(x),
        }
    }
}

impl From<MathError> for Error {
    fn from(_: MathError) -> Self {
        Error::Math(LoanBookMath {})
    }
}

/// Shorthands for the errors built in many places.
impl Error {
    /// `LoanBookCallFailed`.
    pub(crate) fn call_failed() -> Self {
        Error::CallFailed(LoanBookCallFailed {})
    }
    /// `LoanBookTransferFailed`.
    pub(crate) fn transfer_failed() -> Self {
        Error::TransferFailed(LoanBookTransferFailed {})
    }
    /// `LoanBookMath`.
    pub(crate) fn math() -> Self {
        Error::Math(LoanBookMath {})
    }
    /// `LoanBookParamOutOfBounds(field)`.
    pub(crate) fn bounds(field: u8) -> Self {
        Error::ParamOutOfBounds(LoanBookParamOutOfBounds { field })
    }
    /// `LoanBookWrongStatus(status)`.
    pub(crate) fn status(status: u8) -> Self {
        Error::WrongStatus(LoanBookWrongStatus { status })
    }
}
