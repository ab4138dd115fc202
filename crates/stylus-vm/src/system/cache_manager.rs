//! The CacheManager: Arbitrum's auction for places in the Stylus program cache, served natively
//! at [`CACHE_MANAGER`] with nitro-contracts' `CacheManager` interface and rules (facts read
//! from `src/chain/CacheManager.sol`; our own implementation).
//!
//! - A bid (`placeBid(address)`, payable) is `msg.value + block.timestamp × decay`; a program
//!   takes `max(codehashAsmSize, 4096)` bytes of the cache. When the queue would pass
//!   `cacheSize`, the lowest bids (ties: the lowest entry index) are evicted until it fits, and
//!   the new bid must be at least the last evicted bid (`BidTooSmall`). The new entry reuses the
//!   last evicted index, else is appended. The program is then cached through ArbWasmCache
//!   (`cacheProgram`), so its calls pay the cached entry cost instead of the init cost;
//!   evictions call `evictCodehash`.
//! - `getMinBid(uint64|bytes32|address)`: the bid needed now (the smallest bids that would be
//!   evicted, less the current decay term; 0 while the cache has room).
//! - Owner methods (chain owners, through ArbOwnerPublic): `setCacheSize`, `setDecayRate`,
//!   `paused`, `unpause`, `evictAll`, `evictPrograms`. `sweepFunds` sends the bids to the
//!   network fee account. Events `InsertBid`, `DeleteBid`, `SetCacheSize`, `SetDecayRate`,
//!   `Pause`, `Unpause`, errors as the contract's.
//!
//! State lives in the manager's own storage: cache size, queue size, decay, paused flag, and
//! the entries (`code`, then `bid << 64 | size`). Gas: EVM storage prices for those slots (cold
//! or warm, EIP-2200 stores) plus 2,600 per call into another system contract and that
//! contract's own charge; the set of bids is scanned instead of kept as a heap (same order).

use revm::context::{Block, ContextTr};
use revm::context_interface::context::ContextError;
use revm::context_interface::JournalTr;
use revm::handler::evm::ContextDbError;
use revm::primitives::{keccak256, Address, Bytes, Log, B256, U256};

use super::misc::{is_chain_owner, set_program_cached};
use super::{Reply, STORAGE_READ_GAS, STORAGE_WRITE_GAS};
use crate::abi::{self, selector};
use crate::evm::{CallFrame, StylusEvm};
use crate::params::{CACHE_MANAGER, NETWORK_FEE_ACCOUNT};

/// The cache size a Nitro chain's CacheManager is initialised with (512 MiB).
pub const INIT_CACHE_SIZE: u64 = 536_870_912;
/// The decay rate it is initialised with (wei per second of bid age).
pub const INIT_DECAY: u64 = 10_322_197_911;
/// Largest `makeSpace` request.
pub const MAX_MAKE_SPACE: u64 = 5 * 1024 * 1024;
/// Smallest size a program is counted at.
pub const MIN_CODESIZE: u64 = 4096;

const SLOT_CACHE_SIZE: u64 = 0;
const SLOT_QUEUE_SIZE: u64 = 1;
const SLOT_DECAY: u64 = 2;
const SLOT_PAUSED: u64 = 3;
const SLOT_LEN: u64 = 4;
/// Gas of one call into another system contract (cold account access).
const SYSTEM_CALL_GAS: u64 = 2_600;

/// The manager's storage at genesis: `(slot, value)`.
pub fn genesis_storage() -> Vec<(U256, U256)> {
    vec![
        (U256::from(SLOT_CACHE_SIZE), U256::from(INIT_CACHE_SIZE)),
        (U256::from(SLOT_DECAY), U256::from(INIT_DECAY)),
    ]
}

fn entry_slot(index: u64, part: u64) -> U256 {
    let base = U256::from_be_bytes(keccak256(b"lien.cache_manager.entries").0);
    base.wrapping_add(U256::from(index).wrapping_mul(U256::from(2u64)))
        .wrapping_add(U256::from(part))
}

/// One cache entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Entry {
    code: B256,
    size: u64,
    bid: U256,
}

fn u192_max() -> U256 {
    (U256::from(1u64) << 192) - U256::from(1u64)
}

fn err(sig: &str, words: &[B256]) -> Bytes {
    abi::encode_error(sig, words)
}

fn u64_arg(args: &[u8], i: usize) -> Option<u64> {
    abi::uint_arg(args, i)
        .ok()
        .and_then(|v| u64::try_from(v).ok())
}

/// Gas spent by one manager call (EVM storage prices).
#[derive(Default)]
struct Meter {
    gas: u64,
}

impl Meter {
    fn add(&mut self, gas: u64) {
        self.gas = self.gas.saturating_add(gas);
    }
}

/// An early end of a manager method: revert with data.
struct Revert(Bytes);

type Step<T, CTX> = Result<Result<T, Revert>, ContextDbError<CTX>>;

impl<CTX> StylusEvm<CTX>
where
    CTX: ContextTr + revm::interpreter::Host,
{
    fn cm_load(&mut self, m: &mut Meter, slot: U256) -> Result<U256, ContextDbError<CTX>> {
        let j = self.inner.ctx.journal_mut();
        j.load_account(CACHE_MANAGER).map_err(ContextError::Db)?;
        let r = j.sload(CACHE_MANAGER, slot).map_err(ContextError::Db)?;
        m.add(if r.is_cold { 2_100 } else { 100 });
        Ok(r.data)
    }

    fn cm_store(
        &mut self,
        m: &mut Meter,
        slot: U256,
        value: U256,
    ) -> Result<(), ContextDbError<CTX>> {
        let j = self.inner.ctx.journal_mut();
        j.load_account(CACHE_MANAGER).map_err(ContextError::Db)?;
        let r = j
            .sstore(CACHE_MANAGER, slot, value)
            .map_err(ContextError::Db)?;
        let (gas, _) = crate::program::sstore_cost(
            r.data.original_value,
            r.data.present_value,
            r.data.new_value,
            r.is_cold,
        );
        m.add(gas);
        Ok(())
    }

    fn cm_word(&mut self, m: &mut Meter, slot: u64) -> Result<u64, ContextDbError<CTX>> {
        Ok(self.cm_load(m, U256::from(slot))?.saturating_to())
    }

    fn cm_entry(&mut self, m: &mut Meter, index: u64) -> Result<Entry, ContextDbError<CTX>> {
        let code = self.cm_load(m, entry_slot(index, 0))?;
        let packed = self.cm_load(m, entry_slot(index, 1))?;
        Ok(Entry {
            code: B256::from(code.to_be_bytes::<32>()),
            size: (packed & U256::from(u64::MAX)).saturating_to(),
            bid: packed >> 64,
        })
    }

    fn cm_set_entry(
        &mut self,
        m: &mut Meter,
        index: u64,
        e: Entry,
    ) -> Result<(), ContextDbError<CTX>> {
        let packed = (e.bid << 64) | U256::from(e.size);
        self.cm_store(m, entry_slot(index, 0), U256::from_be_bytes(e.code.0))?;
        self.cm_store(m, entry_slot(index, 1), packed)
    }

    fn cm_log(&mut self, sig: &str, topics: &[B256], data: &[B256]) {
        let mut all = vec![keccak256(sig.as_bytes())];
        all.extend_from_slice(topics);
        self.inner.ctx.journal_mut().log(Log::new_unchecked(
            CACHE_MANAGER,
            all,
            abi::encode_words(data),
        ));
    }

    /// Live bids as `(bid, index)`, smallest first (the heap's order).
    fn cm_bids(&mut self, m: &mut Meter) -> Result<Vec<(U256, u64, Entry)>, ContextDbError<CTX>> {
        let len = self.cm_word(m, SLOT_LEN)?;
        let mut out = Vec::new();
        for i in 0..len {
            let e = self.cm_entry(m, i)?;
            if e.code != B256::ZERO {
                out.push((e.bid, i, e));
            }
        }
        out.sort_by_key(|e| (e.0, e.1));
        Ok(out)
    }

    fn cm_decay_term(&mut self, m: &mut Meter) -> Result<U256, ContextDbError<CTX>> {
        let decay = self.cm_word(m, SLOT_DECAY)?;
        let now: U256 = self.inner.ctx.block().timestamp();
        Ok(now.saturating_mul(U256::from(decay)))
    }

    /// `ArbWasm.codehashAsmSize` at least [`MIN_CODESIZE`], or ArbWasm's error.
    fn cm_asm_size(&mut self, m: &mut Meter, codehash: B256) -> Step<u64, CTX> {
        m.add(SYSTEM_CALL_GAS + STORAGE_READ_GAS);
        Ok(match self.active_program(codehash)? {
            Ok(p) => Ok((u64::from(p.asm_estimate_kb) * 1024).max(MIN_CODESIZE)),
            Err(e) => Err(Revert(e)),
        })
    }

    fn cm_codehash(&mut self, program: Address) -> Result<B256, ContextDbError<CTX>> {
        let acc = self
            .inner
            .ctx
            .journal_mut()
            .load_account_with_code(program)
            .map_err(ContextError::Db)?;
        Ok(if acc.info.is_empty() {
            B256::ZERO
        } else {
            acc.info.code_hash
        })
    }

    fn cm_delete_entry(
        &mut self,
        m: &mut Meter,
        bid: U256,
        index: u64,
    ) -> Result<(), ContextDbError<CTX>> {
        let e = self.cm_entry(m, index)?;
        m.add(SYSTEM_CALL_GAS + STORAGE_WRITE_GAS);
        let _ = set_program_cached(&mut self.inner.ctx, CACHE_MANAGER, e.code, false)?;
        let queue = self.cm_word(m, SLOT_QUEUE_SIZE)?;
        self.cm_store(
            m,
            U256::from(SLOT_QUEUE_SIZE),
            U256::from(queue.saturating_sub(e.size)),
        )?;
        self.cm_log(
            "DeleteBid(bytes32,uint192,uint64)",
            &[e.code],
            &[abi::uint_word(bid), abi::u64_word(e.size)],
        );
        self.cm_set_entry(m, index, Entry::default())
    }

    /// Evicts the lowest bids until `size` more bytes fit; returns the new bid and its index.
    fn cm_make_space(&mut self, m: &mut Meter, value: U256, size: u64) -> Step<(U256, u64), CTX> {
        let bid = value.saturating_add(self.cm_decay_term(m)?);
        if bid > u192_max() {
            return Ok(Err(Revert(err(
                "BidTooLarge(uint256)",
                &[abi::uint_word(bid)],
            ))));
        }
        let mut index = self.cm_word(m, SLOT_LEN)?;
        let mut min = U256::ZERO;
        let limit = self.cm_word(m, SLOT_CACHE_SIZE)?;
        let mut bids = self.cm_bids(m)?.into_iter();
        while self.cm_word(m, SLOT_QUEUE_SIZE)?.saturating_add(size) > limit {
            let Some((b, i, _)) = bids.next() else {
                // solady's MinHeapLib on an empty heap.
                return Ok(Err(Revert(err("HeapIsEmpty()", &[]))));
            };
            (min, index) = (b, i);
            self.cm_delete_entry(m, b, i)?;
        }
        if bid < min {
            return Ok(Err(Revert(err(
                "BidTooSmall(uint192,uint192)",
                &[abi::uint_word(bid), abi::uint_word(min)],
            ))));
        }
        Ok(Ok((bid, index)))
    }

    fn cm_min_bid(&mut self, m: &mut Meter, size: u64) -> Step<U256, CTX> {
        let cache_size = self.cm_word(m, SLOT_CACHE_SIZE)?;
        if size > cache_size {
            return Ok(Err(Revert(err(
                "AsmTooLarge(uint256,uint256,uint256)",
                &[
                    abi::u64_word(size),
                    abi::u64_word(0),
                    abi::u64_word(cache_size),
                ],
            ))));
        }
        let size = size.max(MIN_CODESIZE);
        let total = self.cm_word(m, SLOT_QUEUE_SIZE)?.saturating_add(size);
        if total <= cache_size {
            return Ok(Ok(U256::ZERO));
        }
        let mut need = total - cache_size;
        let k = need.div_ceil(MIN_CODESIZE) as usize;
        let mut min = U256::ZERO;
        for (bid, _, e) in self.cm_bids(m)?.into_iter().take(k) {
            if need <= e.size {
                min = bid;
                break;
            }
            need -= e.size;
        }
        let decay = self.cm_decay_term(m)?;
        Ok(Ok(if min < decay { U256::ZERO } else { min - decay }))
    }

    fn cm_only_owner(&mut self, m: &mut Meter, caller: Address) -> Step<(), CTX> {
        m.add(SYSTEM_CALL_GAS + STORAGE_READ_GAS);
        Ok(if is_chain_owner(&mut self.inner.ctx, caller)? {
            Ok(())
        } else {
            Err(Revert(err(
                "NotChainOwner(address)",
                &[abi::address_word(caller)],
            )))
        })
    }

    fn cm_place_bid(&mut self, m: &mut Meter, call: &CallFrame, program: Address) -> Step<(), CTX> {
        if self.cm_word(m, SLOT_PAUSED)? != 0 {
            return Ok(Err(Revert(err("BidsArePaused()", &[]))));
        }
        let codehash = self.cm_codehash(program)?;
        m.add(SYSTEM_CALL_GAS + STORAGE_READ_GAS);
        let cached = crate::activation::load_program(&mut self.inner.ctx, codehash)?
            .is_some_and(|p| p.cached);
        if cached {
            return Ok(Err(Revert(err("AlreadyCached(bytes32)", &[codehash]))));
        }
        let size = match self.cm_asm_size(m, codehash)? {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        let (bid, index) = match self.cm_make_space(m, call.value, size)? {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        };
        let (queue, cache_size) = (
            self.cm_word(m, SLOT_QUEUE_SIZE)?,
            self.cm_word(m, SLOT_CACHE_SIZE)?,
        );
        if queue.saturating_add(size) > cache_size {
            return Ok(Err(Revert(err(
                "AsmTooLarge(uint256,uint256,uint256)",
                &[
                    abi::u64_word(size),
                    abi::u64_word(queue),
                    abi::u64_word(cache_size),
                ],
            ))));
        }
        m.add(SYSTEM_CALL_GAS + STORAGE_WRITE_GAS);
        if let Err(e) = set_program_cached(&mut self.inner.ctx, CACHE_MANAGER, codehash, true)? {
            return Ok(Err(Revert(e)));
        }
        self.cm_store(
            m,
            U256::from(SLOT_QUEUE_SIZE),
            U256::from(queue.saturating_add(size)),
        )?;
        let len = self.cm_word(m, SLOT_LEN)?;
        if index == len {
            self.cm_store(m, U256::from(SLOT_LEN), U256::from(len.saturating_add(1)))?;
        }
        self.cm_set_entry(
            m,
            index,
            Entry {
                code: codehash,
                size,
                bid,
            },
        )?;
        self.cm_log(
            "InsertBid(bytes32,address,uint192,uint64)",
            &[codehash],
            &[
                abi::address_word(program),
                abi::uint_word(bid),
                abi::u64_word(size),
            ],
        );
        Ok(Ok(()))
    }

    fn cm_evict(&mut self, m: &mut Meter, count: U256) -> Result<(), ContextDbError<CTX>> {
        let mut left = count;
        for (bid, index, _) in self.cm_bids(m)? {
            if left.is_zero() {
                break;
            }
            self.cm_delete_entry(m, bid, index)?;
            left -= U256::from(1u64);
        }
        Ok(())
    }

    fn encode_entries(entries: &[Entry]) -> Bytes {
        let mut words = vec![abi::u64_word(32), abi::u64_word(entries.len() as u64)];
        for e in entries {
            words.extend([e.code, abi::u64_word(e.size), abi::uint_word(e.bid)]);
        }
        abi::encode_words(&words)
    }

    /// Serves a call to the CacheManager.
    pub(super) fn cache_manager(
        &mut self,
        call: &CallFrame,
        sel: [u8; 4],
        args: &[u8],
    ) -> Result<Reply, ContextDbError<CTX>> {
        let mut m = Meter::default();
        let payable = sel == selector("placeBid(address)") || sel == selector("makeSpace(uint64)");
        if !payable && !call.value.is_zero() {
            return Ok(Reply::Revert(Bytes::new(), 0));
        }
        let bad = || Ok(Reply::Revert(Bytes::new(), 0));
        let owner_only = [
            "setCacheSize(uint64)",
            "setDecayRate(uint64)",
            "paused()",
            "unpause()",
            "evictAll()",
            "evictPrograms(uint256)",
        ];
        if owner_only.iter().any(|s| sel == selector(s)) {
            if let Err(Revert(e)) = self.cm_only_owner(&mut m, call.caller)? {
                return Ok(Reply::Revert(e, m.gas));
            }
        }
        let out: Result<Bytes, Revert> = if sel == selector("cacheSize()") {
            Ok(word(self.cm_word(&mut m, SLOT_CACHE_SIZE)?))
        } else if sel == selector("queueSize()") {
            Ok(word(self.cm_word(&mut m, SLOT_QUEUE_SIZE)?))
        } else if sel == selector("decay()") {
            Ok(word(self.cm_word(&mut m, SLOT_DECAY)?))
        } else if sel == selector("isPaused()") {
            Ok(word(self.cm_word(&mut m, SLOT_PAUSED)?))
        } else if sel == selector("entries(uint256)") {
            let Some(i) = u64_arg(args, 0) else {
                return bad();
            };
            if i >= self.cm_word(&mut m, SLOT_LEN)? {
                // Solidity's out-of-bounds array access.
                Err(Revert(err("Panic(uint256)", &[abi::u64_word(0x32)])))
            } else {
                let e = self.cm_entry(&mut m, i)?;
                Ok(abi::encode_words(&[
                    e.code,
                    abi::u64_word(e.size),
                    abi::uint_word(e.bid),
                ]))
            }
        } else if sel == selector("getEntries()") {
            let len = self.cm_word(&mut m, SLOT_LEN)?;
            let mut all = Vec::new();
            for i in 0..len {
                all.push(self.cm_entry(&mut m, i)?);
            }
            Ok(Self::encode_entries(&all))
        } else if sel == selector("getSmallestEntries(uint256)") {
            let Ok(k) = abi::uint_arg(args, 0) else {
                return bad();
            };
            let k = usize::try_from(k).unwrap_or(usize::MAX);
            let smallest: Vec<Entry> = self
                .cm_bids(&mut m)?
                .into_iter()
                .take(k)
                .map(|(_, _, e)| e)
                .collect();
            Ok(Self::encode_entries(&smallest))
        } else if sel == selector("getMinBid(uint64)") {
            let Some(size) = u64_arg(args, 0) else {
                return bad();
            };
            self.cm_min_bid(&mut m, size)?
                .map(|b| abi::encode_words(&[abi::uint_word(b)]))
        } else if sel == selector("getMinBid(bytes32)") || sel == selector("getMinBid(address)") {
            let codehash = if sel == selector("getMinBid(address)") {
                let Ok(a) = abi::address_arg(args, 0) else {
                    return bad();
                };
                self.cm_codehash(a)?
            } else {
                let Ok(h) = abi::word(args, 0) else {
                    return bad();
                };
                h
            };
            match self.cm_asm_size(&mut m, codehash)? {
                Ok(size) => self
                    .cm_min_bid(&mut m, size)?
                    .map(|b| abi::encode_words(&[abi::uint_word(b)])),
                Err(e) => Err(e),
            }
        } else if sel == selector("placeBid(address)") {
            let Ok(program) = abi::address_arg(args, 0) else {
                return bad();
            };
            self.cm_place_bid(&mut m, call, program)?
                .map(|()| Bytes::new())
        } else if sel == selector("makeSpace(uint64)") {
            let Some(size) = u64_arg(args, 0) else {
                return bad();
            };
            if self.cm_word(&mut m, SLOT_PAUSED)? != 0 {
                Err(Revert(err("BidsArePaused()", &[])))
            } else if size > MAX_MAKE_SPACE {
                Err(Revert(err(
                    "MakeSpaceTooLarge(uint64,uint64)",
                    &[abi::u64_word(size), abi::u64_word(MAX_MAKE_SPACE)],
                )))
            } else {
                match self.cm_make_space(&mut m, call.value, size)? {
                    Ok(_) => {
                        let free = self
                            .cm_word(&mut m, SLOT_CACHE_SIZE)?
                            .saturating_sub(self.cm_word(&mut m, SLOT_QUEUE_SIZE)?);
                        Ok(word(free))
                    }
                    Err(e) => Err(e),
                }
            }
        } else if sel == selector("setCacheSize(uint64)") || sel == selector("setDecayRate(uint64)")
        {
            let Some(v) = u64_arg(args, 0) else {
                return bad();
            };
            let (slot, event) = if sel == selector("setCacheSize(uint64)") {
                (SLOT_CACHE_SIZE, "SetCacheSize(uint64)")
            } else {
                (SLOT_DECAY, "SetDecayRate(uint64)")
            };
            self.cm_store(&mut m, U256::from(slot), U256::from(v))?;
            self.cm_log(event, &[], &[abi::u64_word(v)]);
            Ok(Bytes::new())
        } else if sel == selector("paused()") || sel == selector("unpause()") {
            let pause = sel == selector("paused()");
            self.cm_store(&mut m, U256::from(SLOT_PAUSED), U256::from(u8::from(pause)))?;
            self.cm_log(if pause { "Pause()" } else { "Unpause()" }, &[], &[]);
            Ok(Bytes::new())
        } else if sel == selector("evictAll()") {
            self.cm_evict(&mut m, U256::MAX)?;
            let len = self.cm_word(&mut m, SLOT_LEN)?;
            for i in 0..len {
                self.cm_set_entry(&mut m, i, Entry::default())?;
            }
            self.cm_store(&mut m, U256::from(SLOT_LEN), U256::ZERO)?;
            Ok(Bytes::new())
        } else if sel == selector("evictPrograms(uint256)") {
            let Ok(count) = abi::uint_arg(args, 0) else {
                return bad();
            };
            self.cm_evict(&mut m, count)?;
            Ok(Bytes::new())
        } else if sel == selector("sweepFunds()") {
            let balance = self
                .inner
                .ctx
                .journal_mut()
                .load_account(CACHE_MANAGER)
                .map_err(ContextError::Db)?
                .info
                .balance;
            m.add(SYSTEM_CALL_GAS + 9_000);
            let failed = self
                .inner
                .ctx
                .journal_mut()
                .transfer(CACHE_MANAGER, NETWORK_FEE_ACCOUNT, balance)
                .map_err(ContextError::Db)?;
            match failed {
                None => Ok(Bytes::new()),
                Some(_) => Err(Revert(Bytes::new())),
            }
        } else {
            // initialize(uint64,uint64) and unknown selectors: the contract is initialised at
            // genesis and has no fallback.
            return bad();
        };
        Ok(match out {
            Ok(data) => Reply::Ok(data, m.gas),
            Err(Revert(data)) => Reply::Revert(data, m.gas),
        })
    }
}

fn word(v: u64) -> Bytes {
    abi::encode_words(&[abi::u64_word(v)])
}
