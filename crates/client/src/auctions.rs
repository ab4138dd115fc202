//! Finding live auctions. The Liquidator keeps no on-chain list of them (issue 15: the list
//! cost a fresh storage slot at every liquidation and a swap-remove at every end), so a client
//! scans `auction(id)` for ids `1..=auctionCount()` — view calls, free off-chain — or follows
//! the events (`AuctionStarted` minus `AuctionSettled`, `AuctionCancelled`,
//! `AuctionClosedUnsold`).

use alloy::{contract::Error, primitives::U256, providers::Provider};

use crate::bindings::ILiquidator::ILiquidatorInstance;

/// The Liquidator's status code of a live auction (it may be expired, awaiting `closeUnsold`).
pub const LIVE: u8 = 1;

/// Ids of the live auctions (expired ones included), ascending.
pub async fn live_auctions<P: Provider>(liq: &ILiquidatorInstance<P>) -> Result<Vec<U256>, Error> {
    let count = liq.auctionCount().call().await?;
    let mut live = Vec::new();
    let mut id = U256::from(1u8);
    while id <= count {
        if liq.auction(id).call().await?.status == LIVE {
            live.push(id);
        }
        id += U256::from(1u8);
    }
    Ok(live)
}
