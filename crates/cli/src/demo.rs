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
    let started = std::time::Instant::now();
    let dir = lien_client::cache::stylus_dir(&root);
    println!("packaging the contracts into {} …", dir.display());
    let (artifacts, reused) = package::package_fresh(&root, &dir, &[], false)?;
    print!("{}", package::size_table(&artifacts));
    println!(
        "{} in {:.1} s",
        if reused {
            "reused the packaged contracts (sources unchanged)"
        } else {
            "built and packaged"
        },
        started.elapsed().as_secs_f64()
    );
    let known = package::size_exceptions(&root);
    package::check_limits_fragmented(&artifacts, &known, &package::fragment_packages(&root)?)?;
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
    let story_start = std::time::Instant::now();
    let summary = story::run_with_progress(&chain, Box::new(|line| println!("{line}"))).await;
    let story_time = story_start.elapsed();
    node.stop().await;
    let summary = summary?;
    println!("\n{}", summary.render());
    let total: u64 = summary.steps.iter().map(|(_, _, g)| g).sum();
    println!(
        "{} transactions, {total} gas in all; the story took {:.1} s",
        summary.steps.len(),
        story_time.as_secs_f64()
    );
    Ok(())
}
