//! Chain parameters of the Stylus runtime (Nitro's `StylusParams` as a dev chain sees them) and
//! the fixed addresses of the ArbOS system contracts.

use revm::primitives::{address, Address};

/// ArbWasm precompile.
pub const ARB_WASM: Address = address!("0000000000000000000000000000000000000071");
/// ArbWasmCache precompile.
pub const ARB_WASM_CACHE: Address = address!("0000000000000000000000000000000000000072");
/// ArbSys precompile.
pub const ARB_SYS: Address = address!("0000000000000000000000000000000000000064");
/// ArbInfo precompile.
pub const ARB_INFO: Address = address!("0000000000000000000000000000000000000065");
/// ArbOwnerPublic precompile.
pub const ARB_OWNER_PUBLIC: Address = address!("000000000000000000000000000000000000006b");
/// ArbGasInfo precompile.
pub const ARB_GAS_INFO: Address = address!("000000000000000000000000000000000000006c");
/// ArbOwner precompile (owner-only methods).
pub const ARB_OWNER: Address = address!("0000000000000000000000000000000000000070");
/// ArbDebug precompile (debug chains only).
pub const ARB_DEBUG: Address = address!("00000000000000000000000000000000000000ff");
/// The StylusDeployer, implemented natively at its canonical address.
pub const STYLUS_DEPLOYER: Address = address!("cEcba2F1DC234f70Dd89F2041029807F8D03A990");
/// The ArbOS state account; program records and runtime parameters live in its storage.
pub const ARBOS_STATE: Address = address!("A4B05FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF");
/// The network fee account that receives activation data fees.
pub const NETWORK_FEE_ACCOUNT: Address = address!("00000000000000000000000000000000000A4B05");
/// Batch poster address that Nitro reports as the block coinbase.
pub const BATCH_POSTER: Address = address!("A4B000000000000000000073657175656e636572");

/// The CacheManager, served natively at the address the Stylus dev tooling (stylus-tools'
/// devnet, cargo-stylus 0.10) gives a dev chain's manager; Arbitrum One's is
/// `0x51dEDBD2f190E0696AFbEE5E60bFdE96d86464ec`. Tools find it through
/// `ArbWasmCache.allCacheManagers()`.
pub const CACHE_MANAGER: Address = address!("2F8Bd4EaB69764c105aDd7dE7CB0402557a44E6f");

/// Every address whose calls the runtime serves natively.
pub const SYSTEM_CONTRACTS: [Address; 10] = [
    ARB_SYS,
    ARB_INFO,
    ARB_OWNER_PUBLIC,
    ARB_GAS_INFO,
    ARB_OWNER,
    ARB_WASM,
    ARB_WASM_CACHE,
    ARB_DEBUG,
    STYLUS_DEPLOYER,
    CACHE_MANAGER,
];

/// ArbOS versions the runtime models (see [`StylusParams::for_arbos`]).
pub const SUPPORTED_ARBOS_VERSIONS: [u64; 5] = [40, 50, 51, 59, 60];
/// The ArbOS version Arbitrum One runs ("Dia", since January 2026): the default.
pub const DEFAULT_ARBOS_VERSION: u64 = 51;
/// The first ArbOS version with multi-fragment programs (Nitro's
/// `ArbosVersion_StylusContractLimit`).
pub const FRAGMENTS_ARBOS_VERSION: u64 = 60;

/// Stylus parameters; the defaults are those of a Nitro dev chain at ArbOS 51 (what Arbitrum
/// One runs); [`StylusParams::for_arbos`] gives the other versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StylusParams {
    /// ArbOS version the chain runs (affects multi-value and the stack-depth default).
    pub arbos_version: u64,
    /// Current Stylus version (2 after the ArbOS 31 upgrade).
    pub version: u16,
    /// Ink per gas.
    pub ink_price: u32,
    /// Worst-case stack words a program may use (`stylus_stack_left` start value).
    pub max_stack_depth: u32,
    /// Pages every transaction gets for free.
    pub free_pages: u16,
    /// Gas per page beyond the free ones.
    pub page_gas: u16,
    /// Maximum pages open at once in a transaction.
    pub page_limit: u16,
    /// Minimum init gas, in units of 128 gas.
    pub min_init_gas: u8,
    /// Minimum cached init gas, in units of 32 gas.
    pub min_cached_init_gas: u8,
    /// Init cost scalar, percent ×2 (50 → the cost as computed).
    pub init_cost_scalar: u8,
    /// Cached cost scalar, percent ×2.
    pub cached_cost_scalar: u8,
    /// Days until an activation expires.
    pub expiry_days: u16,
    /// Days before a keepalive is allowed.
    pub keepalive_days: u16,
    /// Recent-wasm block cache size (ArbOS ≥ 60 only; reported by ArbWasm).
    pub block_cache_size: u16,
    /// Largest decompressed wasm accepted.
    pub max_wasm_size: u32,
    /// Most fragments a root may name (`MaxFragmentCount`: 2 from ArbOS 60, 0 before).
    pub max_fragment_count: u8,
    /// EIP-170 code size limit (includes the 4-byte Stylus prefix).
    pub max_code_size: usize,
    /// Debug chain: console/debug imports and ArbDebug are allowed.
    pub debug_mode: bool,
    /// Fixed gas burnt by `activateProgram`.
    pub activation_fixed_gas: u64,
    /// The ArbOS 59 activation-gas parameter (`ArbWasm.activationGas()`, 0 by default), burnt
    /// by `activateProgram` on top of the fixed gas.
    pub activation_gas: u64,
}

impl Default for StylusParams {
    fn default() -> Self {
        Self::for_arbos(DEFAULT_ARBOS_VERSION).expect("the default version is supported")
    }
}

impl StylusParams {
    /// The parameters of a Nitro dev chain at ArbOS `version` (one of
    /// [`SUPPORTED_ARBOS_VERSIONS`]), or `None` for another version:
    ///
    /// | ArbOS | Stylus | max stack depth | min init gas | multi-value | max wasm | other |
    /// |---|---|---|---|---|---|---|
    /// | 40 | 2 | 262,144 | 69 × 128 | accepted | 128 KiB | |
    /// | 50, 51 | 2 | 22,000 (the ArbOS 50 cap) | 69 × 128 | accepted | 128 KiB | out of gas in a storage flush is out-of-ink |
    /// | 59 | 3 | 22,000 | 72 × 128 | rejected | 128 KiB | `activationGas()` parameter |
    /// | 60 | 3 | 22,000 | 72 × 128 | rejected | 256 KiB | multi-fragment programs (roots of ≤ 2 fragments) |
    pub fn for_arbos(version: u64) -> Option<Self> {
        if !SUPPORTED_ARBOS_VERSIONS.contains(&version) {
            return None;
        }
        let stylus_v3 = version >= 59;
        Some(Self {
            arbos_version: version,
            version: if stylus_v3 { 3 } else { 2 },
            ink_price: 10_000,
            max_stack_depth: if version >= 50 { 22_000 } else { 4 * 65_536 },
            free_pages: 2,
            page_gas: 1000,
            page_limit: 128,
            min_init_gas: if stylus_v3 { 72 } else { 69 },
            min_cached_init_gas: 11,
            init_cost_scalar: 50,
            cached_cost_scalar: 50,
            expiry_days: 365,
            keepalive_days: 31,
            block_cache_size: 32,
            max_wasm_size: if version >= 60 {
                256 * 1024
            } else {
                128 * 1024
            },
            max_fragment_count: if version >= FRAGMENTS_ARBOS_VERSION {
                2
            } else {
                0
            },
            max_code_size: 24_576,
            debug_mode: true,
            activation_fixed_gas: 1_659_168,
            activation_gas: 0,
        })
    }

    /// Whether multi-value wasm is accepted (Stylus v2, ArbOS < 59).
    pub fn multi_value(&self) -> bool {
        self.arbos_version < 59
    }

    /// Whether the chain has the activation-gas parameter (ArbOS ≥ 59).
    pub fn has_activation_gas(&self) -> bool {
        self.arbos_version >= 59
    }

    /// Whether the chain has multi-fragment programs (ArbOS ≥ 60).
    pub fn has_fragments(&self) -> bool {
        self.arbos_version >= FRAGMENTS_ARBOS_VERSION
    }

    /// Whether `code` runs as a Stylus program when called (go-ethereum's
    /// `IsStylusDeployableProgramPrefix`): a classic program, or a root from ArbOS 60. Each
    /// prefix needs at least one byte after it.
    pub fn is_program_code(&self, code: &[u8]) -> bool {
        crate::code::is_stylus_program(code) || (self.has_fragments() && crate::code::is_root(code))
    }

    /// Arbitrum's EIP-3541 (go-ethereum's `IsStylusComponentPrefix`): new code starting with
    /// 0xEF is accepted only when it is program code ([`Self::is_program_code`]: a classic
    /// program, or a root from ArbOS 60) or, from ArbOS 60, a fragment (`EF F0 01`).
    pub fn code_allowed(&self, code: &[u8]) -> bool {
        match code {
            [0xEF, ..] => {
                self.is_program_code(code)
                    || (self.has_fragments() && crate::code::is_fragment(code))
            }
            _ => true,
        }
    }

    /// Gas → ink, saturating.
    pub fn gas_to_ink(&self, gas: u64) -> u64 {
        gas.saturating_mul(u64::from(self.ink_price))
    }

    /// Ink → gas, floor.
    pub fn ink_to_gas(&self, ink: u64) -> u64 {
        ink / u64::from(self.ink_price.max(1))
    }
}
