//! Lien's client library.
//!
//! - [`package`]: builds every Stylus contract for wasm32 and turns it into deployable code
//!   (re-encoded, stripped, brotli-compressed, `EF F0 00 00`-prefixed), with a size table.
//! - [`fragments`]: ArbOS 60 multi-fragment programs (a root plus fragments) for contracts over
//!   one account's code size, and their deployment.
//! - [`nitro_rules`]: checks a module against the activation rules Nitro applies, so a
//!   contract that would be rejected on chain fails here first.
#![forbid(unsafe_code)]

pub mod abi;
pub mod abi_names;
pub mod auctions;
pub mod bindings;
pub mod cache;
pub mod deploy;
pub mod fragments;
pub mod gas_trace;
pub mod invariants;
pub mod nitro_rules;
pub mod package;
pub mod program_cache;
pub mod protocol;
pub mod story;
pub mod toolchain;
