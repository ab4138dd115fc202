//! What every on-chain command shares: the global options, the signing provider, the
//! deployment file, typed errors and the transaction helper.

use std::path::{Path, PathBuf};

use alloy::{
    network::EthereumWallet,
    primitives::{Address, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
    sol,
};
use lien_client::protocol::Addresses;
use serde::{Deserialize, Serialize};

use crate::input::InputError;
use crate::keys::KeySource;

sol! {
    #[sol(rpc)]
    /// The optional ERC-20 metadata extension (only `decimals` is used).
    interface IERC20Decimals {
        function decimals() external view returns (uint8);
    }
}

/// Everything a command can fail with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input.
    #[error(transparent)]
    Input(#[from] InputError),
    /// The private key is not 32 hex bytes, or the keystore cannot be opened.
    #[error("bad private key: {0}")]
    Key(String),
    /// No key was given and the chain is not the local dev node (chain 412346), where the
    /// Nitro dev key is the default.
    #[error("no signing key for chain {0}: pass --key KEY, --keystore FILE [--password-file FILE] or set LIEN_PRIVATE_KEY (the Nitro dev key is the default only on the local dev node, chain 412346)")]
    NoKey(u64),
    /// The RPC URL does not parse.
    #[error("bad --rpc-url {0:?}")]
    Url(String),
    /// No deployment file where expected.
    #[error("no deployment file at {0} (run `lien deploy` first, or pass --deployment <file>)")]
    MissingDeployment(PathBuf),
    /// A deployment file that cannot be read.
    #[error("bad deployment file {0}: {1}")]
    BadDeployment(PathBuf, String),
    /// The deployment has no mock currency/collection and the command needs one.
    #[error("{0}")]
    Missing(String),
    /// A node / transport failure.
    #[error("{0}: {1}")]
    Rpc(String, String),
    /// A call or transaction reverted (with the decoded custom error).
    #[error("{0} failed: {1}")]
    Revert(String, String),
    /// A loan id that was never issued.
    #[error("unknown loan {0} (the loan book has {1} loans)")]
    UnknownLoan(U256, U256),
    /// An offer id that was never issued.
    #[error("unknown offer {0} (the offer book has {1} offers)")]
    UnknownOffer(U256, U256),
    /// A proposal id that was never issued.
    #[error("unknown proposal {0} (Governance has {1} proposals)")]
    UnknownProposal(U256, U256),
    /// Arithmetic that would overflow.
    #[error("arithmetic overflow while computing {0}")]
    Overflow(&'static str),
    /// Anything from the client library (packaging, deployment).
    #[error(transparent)]
    Client(#[from] anyhow::Error),
}

/// Result of a command.
pub type CliResult<T> = Result<T, CliError>;

/// Mock contracts deployed with `lien deploy --with-mocks` for local use.
#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Mocks {
    /// A mintable ERC-20 listed as a currency.
    pub currency: Address,
    /// A mintable ERC-721 listed as a collection.
    pub collection: Address,
}

/// The contents of `deployments/<network>.json`.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// Network name.
    pub network: String,
    /// Chain id.
    pub chain_id: u64,
    /// Protocol contracts.
    pub contracts: Addresses,
    /// Local mocks, when deployed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mocks: Option<Mocks>,
    /// The block after which the deployment's first transaction landed: where `lien indexer`
    /// starts (absent in files written before it was recorded: 0 then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_block: Option<u64>,
}

impl Deployment {
    /// Reads a deployment file.
    pub fn load(path: &Path) -> CliResult<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CliError::MissingDeployment(path.to_owned()),
            _ => CliError::BadDeployment(path.to_owned(), e.to_string()),
        })?;
        serde_json::from_str(&text)
            .map_err(|e| CliError::BadDeployment(path.to_owned(), e.to_string()))
    }

    /// Writes the deployment file (creating its folder).
    pub fn save(&self, path: &Path) -> CliResult<()> {
        let bad = |e: String| CliError::BadDeployment(path.to_owned(), e);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| bad(e.to_string()))?;
        }
        let text = serde_json::to_string_pretty(self).map_err(|e| bad(e.to_string()))? + "\n";
        std::fs::write(path, text).map_err(|e| bad(e.to_string()))
    }

    /// The mock collection and currency, or a clear error.
    pub fn mocks(&self) -> CliResult<Mocks> {
        self.mocks.ok_or_else(|| {
            CliError::Missing(
                "this deployment has no mock token/collection (deploy with --with-mocks)".into(),
            )
        })
    }
}

/// Options shared by every on-chain command.
#[derive(Clone, Debug, clap::Args)]
pub struct Globals {
    /// JSON-RPC endpoint (the local dev node by default).
    #[arg(
        long,
        global = true,
        default_value = "http://127.0.0.1:8547",
        env = "LIEN_RPC_URL"
    )]
    pub rpc_url: String,
    /// Private key that signs. Without --key or --keystore the Nitro dev key signs, but only
    /// when the RPC is the local dev node (chain 412346); elsewhere a key is required.
    #[arg(
        long,
        global = true,
        env = "LIEN_PRIVATE_KEY",
        hide_env_values = true,
        conflicts_with = "keystore"
    )]
    pub key: Option<String>,
    /// Encrypted Ethereum keystore (Web3 Secret Storage JSON, as written by `cast wallet
    /// import` or geth) whose key signs.
    #[arg(long, global = true, env = "LIEN_KEYSTORE", value_name = "FILE")]
    pub keystore: Option<PathBuf>,
    /// File holding the keystore's password (without it, the password is asked for on the
    /// terminal, hidden).
    #[arg(
        long,
        global = true,
        env = "LIEN_PASSWORD_FILE",
        value_name = "FILE",
        requires = "keystore"
    )]
    pub password_file: Option<PathBuf>,
    /// Deployment file with the contract addresses (default deployments/devnode.json; `lien
    /// deploy` writes deployments/<network>.json).
    #[arg(long, global = true, env = "LIEN_DEPLOYMENT")]
    pub deployment: Option<PathBuf>,
}

impl Globals {
    /// The deployment file path for `network` when `--deployment` is not given.
    pub fn deployment_path(&self, network: &str) -> PathBuf {
        self.deployment.clone().unwrap_or_else(|| {
            lien_client::package::workspace_root()
                .join("deployments")
                .join(format!("{network}.json"))
        })
    }

    /// Where the signing key comes from.
    pub fn key_source(&self) -> KeySource {
        KeySource {
            key: self.key.clone(),
            keystore: self.keystore.clone(),
            password_file: self.password_file.clone(),
        }
    }

    /// Connects: parses the URL, picks the key (asking the node for its chain id when none
    /// was given: the dev key only signs on chain 412346), builds a signing provider.
    pub async fn connect(&self) -> CliResult<Ctx> {
        let url = self
            .rpc_url
            .parse::<alloy::transports::http::reqwest::Url>()
            .map_err(|_| CliError::Url(self.rpc_url.clone()))?;
        let source = self.key_source();
        let chain_id = if source.is_given() {
            None
        } else {
            let plain = ProviderBuilder::new().connect_http(url.clone());
            Some(
                plain
                    .get_chain_id()
                    .await
                    .map_err(|e| CliError::Rpc("chain id".into(), e.to_string()))?,
            )
        };
        let signer: PrivateKeySigner = source.signer(chain_id)?;
        let provider = ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer.clone()))
            .connect_http(url)
            .erased();
        Ok(Ctx {
            me: signer.address(),
            provider,
            globals: self.clone(),
        })
    }
}

/// A connection with a signing key.
pub struct Ctx {
    /// The signer's address.
    pub me: Address,
    /// Provider signing with the key.
    pub provider: DynProvider,
    /// The options it came from.
    pub globals: Globals,
}

impl Ctx {
    /// The deployment (default network `devnode`).
    pub fn deployment(&self) -> CliResult<Deployment> {
        Deployment::load(&self.globals.deployment_path("devnode"))
    }

    /// Timestamp of the latest block.
    pub async fn now(&self) -> CliResult<u64> {
        let block = self
            .provider
            .get_block_by_number(Default::default())
            .await
            .map_err(|e| CliError::Rpc("latest block".into(), e.to_string()))?;
        block
            .map(|b| b.header.timestamp)
            .ok_or_else(|| CliError::Rpc("latest block".into(), "none".into()))
    }

    /// The token's `decimals()`, 18 when it does not answer.
    pub async fn decimals(&self, token: Address) -> u8 {
        IERC20Decimals::new(token, &self.provider)
            .decimals()
            .call()
            .await
            .unwrap_or(18)
    }
}

/// Maps a failed view call to a [`CliError`] with the decoded revert reason.
pub fn call_err(what: &str) -> impl Fn(alloy::contract::Error) -> CliError + '_ {
    move |e| match e.as_revert_data() {
        Some(_) => CliError::Revert(what.to_owned(), crate::revert::explain(&e)),
        None => CliError::Rpc(what.to_owned(), e.to_string()),
    }
}

/// The gas limit sent for an estimate: +25%. Node estimates are the exact minimum at the
/// simulated block, and a call whose cost depends on the block time (interest, auction
/// price) can need a little more one block later.
pub fn gas_with_headroom(estimate: u64) -> u64 {
    estimate.saturating_add(estimate / 4)
}

/// Sends a contract call with [`gas_with_headroom`], waits for its receipt, prints the hash
/// and gas, and evaluates to the gas used. Reverts (also at gas estimation) become
/// [`CliError::Revert`] with the decoded custom error.
#[macro_export]
macro_rules! tx {
    ($what:expr, $call:expr) => {{
        let what: String = $what.into();
        // Estimated at `pending`: the block the transaction lands in (a clock moved by
        // `evm_increaseTime` without a block since applies there, not at `latest`).
        let call = $call.block(::alloy::eips::BlockId::pending());
        let estimate = call
            .estimate_gas()
            .await
            .map_err($crate::ctx::call_err(&what))?;
        let pending = call
            .gas($crate::ctx::gas_with_headroom(estimate))
            .send()
            .await
            .map_err($crate::ctx::call_err(&what))?;
        let hash = *pending.tx_hash();
        let receipt = pending
            .get_receipt()
            .await
            .map_err(|e| $crate::ctx::CliError::Rpc(what.clone(), e.to_string()))?;
        if !receipt.status() {
            return Err($crate::ctx::CliError::Revert(
                what,
                format!("reverted on chain (tx {hash})"),
            )
            .into());
        }
        println!("{what}: tx {hash}, gas {}", receipt.gas_used);
        receipt.gas_used
    }};
}
