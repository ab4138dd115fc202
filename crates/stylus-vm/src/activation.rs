//! Activation: cost formulas, the data fee, and program records kept in chain state.

use revm::context::ContextTr;
use revm::context_interface::context::ContextError;
use revm::context_interface::journaled_state::account::JournaledAccountTr;
use revm::context_interface::JournalTr;
use revm::handler::evm::ContextDbError;
use revm::primitives::{keccak256, Address, B256, U256};

use crate::code::{self, CodeError};
use crate::params::{StylusParams, ARBOS_STATE};
use crate::validate::ModuleInfo;

/// Seconds since the Unix epoch of Arbitrum's epoch (2015-01-16), the base of `activatedAt`.
pub const ARBITRUM_START_TIME: u64 = 1_421_388_000;
/// Minimum data price in wei per byte of asm estimate.
pub const DATA_MIN_PRICE: u64 = 82_928_201;
/// Data pricer inertia.
pub const DATA_INERTIA: u64 = 21_360_419;
/// Bytes per second the data pricer forgives.
pub const DATA_BYTES_PER_SECOND: u64 = (1u64 << 40) / (365 * 24) / 3600;

/// The record Nitro keeps per codehash.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Program {
    /// Stylus version at activation.
    pub version: u16,
    /// Init cost (non-cached calls).
    pub init_cost: u16,
    /// Cached init cost.
    pub cached_cost: u16,
    /// Initial memory pages.
    pub footprint: u16,
    /// Hours since the Arbitrum epoch when activated (24 bits).
    pub activated_at: u32,
    /// Asm size estimate in KiB (24 bits).
    pub asm_estimate_kb: u32,
    /// Whether the program is in the (stub) wasm cache.
    pub cached: bool,
}

impl Program {
    /// Packs the record into one word: version[0:2] initCost[2:4] cachedCost[4:6]
    /// footprint[6:8] activatedAt[8:11] asmEstimateKb[11:14] cached[14].
    pub fn pack(&self) -> U256 {
        let mut w = [0u8; 32];
        w[0..2].copy_from_slice(&self.version.to_be_bytes());
        w[2..4].copy_from_slice(&self.init_cost.to_be_bytes());
        w[4..6].copy_from_slice(&self.cached_cost.to_be_bytes());
        w[6..8].copy_from_slice(&self.footprint.to_be_bytes());
        w[8..11].copy_from_slice(&self.activated_at.to_be_bytes()[1..]);
        w[11..14].copy_from_slice(&self.asm_estimate_kb.to_be_bytes()[1..]);
        w[14] = u8::from(self.cached);
        U256::from_be_bytes(w)
    }

    /// Inverse of [`Program::pack`].
    pub fn unpack(v: U256) -> Self {
        let w = v.to_be_bytes::<32>();
        let u24 = |b: &[u8]| u32::from_be_bytes([0, b[0], b[1], b[2]]);
        Self {
            version: u16::from_be_bytes([w[0], w[1]]),
            init_cost: u16::from_be_bytes([w[2], w[3]]),
            cached_cost: u16::from_be_bytes([w[4], w[5]]),
            footprint: u16::from_be_bytes([w[6], w[7]]),
            activated_at: u24(&w[8..11]),
            asm_estimate_kb: u24(&w[11..14]),
            cached: w[14] != 0,
        }
    }

    /// Hours since activation at `now_hours`.
    pub fn age_hours(&self, now_hours: u32) -> u32 {
        now_hours.saturating_sub(self.activated_at)
    }

    /// Whether the activation is older than the expiry.
    pub fn expired(&self, params: &StylusParams, now_hours: u32) -> bool {
        self.age_hours(now_hours) > u32::from(params.expiry_days).saturating_mul(24)
    }

    /// Gas charged on a non-cached call before the program runs.
    pub fn init_gas(&self, params: &StylusParams) -> u64 {
        let base = u64::from(params.min_init_gas).saturating_mul(128);
        let dynamic =
            (u64::from(self.init_cost) * u64::from(params.init_cost_scalar) * 2).div_ceil(100);
        base.saturating_add(dynamic)
    }

    /// Gas charged on a cached call (or any call at version > 1).
    pub fn cached_gas(&self, params: &StylusParams) -> u64 {
        let base = u64::from(params.min_cached_init_gas).saturating_mul(32);
        let dynamic =
            (u64::from(self.cached_cost) * u64::from(params.cached_cost_scalar) * 2).div_ceil(100);
        base.saturating_add(dynamic)
    }
}

/// Hours since the Arbitrum epoch for a unix timestamp.
pub fn hours_since_arbitrum(timestamp: u64) -> u32 {
    u32::try_from(timestamp.saturating_sub(ARBITRUM_START_TIME) / 3600).unwrap_or(u32::MAX)
        & 0xFF_FFFF
}

/// Init cost: funcs×8.252 + types×1.059 + wasmLen×0.1286.
pub fn init_cost(info: &ModuleInfo) -> u16 {
    let v = info
        .funcs
        .saturating_mul(82_520)
        .saturating_add(info.types.saturating_mul(10_590))
        .saturating_add(info.wasm_len.saturating_mul(1_286))
        / 10_000;
    u16::try_from(v).unwrap_or(u16::MAX)
}

/// Cached init cost: funcs×0.1342 + types×0.00089 + wasmLen×0.00122 + globals×1.628 +
/// data×0.75244 + footprint×5.
pub fn cached_cost(info: &ModuleInfo) -> u16 {
    let v = info
        .funcs
        .saturating_mul(13_420)
        .saturating_add(info.types.saturating_mul(89))
        .saturating_add(info.wasm_len.saturating_mul(122))
        .saturating_add(info.globals.saturating_mul(162_800))
        .saturating_add(info.data_bytes.saturating_mul(75_244))
        .saturating_add(u64::from(info.initial_pages).saturating_mul(500_000))
        / 100_000;
    u16::try_from(v).unwrap_or(u16::MAX)
}

/// Asm size estimate in bytes: 512000 + funcs×996.829 + types×11.416 + wasmLen×6.2628.
pub fn asm_estimate(info: &ModuleInfo) -> u32 {
    let v = 5_120_000_000u64
        .saturating_add(info.funcs.saturating_mul(9_968_290))
        .saturating_add(info.types.saturating_mul(114_160))
        .saturating_add(info.wasm_len.saturating_mul(62_628))
        / 10_000;
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// Compile gas: 28 gas per estimated µs of compilation.
pub fn compile_gas(info: &ModuleInfo) -> u64 {
    let us = info.wasm_len.saturating_mul(31_733) / 100_000
        + info.funcs.saturating_mul(17_263) / 100_000
        + info.data_bytes.saturating_mul(17_376) / 100_000
        + info.elem_entries.saturating_mul(17_376) / 100_000
        + u64::from(info.initial_pages).saturating_mul(2_217)
        + info.total_ops.saturating_mul(535) / 1_000;
    us.saturating_mul(28)
}

/// e^(bips/10000) in basis points by a 12-term Taylor series (Nitro's ApproxExpBasisPoints).
pub fn approx_exp_basis_points(bips: u64, accuracy: u64) -> u64 {
    const ONE: u128 = 10_000;
    let x = u128::from(bips);
    let mut res = ONE + x / u128::from(accuracy.max(1));
    let mut i = accuracy.saturating_sub(1);
    while i > 0 {
        res = ONE + res.saturating_mul(x) / (ONE * u128::from(i));
        i -= 1;
    }
    u64::try_from(res).unwrap_or(u64::MAX)
}

fn slot(tag: &str, key: &[u8]) -> U256 {
    let mut v = tag.as_bytes().to_vec();
    v.extend_from_slice(key);
    U256::from_be_bytes(keccak256(v).0)
}

/// Storage slot of the program record for `codehash`.
pub fn program_slot(codehash: B256) -> U256 {
    slot("lien.stylus.program", codehash.as_slice())
}

/// Storage slot of the module hash for `codehash`.
pub fn module_hash_slot(codehash: B256) -> U256 {
    slot("lien.stylus.module_hash", codehash.as_slice())
}

fn pricer_demand_slot() -> U256 {
    slot("lien.stylus.data_pricer.demand", &[])
}

fn pricer_time_slot() -> U256 {
    slot("lien.stylus.data_pricer.last_update", &[])
}

fn db_err<CTX: ContextTr>(e: <CTX::Db as revm::Database>::Error) -> ContextDbError<CTX> {
    ContextError::Db(e)
}

/// Reads a word of ArbOS state.
pub fn state_get<CTX: ContextTr>(ctx: &mut CTX, key: U256) -> Result<U256, ContextDbError<CTX>> {
    let j = ctx.journal_mut();
    j.load_account(ARBOS_STATE).map_err(db_err::<CTX>)?;
    Ok(j.sload(ARBOS_STATE, key).map_err(db_err::<CTX>)?.data)
}

/// Writes a word of ArbOS state (journaled: reverts with the transaction).
pub fn state_set<CTX: ContextTr>(
    ctx: &mut CTX,
    key: U256,
    value: U256,
) -> Result<(), ContextDbError<CTX>> {
    let j = ctx.journal_mut();
    let mut acc = j.load_account_mut(ARBOS_STATE).map_err(db_err::<CTX>)?;
    if acc.nonce() == 0 {
        // Keep the state account non-empty so EIP-161 never clears it.
        acc.bump_nonce();
    }
    drop(acc);
    j.sstore(ARBOS_STATE, key, value).map_err(db_err::<CTX>)?;
    Ok(())
}

/// The program record for `codehash`, if any.
pub fn load_program<CTX: ContextTr>(
    ctx: &mut CTX,
    codehash: B256,
) -> Result<Option<Program>, ContextDbError<CTX>> {
    let v = state_get(ctx, program_slot(codehash))?;
    Ok((!v.is_zero()).then(|| Program::unpack(v)))
}

/// Stores the program record for `codehash`.
pub fn store_program<CTX: ContextTr>(
    ctx: &mut CTX,
    codehash: B256,
    program: &Program,
) -> Result<(), ContextDbError<CTX>> {
    state_set(ctx, program_slot(codehash), program.pack())
}

/// Updates the data pricer with `asm_bytes` at `timestamp` and returns the fee in wei.
pub fn data_fee<CTX: ContextTr>(
    ctx: &mut CTX,
    asm_bytes: u32,
    timestamp: u64,
) -> Result<U256, ContextDbError<CTX>> {
    let demand: u64 = state_get(ctx, pricer_demand_slot())?.saturating_to();
    let last: u64 = state_get(ctx, pricer_time_slot())?.saturating_to();
    let passed = timestamp.saturating_sub(last.max(ARBITRUM_START_TIME.min(timestamp)));
    let credit = DATA_BYTES_PER_SECOND.saturating_mul(passed);
    let demand = demand
        .saturating_sub(credit)
        .saturating_add(u64::from(asm_bytes))
        .min(u64::from(u32::MAX));
    state_set(ctx, pricer_demand_slot(), U256::from(demand))?;
    state_set(ctx, pricer_time_slot(), U256::from(timestamp))?;
    let exponent = demand.saturating_mul(10_000) / DATA_INERTIA;
    let multiplier = approx_exp_basis_points(exponent, 12);
    let price =
        U256::from(DATA_MIN_PRICE).saturating_mul(U256::from(multiplier)) / U256::from(10_000u64);
    Ok(price.saturating_mul(U256::from(asm_bytes)))
}

/// Gas of reading a cold fragment account (EIP-2929's cold account access).
pub const FRAGMENT_COLD_GAS: u64 = 2_600;
/// Gas of reading a warm fragment account.
pub const FRAGMENT_WARM_GAS: u64 = 100;
/// Gas per 32-byte word of fragment code copied.
pub const FRAGMENT_COPY_GAS_PER_WORD: u64 = 3;

/// What activation pays to read one fragment of `code_len` bytes (prefix included): 2,600 gas
/// cold or 100 warm, plus 3 per word (Nitro's `fragmentReadGasCost`).
pub fn fragment_read_gas(warm: bool, code_len: u64) -> u64 {
    let access = if warm {
        FRAGMENT_WARM_GAS
    } else {
        FRAGMENT_COLD_GAS
    };
    access.saturating_add(
        code_len
            .div_ceil(32)
            .saturating_mul(FRAGMENT_COPY_GAS_PER_WORD),
    )
}

/// Why activation could not read a program's wasm.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WasmError {
    /// No code, or (ArbOS ≥ 60) code with none of the Stylus prefixes: ArbWasm's
    /// `ProgramNotWasm()`.
    #[error("program is not wasm")]
    NotWasm,
    /// The gas left cannot pay a fragment read (all gas is taken).
    #[error("out of gas reading fragments")]
    OutOfGas,
    /// The code or its fragments break a rule (Nitro reverts without data, keeping the gas
    /// not yet spent).
    #[error(transparent)]
    Code(#[from] CodeError),
}

/// Gas spent so far by an activation, against its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GasMeter {
    /// Gas spent.
    pub spent: u64,
    /// Gas available in all.
    pub limit: u64,
}

impl GasMeter {
    /// Gas not yet spent.
    pub fn left(&self) -> u64 {
        self.limit.saturating_sub(self.spent)
    }

    /// Spends `gas`, or spends everything and fails when it is more than what is left.
    pub fn burn(&mut self, gas: u64) -> Result<(), WasmError> {
        if gas > self.left() {
            self.spent = self.limit;
            return Err(WasmError::OutOfGas);
        }
        self.spent += gas;
        Ok(())
    }
}

/// The wasm `activateProgram` compiles for an account holding `code` (Nitro's `getWasm` with a
/// fragment-read charger): a classic program is decompressed; from ArbOS 60 a root's fragments
/// are read in order — each first checked affordable at the largest code size
/// (`params.max_code_size`), then charged [`fragment_read_gas`] for its real size and warmed —
/// stripped of `EF F0 01`, concatenated and decompressed to exactly the root's declared length.
/// Limits: the declared length ≤ `MaxWasmSize`, 1 ≤ fragments ≤ `MaxFragmentCount`, every
/// fragment a fragment, dictionary 0. A fragment cannot be activated itself.
pub fn activation_wasm<CTX: ContextTr>(
    ctx: &mut CTX,
    code: &[u8],
    params: &StylusParams,
    gas: &mut GasMeter,
) -> Result<Result<Vec<u8>, WasmError>, ContextDbError<CTX>> {
    if code.is_empty() {
        return Ok(Err(WasmError::NotWasm));
    }
    if code::is_stylus_program(code) {
        return Ok(code::decode_program(code, params.max_wasm_size as usize).map_err(Into::into));
    }
    if !params.has_fragments() {
        return Ok(Err(CodeError::NotClassic.into()));
    }
    if code::is_fragment(code) {
        return Ok(Err(CodeError::FragmentActivatedDirectly.into()));
    }
    if !code::is_root(code) {
        return Ok(Err(WasmError::NotWasm));
    }
    let root = match code::parse_root(code) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e.into())),
    };
    if root.decompressed_len > params.max_wasm_size {
        return Ok(Err(CodeError::DeclaredTooLarge {
            declared: root.decompressed_len,
            limit: params.max_wasm_size,
        }
        .into()));
    }
    if root.fragments.len() > usize::from(params.max_fragment_count) {
        return Ok(Err(CodeError::TooManyFragments {
            count: root.fragments.len(),
            limit: params.max_fragment_count,
        }
        .into()));
    }
    root_wasm(ctx, &root, params, Some(gas))
}

/// The wasm of a root whose fragments are read from the journal: charged and checked against
/// the largest code size when `gas` is given (activation), free otherwise (a call recompiling
/// an activated root whose module left the cache: Nitro reads the fragments without charge
/// there).
pub fn root_wasm<CTX: ContextTr>(
    ctx: &mut CTX,
    root: &code::Root,
    params: &StylusParams,
    mut gas: Option<&mut GasMeter>,
) -> Result<Result<Vec<u8>, WasmError>, ContextDbError<CTX>> {
    if root.fragments.is_empty() {
        return Ok(Err(CodeError::NoFragments.into()));
    }
    let mut compressed = Vec::new();
    for &address in &root.fragments {
        // Nitro checks that a read of the largest code is affordable before touching the
        // account: the load happens in a checkpoint that is reverted (un-warming the account)
        // when it is not.
        let checkpoint = ctx.journal_mut().checkpoint();
        let (fragment, cold) = fragment_code(ctx, address)?;
        if let Some(gas) = gas.as_deref_mut() {
            let most = fragment_read_gas(!cold, params.max_code_size as u64);
            if most > gas.left() {
                ctx.journal_mut().checkpoint_revert(checkpoint);
                gas.spent = gas.limit;
                return Ok(Err(WasmError::OutOfGas));
            }
            if let Err(e) = gas.burn(fragment_read_gas(!cold, fragment.len() as u64)) {
                ctx.journal_mut().checkpoint_commit();
                return Ok(Err(e));
            }
        }
        ctx.journal_mut().checkpoint_commit();
        match code::fragment_payload(address, &fragment) {
            Ok(payload) => compressed.extend_from_slice(payload),
            Err(e) => return Ok(Err(e.into())),
        }
    }
    Ok(code::decode_fragments(root, &compressed).map_err(Into::into))
}

/// The code at `address` and whether the account was cold (it is warm afterwards).
fn fragment_code<CTX: ContextTr>(
    ctx: &mut CTX,
    address: Address,
) -> Result<(revm::primitives::Bytes, bool), ContextDbError<CTX>> {
    let acc = ctx
        .journal_mut()
        .load_account_with_code(address)
        .map_err(db_err::<CTX>)?;
    let code = acc
        .info
        .code
        .as_ref()
        .map(|c| c.original_bytes())
        .unwrap_or_default();
    Ok((code, acc.is_cold))
}

/// The wasm of program `code` for running it (no charges, no activation limits): a classic
/// program decompressed, or a root's fragments read and decompressed.
pub fn program_wasm<CTX: ContextTr>(
    ctx: &mut CTX,
    code: &[u8],
    params: &StylusParams,
) -> Result<Result<Vec<u8>, WasmError>, ContextDbError<CTX>> {
    if code::is_root(code) && params.has_fragments() {
        let root = match code::parse_root(code) {
            Ok(r) => r,
            Err(e) => return Ok(Err(e.into())),
        };
        return root_wasm(ctx, &root, params, None);
    }
    Ok(code::decode_program(code, params.max_wasm_size as usize).map_err(Into::into))
}
