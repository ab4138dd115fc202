//! The functions the Liquidator calls (signatures from docs/INTERFACES.md).
//!
//! Only the selectors are taken from these declarations; calldata and replies go through
//! `lien_contract_common::raw_abi` (every argument and result is a static word), which is
//! several KB smaller than `sol_interface!`'s generated encoders.
#![allow(missing_docs)] // sol! expands to items without docs; see INTERFACES.md

use alloy_sol_types::sol;

sol! {
    // ERC-20
    function transferFrom(address from, address to, uint256 value) external returns (bool);
    function balanceOf(address account) external view returns (uint256);
    // CollateralVault (LoanBook or Liquidator only)
    function release(address collection, uint256 tokenId, address to) external;
    // LoanBook (Liquidator only)
    function onAuctionSettled(uint256 loanId, uint256 proceeds, address buyer) external;
    // Chainlink L2 sequencer-uptime feed (answer 0 = up, 1 = down; startedAt = last change)
    function latestRoundData() external view returns (uint80 roundId, int256 answer,
        uint256 startedAt, uint256 updatedAt, uint80 answeredInRound);
}
