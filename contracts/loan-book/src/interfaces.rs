//! The Solidity interfaces the LoanBook calls (docs/INTERFACES.md).
#![allow(missing_docs)] // sol_interface! expands to items without docs; see INTERFACES.md
#![allow(clippy::too_many_arguments)] // ILiquidator.startAuction is fixed by INTERFACES.md

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use stylus_sdk::prelude::*;

sol_interface! {
    /// The three ERC-20 functions the LoanBook uses.
    interface IErc20 {
        function balanceOf(address account) external view returns (uint256);
        function transfer(address to, uint256 value) external returns (bool);
        function transferFrom(address from, address to, uint256 value) external returns (bool);
    }

    /// The price oracle (status: 0 Ok, 1 Uncertain, 2 Stale, 3 NoQuorum, 4 SequencerDown).
    interface IPriceOracle {
        function borrowPrice(address collection, uint256 token_id) external view returns (uint256 price, uint8 status);
        function liquidationPrice(address collection, uint256 token_id) external view returns (uint256 price, uint8 status);
    }

    /// What the LoanBook calls on the OfferBook.
    interface IOfferBook {
        function take(uint256 offer_id, uint256 token_id, address borrower) external returns (address lender,
            address currency, address collection, uint256 principal, uint256 terms, uint256 auction);
        function currencyInfo(address currency) external view returns (bool listed, uint256 tip_cap);
    }

    /// The collateral vault.
    interface ICollateralVault {
        function lock(address collection, uint256 token_id, address from, uint256 loan_id) external;
        function release(address collection, uint256 token_id, address to) external;
    }

    /// The Dutch-auction liquidator.
    interface ILiquidator {
        function startAuction(uint256 loan_id, address collection, uint256 token_id, address currency,
            uint256 debt, uint256 start_price, uint256 floor_price, uint64 step, uint16 cut_bps, uint64 tail)
            external returns (uint256);
        function cancel(uint256 auction_id) external;
        function closeUnsold(uint256 auction_id) external;
    }
}
