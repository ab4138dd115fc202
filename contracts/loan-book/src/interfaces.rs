//! The functions the LoanBook calls on its siblings and on tokens (docs/INTERFACES.md).
//!
//! Only the selectors are taken from these declarations; calldata and replies go through
//! `lien_contract_common::raw_abi` (all arguments and results are static words), which keeps
//! the contract several KB smaller than `sol_interface!`'s generated encoders.
#![allow(missing_docs)] // sol! expands to items without docs; see INTERFACES.md

use alloy_sol_types::sol;

sol! {
    // OfferBook
    function take(uint256 offerId, uint256 tokenId, address borrower, address payee) external returns (address lender,
        address currency, address collection, uint256 principal, uint256 terms, uint256 auction,
        uint256 tipCap);
    // price oracle (status: 0 Ok, 1 Uncertain, 2 Stale, 3 NoQuorum, 4 SequencerDown)
    function borrowQuote(address collection, uint256 tokenId) external view returns (uint256 price, uint8 status, uint32 multiplierBps);
    function liquidationFloor(address collection) external view returns (uint256 price, uint8 status);
    // collateral vault
    function lock(address collection, uint256 tokenId, address from, uint256 loanId) external;
    function release(address collection, uint256 tokenId, address to) external;
    // Dutch-auction liquidator
    function startAuction(uint256 loanId, address collection, uint256 tokenId, address currency,
        uint256 debt, uint256 startPrice, uint256 floorPrice, uint64 step, uint16 cutBps, uint64 tail)
        external returns (uint256);
    function cancel(uint256 auctionId) external;
    function closeUnsold(uint256 auctionId) external;
    // ERC-20
    function balanceOf(address account) external view returns (uint256);
    function transfer(address to, uint256 value) external returns (bool);
    function transferFrom(address from, address to, uint256 value) external returns (bool);
}
