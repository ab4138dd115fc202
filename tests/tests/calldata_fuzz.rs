//! Calldata fuzzing of every selector of every protocol contract, on the compiled wasm in the
//! dev node: for each function in the checked-in interfaces (abi/*.sol, so a function added
//! later is fuzzed too) a stranger sends, as real signed transactions,
//!
//! - a well-formed call with plausible arguments (small numbers, the protocol's own
//!   addresses, existing offer and loan ids),
//! - the same call truncated by a random number of bytes,
//! - the same call with random trailing bytes (SDK 0.9 ignores them: the outcome must be
//!   exactly the well-formed call's, see docs/INVARIANTS.md INV-CALLDATA-2),
//! - the selector followed by random words,
//! - the well-formed call with 1 wei attached (every function is non-payable),
//!
//! plus unknown selectors, calldata shorter than a selector and empty calldata. Every
//! transaction must revert with empty data or one of the contract's typed errors, or succeed
//! without changing anything; the whole world state (every balance, nonce, code and storage
//! slot of every account but the sender's and the fee recipient's) is compared before and
//! after each one. The only successes with an effect are Governance's `receive` (empty
//! calldata with value), payable by design, and the oracle's permissionless `poke`, which rolls
//! a collection's TWAP forward.
//!
//! `LIEN_CALLDATA_ROUNDS` (default 2) sets how many random variants of each kind each selector
//! gets; `LIEN_FUZZ_SEED` fixes the seed (printed on failure).

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, Bytes, U256},
    providers::{DynProvider, Provider},
    rpc::types::TransactionRequest,
    sol_types::SolCall,
    sol_types::SolInterface,
};
use lien_client::{
    bindings::{
        ICollateralVault, IGovernance, ILiquidator, ILoanBook, ILoanDesk, IOfferBook, IPriceOracle,
        IERC20, IERC721,
    },
    protocol::hand_over_to_governance,
};
use lien_e2e::{listed_protocol, ok, state::state_changes, tokens, Harness};
use proptest::prelude::Rng;
use proptest::test_runner::{RngAlgorithm, TestRng};

alloy::sol! {
    /// The ERC-20 errors of ERC-6093 (OpenZeppelin's tokens, the mock currency), which the
    /// LoanBook and the Liquidator pass through when a payer's allowance or balance is short.
    interface Erc6093 {
        error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed);
        error ERC20InvalidSender(address sender);
        error ERC20InvalidReceiver(address receiver);
        error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed);
        error ERC20InvalidApprover(address approver);
        error ERC20InvalidSpender(address spender);
    }
}
/// One contract under test: its address, its functions' signatures and selectors, and a
/// decoder that says whether revert data is one of its typed errors.
struct Target {
    name: &'static str,
    address: Address,
    signatures: &'static [&'static str],
    selectors: &'static [[u8; 4]],
    typed: fn(&[u8]) -> bool,
}

macro_rules! target {
    ($name:literal, $address:expr, $module:ident, $calls:ident, $errors:ident) => {
        Target {
            name: $name,
            address: $address,
            signatures: $module::$calls::SIGNATURES,
            selectors: $module::$calls::SELECTORS,
            typed: |data| $module::$errors::abi_decode(data).is_ok(),
        }
    };
}

/// Whether revert data is a typed error a LoanBook call can return: its own, or its callees'
/// passed through unchanged (docs/contracts/loan-book.md): the OfferBook's, the vault's, the
/// Liquidator's, the oracle's and the tokens' (ERC-6093).
fn loan_book_typed(data: &[u8]) -> bool {
    ILoanBook::ILoanBookErrors::abi_decode(data).is_ok()
        || IOfferBook::IOfferBookErrors::abi_decode(data).is_ok()
        || ICollateralVault::ICollateralVaultErrors::abi_decode(data).is_ok()
        || ILiquidator::ILiquidatorErrors::abi_decode(data).is_ok()
        || IPriceOracle::IPriceOracleErrors::abi_decode(data).is_ok()
        || Erc6093::Erc6093Errors::abi_decode(data).is_ok()
}

/// The outcome of a call: its return data or its revert data.
type Outcome = Result<Bytes, Bytes>;

/// Everything a case needs.
struct Ctx<'a> {
    h: &'a Harness,
    p: DynProvider,
    sender: Address,
    /// Addresses worth passing as arguments.
    addresses: Vec<Address>,
    rng: TestRng,
    cases: usize,
    /// Calls with trailing bytes that behaved exactly as without them.
    trailing_ignored: usize,
    /// Calls with trailing bytes refused (functions without parameters).
    trailing_refused: usize,
}

impl Ctx<'_> {
    /// `eth_call` then a signed transaction of `data` to `to` with `value`; asserts the rules
    /// and returns the outcome.
    async fn case(&mut self, t: &Target, what: &str, data: Vec<u8>, value: U256) -> Outcome {
        self.cases += 1;
        let tx = TransactionRequest::default()
            .with_from(self.sender)
            .with_to(t.address)
            .with_input(data.clone())
            .with_value(value);
        let outcome: Outcome = match self.p.call(tx.clone()).await {
            Ok(ret) => Ok(ret),
            // A revert with data answers code 3 with `data`; an empty one (a trap, or
            // `revert(0,0)`) answers -32000 "execution reverted" without data, as geth does.
            Err(e) => Err(match e.as_error_resp() {
                Some(r) if r.as_revert_data().is_some() => r.as_revert_data().expect("data"),
                Some(r) if r.code == -32000 && r.message.contains("execution reverted") => {
                    Bytes::new()
                }
                _ => panic!("{} {what}: not a revert: {e}", t.name),
            }),
        };
        let before = self.h.world_state().expect("dev node");
        let receipt = self
            .p
            .send_transaction(
                tx.with_gas_limit(5_000_000)
                    .with_max_fee_per_gas(1_000_000_000)
                    .with_max_priority_fee_per_gas(0),
            )
            .await
            .expect("send")
            .get_receipt()
            .await
            .expect("receipt");
        let after = self.h.world_state().expect("dev node");
        let coinbase = stylus_devnode::config::COINBASE;
        let changes = state_changes(&before, &after, &[self.sender, coinbase]);
        let input = alloy::hex::encode(&data);
        assert_eq!(
            receipt.status(),
            outcome.is_ok(),
            "{} {what}: eth_call and the transaction disagree (0x{input})",
            t.name
        );
        let payable_receive = t.name == "Governance" && data.is_empty();
        // `poke` is the oracle's permissionless TWAP roll: anyone may move the window forward
        let permissionless =
            t.name == "Oracle" && data.starts_with(&IPriceOracle::pokeCall::SELECTOR);
        assert!(
            changes.is_empty() || (receipt.status() && (payable_receive || permissionless)),
            "{} {what} changed state (0x{input}, value {value}): {changes:?}",
            t.name
        );
        if let Err(revert) = &outcome {
            assert!(
                revert.is_empty() || (t.typed)(revert),
                "{} {what}: untyped revert data {revert} (0x{input})",
                t.name
            );
        }
        outcome
    }

    fn word(&mut self, kind: &str) -> [u8; 32] {
        let mut w = [0u8; 32];
        let pick = self.rng.next_u32() as usize;
        match kind {
            "address" => {
                let a = self.addresses[pick % self.addresses.len()];
                w[12..].copy_from_slice(a.as_slice());
            }
            "bool" => w[31] = (pick % 2) as u8,
            _ => {
                // 0, 1, 2 (the existing ids), a large value, or a random small width
                let v: u64 = match pick % 5 {
                    0 => 0,
                    1 => 1,
                    2 => 2,
                    3 => u64::MAX,
                    _ => self.rng.next_u64() % 100_000,
                };
                w[24..].copy_from_slice(&v.to_be_bytes());
            }
        }
        w
    }

    /// A well-formed call: one plausible word per static parameter, an empty tail for each
    /// dynamic one.
    fn well_formed(&mut self, selector: [u8; 4], signature: &str) -> Vec<u8> {
        let params = parameter_types(signature);
        let mut head = selector.to_vec();
        let mut tail = Vec::new();
        for p in &params {
            if p.ends_with("[]") || *p == "bytes" || *p == "string" {
                let offset = 32 * params.len() + tail.len();
                head.extend_from_slice(&U256::from(offset).to_be_bytes::<32>());
                tail.extend_from_slice(&[0u8; 32]); // length 0
            } else {
                let w = self.word(p);
                head.extend_from_slice(&w);
            }
        }
        head.extend(tail);
        head
    }

    fn random_bytes(&mut self, n: usize) -> Vec<u8> {
        let mut v = vec![0u8; n];
        self.rng.fill_bytes(&mut v);
        v
    }
}

/// `f(uint256,address[],bytes)` → `["uint256", "address[]", "bytes"]` (no tuples in our ABIs).
fn parameter_types(signature: &str) -> Vec<&str> {
    let inner = &signature[signature.find('(').map_or(0, |i| i + 1)..signature.len() - 1];
    if inner.is_empty() {
        Vec::new()
    } else {
        inner.split(',').collect()
    }
}

fn rounds() -> usize {
    std::env::var("LIEN_CALLDATA_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2)
}

fn seed() -> u64 {
    std::env::var("LIEN_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x11e2_ca11)
}

#[tokio::test(flavor = "multi_thread")]
async fn every_selector_of_every_contract_rejects_bad_calldata_without_a_state_change() {
    let h = Harness::start().await;
    if h.node().is_none() {
        println!("skipped: the world-state comparison reads the embedded dev node");
        return;
    }
    let t_setup = std::time::Instant::now();
    let w = listed_protocol(&h).await;
    let (a, currency, collection) = (w.a, w.currency, w.collection);
    // one offer and one loan, so ids 1 exist; then the hand-over to Governance
    let (lender, borrower, stranger) =
        (h.account(1).await, h.account(1).await, h.account(10).await);
    let oracle_r = IPriceOracle::new(a.oracle, h.provider(&w.reporter));
    ok!(oracle_r.postPrice(collection, tokens(100)));
    h.increase_time(3_700).await;
    ok!(oracle_r.postPrice(collection, tokens(100)));
    let lp = h.provider(&lender);
    let (token_l, offers_l) = (
        IERC20::new(currency, &lp),
        IOfferBook::new(a.offer_book, &lp),
    );
    ok!(token_l.mint(lender.address(), tokens(100)));
    ok!(token_l.approve(a.offer_book, tokens(100)));
    let now = h.now().await;
    ok!(offers_l.createOffer(
        currency,
        collection,
        U256::ZERO,
        true,
        tokens(10),
        1_000,
        30 * 86_400,
        now + 60 * 86_400,
        3
    ));
    let bp = h.provider(&borrower);
    let (nft_b, book_b) = (
        IERC721::new(collection, &bp),
        ILoanBook::new(a.loan_book, &bp),
    );
    ok!(nft_b.mint(borrower.address(), U256::from(1)));
    ok!(nft_b.approve(a.vault, U256::from(1)));
    ok!(book_b.borrow(U256::from(1), U256::from(1)));
    hand_over_to_governance(&h.provider(&h.funder), &a)
        .await
        .expect("hand-over");

    let targets = [
        target!(
            "OfferBook",
            a.offer_book,
            IOfferBook,
            IOfferBookCalls,
            IOfferBookErrors
        ),
        Target {
            // The LoanBook passes its callees' refusals through unchanged (docs/contracts/
            // loan-book.md): the OfferBook's, the vault's, the Liquidator's and the oracle's.
            typed: loan_book_typed,
            ..target!(
                "LoanBook",
                a.loan_book,
                ILoanBook,
                ILoanBookCalls,
                ILoanBookErrors
            )
        },
        Target {
            // The LoanDesk's functions, called where integrators call them: at the LoanBook's
            // address (its fallback runs the desk's code). They pass the same callees' refusals
            // through, and the LoanBook's own errors.
            typed: |data| {
                ILoanDesk::ILoanDeskErrors::abi_decode(data).is_ok() || loan_book_typed(data)
            },
            ..target!(
                "LoanDesk (at the LoanBook)",
                a.loan_book,
                ILoanDesk,
                ILoanDeskCalls,
                ILoanDeskErrors
            )
        },
        Target {
            // The Liquidator passes its callees' refusals through (the vault's, the LoanBook's).
            typed: |data| {
                ILiquidator::ILiquidatorErrors::abi_decode(data).is_ok()
                    || ICollateralVault::ICollateralVaultErrors::abi_decode(data).is_ok()
                    || ILoanBook::ILoanBookErrors::abi_decode(data).is_ok()
                    || Erc6093::Erc6093Errors::abi_decode(data).is_ok()
            },
            ..target!(
                "Liquidator",
                a.liquidator,
                ILiquidator,
                ILiquidatorCalls,
                ILiquidatorErrors
            )
        },
        target!(
            "Oracle",
            a.oracle,
            IPriceOracle,
            IPriceOracleCalls,
            IPriceOracleErrors
        ),
        target!(
            "Vault",
            a.vault,
            ICollateralVault,
            ICollateralVaultCalls,
            ICollateralVaultErrors
        ),
        target!(
            "Governance",
            a.governance,
            IGovernance,
            IGovernanceCalls,
            IGovernanceErrors
        ),
    ];
    println!("set up in {:?}", t_setup.elapsed());
    let seed = seed();
    println!(
        "calldata fuzz seed {seed} (LIEN_FUZZ_SEED), {} rounds",
        rounds()
    );
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut ctx = Ctx {
        h: &h,
        p: h.provider(&stranger),
        sender: stranger.address(),
        addresses: vec![
            a.offer_book,
            a.loan_book,
            a.liquidator,
            a.oracle,
            a.vault,
            a.governance,
            currency,
            collection,
            lender.address(),
            borrower.address(),
            stranger.address(),
            Address::ZERO,
        ],
        rng: TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes),
        cases: 0,
        trailing_ignored: 0,
        trailing_refused: 0,
    };
    let all_selectors: Vec<[u8; 4]> = targets
        .iter()
        .flat_map(|t| t.selectors.iter().copied())
        .collect();
    let started = std::time::Instant::now();
    for t in &targets {
        assert!(!t.selectors.is_empty());
        for (selector, signature) in t.selectors.iter().zip(t.signatures) {
            assert_eq!(
                alloy::primitives::keccak256(signature.as_bytes())[..4],
                selector[..],
                "SIGNATURES and SELECTORS are in the same order"
            );
            for _ in 0..rounds() {
                let good = ctx.well_formed(*selector, signature);
                let outcome = ctx
                    .case(
                        t,
                        &format!("{signature} well-formed"),
                        good.clone(),
                        U256::ZERO,
                    )
                    .await;
                // trailing bytes are ignored: exactly the same outcome
                let extra = 1 + ctx.rng.next_u32() as usize % 64;
                let mut extended = good.clone();
                extended.extend(ctx.random_bytes(extra));
                let longer = ctx
                    .case(
                        t,
                        &format!("{signature} + {extra} trailing bytes"),
                        extended,
                        U256::ZERO,
                    )
                    .await;
                // SDK 0.9 either ignores trailing bytes (the same outcome) or, for a function
                // without parameters, refuses them with an empty revert; never another result
                if longer == outcome {
                    ctx.trailing_ignored += 1;
                } else {
                    assert_eq!(
                        longer,
                        Err(Bytes::new()),
                        "{} {signature}: trailing bytes changed the outcome",
                        t.name
                    );
                    ctx.trailing_refused += 1;
                }
                // truncated: a short argument never decodes
                if good.len() > 4 {
                    let cut = 1 + ctx.rng.next_u32() as usize % (good.len() - 4);
                    let short = good[..good.len() - cut].to_vec();
                    let r = ctx
                        .case(
                            t,
                            &format!("{signature} minus {cut} bytes"),
                            short,
                            U256::ZERO,
                        )
                        .await;
                    assert!(
                        r.is_err(),
                        "{} {signature}: truncated calldata succeeded",
                        t.name
                    );
                }
                // random words after the selector
                let words = ctx.rng.next_u32() as usize % 8;
                let mut random = selector.to_vec();
                random.extend(ctx.random_bytes(32 * words));
                // any outcome is allowed here (random words can be valid arguments); the rules
                // inside `case` still hold
                let _ = ctx
                    .case(
                        t,
                        &format!("{signature} with {words} random words"),
                        random,
                        U256::ZERO,
                    )
                    .await;
                // value to a non-payable function
                let r = ctx
                    .case(t, &format!("{signature} with 1 wei"), good, U256::from(1))
                    .await;
                assert!(r.is_err(), "{} {signature} accepted value", t.name);
            }
        }
        // unknown selectors, short and empty calldata
        for _ in 0..4 * rounds() {
            let mut unknown = [0u8; 4];
            ctx.rng.fill_bytes(&mut unknown);
            if all_selectors.contains(&unknown) {
                continue;
            }
            let mut data = unknown.to_vec();
            let words = ctx.rng.next_u32() as usize % 4;
            data.extend(ctx.random_bytes(32 * words));
            let r = ctx.case(t, "unknown selector", data, U256::ZERO).await;
            assert!(r.is_err(), "{}: an unknown selector succeeded", t.name);
            let len = ctx.rng.next_u32() as usize % 4;
            let short = ctx.random_bytes(len);
            let r = ctx
                .case(t, &format!("{len}-byte calldata"), short, U256::ZERO)
                .await;
            assert!(
                r.is_err() || (t.name == "Governance" && len == 0),
                "{}: {len}-byte calldata succeeded",
                t.name
            );
        }
        println!(
            "{}: done at {:.1} s",
            t.name,
            started.elapsed().as_secs_f64()
        );
        let empty_with_value = ctx
            .case(t, "empty calldata with 1 wei", Vec::new(), U256::from(1))
            .await;
        assert_eq!(
            empty_with_value.is_ok(),
            t.name == "Governance",
            "{}: only Governance accepts plain ether",
            t.name
        );
    }
    println!(
        "{} calldata cases over {} selectors in {:.1} s; trailing bytes ignored {} times, refused {} times",
        ctx.cases,
        all_selectors.len(),
        started.elapsed().as_secs_f64(),
        ctx.trailing_ignored,
        ctx.trailing_refused
    );
}
