//! `lien demo`: the embedded dev node, the packaged contracts, and the whole story.

use alloy::{
    network::EthereumWallet,
    providers::{DynProvider, Provider, ProviderBuilder},
    signers::local::PrivateKeySigner,
};
use lien_client::{
    package::{self, Artifact},
    protocol::ProtocolError,
    story::{self, Chain},
};
use stylus_devnode::{DevNode, NodeConfig, DEV_PRIVATE_KEY};

/// A chain reached over JSON-RPC at `url`, with the contracts packaged in `artifacts`.
pub struct RpcChain {
    /// JSON-RPC URL.
    pub url: String,
    /// The paying key.
    pub funder: PrivateKeySigner,
    /// Packaged contracts.
    pub artifacts: Vec<Artifact>,
}

impl Chain for RpcChain {
    fn provider(&self, signer: &PrivateKeySigner) -> DynProvider {
        ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer.clone()))
            .connect_http(self.url.parse().expect("a valid URL was checked at start"))
            .erased()
    }

    fn funder(&self) -> (PrivateKeySigner, DynProvider) {
        (self.funder.clone(), self.provider(&self.funder))
    }

    async fn increase_time(&self, seconds: u64) -> Result<(), ProtocolError> {
        let p = self.provider(&self.funder);
        let err = |e: alloy::transports::TransportError| {
            ProtocolError::Tx("time travel".into(), e.to_string())
        };
        let _: serde_json::Value = p
            .raw_request("evm_increaseTime".into(), (seconds,))
            .await
            .map_err(err)?;
        let _: serde_json::Value = p.raw_request("evm_mine".into(), ()).await.map_err(err)?;
        Ok(())
    }

    fn code(&self, name: &str) -> Option<&[u8]> {
        self.artifacts
            .iter()
            .find(|a| a.package == name)
            .map(|a| a.code.as_slice())
    }
}

/// Packages the contracts, starts the embedded dev node and runs the story.
pub async fn run() -> anyhow::Result<()> {
    let root = package::workspace_root();
    println!("packaging the contracts …");
    let artifacts = package::package_all(&root, &root.join("target/stylus"))?;
    print!("{}", package::size_table(&artifacts));
    let known = package::size_exceptions(&root);
    package::check_limits(&artifacts, &known)?;
    let mut config = NodeConfig::ephemeral();
    let largest = artifacts
        .iter()
        .map(|a| a.code.len())
        .max()
        .unwrap_or_default();
    if largest > config.max_code_size {
        // Like Nitro's --init.dev-max-code-size: only for contracts listed as known defects.
        println!("WARNING: {known:?} exceed Arbitrum's 24,576-byte code limit; this demo node raises it to {largest} bytes");
        config.max_code_size = largest;
    }
    let node = DevNode::start(config).await?;
    println!("embedded stylus-devnode at {}\n", node.url());
    let chain = RpcChain {
        url: node.url().to_owned(),
        funder: DEV_PRIVATE_KEY.parse()?,
        artifacts,
    };
    let summary = story::run(&chain).await;
    node.stop().await;
    let summary = summary?;
    println!("{}", summary.render());
    let total: u64 = summary.steps.iter().map(|(_, _, g)| g).sum();
    println!("{} transactions, {total} gas in all", summary.steps.len());
    Ok(())
}
