//! Arbitrum Stylus program runtime for revm 43 on wasmi 2.
//!
//! - [`code`]: the `EF F0 00 <dict>` program prefix and brotli (≤ 128 KiB);
//! - [`validate`]: Nitro's activation-time rules, one typed error per rule;
//! - [`instrument`]: ink meter, dynamic meter, depth checker, memory-grow hook;
//! - [`evm::StylusEvm`]: revm's mainnet EVM with Stylus frames, nested EVM↔Stylus calls and the
//!   native ArbOS system contracts (ArbWasm, StylusDeployer, …);
//! - [`api`]: build an EVM and run a transaction.

pub mod abi;
pub mod activation;
pub mod api;
pub mod code;
pub mod evm;
pub mod hooks;
pub mod instrument;
pub mod params;
pub mod pricing;
mod program;
pub mod runtime;
pub mod storage_cache;
pub mod system;
pub mod trace;
pub mod validate;

pub use api::{build_evm, genesis_accounts, transact, transact_commit};
pub use evm::StylusEvm;
pub use params::StylusParams;
pub use runtime::Runtime;
