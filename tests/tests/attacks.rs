//! Attacker contracts on the dev node (the SDK's reentrancy guard runs here, unlike motsu):
//! a re-entrant NFT, a hooked ERC-20, a re-entrant bidder and lender, an NFT whose `ownerOf`
//! lies, a currency that switches on a fee or a blocklist after listing, a receiver that
//! refuses NFTs (contracts/mocks/hostile-nft and hostile-token). Each attack ends in a typed
//! error or a correct result with nothing lost; a re-entrant call is shown reaching the
//! protocol and being refused by the guard (the hook records an empty revert: the SDK's
//! `msg_reentrant` check returns before any code of the contract runs).

use alloy::{
    primitives::{Address, Bytes, U256},
    providers::DynProvider,
    signers::local::PrivateKeySigner,
    sol_types::{SolCall, SolError, SolInterface},
};
use lien_client::{
    bindings::{
        ICollateralVault, ILiquidator, ILoanBook, ILoanLens, IOfferBook, IPriceOracle, IERC20,
        IERC721,
    },
    deploy::deploy_stylus,
    protocol::{oracle_params_word, Addresses, GovernanceSetup, OracleParams},
};
use lien_e2e::{code_of, deploy_protocol, ok, tokens, Harness};

alloy::sol!(
    #[sol(rpc)]
    "../abi/MockHostileToken.sol"
);
alloy::sol!(
    #[sol(rpc)]
    "../abi/MockHostileNft.sol"
);

alloy::sol! {
    /// The hostile token's blocklist refusal (its Rust `sol!` error, not in the exported ABI);
    /// the LoanBook passes a token's revert data through unchanged (issue 13 item 5).
    error HostileBlocked(address account);
}

const DAY: u64 = 86_400;

/// A protocol with one listed collection in one currency (either may be hostile).
struct Env {
    h: Harness,
    a: Addresses,
    currency: Address,
    collection: Address,
    reporter: PrivateKeySigner,
}

impl Env {
    async fn new(currency_pkg: &str, nft_pkg: &str) -> Self {
        let h = Harness::start().await;
        let (owner, guardian, reporter) =
            (h.account(1).await, h.account(1).await, h.account(1).await);
        let gov = GovernanceSetup {
            owners: vec![owner.address()],
            threshold: 1,
            delay: 3_600,
            guardian: guardian.address(),
        };
        let a = deploy_protocol(&h, &gov).await.addresses;
        let dp = h.provider(&h.funder);
        let currency = deploy_stylus(&dp, currency_pkg, code_of(currency_pkg), None)
            .await
            .expect("currency")
            .address;
        let collection = deploy_stylus(&dp, nft_pkg, code_of(nft_pkg), None)
            .await
            .expect("collection")
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
            max_age: 2 * DAY,
            max_jump_bps: 10_000,
            confirm_delay: 600,
            max_spread_bps: 1_500,
            twap_window: 3_600,
            decimals: 18,
        };
        ok!(oracle.setParams(collection, oracle_params_word(&params)));
        ok!(oracle.addReporter(collection, reporter.address()));
        let env = Env {
            h,
            a,
            currency,
            collection,
            reporter,
        };
        env.price(100).await;
        env.h.increase_time(3_700).await;
        env.price(100).await;
        env
    }

    fn p(&self, s: &PrivateKeySigner) -> DynProvider {
        self.h.provider(s)
    }

    async fn price(&self, whole: u64) {
        let o = IPriceOracle::new(self.a.oracle, self.p(&self.reporter));
        ok!(o.postPrice(self.collection, tokens(whole)));
    }

    /// A funded lender's offer of 10 tokens × `capacity` for 1 day; returns its id.
    async fn offer_from(&self, lender: &PrivateKeySigner, capacity: u64) -> U256 {
        let p = self.p(lender);
        let t = IERC20::new(self.currency, &p);
        ok!(t.mint(lender.address(), tokens(10 * capacity)));
        ok!(t.approve(self.a.offer_book, tokens(10 * capacity)));
        let now = self.h.now().await;
        let o = IOfferBook::new(self.a.offer_book, &p);
        ok!(o.createOffer(
            self.currency,
            self.collection,
            U256::ZERO,
            true,
            tokens(10),
            1_000,
            DAY,
            now + 30 * DAY,
            capacity
        ));
        o.offerCount().call().await.expect("count")
    }

    async fn balance(&self, who: Address) -> U256 {
        IERC20::new(self.currency, self.p(&self.h.funder))
            .balanceOf(who)
            .call()
            .await
            .expect("balance")
    }

    async fn owner_of(&self, token: U256) -> Address {
        IERC721::new(self.collection, self.p(&self.h.funder))
            .ownerOf(token)
            .call()
            .await
            .expect("ownerOf")
    }

    async fn status(&self, loan: U256) -> u8 {
        ILoanLens::new(self.a.loan_lens, self.p(&self.h.funder))
            .loan(loan)
            .call()
            .await
            .expect("loan")
            .status
    }

    async fn invariants(&self, after: &str) {
        let p = self.p(&self.h.funder);
        for c in lien_client::invariants::check_all(&p, &self.a, self.currency)
            .await
            .expect("invariant reads")
        {
            assert!(c.holds, "{} broken after {after}: {}", c.name, c.detail);
        }
    }
}

/// `(calls, lastOk, lastReturn)` of a hostile contract's hook.
type HookLog = (U256, bool, Bytes);

async fn nft_log(n: &IHostileNft::IHostileNftInstance<&DynProvider>) -> HookLog {
    let r = n.hookLog().call().await.expect("hookLog");
    let data = n.hookReturn().call().await.expect("hookReturn");
    assert_eq!(U256::from(data.len()), r.last_return);
    (r.fired, r.last_ok, data)
}

async fn token_log(t: &IHostileToken::IHostileTokenInstance<&DynProvider>) -> HookLog {
    let r = t.hookLog().call().await.expect("hookLog");
    let data = t.hookReturn().call().await.expect("hookReturn");
    assert_eq!(U256::from(data.len()), r.last_return);
    (r.fired, r.last_ok, data)
}

/// Asserts that the hook fired once more and that its re-entrant call was refused by the
/// SDK's guard: a revert with no data at all (a typed error would carry a selector).
fn guard_fired(before: &HookLog, after: &HookLog, what: &str) {
    assert_eq!(after.0, before.0 + U256::from(1), "{what}: the hook fired");
    assert!(!after.1, "{what}: the re-entrant call must fail");
    assert!(
        after.2.is_empty(),
        "{what}: the guard reverts with empty data, got {}",
        after.2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reentrant_and_lying_nft() {
    let env = Env::new("lien-mock-token", "lien-mock-hostile-nft").await;
    let (a, h) = (env.a, &env.h);
    let (lender, borrower, attacker) = (h.account(1).await, h.account(1).await, h.account(1).await);
    let offer = env.offer_from(&lender, 3).await;
    let bp = env.p(&borrower);
    let nft = IHostileNft::new(env.collection, &bp);
    for id in [1u64, 2, 7] {
        ok!(nft.mint(borrower.address(), U256::from(id)));
    }
    ok!(nft.setApprovalForAll(a.vault, true));

    // 1. borrow: the NFT's transferFrom into the vault re-enters LoanBook.borrow
    let reenter = ILoanBook::borrowCall {
        offer_id: offer,
        token_id: U256::from(2),
    }
    .abi_encode();
    ok!(nft.arm(a.loan_book, Bytes::from(reenter)));
    let before = nft_log(&nft).await;
    {
        let inst = ILoanBook::new(a.loan_book, &bp);
        ok!(inst.borrow(offer, U256::from(1)))
    };
    guard_fired(&before, &nft_log(&nft).await, "re-entrant borrow");
    let book = ILoanBook::new(a.loan_book, &bp);
    assert_eq!(
        book.counts().call().await.expect("counts").loans,
        U256::from(1),
        "one loan only"
    );
    assert_eq!(env.owner_of(U256::from(1)).await, a.vault);
    assert_eq!(
        env.owner_of(U256::from(2)).await,
        borrower.address(),
        "#2 never moved"
    );
    assert_eq!(
        env.balance(borrower.address()).await,
        tokens(10),
        "one principal paid"
    );
    env.invariants("re-entrant borrow").await;

    // 2. repay: the NFT's transferFrom back to the borrower re-enters LoanBook.repay
    let loan = U256::from(1);
    let debt = ILoanLens::new(a.loan_lens, book.provider())
        .debt(loan)
        .call()
        .await
        .expect("debt");
    let t = IERC20::new(env.currency, &bp);
    ok!(t.mint(borrower.address(), tokens(1)));
    ok!(t.approve(a.loan_book, debt + tokens(1)));
    ok!(nft.arm(
        a.loan_book,
        Bytes::from(ILoanBook::repayCall { loan_id: loan }.abi_encode())
    ));
    let before = nft_log(&nft).await;
    let paid_before = env.balance(borrower.address()).await;
    let receipt = ok!(book.repay(loan));
    guard_fired(&before, &nft_log(&nft).await, "re-entrant repay");
    let repaid = receipt
        .inner
        .logs()
        .iter()
        .find_map(|l| l.log_decode::<ILoanBook::LoanRepaid>().ok())
        .expect("LoanRepaid")
        .inner
        .data;
    assert_eq!(
        paid_before - env.balance(borrower.address()).await,
        repaid.amount,
        "paid once"
    );
    assert_eq!(env.status(loan).await, 3, "Repaid");
    assert_eq!(env.owner_of(U256::from(1)).await, borrower.address());
    assert_eq!(
        book.claimable(lender.address(), env.currency)
            .call()
            .await
            .expect("claim"),
        repaid.toLender
    );
    env.invariants("re-entrant repay").await;

    // 3. a lying ownerOf: the attacker claims the borrower's #7 and borrows on it
    let ap = env.p(&attacker);
    let nft_a = IHostileNft::new(env.collection, &ap);
    ok!(nft_a.setLie(U256::from(7), attacker.address()));
    let book_a = ILoanBook::new(a.loan_book, &ap);
    let err = book_a
        .borrow(offer, U256::from(7))
        .call()
        .await
        .expect_err("a borrow on a lie must fail");
    let data = err.as_revert_data().expect("revert data");
    assert!(
        ILoanBook::ILoanBookErrors::abi_decode(&data).is_ok()
            || IOfferBook::IOfferBookErrors::abi_decode(&data).is_ok()
            // the vault's own refusal, passed through by the LoanBook
            || ICollateralVault::ICollateralVaultErrors::abi_decode(&data).is_ok(),
        "typed refusal, got {data}"
    );
    ok!(nft_a.setLie(U256::from(7), Address::ZERO));
    assert_eq!(
        env.owner_of(U256::from(7)).await,
        borrower.address(),
        "#7 never moved"
    );
    assert!(
        env.balance(attacker.address()).await.is_zero(),
        "no principal to the liar"
    );
    assert_eq!(
        book.counts().call().await.expect("counts").loans,
        U256::from(1)
    );
    // a lie that the vault already holds the token is refused too (the pre-check)
    ok!(nft.setLie(U256::from(7), a.vault));
    let err = book
        .borrow(offer, U256::from(7))
        .call()
        .await
        .expect_err("a borrow on a token the vault seems to own must fail");
    let data = err.as_revert_data().expect("revert data");
    assert!(
        ILoanBook::ILoanBookErrors::abi_decode(&data).is_ok()
            // the vault's own refusal, passed through by the LoanBook
            || ICollateralVault::ICollateralVaultErrors::abi_decode(&data).is_ok(),
        "typed refusal, got {data}"
    );
    env.invariants("lying ownerOf").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn hooked_currency_reentrant_lender_and_bidder() {
    let env = Env::new("lien-mock-hostile-token", "lien-mock-nft").await;
    let (a, h) = (env.a, &env.h);
    let (borrower, attacker) = (h.account(1).await, h.account(1).await);
    // the token contract itself is the lender and the bidder, so its hook re-enters as them
    let evil = env.currency;
    let xp = env.p(&attacker);
    let tok = IHostileToken::new(evil, &xp);
    let exec = |target: Address, data: Vec<u8>| tok.exec(target, Bytes::from(data));
    ok!(tok.mint(evil, tokens(100)));
    ok!(exec(
        evil,
        IHostileToken::approveCall {
            spender: a.offer_book,
            value: tokens(100)
        }
        .abi_encode()
    ));
    let now = h.now().await;
    ok!(exec(
        a.offer_book,
        IOfferBook::createOfferCall {
            currency: evil,
            collection: env.collection,
            token_id: U256::ZERO,
            any_token: true,
            principal: tokens(10),
            apr_bps: 1_000,
            duration: DAY,
            expiry: now + 30 * DAY,
            capacity: 2,
        }
        .abi_encode()
    ));
    let offer = U256::from(1);

    // 1. borrow: the principal's transfer re-enters LoanBook.borrow
    let bp = env.p(&borrower);
    let nft = IERC721::new(env.collection, &bp);
    for id in [1u64, 2] {
        ok!(nft.mint(borrower.address(), U256::from(id)));
        ok!(nft.approve(a.vault, U256::from(id)));
    }
    let reenter = ILoanBook::borrowCall {
        offer_id: offer,
        token_id: U256::from(2),
    }
    .abi_encode();
    ok!(tok.arm(a.loan_book, Bytes::from(reenter)));
    let before = token_log(&tok).await;
    {
        let inst = ILoanBook::new(a.loan_book, &bp);
        ok!(inst.borrow(offer, U256::from(1)))
    };
    guard_fired(
        &before,
        &token_log(&tok).await,
        "re-entrant borrow through the principal's transfer",
    );
    assert_eq!(env.balance(borrower.address()).await, tokens(10));
    assert_eq!(env.owner_of(U256::from(2)).await, borrower.address());
    env.invariants("hooked principal").await;

    // 2. the loan runs overdue and is auctioned; the token bids and re-enters bid
    h.increase_time(DAY + DAY + 3_700).await;
    env.price(100).await;
    h.increase_time(700).await;
    env.price(100).await;
    let keeper = h.account(1).await;
    {
        let inst = ILoanBook::new(a.loan_book, env.p(&keeper));
        ok!(inst.liquidate(U256::from(1)))
    };
    let liq = ILiquidator::new(a.liquidator, env.p(&keeper));
    let auction = liq.auctionCount().call().await.expect("count");
    let price = liq.currentPrice(auction).call().await.expect("price");
    ok!(tok.mint(evil, price));
    ok!(exec(
        evil,
        IHostileToken::approveCall {
            spender: a.liquidator,
            value: price
        }
        .abi_encode()
    ));
    let bid = ILiquidator::bidCall {
        auction_id: auction,
        max_price: price,
    }
    .abi_encode();
    ok!(tok.arm(a.liquidator, Bytes::from(bid.clone())));
    let before = token_log(&tok).await;
    let held_before = env.balance(evil).await;
    ok!(exec(a.liquidator, bid));
    guard_fired(&before, &token_log(&tok).await, "re-entrant bid");
    assert_eq!(
        env.owner_of(U256::from(1)).await,
        evil,
        "the bidder got the NFT once"
    );
    let paid = held_before - env.balance(evil).await;
    assert!(paid <= price, "paid {paid} at most the price {price} once");
    assert_eq!(env.status(U256::from(1)).await, 4, "Liquidated");
    env.invariants("re-entrant bid").await;

    // 3. the lender (the token) withdraws and its transfer hook re-enters withdraw
    let book = ILoanBook::new(a.loan_book, env.p(&attacker));
    let claim = book.claimable(evil, evil).call().await.expect("claim");
    assert!(!claim.is_zero(), "the lender has proceeds");
    let withdraw = ILoanBook::withdrawCall { currency: evil }.abi_encode();
    ok!(tok.arm(a.loan_book, Bytes::from(withdraw.clone())));
    let before = token_log(&tok).await;
    let bal = env.balance(evil).await;
    ok!(exec(a.loan_book, withdraw));
    guard_fired(&before, &token_log(&tok).await, "re-entrant withdraw");
    assert_eq!(env.balance(evil).await - bal, claim, "paid exactly once");
    assert!(book
        .claimable(evil, evil)
        .call()
        .await
        .expect("claim")
        .is_zero());
    env.invariants("re-entrant withdraw").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn fee_or_blocklist_after_listing_and_a_refusing_receiver() {
    let env = Env::new("lien-mock-hostile-token", "lien-mock-nft").await;
    let (a, h) = (env.a, &env.h);
    let lender = h.account(1).await;
    let offer = env.offer_from(&lender, 2).await;
    // the borrower is a contract that refuses NFT deliveries (the hostile token, as an account)
    let attacker = h.account(1).await;
    let xp = env.p(&attacker);
    let receiver = IHostileToken::new(env.currency, &xp);
    let me = env.currency;
    ok!(receiver.setRefuseNfts(true));
    let nft = IERC721::new(env.collection, &xp);
    ok!(nft.mint(me, U256::from(1)));
    let exec = |target: Address, data: Vec<u8>| receiver.exec(target, Bytes::from(data));
    ok!(exec(
        env.collection,
        IERC721::approveCall {
            to: a.vault,
            tokenId: U256::from(1)
        }
        .abi_encode()
    ));
    ok!(exec(
        a.loan_book,
        ILoanBook::borrowCall {
            offer_id: offer,
            token_id: U256::from(1)
        }
        .abi_encode()
    ));
    let loan = U256::from(1);
    let book = ILoanBook::new(a.loan_book, &xp);
    let debt = ILoanLens::new(a.loan_lens, book.provider())
        .debt(loan)
        .call()
        .await
        .expect("debt");
    ok!(receiver.mint(me, tokens(5)));
    ok!(exec(
        me,
        IHostileToken::approveCall {
            spender: a.loan_book,
            value: debt + tokens(5)
        }
        .abi_encode()
    ));
    let repay = ILoanBook::repayCall { loan_id: loan }.abi_encode();
    let watched = [me, a.loan_book, a.offer_book, lender.address()];
    let snapshot = || async {
        let mut v = Vec::new();
        for w in watched {
            v.push(env.balance(w).await);
        }
        v.push(book.held(env.currency).call().await.expect("held"));
        v
    };

    // 1. a 1 % fee switched on after listing: the repay is refused, typed, nothing moves
    ok!(receiver.setFee(U256::from(100)));
    let before = snapshot().await;
    let err = exec(a.loan_book, repay.clone())
        .call()
        .await
        .expect_err("a short repay fails");
    let data = err.as_revert_data().expect("revert data");
    assert!(
        ILoanBook::ILoanBookErrors::abi_decode(&data).is_ok(),
        "typed: {data}"
    );
    assert_eq!(snapshot().await, before);
    assert_eq!(env.status(loan).await, 1, "still Active");

    // 2. a blocklist on the loan book: refused, typed, nothing moves
    ok!(receiver.setFee(U256::ZERO));
    ok!(receiver.setBlocked(a.loan_book, true));
    let err = exec(a.loan_book, repay.clone())
        .call()
        .await
        .expect_err("a blocked repay fails");
    let data = err.as_revert_data().expect("revert data");
    assert!(
        ILoanBook::ILoanBookErrors::abi_decode(&data).is_ok()
            || (data.len() == 36 && data[..4] == HostileBlocked::SELECTOR),
        "typed: {data}"
    );
    assert_eq!(snapshot().await, before);

    // 3. the token behaves again: the repay goes through and the NFT reaches the refusing
    // receiver (the vault sends with transferFrom, so no callback can block a repay)
    ok!(receiver.setBlocked(a.loan_book, false));
    ok!(exec(a.loan_book, repay));
    assert_eq!(env.status(loan).await, 3, "Repaid");
    assert_eq!(env.owner_of(U256::from(1)).await, me);
    env.invariants("fee, blocklist, refusing receiver").await;
}
