//! The OfferBook's custom errors and events (documented in docs/contracts/offer-book.md).
#![allow(missing_docs)] // sol! expands to items without docs; each one is documented here

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use alloy_sol_types::sol;
use lien_contract_common::owner::OwnerError;
use lien_contract_common::owner::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
use stylus_sdk::prelude::*;

sol! {
    /// The caller is not the wired LoanBook.
    #[derive(Debug)]
    error OfferBookNotLoanBook(address caller);
    /// The LoanBook address was already set.
    #[derive(Debug)]
    error OfferBookAlreadySet();
    /// A zero address was given where an account is required.
    #[derive(Debug)]
    error OfferBookZeroAddress();
    /// The address has no deployed code.
    #[derive(Debug)]
    error OfferBookNoCode(address account);
    /// New offers and borrowing are paused.
    #[derive(Debug)]
    error OfferBookPaused();
    /// `pause`/`unpause` would not change the state.
    #[derive(Debug)]
    error OfferBookPauseUnchanged();
    /// The currency is not listed.
    #[derive(Debug)]
    error OfferBookCurrencyNotListed(address currency);
    /// The collection is not listed.
    #[derive(Debug)]
    error OfferBookCollectionNotListed(address collection);
    /// The collection is already listed.
    #[derive(Debug)]
    error OfferBookAlreadyListed(address collection);
    /// The collection is listed but disabled for new offers and loans.
    #[derive(Debug)]
    error OfferBookCollectionDisabled(address collection);
    /// The offer's currency is not the collection's currency.
    #[derive(Debug)]
    error OfferBookWrongCurrency();
    /// A parameter is outside its hard bound; `field` numbers the parameter (see the docs).
    #[derive(Debug)]
    error OfferBookParamOutOfBounds(uint8 field);
    /// A parameter moves by more than `max_step_bps` in one change.
    #[derive(Debug)]
    error OfferBookStepTooLarge(uint8 field);
    /// A parameter change comes before `min_change_interval` has passed since the last one.
    #[derive(Debug)]
    error OfferBookChangeTooSoon(uint64 nextAllowed);
    /// The principal is zero.
    #[derive(Debug)]
    error OfferBookZeroAmount();
    /// The duration is below one day or above the collection's `max_duration`.
    #[derive(Debug)]
    error OfferBookBadDuration();
    /// The APR is above `MAX_APR_BPS`.
    #[derive(Debug)]
    error OfferBookBadApr();
    /// The capacity is zero or above `MAX_CAPACITY`.
    #[derive(Debug)]
    error OfferBookBadCapacity();
    /// The expiry is not in the future.
    #[derive(Debug)]
    error OfferBookBadExpiry();
    /// No offer has this id.
    #[derive(Debug)]
    error OfferBookUnknownOffer(uint256 offerId);
    /// The offer is cancelled or fully used.
    #[derive(Debug)]
    error OfferBookOfferClosed();
    /// The offer has expired.
    #[derive(Debug)]
    error OfferBookOfferExpired();
    /// The token id is not the one the offer is for.
    #[derive(Debug)]
    error OfferBookWrongToken();
    /// The caller is not the lender of the offer.
    #[derive(Debug)]
    error OfferBookNotLender();
    /// The borrower would be the offer's lender.
    #[derive(Debug)]
    error OfferBookSelfDealing();
    /// A token transfer reverted, returned false or returned malformed data.
    #[derive(Debug)]
    error OfferBookTransferFailed();
    /// A transfer in moved a different amount than requested (fee-on-transfer token).
    #[derive(Debug)]
    error OfferBookTransferMismatch(uint256 expected, uint256 received);
    /// Arithmetic overflow or underflow.
    #[derive(Debug)]
    error OfferBookMath();

    /// The LoanBook (the only caller of `take`) was wired.
    #[derive(Debug)]
    event LoanBookSet(address loanBook);
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
    /// One loan's principal left an offer's escrow for `borrower` (the LoanBook's `LoanStarted`
    /// follows in the same transaction).
    #[derive(Debug)]
    event OfferTaken(uint256 indexed offerId, address indexed borrower, uint256 tokenId, uint64 used);
}

/// Every way an OfferBook call can fail.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// Ownable: the caller is not the owner.
    UnauthorizedAccount(OwnableUnauthorizedAccount),
    /// Ownable: the new owner is the zero address.
    InvalidOwner(OwnableInvalidOwner),
    /// See [`OfferBookNotLoanBook`].
    NotLoanBook(OfferBookNotLoanBook),
    /// See [`OfferBookAlreadySet`].
    AlreadySet(OfferBookAlreadySet),
    /// See [`OfferBookZeroAddress`].
    ZeroAddress(OfferBookZeroAddress),
    /// See [`OfferBookNoCode`].
    NoCode(OfferBookNoCode),
    /// See [`OfferBookPaused`].
    Paused(OfferBookPaused),
    /// See [`OfferBookPauseUnchanged`].
    PauseUnchanged(OfferBookPauseUnchanged),
    /// See [`OfferBookCurrencyNotListed`].
    CurrencyNotListed(OfferBookCurrencyNotListed),
    /// See [`OfferBookCollectionNotListed`].
    CollectionNotListed(OfferBookCollectionNotListed),
    /// See [`OfferBookAlreadyListed`].
    AlreadyListed(OfferBookAlreadyListed),
    /// See [`OfferBookCollectionDisabled`].
    CollectionDisabled(OfferBookCollectionDisabled),
    /// See [`OfferBookWrongCurrency`].
    WrongCurrency(OfferBookWrongCurrency),
    /// See [`OfferBookParamOutOfBounds`].
    ParamOutOfBounds(OfferBookParamOutOfBounds),
    /// See [`OfferBookStepTooLarge`].
    StepTooLarge(OfferBookStepTooLarge),
    /// See [`OfferBookChangeTooSoon`].
    ChangeTooSoon(OfferBookChangeTooSoon),
    /// See [`OfferBookZeroAmount`].
    ZeroAmount(OfferBookZeroAmount),
    /// See [`OfferBookBadDuration`].
    BadDuration(OfferBookBadDuration),
    /// See [`OfferBookBadApr`].
    BadApr(OfferBookBadApr),
    /// See [`OfferBookBadCapacity`].
    BadCapacity(OfferBookBadCapacity),
    /// See [`OfferBookBadExpiry`].
    BadExpiry(OfferBookBadExpiry),
    /// See [`OfferBookUnknownOffer`].
    UnknownOffer(OfferBookUnknownOffer),
    /// See [`OfferBookOfferClosed`].
    OfferClosed(OfferBookOfferClosed),
    /// See [`OfferBookOfferExpired`].
    OfferExpired(OfferBookOfferExpired),
    /// See [`OfferBookWrongToken`].
    WrongToken(OfferBookWrongToken),
    /// See [`OfferBookNotLender`].
    NotLender(OfferBookNotLender),
    /// See [`OfferBookSelfDealing`].
    SelfDealing(OfferBookSelfDealing),
    /// See [`OfferBookTransferFailed`].
    TransferFailed(OfferBookTransferFailed),
    /// See [`OfferBookTransferMismatch`].
    TransferMismatch(OfferBookTransferMismatch),
    /// See [`OfferBookMath`].
    Math(OfferBookMath),
}

impl From<OwnerError> for Error {
    fn from(e: OwnerError) -> Self {
        match e {
            OwnerError::Unauthorized(x) => Error::UnauthorizedAccount(x),
            OwnerError::Invalid(x) => Error::InvalidOwner(x),
        }
    }
}

/// Shorthands for the errors built in many places.
impl Error {
    /// `OfferBookTransferFailed`.
    pub(crate) fn transfer_failed() -> Self {
        Error::TransferFailed(OfferBookTransferFailed {})
    }
    /// `OfferBookMath`.
    pub(crate) fn math() -> Self {
        Error::Math(OfferBookMath {})
    }
    /// `OfferBookParamOutOfBounds(field)`.
    pub(crate) fn bounds(field: u8) -> Self {
        Error::ParamOutOfBounds(OfferBookParamOutOfBounds { field })
    }
    /// `OfferBookStepTooLarge(field)`.
    pub(crate) fn step(field: u8) -> Self {
        Error::StepTooLarge(OfferBookStepTooLarge { field })
    }
    /// `OfferBookCollectionNotListed(collection)`.
    pub(crate) fn not_listed(collection: alloy_primitives::Address) -> Self {
        Error::CollectionNotListed(OfferBookCollectionNotListed { collection })
    }
}
