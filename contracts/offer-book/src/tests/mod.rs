//! motsu unit tests of the OfferBook. A small peer contract (`peers::LoanBookStandIn`) is
//! wired as the LoanBook, so `take` can be called both directly (with the stand-in's address
//! as the sender) and through the real ABI (the stand-in forwards raw calldata).
#![allow(clippy::unwrap_used, clippy::expect_used)]

/// Asserts that a call fails with an error matching `$pat` (reverting the motsu transaction).
macro_rules! expect_err {
    ($call:expr, $pat:pat $(if $guard:expr)?) => {{
        let err = $call.motsu_unwrap_err();
        assert!(matches!(err, $pat $(if $guard)?), "unexpected error {:?}", err);
    }};
}

mod collections;
mod offers;
mod pause;
mod peers;
mod protocol;
mod setup;
mod take;
mod wiring;

/// Solidity call encodings used to reach the OfferBook through raw calls.
mod abi {
    #![allow(missing_docs)]
    alloy_sol_types::sol! {
        function take(uint256 offerId, uint256 tokenId, address borrower, address payee) external returns (address lender,
            address currency, address collection, uint256 principal, uint256 terms, uint256 auction,
            uint256 tipCap);
        function cancelOffer(uint256 offerId) external returns (uint256 refund);
        function pause() external;
        function setCurrency(address currency, uint256 tipCap) external;
    }
}
