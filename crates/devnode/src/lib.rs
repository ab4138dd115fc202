//! stylus-devnode: a local Arbitrum chain that behaves like `nitro --dev` for wallets and tools.
//!
//! Embed it in-process:
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! let node = stylus_devnode::DevNode::start(stylus_devnode::NodeConfig::ephemeral()).await?;
//! println!("JSON-RPC at {}", node.url());
//! node.stop().await;
//! # Ok(()) }
//! ```
//! or run the `stylus-devnode` binary (127.0.0.1:8547, chain id 412346).

pub mod chain;
pub mod config;
pub mod error;
pub mod executor;
pub mod genesis;
pub mod rpc;
pub mod server;
pub mod txdecode;

pub use config::{Mining, NodeConfig, DEV_ACCOUNT, DEV_PRIVATE_KEY, NITRO_DEV_CHAIN_ID};
pub use server::DevNode;
