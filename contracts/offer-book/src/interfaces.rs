//! The Solidity interface the OfferBook calls (docs/INTERFACES.md).
#![allow(missing_docs)] // sol_interface! expands to items without docs; see INTERFACES.md

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use stylus_sdk::prelude::*;

sol_interface! {
    /// The three ERC-20 functions the OfferBook uses.
    interface IErc20 {
        function balanceOf(address account) external view returns (uint256);
        function transfer(address to, uint256 value) external returns (bool);
        function transferFrom(address from, address to, uint256 value) external returns (bool);
    }
}
