//! The Liquidator's events: one per state change, with everything a keeper or indexer needs.

use alloy_sol_types::sol;

sol! {
    /// The LoanBook address was wired (once).
    #[derive(Debug, PartialEq, Eq)]
    event LoanBookSet(address indexed loanBook);
    /// The CollateralVault address was wired (once).
    #[derive(Debug, PartialEq, Eq)]
    event VaultSet(address indexed vault);
    /// The sequencer-uptime feed whose outages stop the auction clocks was set (zero: none).
    #[derive(Debug, PartialEq, Eq)]
    event SequencerFeedSet(address indexed feed, uint64 grace);
    /// An auction started; every parameter here is frozen for its lifetime.
    /// `endTime = startTime + tail` is the first second at which bids are refused.
    #[derive(Debug, PartialEq, Eq)]
    event AuctionStarted(
        uint256 indexed auctionId,
        uint256 indexed loanId,
        address indexed collection,
        uint256 tokenId,
        address currency,
        uint256 debt,
        uint256 startPrice,
        uint256 floorPrice,
        uint64 startTime,
        uint64 step,
        uint16 cutBps,
        uint64 tail,
        uint64 endTime
    );
    /// A bid bought the NFT at `price`; the proceeds went to the LoanBook.
    #[derive(Debug, PartialEq, Eq)]
    event AuctionSettled(
        uint256 indexed auctionId,
        uint256 indexed loanId,
        address indexed buyer,
        uint256 price
    );
    /// The LoanBook cancelled the auction (the borrower repaid).
    #[derive(Debug, PartialEq, Eq)]
    event AuctionCancelled(uint256 indexed auctionId, uint256 indexed loanId);
    /// The tail passed without a bid and the LoanBook closed the auction (foreclosure).
    #[derive(Debug, PartialEq, Eq)]
    event AuctionClosedUnsold(uint256 indexed auctionId, uint256 indexed loanId);
}
