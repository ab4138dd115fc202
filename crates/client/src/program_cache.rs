//! Caching Stylus programs through the chain's CacheManager, as `cargo stylus cache bid` does:
//! the manager is the last of `ArbWasmCache.allCacheManagers()`, the bid is
//! `getMinBid(program)` (0 while the cache has room), sent with `placeBid(program)`. A cached
//! program's calls pay the cached entry cost instead of the init cost (Arbitrum One and the
//! dev node alike).

use alloy::{
    network::TransactionBuilder,
    primitives::{address, keccak256, Address, B256, U256},
    providers::Provider,
    rpc::types::TransactionRequest,
    sol,
    sol_types::SolCall,
};

/// The ArbWasmCache precompile.
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");

sol! {
    /// The part of ArbWasmCache caching needs.
    interface IArbWasmCache {
        function allCacheManagers() external view returns (address[] memory managers);
        function codehashIsCached(bytes32 codehash) external view returns (bool);
    }
    /// nitro-contracts' CacheManager (the part a bidder needs).
    interface ICacheManager {
        function placeBid(address program) external payable;
        function getMinBid(address program) external view returns (uint192 min);
        function cacheSize() external view returns (uint64);
        function queueSize() external view returns (uint64);
    }
}

/// What can go wrong while caching.
#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    /// The node refused or failed a request.
    #[error("rpc: {0}")]
    Rpc(String),
    /// ArbWasmCache lists no cache manager.
    #[error("the chain has no cache manager")]
    NoManager,
    /// The bid transaction reverted.
    #[error("the cache bid for {0} reverted (tx {1})")]
    Reverted(Address, B256),
}

fn rpc(e: impl std::fmt::Display) -> CacheError {
    CacheError::Rpc(e.to_string())
}

/// A placed bid.
#[derive(Clone, Copy, Debug)]
pub struct Bid {
    /// The program.
    pub program: Address,
    /// The manager bid at.
    pub manager: Address,
    /// Wei paid.
    pub bid: U256,
    /// Gas of the bid transaction (`None` when the program was already cached).
    pub gas_used: Option<u64>,
}

async fn call(provider: &impl Provider, to: Address, data: Vec<u8>) -> Result<Vec<u8>, CacheError> {
    let req = TransactionRequest::default().with_to(to).with_input(data);
    Ok(provider.call(req).await.map_err(rpc)?.to_vec())
}

/// The cache manager cargo-stylus uses: the last of `allCacheManagers()`.
pub async fn cache_manager(provider: &impl Provider) -> Result<Address, CacheError> {
    let out = call(
        provider,
        ARB_WASM_CACHE,
        IArbWasmCache::allCacheManagersCall {}.abi_encode(),
    )
    .await?;
    let managers = IArbWasmCache::allCacheManagersCall::abi_decode_returns(&out).map_err(rpc)?;
    managers.last().copied().ok_or(CacheError::NoManager)
}

/// Whether the program at `program` is cached.
pub async fn is_cached(provider: &impl Provider, program: Address) -> Result<bool, CacheError> {
    let code = provider.get_code_at(program).await.map_err(rpc)?;
    let out = call(
        provider,
        ARB_WASM_CACHE,
        IArbWasmCache::codehashIsCachedCall {
            codehash: keccak256(&code),
        }
        .abi_encode(),
    )
    .await?;
    IArbWasmCache::codehashIsCachedCall::abi_decode_returns(&out).map_err(rpc)
}

/// Caches `program` with the minimum bid (`getMinBid`), unless it is already cached.
pub async fn cache_program(provider: &impl Provider, program: Address) -> Result<Bid, CacheError> {
    let manager = cache_manager(provider).await?;
    if is_cached(provider, program).await? {
        return Ok(Bid {
            program,
            manager,
            bid: U256::ZERO,
            gas_used: None,
        });
    }
    let out = call(
        provider,
        manager,
        ICacheManager::getMinBidCall { program }.abi_encode(),
    )
    .await?;
    let min = ICacheManager::getMinBidCall::abi_decode_returns(&out).map_err(rpc)?;
    let bid = U256::from_limbs_slice(min.as_limbs());
    let tx = TransactionRequest::default()
        .with_to(manager)
        .with_value(bid)
        .with_input(ICacheManager::placeBidCall { program }.abi_encode());
    let receipt = provider
        .send_transaction(tx)
        .await
        .map_err(rpc)?
        .get_receipt()
        .await
        .map_err(rpc)?;
    if !receipt.status() {
        return Err(CacheError::Reverted(program, receipt.transaction_hash));
    }
    Ok(Bid {
        program,
        manager,
        bid,
        gas_used: Some(receipt.gas_used),
    })
}
