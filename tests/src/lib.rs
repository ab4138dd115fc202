//! The end-to-end harness: a node (the embedded dev node, or any node named by
//! `LIEN_RPC_URL` with a funded key in `LIEN_PRIVATE_KEY`), funded accounts, the packaged
//! contracts, and time travel where the node supports it.
#![forbid(unsafe_code)]

use std::sync::OnceLock;

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
};
use lien_client::package::{self, Artifact};
use stylus_devnode::{DevNode, NodeConfig, DEV_PRIVATE_KEY};

pub mod direct;
pub mod state;

/// Sends a contract call with 25 % gas headroom (what the client and CLI add) and asserts
/// that it succeeded; evaluates to the receipt.
#[macro_export]
macro_rules! ok {
    ($call:expr) => {{
        let call = $call;
        let estimate = call.estimate_gas().await.expect("estimate");
        let receipt = call
            .gas(estimate + estimate / 4)
            .send()
            .await
            .expect("send")
            .get_receipt()
            .await
            .expect("receipt");
        assert!(receipt.status(), "{} reverted", stringify!($call));
        receipt
    }};
}

/// Calls (does not send) a contract call that must revert and evaluates to its revert data
/// decoded against the error enum `$errors`; panics when it succeeds or the data is not one of
/// `$errors`.
#[macro_export]
macro_rules! refused {
    ($errors:ty, $call:expr) => {{
        let Err(e) = $call.call().await else {
            panic!("{} must revert", stringify!($call));
        };
        let data = e.as_revert_data().expect("revert data");
        e.as_decoded_interface_error::<$errors>()
            .unwrap_or_else(|| panic!("{}: undecodable revert {data}", stringify!($call)))
    }};
}

/// A running node and the key that funds everything else.
pub struct Harness {
    /// JSON-RPC URL.
    pub url: String,
    /// The funder (the Nitro dev account on the dev node).
    pub funder: PrivateKeySigner,
    node: Option<DevNode>,
}

impl Harness {
    /// Starts an embedded dev node, or connects to `LIEN_RPC_URL` when set.
    pub async fn start() -> Self {
        match std::env::var("LIEN_RPC_URL") {
            Ok(url) => {
                let key = std::env::var("LIEN_PRIVATE_KEY")
                    .unwrap_or_else(|_| DEV_PRIVATE_KEY.to_owned());
                Self {
                    url,
                    funder: key.parse().expect("LIEN_PRIVATE_KEY"),
                    node: None,
                }
            }
            Err(_) => {
                // The node keeps Arbitrum's 24,576-byte code limit. Only a contract listed in
                // contracts/size-exceptions.txt (a known, open defect) makes it raise the limit,
                // like Nitro's --init.dev-max-code-size, and only as far as that contract needs.
                let mut config = NodeConfig::ephemeral();
                let known = package::size_exceptions(&package::workspace_root());
                let largest = artifacts()
                    .iter()
                    .filter(|a| known.iter().any(|(name, _)| *name == a.package))
                    .map(|a| a.code.len())
                    .max()
                    .unwrap_or_default();
                config.max_code_size = config.max_code_size.max(largest);
                let node = DevNode::start(config).await.expect("dev node starts");
                Self {
                    url: node.url().to_owned(),
                    funder: DEV_PRIVATE_KEY.parse().expect("dev key"),
                    node: Some(node),
                }
            }
        }
    }

    /// The embedded dev node (`None` when the tests run against `LIEN_RPC_URL`).
    pub fn node(&self) -> Option<&DevNode> {
        self.node.as_ref()
    }

    /// Whether the node offers the anvil-style time controls (the embedded dev node does).
    pub fn can_time_travel(&self) -> bool {
        self.node.is_some()
    }

    /// A provider that signs with `signer`.
    pub fn provider(&self, signer: &PrivateKeySigner) -> DynProvider {
        ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer.clone()))
            .connect_http(self.url.parse().expect("url"))
            .erased()
    }

    /// A fresh account holding `eth` ether, funded by the funder.
    pub async fn account(&self, eth: u64) -> PrivateKeySigner {
        let signer = PrivateKeySigner::random();
        let tx = TransactionRequest::default()
            .with_to(signer.address())
            .with_value(U256::from(eth) * U256::from(10u64).pow(U256::from(18u64)));
        let receipt = self
            .provider(&self.funder)
            .send_transaction(tx)
            .await
            .expect("fund")
            .get_receipt()
            .await
            .expect("receipt");
        assert!(receipt.status(), "funding {}", signer.address());
        signer
    }

    /// Moves the node's clock forward by `seconds` and mines a block (dev node only).
    pub async fn increase_time(&self, seconds: u64) {
        assert!(self.can_time_travel(), "time travel needs the dev node");
        let p = self.provider(&self.funder);
        let _: serde_json::Value = p
            .raw_request("evm_increaseTime".into(), (seconds,))
            .await
            .expect("evm_increaseTime");
        let _: serde_json::Value = p
            .raw_request("evm_mine".into(), ())
            .await
            .expect("evm_mine");
    }

    /// The latest block's timestamp.
    pub async fn now(&self) -> u64 {
        let p = self.provider(&self.funder);
        let block = p
            .get_block_by_number(Default::default())
            .await
            .expect("block")
            .expect("latest block");
        block.header.timestamp
    }
}

/// Every contract, read once per test process from the shared artifacts folder
/// (`target/stylus` or `$LIEN_STYLUS_DIR`, see `lien_client::cache`): packaged there by
/// `lien package` (the first step of scripts/test.sh) or on first use, and reused while the
/// contracts' sources are unchanged.
pub fn artifacts() -> &'static [Artifact] {
    static ARTIFACTS: OnceLock<Vec<Artifact>> = OnceLock::new();
    ARTIFACTS.get_or_init(|| {
        package::packaged(&package::workspace_root()).expect("package the contracts")
    })
}

/// The packaged code of one contract.
pub fn code_of(package_name: &str) -> &'static [u8] {
    &artifacts()
        .iter()
        .find(|a| a.package == package_name)
        .unwrap_or_else(|| panic!("no artifact {package_name}"))
        .code
}

/// `amount` whole tokens of 18 decimals.
pub fn tokens(amount: u64) -> U256 {
    U256::from(amount) * U256::from(10u64).pow(U256::from(18u64))
}

/// The zero address, for readability in assertions.
pub const NOBODY: Address = Address::ZERO;

/// A deployed protocol plus a currency and a collection listed on it.
pub struct Deployment {
    /// Contract addresses.
    pub addresses: lien_client::protocol::Addresses,
    /// Gas of each deployment step.
    pub steps: Vec<lien_client::protocol::Step>,
}

/// Deploys the whole protocol with the funder as the initial owner (not yet handed over).
pub async fn deploy_protocol(
    h: &Harness,
    gov: &lien_client::protocol::GovernanceSetup,
) -> Deployment {
    let provider = h.provider(&h.funder);
    let (addresses, steps) = lien_client::protocol::deploy_protocol(
        &provider,
        h.funder.address(),
        |name| {
            artifacts()
                .iter()
                .find(|a| a.package == name)
                .map(|a| a.code.as_slice())
        },
        gov,
        lien_client::protocol::RiskSetup::default(),
    )
    .await
    .expect("deploy the protocol");
    Deployment { addresses, steps }
}

impl lien_client::story::Chain for Harness {
    fn provider(&self, signer: &PrivateKeySigner) -> DynProvider {
        Harness::provider(self, signer)
    }

    fn funder(&self) -> (PrivateKeySigner, DynProvider) {
        (self.funder.clone(), Harness::provider(self, &self.funder))
    }

    async fn increase_time(
        &self,
        seconds: u64,
    ) -> Result<(), lien_client::protocol::ProtocolError> {
        if !self.can_time_travel() {
            return Err(lien_client::protocol::ProtocolError::Tx(
                "time travel".into(),
                "this node has no evm_increaseTime".into(),
            ));
        }
        Harness::increase_time(self, seconds).await;
        Ok(())
    }

    fn code(&self, package_name: &str) -> Option<&[u8]> {
        artifacts()
            .iter()
            .find(|a| a.package == package_name)
            .map(|a| a.code.as_slice())
    }
}

/// A deployed protocol with one currency and one listed collection (LTV 40 %, liquidation
/// threshold 65 %, max duration 90 days, grace 1 day, auction step 300 s, tail 1 day) and one
/// oracle reporter, still owned by the funder (Governance: `owner`, threshold 1, delay 1 h,
/// `guardian`).
pub struct ListedProtocol {
    /// The protocol's addresses.
    pub a: lien_client::protocol::Addresses,
    /// The mock ERC-20 the collection is lent in.
    pub currency: Address,
    /// The mock ERC-721 collection.
    pub collection: Address,
    /// Governance's only owner.
    pub owner: PrivateKeySigner,
    /// Governance's pause guardian.
    pub guardian: PrivateKeySigner,
    /// The collection's oracle reporter.
    pub reporter: PrivateKeySigner,
}

/// Deploys the protocol, a mock currency and collection, lists them on the OfferBook and
/// sets up the oracle with one reporter (see [`ListedProtocol`]).
pub async fn listed_protocol(h: &Harness) -> ListedProtocol {
    use lien_client::bindings::{IOfferBook, IPriceOracle};
    use lien_client::deploy::deploy_stylus;
    use lien_client::protocol::{oracle_params_word, GovernanceSetup, OracleParams};
    const DAY: u64 = 86_400;
    let (owner, guardian, reporter) = (h.account(1).await, h.account(1).await, h.account(1).await);
    let gov = GovernanceSetup {
        owners: vec![owner.address()],
        threshold: 1,
        delay: 3_600,
        guardian: guardian.address(),
    };
    let a = deploy_protocol(h, &gov).await.addresses;
    let dp = h.provider(&h.funder);
    let currency = deploy_stylus(&dp, "lien-mock-token", code_of("lien-mock-token"), None)
        .await
        .expect("token")
        .address;
    let collection = deploy_stylus(&dp, "lien-mock-nft", code_of("lien-mock-nft"), None)
        .await
        .expect("nft")
        .address;
    let offers = IOfferBook::new(a.offer_book, &dp);
    ok!(offers.setCurrency(currency, tokens(5)));
    ok!(offers.listCollection(
        collection,
        currency,
        4_000,
        6_500,
        800,
        13_000,
        9_800,
        90 * DAY,
        DAY,
        300,
        DAY
    ));
    let oracle = IPriceOracle::new(a.oracle, &dp);
    let params = OracleParams {
        min_sources: 1,
        max_age: 3_600,
        max_jump_bps: 2_000,
        confirm_delay: 600,
        max_spread_bps: 1_500,
        twap_window: 3_600,
        decimals: 18,
    };
    ok!(oracle.setParams(collection, oracle_params_word(&params)));
    ok!(oracle.addReporter(collection, reporter.address()));
    ListedProtocol {
        a,
        currency,
        collection,
        owner,
        guardian,
        reporter,
    }
}
