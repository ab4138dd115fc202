//! motsu unit tests of the LoanBook, wired to the real OfferBook and CollateralVault, with a
//! mock oracle and liquidator (see `mocks`). Every test that moves tokens ends by asserting
//! INV-SOLV for both books (`Env::assert_solvent`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Asserts that a call fails with an error matching `$pat` (reverting the motsu transaction).
macro_rules! expect_err {
    ($call:expr, $pat:pat $(if $guard:expr)?) => {{
        let err = $call.motsu_unwrap_err();
        assert!(matches!(err, $pat $(if $guard)?), "unexpected error {:?}", err);
    }};
}

mod auctions;
mod borrow;
mod liquidation;
mod mocks;
mod moves;
mod positions;
mod repay;
mod security;
mod setup;
mod views;
mod wiring;

use alloy_sol_types::SolError;

/// Asserts that `err` is the OfferBook's `expected` error, passed through unchanged: the
/// LoanBook's `Error::OfferBook` carries exactly the OfferBook's encoding, and the LoanBook
/// reverts with those same bytes.
#[track_caller]
fn assert_offer_book_err<E: SolError>(err: crate::Error, expected: E) {
    let encoded = expected.abi_encode();
    match err {
        crate::Error::Callee(data) => {
            assert_eq!(data, encoded, "not the OfferBook's {}", E::SIGNATURE);
            assert_eq!(
                Vec::<u8>::from(crate::Error::Callee(data)),
                encoded,
                "the revert data is the same bytes"
            );
        }
        other => panic!("expected the OfferBook's {}, got {other:?}", E::SIGNATURE),
    }
}

/// Solidity call encodings used to reach the LoanBook through raw calls.
mod abi {
    #![allow(missing_docs)]
    alloy_sol_types::sol! {
        function withdraw(address currency) external returns (uint256);
        function repay(uint256 loanId) external returns (uint256);
        function borrow(uint256 offerId, uint256 tokenId) external returns (uint256);
        function withdrawReserve(address currency, uint256 amount, address to) external;
    }
}
