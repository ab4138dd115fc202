//! The minimal ArbSys, ArbInfo, ArbOwnerPublic, ArbGasInfo, ArbOwner, ArbDebug and ArbWasmCache.

use revm::context::{Block, Cfg, ContextTr};
use revm::context_interface::context::ContextError;
use revm::context_interface::JournalTr;
use revm::handler::evm::ContextDbError;
use revm::primitives::{keccak256, Address, Bytes, B256, U256};

use super::{Reply, STORAGE_READ_GAS, STORAGE_WRITE_GAS};
use crate::abi::{self, selector};
use crate::activation::{load_program, state_get, state_set, store_program};
use crate::evm::{CallFrame, StylusEvm};
use crate::params::{ARBOS_STATE, ARB_WASM_CACHE, CACHE_MANAGER, NETWORK_FEE_ACCOUNT};

const OWNERS: &str = "lien.arbos.chain_owners";
const CACHE_MANAGERS: &str = "lien.arbos.cache_managers";

fn slot(tag: &str, part: &str, key: &[u8]) -> U256 {
    let mut v = format!("{tag}.{part}").into_bytes();
    v.extend_from_slice(key);
    U256::from_be_bytes(keccak256(v).0)
}

fn word(v: u64) -> Bytes {
    abi::encode_words(&[abi::u64_word(v)])
}

/// Membership test of an address set kept in ArbOS state.
fn is_member<CTX: ContextTr>(
    ctx: &mut CTX,
    tag: &str,
    a: Address,
) -> Result<bool, ContextDbError<CTX>> {
    Ok(!state_get(ctx, slot(tag, "member", a.as_slice()))?.is_zero())
}

/// All members of an address set.
fn members<CTX: ContextTr>(ctx: &mut CTX, tag: &str) -> Result<Vec<Address>, ContextDbError<CTX>> {
    let len: u64 = state_get(ctx, slot(tag, "len", &[]))?.saturating_to();
    (0..len)
        .map(|i| {
            let v = state_get(ctx, slot(tag, "item", &i.to_be_bytes()))?;
            Ok(Address::from_word(B256::from(v.to_be_bytes::<32>())))
        })
        .collect()
}

/// Adds `a` to an address set (no-op when present).
fn add_member<CTX: ContextTr>(
    ctx: &mut CTX,
    tag: &str,
    a: Address,
) -> Result<(), ContextDbError<CTX>> {
    if is_member(ctx, tag, a)? {
        return Ok(());
    }
    let len: u64 = state_get(ctx, slot(tag, "len", &[]))?.saturating_to();
    state_set(
        ctx,
        slot(tag, "item", &len.to_be_bytes()),
        U256::from_be_bytes(a.into_word().0),
    )?;
    state_set(
        ctx,
        slot(tag, "len", &[]),
        U256::from(len.saturating_add(1)),
    )?;
    state_set(ctx, slot(tag, "member", a.as_slice()), U256::from(1u64))
}

/// Whether `a` is a chain owner.
pub fn is_chain_owner<CTX: ContextTr>(
    ctx: &mut CTX,
    a: Address,
) -> Result<bool, ContextDbError<CTX>> {
    is_member(ctx, OWNERS, a)
}

/// Makes `a` a chain owner (genesis setup and ArbDebug.becomeChainOwner).
pub fn add_chain_owner<CTX: ContextTr>(
    ctx: &mut CTX,
    a: Address,
) -> Result<(), ContextDbError<CTX>> {
    add_member(ctx, OWNERS, a)
}

/// The genesis storage that deploys the CacheManager: `(account, slot, value)` for its own
/// state and for its registration as a cache manager with ArbWasmCache (as Nitro's dev setup
/// does with `ArbOwner.addWasmCacheManager`). The ArbOS state account needs nonce 1.
pub fn cache_manager_genesis_state() -> Vec<(Address, U256, U256)> {
    let mut out: Vec<(Address, U256, U256)> = super::cache_manager::genesis_storage()
        .into_iter()
        .map(|(k, v)| (CACHE_MANAGER, k, v))
        .collect();
    let a = CACHE_MANAGER;
    out.push((
        ARBOS_STATE,
        slot(CACHE_MANAGERS, "item", &0u64.to_be_bytes()),
        U256::from_be_bytes(a.into_word().0),
    ));
    out.push((
        ARBOS_STATE,
        slot(CACHE_MANAGERS, "len", &[]),
        U256::from(1u64),
    ));
    out.push((
        ARBOS_STATE,
        slot(CACHE_MANAGERS, "member", a.as_slice()),
        U256::from(1u64),
    ));
    out
}

/// Marks the program of `codehash` cached or not (ArbWasmCache), emitting
/// `UpdateProgramCache(manager, codehash, cached)` when it changes. `Ok(Err(data))`: Nitro's
/// error (`ProgramNotActivated()`, `ProgramNeedsUpgrade(…)`, `ProgramExpired(…)`).
pub(super) fn set_program_cached<CTX: ContextTr>(
    ctx: &mut CTX,
    manager: Address,
    codehash: B256,
    cached: bool,
) -> Result<Result<(), Bytes>, ContextDbError<CTX>> {
    let Some(p) = load_program(ctx, codehash)? else {
        return Ok(Err(abi::encode_error("ProgramNotActivated()", &[])));
    };
    if p.cached == cached {
        return Ok(Ok(()));
    }
    store_program(ctx, codehash, &crate::activation::Program { cached, ..p })?;
    ctx.journal_mut().log(revm::primitives::Log::new_unchecked(
        ARB_WASM_CACHE,
        vec![
            keccak256("UpdateProgramCache(address,bytes32,bool)"),
            manager.into_word(),
            codehash,
        ],
        abi::encode_words(&[abi::bool_word(cached)]),
    ));
    Ok(Ok(()))
}

fn unauthorized() -> Reply {
    Reply::Revert(Bytes::new(), STORAGE_READ_GAS)
}

impl<CTX> StylusEvm<CTX>
where
    CTX: ContextTr + revm::interpreter::Host,
{
    pub(super) fn arb_sys(
        &mut self,
        sel: [u8; 4],
        args: &[u8],
    ) -> Result<Reply, ContextDbError<CTX>> {
        let ctx = &mut self.inner.ctx;
        Ok(if sel == selector("arbBlockNumber()") {
            Reply::Ok(word(ctx.block().number().saturating_to()), 0)
        } else if sel == selector("arbChainID()") {
            Reply::Ok(word(ctx.cfg().chain_id()), 0)
        } else if sel == selector("arbOSVersion()") {
            Reply::Ok(word(55 + self.runtime.params.arbos_version), 0)
        } else if sel == selector("arbBlockHash(uint256)") {
            let Ok(n) = abi::uint_arg(args, 0) else {
                return Ok(Reply::Revert(Bytes::new(), 0));
            };
            let hash =
                revm::interpreter::Host::block_hash(ctx, n.saturating_to()).unwrap_or_default();
            Reply::Ok(abi::encode_words(&[hash]), 0)
        } else if sel == selector("getStorageGasAvailable()") {
            Reply::Ok(word(0), 0)
        } else {
            Reply::Revert(Bytes::new(), 0)
        })
    }

    pub(super) fn arb_info(
        &mut self,
        sel: [u8; 4],
        args: &[u8],
    ) -> Result<Reply, ContextDbError<CTX>> {
        let Ok(a) = abi::address_arg(args, 0) else {
            return Ok(Reply::Revert(Bytes::new(), 0));
        };
        let acc = self
            .inner
            .ctx
            .journal_mut()
            .load_account_with_code(a)
            .map_err(ContextError::Db)?;
        Ok(if sel == selector("getBalance(address)") {
            Reply::Ok(abi::encode_words(&[abi::uint_word(acc.info.balance)]), 2600)
        } else if sel == selector("getCode(address)") {
            let code = acc
                .info
                .code
                .as_ref()
                .map(|c| c.original_bytes())
                .unwrap_or_default();
            let mut out =
                abi::encode_words(&[abi::u64_word(32), abi::u64_word(code.len() as u64)]).to_vec();
            out.extend_from_slice(&code);
            out.resize(64 + code.len().div_ceil(32) * 32, 0);
            Reply::Ok(out.into(), 2600)
        } else {
            Reply::Revert(Bytes::new(), 0)
        })
    }

    pub(super) fn arb_owner_public(
        &mut self,
        sel: [u8; 4],
        args: &[u8],
    ) -> Result<Reply, ContextDbError<CTX>> {
        let ctx = &mut self.inner.ctx;
        Ok(if sel == selector("getMaxStylusContractFragments()") {
            let n = self.runtime.params.max_fragment_count;
            Reply::Ok(word(n.into()), STORAGE_READ_GAS)
        } else if sel == selector("isChainOwner(address)") {
            let Ok(a) = abi::address_arg(args, 0) else {
                return Ok(Reply::Revert(Bytes::new(), 0));
            };
            Reply::Ok(
                abi::encode_words(&[abi::bool_word(is_chain_owner(ctx, a)?)]),
                STORAGE_READ_GAS,
            )
        } else if sel == selector("getAllChainOwners()") {
            Reply::Ok(
                abi::encode_address_array(&members(ctx, OWNERS)?),
                STORAGE_READ_GAS,
            )
        } else if sel == selector("getNetworkFeeAccount()") {
            Reply::Ok(
                abi::encode_words(&[abi::address_word(NETWORK_FEE_ACCOUNT)]),
                STORAGE_READ_GAS,
            )
        } else {
            Reply::Revert(Bytes::new(), 0)
        })
    }

    pub(super) fn arb_gas_info(&mut self, sel: [u8; 4]) -> Result<Reply, ContextDbError<CTX>> {
        let basefee = abi::u64_word(self.inner.ctx.block().basefee());
        let zero = abi::u64_word(0);
        Ok(if sel == selector("getPricesInWei()") {
            Reply::Ok(
                abi::encode_words(&[zero, zero, zero, basefee, zero, basefee]),
                STORAGE_READ_GAS,
            )
        } else if sel == selector("getMinimumGasPrice()") {
            Reply::Ok(abi::encode_words(&[basefee]), STORAGE_READ_GAS)
        } else if sel == selector("getL1BaseFeeEstimate()") {
            Reply::Ok(abi::encode_words(&[zero]), STORAGE_READ_GAS)
        } else {
            Reply::Revert(Bytes::new(), 0)
        })
    }

    pub(super) fn arb_owner(
        &mut self,
        call: &CallFrame,
        sel: [u8; 4],
        args: &[u8],
    ) -> Result<Reply, ContextDbError<CTX>> {
        let ctx = &mut self.inner.ctx;
        if !is_chain_owner(ctx, call.caller)? {
            return Ok(unauthorized());
        }
        Ok(if sel == selector("setL1PricePerUnit(uint256)") {
            let Ok(v) = abi::uint_arg(args, 0) else {
                return Ok(Reply::Revert(Bytes::new(), 0));
            };
            state_set(ctx, slot("lien.arbos", "l1_price_per_unit", &[]), v)?;
            Reply::Ok(Bytes::new(), STORAGE_WRITE_GAS)
        } else if sel == selector("addWasmCacheManager(address)") {
            let Ok(a) = abi::address_arg(args, 0) else {
                return Ok(Reply::Revert(Bytes::new(), 0));
            };
            add_member(ctx, CACHE_MANAGERS, a)?;
            Reply::Ok(Bytes::new(), STORAGE_WRITE_GAS)
        } else if sel == selector("addChainOwner(address)") {
            let Ok(a) = abi::address_arg(args, 0) else {
                return Ok(Reply::Revert(Bytes::new(), 0));
            };
            add_member(ctx, OWNERS, a)?;
            Reply::Ok(Bytes::new(), STORAGE_WRITE_GAS)
        } else if sel == selector("scheduleArbOSUpgrade(uint64,uint64)") {
            let (Ok(v), Ok(t)) = (abi::uint_arg(args, 0), abi::uint_arg(args, 1)) else {
                return Ok(Reply::Revert(Bytes::new(), 0));
            };
            state_set(ctx, slot("lien.arbos", "upgrade_version", &[]), v)?;
            state_set(ctx, slot("lien.arbos", "upgrade_time", &[]), t)?;
            Reply::Ok(Bytes::new(), STORAGE_WRITE_GAS)
        } else {
            Reply::Revert(Bytes::new(), 0)
        })
    }

    pub(super) fn arb_debug(
        &mut self,
        call: &CallFrame,
        sel: [u8; 4],
    ) -> Result<Reply, ContextDbError<CTX>> {
        if !self.runtime.params.debug_mode {
            return Ok(Reply::Revert(Bytes::new(), 0));
        }
        Ok(if sel == selector("becomeChainOwner()") {
            add_chain_owner(&mut self.inner.ctx, call.caller)?;
            Reply::Ok(Bytes::new(), STORAGE_WRITE_GAS)
        } else {
            Reply::Revert(Bytes::new(), 0)
        })
    }

    pub(super) fn arb_wasm_cache(
        &mut self,
        call: &CallFrame,
        sel: [u8; 4],
        args: &[u8],
    ) -> Result<Reply, ContextDbError<CTX>> {
        let ctx = &mut self.inner.ctx;
        if sel == selector("allCacheManagers()") {
            return Ok(Reply::Ok(
                abi::encode_address_array(&members(ctx, CACHE_MANAGERS)?),
                STORAGE_READ_GAS,
            ));
        }
        if sel == selector("isCacheManager(address)") {
            let Ok(a) = abi::address_arg(args, 0) else {
                return Ok(Reply::Revert(Bytes::new(), 0));
            };
            let v = is_member(ctx, CACHE_MANAGERS, a)?;
            return Ok(Reply::Ok(
                abi::encode_words(&[abi::bool_word(v)]),
                STORAGE_READ_GAS,
            ));
        }
        if sel == selector("codehashIsCached(bytes32)") {
            let Ok(h) = abi::word(args, 0) else {
                return Ok(Reply::Revert(Bytes::new(), 0));
            };
            let cached = load_program(ctx, h)?.is_some_and(|p| p.cached);
            return Ok(Reply::Ok(
                abi::encode_words(&[abi::bool_word(cached)]),
                STORAGE_READ_GAS,
            ));
        }
        let set = if sel == selector("cacheCodehash(bytes32)")
            || sel == selector("cacheProgram(address)")
        {
            true
        } else if sel == selector("evictCodehash(bytes32)") {
            false
        } else {
            return Ok(Reply::Revert(Bytes::new(), 0));
        };
        if !is_member(ctx, CACHE_MANAGERS, call.caller)? && !is_chain_owner(ctx, call.caller)? {
            return Ok(unauthorized());
        }
        let hash = if sel == selector("cacheProgram(address)") {
            let Ok(a) = abi::address_arg(args, 0) else {
                return Ok(Reply::Revert(Bytes::new(), 0));
            };
            ctx.journal_mut()
                .load_account_with_code(a)
                .map_err(ContextError::Db)?
                .info
                .code_hash
        } else {
            let Ok(h) = abi::word(args, 0) else {
                return Ok(Reply::Revert(Bytes::new(), 0));
            };
            h
        };
        match set_program_cached(ctx, call.caller, hash, set)? {
            Ok(()) => Ok(Reply::Ok(Bytes::new(), STORAGE_WRITE_GAS)),
            Err(e) => Ok(Reply::Revert(e, STORAGE_READ_GAS)),
        }
    }
}
