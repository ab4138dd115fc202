//! Node configuration: network address, chain parameters, mining mode, genesis funding.

use alloy::primitives::{address, Address, U256};
use std::{net::SocketAddr, time::Duration};

/// Chain id of `nitro --dev` ("arb-dev-test").
pub const NITRO_DEV_CHAIN_ID: u64 = 412_346;
/// Default HTTP port of Nitro.
pub const DEFAULT_PORT: u16 = 8547;
/// Arbitrum's code-size limit (EIP-170 value), the default of [`NodeConfig::max_code_size`].
pub const DEFAULT_MAX_CODE_SIZE: usize = 24_576;
/// The Nitro dev account, funded at genesis.
pub const DEV_ACCOUNT: Address = address!("0x3f1Eae7D46d88F08fc2F8ed27FCb2AB183EB2d0E");
/// Private key of [`DEV_ACCOUNT`] (public knowledge: it is Nitro's documented dev key).
pub const DEV_PRIVATE_KEY: &str =
    "0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659";
/// Constant base fee: Nitro's 0.1 gwei floor.
pub const BASE_FEE_WEI: u64 = 100_000_000;
/// Gas limit written into block headers (Nitro uses 2^50).
pub const HEADER_GAS_LIMIT: u64 = 1 << 50;
/// Largest gas limit of one transaction (Nitro's per-transaction limit from ArbOS 50).
pub const TX_GAS_CAP: u64 = 32_000_000;
/// Coinbase of every block: Nitro's sequencer/batch-poster marker address.
pub const COINBASE: Address = address!("0xA4B000000000000000000073657175656e636572");
/// Default cap on the size of one HTTP request body.
pub const DEFAULT_MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// How blocks are produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mining {
    /// One block per transaction, sealed as soon as the transaction executes.
    Auto,
    /// Transactions execute on arrival into an open block that is sealed every interval
    /// (no empty blocks while idle, like Nitro's sequencer).
    Interval(Duration),
}

/// Everything needed to start a node.
#[derive(Clone, Debug)]
pub struct NodeConfig {
    /// Address to listen on; port 0 picks an ephemeral port.
    pub listen: SocketAddr,
    /// Chain id.
    pub chain_id: u64,
    /// Block production mode.
    pub mining: Mining,
    /// Genesis balance of [`DEV_ACCOUNT`].
    pub dev_balance: U256,
    /// Extra accounts funded at genesis.
    pub extra_accounts: Vec<(Address, U256)>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest number of requests in one JSON-RPC batch.
    pub max_batch: usize,
    /// Genesis timestamp (seconds); `None` means the wall clock at start.
    pub genesis_timestamp: Option<u64>,
    /// Largest deployed code in bytes (EIP-170; init code may be twice as large). Arbitrum's
    /// is 24,576; like Nitro's `--init.dev-max-code-size`, a dev chain may raise it.
    pub max_code_size: usize,
    /// Wall-clock limit of one `eth_call` / `eth_estimateGas` (geth's `--rpc.evmtimeout`,
    /// default 5 s).
    pub evm_timeout: Duration,
    /// Most HTTP connections open at once; further clients wait in the listen backlog.
    pub max_connections: usize,
    /// Time a client has to send a request's headers (also closes idle keep-alive
    /// connections after this long).
    pub header_timeout: Duration,
    /// ArbOS version of the chain: 40, 50, 51, 59 or 60 (default 51, what Arbitrum One runs).
    pub arbos_version: u64,
}

/// Default of [`NodeConfig::arbos_version`]: the version Arbitrum One runs.
pub const DEFAULT_ARBOS_VERSION: u64 = stylus_vm::params::DEFAULT_ARBOS_VERSION;

/// Default of [`NodeConfig::evm_timeout`].
pub const DEFAULT_EVM_TIMEOUT: Duration = Duration::from_secs(5);
/// Default of [`NodeConfig::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 256;
/// Default of [`NodeConfig::header_timeout`].
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// 1 ether in wei.
pub fn ether(n: u64) -> U256 {
    // u64::MAX × 10^18 < 2^256: saturation never triggers, it only keeps the multiplication checked.
    U256::from(n).saturating_mul(U256::from(1_000_000_000_000_000_000u64))
}

impl Default for NodeConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], DEFAULT_PORT)),
            chain_id: NITRO_DEV_CHAIN_ID,
            mining: Mining::Auto,
            dev_balance: ether(1000),
            extra_accounts: Vec::new(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_batch: 1000,
            genesis_timestamp: None,
            max_code_size: DEFAULT_MAX_CODE_SIZE,
            evm_timeout: DEFAULT_EVM_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            arbos_version: DEFAULT_ARBOS_VERSION,
        }
    }
}

impl NodeConfig {
    /// A configuration for tests and embedding: loopback, ephemeral port, automine.
    pub fn ephemeral() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..Self::default()
        }
    }

    /// Adds an account funded at genesis.
    pub fn with_funded(mut self, account: Address, balance: U256) -> Self {
        self.extra_accounts.push((account, balance));
        self
    }

    /// Sets the ArbOS version (40, 50, 51, 59 or 60).
    pub fn with_arbos(mut self, version: u64) -> Self {
        self.arbos_version = version;
        self
    }

    /// Sets the mining mode.
    pub fn with_mining(mut self, mining: Mining) -> Self {
        self.mining = mining;
        self
    }
}
