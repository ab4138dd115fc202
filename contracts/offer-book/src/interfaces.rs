//! The ERC-20 functions the OfferBook calls (docs/INTERFACES.md).
//!
//! Only the selectors are taken from these declarations; calldata and replies go through
//! `lien_contract_common::raw_abi`, which keeps the contract smaller than `sol_interface!`.
#![allow(missing_docs)] // sol! expands to items without docs

use alloy_sol_types::sol;

sol! {
    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}
