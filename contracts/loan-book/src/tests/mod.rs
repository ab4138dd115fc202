//! motsu unit tests of the LoanBook, with a mock oracle and liquidator (see `mocks`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod flows;
mod governance;
mod mocks;
mod offers;
mod setup;

/// Solidity call encodings used to reach the LoanBook through raw calls.
mod abi {
    #![allow(missing_docs)]
    alloy_sol_types::sol! {
        function withdraw(address currency) external returns (uint256);
        function repay(uint256 loanId) external returns (uint256);
        function pause() external;
    }
}
