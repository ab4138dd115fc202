//! Value transfers through an SDK-built contract (`contracts/mocks/value`, `MockValue`),
//! packaged by our pipeline and deployed by signed transactions over JSON-RPC: payable
//! `deposit()` and plain ETH (`receive`), `withdraw` with the SDK's `transfer_eth`, `forward`
//! of `msg.value` to an EOA, to a second Stylus instance and to an EVM contract that refuses
//! it, value sent to non-payable functions. Every balance is checked to the wei, the sender's
//! gas included (`gasUsed × effectiveGasPrice` from the receipt).
//!
//! Runs on an embedded dev node, or on `LIEN_RPC_URL` with a funded `LIEN_PRIVATE_KEY`.

use std::sync::OnceLock;

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    primitives::{Address, Bytes, U256},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::{TransactionReceipt, TransactionRequest},
    signers::local::PrivateKeySigner,
    sol,
    sol_types::{SolCall, SolEvent},
};
use lien_client::{deploy, package};
use stylus_devnode::{DevNode, NodeConfig, DEV_PRIVATE_KEY};

sol! {
    #[sol(rpc, all_derives)]
    interface IMockValue {
        function deposit() external payable;
        function withdraw(uint256 amount) external;
        function forward(address to) external payable;
        function balanceOf(address account) external view returns (uint256);
        function totalDeposits() external view returns (uint256);
        error MockValueInsufficientBalance(address account, uint256 balance, uint256 needed);
        error MockValueTransferFailed(address to, uint256 amount);
        event Deposited(address indexed account, uint256 amount);
        event Withdrawn(address indexed account, uint256 amount);
        event Forwarded(address indexed from, address indexed to, uint256 amount);
    }
}

const PACKAGE: &str = "lien-mock-value";
/// Enough gas for every call here, so a failing transaction is sent without estimation.
const GAS: u64 = 1_000_000;

/// The fixture, packaged once per test process (only this contract is built).
fn code() -> &'static [u8] {
    static CODE: OnceLock<Vec<u8>> = OnceLock::new();
    CODE.get_or_init(|| {
        let root = package::workspace_root();
        let out = lien_client::cache::stylus_dir(&root);
        let mut artifacts = package::package_some(&root, &out, &[PACKAGE.to_owned()])
            .expect("package the value fixture");
        let artifact = artifacts.pop().expect("one artifact");
        assert!(
            artifact.within_limits(),
            "{PACKAGE} is over the size limits"
        );
        artifact.code
    })
}

fn ether(x: u64) -> U256 {
    U256::from(x) * U256::from(10u64).pow(U256::from(18u64))
}

fn milli(x: u64) -> U256 {
    U256::from(x) * U256::from(10u64).pow(U256::from(15u64))
}

/// A node and its funded key.
struct Chain {
    url: String,
    funder: PrivateKeySigner,
    _node: Option<DevNode>,
}

impl Chain {
    async fn start() -> Self {
        if let Ok(url) = std::env::var("LIEN_RPC_URL") {
            let key =
                std::env::var("LIEN_PRIVATE_KEY").unwrap_or_else(|_| DEV_PRIVATE_KEY.to_owned());
            return Self {
                url,
                funder: key.parse().expect("LIEN_PRIVATE_KEY"),
                _node: None,
            };
        }
        let node = DevNode::start(NodeConfig::ephemeral())
            .await
            .expect("dev node starts");
        Self {
            url: node.url().to_owned(),
            funder: DEV_PRIVATE_KEY.parse().expect("dev key"),
            _node: Some(node),
        }
    }

    /// A provider signing with `signer` (it caches the nonce: use one per signer at a time).
    fn provider(&self, signer: &PrivateKeySigner) -> DynProvider {
        ProviderBuilder::new()
            .wallet(EthereumWallet::from(signer.clone()))
            .connect_http(self.url.parse().expect("url"))
            .erased()
    }

    /// A fresh account holding `eth` ether.
    async fn account(&self, eth: u64) -> PrivateKeySigner {
        let signer = PrivateKeySigner::random();
        let tx = TransactionRequest::default()
            .with_to(signer.address())
            .with_value(ether(eth));
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

    async fn balance(&self, who: Address) -> U256 {
        self.provider(&self.funder)
            .get_balance(who)
            .await
            .expect("eth_getBalance")
    }

    /// Deploys the fixture through the StylusDeployer (deploy + activate in one transaction).
    async fn deploy_fixture(&self) -> Address {
        let deployed = deploy::deploy_stylus(&self.provider(&self.funder), PACKAGE, code(), None)
            .await
            .expect("deploy the fixture");
        deployed.address
    }

    /// Deploys `init` with a plain CREATE transaction.
    async fn create(&self, init: Vec<u8>) -> Address {
        let tx = TransactionRequest::default().with_deploy_code(Bytes::from(init));
        let receipt = self
            .provider(&self.funder)
            .send_transaction(tx)
            .await
            .expect("create")
            .get_receipt()
            .await
            .expect("receipt");
        assert!(receipt.status(), "creation failed");
        receipt.contract_address.expect("contractAddress")
    }
}

/// What the sender paid for gas.
fn gas_paid(r: &TransactionReceipt) -> U256 {
    U256::from(r.gas_used) * U256::from(r.effective_gas_price)
}

/// The one log of type `E` emitted by `emitter` in `r`.
fn event<E: SolEvent>(r: &TransactionReceipt, emitter: Address) -> E {
    let found: Vec<E> = r
        .inner
        .logs()
        .iter()
        .filter(|l| l.address() == emitter)
        .filter_map(|l| E::decode_log_data(l.data()).ok())
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one {} from {emitter}",
        E::SIGNATURE
    );
    found.into_iter().next().expect("one")
}

/// The error of a call that must fail.
fn reverted<T>(result: Result<T, alloy::contract::Error>, what: &str) -> alloy::contract::Error {
    match result {
        Ok(_) => panic!("{what}: the call succeeded"),
        Err(e) => e,
    }
}

/// An EVM contract that reverts (without data) on every call: `PUSH1 0 DUP1 REVERT`.
fn refuser_init() -> Vec<u8> {
    // PUSH4 <runtime> PUSH1 0 MSTORE PUSH1 4 PUSH1 28 RETURN
    vec![
        0x63, 0x60, 0x00, 0x80, 0xfd, 0x60, 0x00, 0x52, 0x60, 0x04, 0x60, 0x1c, 0xf3,
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn deposit_receive_withdraw_to_the_wei() {
    let chain = Chain::start().await;
    let alice = chain.account(10).await;
    let book_addr = chain.deploy_fixture().await;
    // one provider per signer: each caches its signer's nonce
    let pa = chain.provider(&alice);
    let book = IMockValue::new(book_addr, pa.clone());
    assert_eq!(chain.balance(book_addr).await, U256::ZERO);

    // deposit() with 3 ether
    let before = chain.balance(alice.address()).await;
    let r = book
        .deposit()
        .value(ether(3))
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    assert_eq!(
        chain.balance(alice.address()).await,
        before - ether(3) - gas_paid(&r)
    );
    assert_eq!(chain.balance(book_addr).await, ether(3));
    let e: IMockValue::Deposited = event(&r, book_addr);
    assert_eq!((e.account, e.amount), (alice.address(), ether(3)));
    println!("gas: deposit {}", r.gas_used);

    // plain ETH (empty calldata) goes to `receive`, which deposits too
    let before = chain.balance(alice.address()).await;
    let tx = TransactionRequest::default()
        .with_to(book_addr)
        .with_value(milli(250));
    let r = pa
        .send_transaction(tx)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    assert_eq!(
        chain.balance(alice.address()).await,
        before - milli(250) - gas_paid(&r)
    );
    assert_eq!(chain.balance(book_addr).await, milli(3_250));
    assert_eq!(
        book.balanceOf(alice.address())
            .call()
            .await
            .expect("balanceOf"),
        milli(3_250)
    );
    assert_eq!(
        book.totalDeposits().call().await.expect("totalDeposits"),
        milli(3_250)
    );

    // withdraw(1.5 ether): transfer_eth back to the sender
    let before = chain.balance(alice.address()).await;
    let r = book
        .withdraw(milli(1_500))
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    assert_eq!(
        chain.balance(alice.address()).await,
        before + milli(1_500) - gas_paid(&r)
    );
    assert_eq!(chain.balance(book_addr).await, milli(1_750));
    assert_eq!(
        book.balanceOf(alice.address())
            .call()
            .await
            .expect("balanceOf"),
        milli(1_750)
    );
    let e: IMockValue::Withdrawn = event(&r, book_addr);
    assert_eq!((e.account, e.amount), (alice.address(), milli(1_500)));
    println!("gas: withdraw {}", r.gas_used);

    // over-withdraw: the exact custom error, from eth_call and from a mined transaction
    let err = reverted(book.withdraw(ether(100)).call().await, "over-withdraw");
    match err.as_decoded_interface_error::<IMockValue::IMockValueErrors>() {
        Some(IMockValue::IMockValueErrors::MockValueInsufficientBalance(e)) => {
            assert_eq!(
                (e.account, e.balance, e.needed),
                (alice.address(), milli(1_750), ether(100))
            );
        }
        other => panic!("expected MockValueInsufficientBalance, got {other:?} from {err:?}"),
    }
    let before = chain.balance(alice.address()).await;
    let r = book
        .withdraw(ether(100))
        .gas(GAS)
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(!r.status(), "over-withdraw must revert");
    assert_eq!(
        chain.balance(alice.address()).await,
        before - gas_paid(&r),
        "a revert costs only gas"
    );
    assert_eq!(chain.balance(book_addr).await, milli(1_750));
    assert!(r.inner.logs().is_empty(), "a reverted call leaves no logs");

    // value sent to non-payable functions reverts without data and the value stays with the sender
    let call = book.withdraw(U256::ZERO).value(U256::from(1u64));
    let err = reverted(call.call().await, "value to withdraw");
    let data = err.as_revert_data().unwrap_or_default();
    assert!(
        data.is_empty(),
        "the SDK's router reverts without data, got {data}"
    );
    assert!(err.to_string().contains("execution reverted"), "{err}");
    let before = chain.balance(alice.address()).await;
    let r = call
        .gas(GAS)
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(!r.status(), "withdraw with value must revert");
    assert_eq!(
        chain.balance(alice.address()).await,
        before - gas_paid(&r),
        "only gas is paid"
    );
    let view_with_value = TransactionRequest::default()
        .with_to(book_addr)
        .with_value(U256::from(1u64))
        .with_input(
            IMockValue::balanceOfCall {
                account: alice.address(),
            }
            .abi_encode(),
        )
        .with_gas_limit(GAS);
    let before = chain.balance(alice.address()).await;
    let r = pa
        .send_transaction(view_with_value)
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(!r.status(), "balanceOf with value must revert");
    assert_eq!(chain.balance(alice.address()).await, before - gas_paid(&r));
    assert_eq!(chain.balance(book_addr).await, milli(1_750));
}

#[tokio::test(flavor = "multi_thread")]
async fn forward_to_an_eoa_a_stylus_contract_and_a_refusing_evm_contract() {
    let chain = Chain::start().await;
    let alice = chain.account(10).await;
    let a_addr = chain.deploy_fixture().await;
    // A second instance by a plain CREATE: its code hash is already activated.
    let b_addr = chain.create(deploy::init_code(code())).await;
    // one provider per signer: each caches its signer's nonce
    let pa = chain.provider(&alice);
    let a = IMockValue::new(a_addr, pa.clone());
    let b = IMockValue::new(b_addr, pa.clone());
    assert_eq!(
        b.totalDeposits()
            .call()
            .await
            .expect("the second instance runs"),
        U256::ZERO
    );

    // to an EOA that has never been seen
    let bob = PrivateKeySigner::random().address();
    assert_eq!(chain.balance(bob).await, U256::ZERO);
    let before = chain.balance(alice.address()).await;
    let r = a
        .forward(bob)
        .value(ether(2))
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    assert_eq!(chain.balance(bob).await, ether(2));
    assert_eq!(chain.balance(a_addr).await, U256::ZERO);
    assert_eq!(
        chain.balance(alice.address()).await,
        before - ether(2) - gas_paid(&r)
    );
    let e: IMockValue::Forwarded = event(&r, a_addr);
    assert_eq!((e.from, e.to, e.amount), (alice.address(), bob, ether(2)));
    println!("gas: forward to a new EOA {}", r.gas_used);

    // to the second Stylus instance: its `receive` credits the forwarding contract
    let before = chain.balance(alice.address()).await;
    let r = a
        .forward(b_addr)
        .value(ether(1))
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    assert_eq!(chain.balance(b_addr).await, ether(1));
    assert_eq!(chain.balance(a_addr).await, U256::ZERO);
    assert_eq!(
        chain.balance(alice.address()).await,
        before - ether(1) - gas_paid(&r)
    );
    assert_eq!(
        b.balanceOf(a_addr).call().await.expect("balanceOf"),
        ether(1)
    );
    assert_eq!(
        b.totalDeposits().call().await.expect("totalDeposits"),
        ether(1)
    );
    let e: IMockValue::Forwarded = event(&r, a_addr);
    assert_eq!(
        (e.from, e.to, e.amount),
        (alice.address(), b_addr, ether(1))
    );
    let e: IMockValue::Deposited = event(&r, b_addr);
    assert_eq!((e.account, e.amount), (a_addr, ether(1)));
    println!("gas: forward into a Stylus contract {}", r.gas_used);

    // to an EVM contract that reverts: MockValueTransferFailed, everything rolled back
    let refuser = chain.create(refuser_init()).await;
    let err = reverted(
        a.forward(refuser).value(milli(500)).call().await,
        "forward to a refuser",
    );
    match err.as_decoded_interface_error::<IMockValue::IMockValueErrors>() {
        Some(IMockValue::IMockValueErrors::MockValueTransferFailed(e)) => {
            assert_eq!((e.to, e.amount), (refuser, milli(500)));
        }
        other => panic!("expected MockValueTransferFailed, got {other:?} from {err:?}"),
    }
    let before = chain.balance(alice.address()).await;
    let r = a
        .forward(refuser)
        .value(milli(500))
        .gas(GAS)
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(!r.status());
    assert_eq!(chain.balance(alice.address()).await, before - gas_paid(&r));
    assert_eq!(chain.balance(refuser).await, U256::ZERO);
    assert_eq!(chain.balance(a_addr).await, U256::ZERO);

    // the second instance pays out with transfer_eth too
    let r = b
        .deposit()
        .value(milli(300))
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    let before = chain.balance(alice.address()).await;
    let r = b
        .withdraw(milli(300))
        .send()
        .await
        .expect("send")
        .get_receipt()
        .await
        .expect("receipt");
    assert!(r.status());
    assert_eq!(
        chain.balance(alice.address()).await,
        before + milli(300) - gas_paid(&r)
    );
    assert_eq!(chain.balance(b_addr).await, ether(1));
    assert_eq!(
        b.totalDeposits().call().await.expect("totalDeposits"),
        ether(1)
    );
}
