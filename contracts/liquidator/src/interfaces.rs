//! The other contracts the Liquidator calls (signatures from docs/INTERFACES.md).
#![allow(missing_docs)] // `sol_interface!` generates undocumented items

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use stylus_sdk::prelude::sol_interface;

sol_interface! {
    /// The part of ERC-20 a bid needs.
    interface IErc20 {
        function transferFrom(address from, address to, uint256 value) external returns (bool);
        function balanceOf(address account) external view returns (uint256);
    }

    /// The CollateralVault's release hook (LoanBook or Liquidator only).
    interface ICollateralVault {
        function release(address collection, uint256 token_id, address to) external;
    }

    /// The LoanBook's settlement hook (Liquidator only).
    interface ILoanBook {
        function onAuctionSettled(uint256 loan_id, uint256 proceeds, address buyer) external;
    }
}
