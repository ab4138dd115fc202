//! The LoanBook's custom errors and events (documented in docs/contracts/loan-book.md).
#![allow(missing_docs)] // sol! expands to items without docs; each one is documented here

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use alloy_sol_types::sol;
use lien_contract_common::owner::{OwnableInvalidOwner, OwnableUnauthorizedAccount};
use lien_math::MathError;

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
    /// The reserve withdrawal amount is zero.
    #[derive(Debug)]
    error LoanBookZeroAmount();
    /// The caller is not the lender of the loan.
    #[derive(Debug)]
    error LoanBookNotLender();
    /// The keeper would be the borrower, or the transferee the lender or the borrower.
    #[derive(Debug)]
    error LoanBookSelfDealing();
    /// The oracle's status does not allow this action (0 Ok, 1 Uncertain, 2 Stale, 3 NoQuorum,
    /// 4 SequencerDown; 255 = the oracle call failed). `liquidate` refuses 4 even for an
    /// overdue loan: no liquidation while the sequencer is down or within its grace.
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
    /// A token transfer reverted without revert data, returned false or returned malformed
    /// data (a token's own error, e.g. ERC-6093 `ERC20InsufficientAllowance`, is passed through).
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
    /// A call to the vault, the liquidator or the OfferBook reverted without revert data or
    /// sent a malformed reply (`take`, `startAuction`, `currencyInfo`), or `balanceOf` failed
    /// during settlement. A callee's revert data, when there is any, is passed through instead.
    #[derive(Debug)]
    error LoanBookCallFailed();
    /// Arithmetic overflow, underflow or division by zero.
    #[derive(Debug)]
    error LoanBookMath();

    /// The OfferBook, vault, oracle, liquidator and LoanDesk were wired.
    #[derive(Debug)]
    event SiblingsSet(address offerBook, address vault, address oracle, address liquidator, address desk);
    /// A loan started.
    #[derive(Debug)]
    event LoanStarted(uint256 indexed loanId, uint256 indexed offerId, address indexed borrower,
        address lender, uint256 tokenId, uint256 principal, uint64 due);
    /// A loan was repaid by `payer`: `amount = toLender + toReserve + toKeeper`; `toLender` is
    /// claimable by the lender, `toReserve` is the protocol fee plus the penalty less the keeper's
    /// tip, `toKeeper` the tip claimable by the keeper that started a cancelled auction (0 for
    /// a loan repaid while active).
    #[derive(Debug)]
    event LoanRepaid(uint256 indexed loanId, address indexed payer, uint256 amount, uint256 toLender,
        uint256 toReserve, uint256 toKeeper);
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

lien_contract_common::contract_errors! {
    /// Ownable: the caller is not the owner.
    UnauthorizedAccount(OwnableUnauthorizedAccount { account }),
    /// Ownable: the new owner is the zero address.
    InvalidOwner(OwnableInvalidOwner { owner }),
    /// See [`LoanBookNotLiquidator`].
    NotLiquidator(LoanBookNotLiquidator { caller }),
    /// See [`LoanBookAlreadySet`].
    AlreadySet(LoanBookAlreadySet {}),
    /// See [`LoanBookNotWired`].
    NotWired(LoanBookNotWired {}),
    /// See [`LoanBookZeroAddress`].
    ZeroAddress(LoanBookZeroAddress {}),
    /// See [`LoanBookNoCode`].
    NoCode(LoanBookNoCode { account }),
    /// See [`LoanBookZeroAmount`].
    ZeroAmount(LoanBookZeroAmount {}),
    /// See [`LoanBookNotLender`].
    NotLender(LoanBookNotLender {}),
    /// See [`LoanBookSelfDealing`].
    SelfDealing(LoanBookSelfDealing {}),
    /// See [`LoanBookOracleUnavailable`].
    OracleUnavailable(LoanBookOracleUnavailable { status }),
    /// See [`LoanBookLtvExceeded`].
    LtvExceeded(LoanBookLtvExceeded { maxPrincipal }),
    /// See [`LoanBookUnknownLoan`].
    UnknownLoan(LoanBookUnknownLoan { loanId }),
    /// See [`LoanBookWrongStatus`].
    WrongStatus(LoanBookWrongStatus { status }),
    /// See [`LoanBookNotLiquidatable`].
    NotLiquidatable(LoanBookNotLiquidatable {}),
    /// See [`LoanBookTransferFailed`].
    TransferFailed(LoanBookTransferFailed {}),
    /// See [`LoanBookTransferMismatch`].
    TransferMismatch(LoanBookTransferMismatch { expected, received }),
    /// See [`LoanBookNothingToClaim`].
    NothingToClaim(LoanBookNothingToClaim {}),
    /// See [`LoanBookInsufficientReserve`].
    InsufficientReserve(LoanBookInsufficientReserve {}),
    /// See [`LoanBookSettlementUnfunded`].
    SettlementUnfunded(LoanBookSettlementUnfunded {}),
    /// See [`LoanBookAuctionIdMismatch`].
    AuctionIdMismatch(LoanBookAuctionIdMismatch { expected, got }),
    /// See [`LoanBookCallFailed`].
    CallFailed(LoanBookCallFailed {}),
    /// See [`LoanBookMath`].
    Math(LoanBookMath {}),
}

impl From<lien_contract_common::owner::OwnerError> for Error {
    fn from(e: lien_contract_common::owner::OwnerError) -> Self {
        match e {
            lien_contract_common::owner::OwnerError::Unauthorized(x) => {
                Error::UnauthorizedAccount(x)
            }
            lien_contract_common::owner::OwnerError::Invalid(x) => Error::InvalidOwner(x),
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
    pub fn call_failed() -> Self {
        Error::CallFailed(LoanBookCallFailed {})
    }
    /// A callee's revert data passed through; `LoanBookCallFailed` when it gave none.
    pub fn callee(data: Vec<u8>) -> Self {
        if data.is_empty() {
            Error::call_failed()
        } else {
            Error::Callee(data)
        }
    }
    /// `LoanBookTransferFailed`.
    pub fn transfer_failed() -> Self {
        Error::TransferFailed(LoanBookTransferFailed {})
    }
    /// `LoanBookMath`.
    pub fn math() -> Self {
        Error::Math(LoanBookMath {})
    }
    /// `LoanBookWrongStatus(status)`.
    pub fn status(status: u8) -> Self {
        Error::WrongStatus(LoanBookWrongStatus { status })
    }
}
