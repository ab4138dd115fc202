//! The demo story: a whole protocol lifetime on a chain with time travel, told through the
//! real contracts. `lien demo` runs it on the embedded dev node; the end-to-end suite runs it
//! as a test. Every step records the gas of its transaction.

use std::future::Future;
use std::time::{Duration, Instant};

use alloy::{
    network::TransactionBuilder,
    primitives::{Address, Bytes, U256},
    providers::{DynProvider, Provider},
    rpc::types::TransactionRequest,
    signers::local::PrivateKeySigner,
    sol_types::SolCall,
};

use crate::bindings::{
    IGovernance, ILiquidator, ILoanBook, ILoanDesk, ILoanLens, IOfferBook, IPriceOracle, IERC20,
    IERC721,
};
use crate::deploy::deploy_stylus;
use crate::protocol::{self, units, Addresses, GovernanceSetup, ProtocolError, RiskSetup, Step};
use crate::send;

/// What the story needs from a chain: wallets, funding and a clock it can move.
pub trait Chain {
    /// A provider signing with `signer`.
    fn provider(&self, signer: &PrivateKeySigner) -> DynProvider;
    /// A provider of the account that pays for everything (deployer, funder).
    fn funder(&self) -> (PrivateKeySigner, DynProvider);
    /// Moves the clock forward by `seconds` and mines a block.
    fn increase_time(&self, seconds: u64) -> impl Future<Output = Result<(), ProtocolError>>;
    /// The packaged code of a contract package.
    fn code(&self, package: &str) -> Option<&[u8]>;
}

/// One named participant.
pub struct Actor {
    /// Role, for the summary.
    pub name: &'static str,
    /// Key.
    pub signer: PrivateKeySigner,
    /// Provider signing with the key.
    pub provider: DynProvider,
}

impl Actor {
    /// Address of the actor.
    pub fn address(&self) -> Address {
        self.signer.address()
    }
}

/// INV-SOLV after one chapter: each book's token balance against what it owes
/// (`held(currency)`: the OfferBook's open escrow; the LoanBook's claims + reserve).
#[derive(Clone, Debug)]
pub struct Solvency {
    /// The chapter just finished.
    pub after: String,
    /// The OfferBook's balance of the currency.
    pub offer_book_balance: U256,
    /// `OfferBook.held(currency)`.
    pub offer_book_held: U256,
    /// The LoanBook's balance of the currency.
    pub loan_book_balance: U256,
    /// `LoanBook.held(currency)`.
    pub loan_book_held: U256,
}

impl Solvency {
    /// Whether both books hold at least what they owe.
    pub fn holds(&self) -> bool {
        self.offer_book_balance >= self.offer_book_held
            && self.loan_book_balance >= self.loan_book_held
    }
}

/// Where the story reports its progress while it runs (the demo prints each line).
pub type Progress = Box<dyn FnMut(&str) + Send>;

/// The chapter being told: when it began and how many steps the summary had then.
struct Live {
    report: Progress,
    story_start: Instant,
    chapter: Option<(String, Instant, usize, usize)>,
}

/// The outcome of the story: addresses, the gas of every step, and facts checked on the way.
#[derive(Default)]
pub struct Summary {
    /// Progress reporting while the story runs (see [`run_with_progress`]).
    live: Option<Live>,
    /// Contract addresses.
    pub addresses: Option<Addresses>,
    /// The currency (mock ERC-20) and the collection (mock ERC-721) of the story.
    pub assets: Option<(Address, Address)>,
    /// INV-SOLV of both books, checked after every chapter.
    pub solvency: Vec<Solvency>,
    /// Every named invariant of [`crate::invariants::check_all`], after every chapter.
    pub invariants: Vec<(String, Vec<crate::invariants::Check>)>,
    /// Every transaction, in order: (chapter, what, gas).
    pub steps: Vec<(String, String, u64)>,
    /// Readable facts established by the story (balances, prices, outcomes).
    pub facts: Vec<String>,
}

impl Summary {
    fn record(&mut self, chapter: &str, step: Step) {
        self.steps.push((chapter.to_owned(), step.what, step.gas));
    }

    fn fact(&mut self, text: String) {
        if let Some(live) = &mut self.live {
            (live.report)(&format!("    · {text}"));
        }
        self.facts.push(text);
    }

    /// Starts chapter `number` of [`CHAPTERS`] (ends the previous one).
    fn chapter(&mut self, number: usize) {
        self.end_chapter();
        let (name, what) = CHAPTERS[number - 1];
        let (steps, checks) = (self.steps.len(), self.invariants.len());
        if let Some(live) = &mut self.live {
            (live.report)(&format!(
                "[{:>7}] chapter {number}/{} {name}: {what}",
                secs(live.story_start.elapsed()),
                CHAPTERS.len()
            ));
            live.chapter = Some((name.to_owned(), Instant::now(), steps, checks));
        }
    }

    /// Reports the chapter just told: its transactions, gas, time and invariants.
    fn end_chapter(&mut self) {
        let Some(live) = &mut self.live else {
            return;
        };
        let Some((name, started, first_step, first_check)) = live.chapter.take() else {
            return;
        };
        let steps = &self.steps[first_step..];
        let gas: u64 = steps.iter().map(|(_, _, g)| g).sum();
        let checks = &self.invariants[first_check..];
        let broken: Vec<&str> = checks
            .iter()
            .flat_map(|(_, c)| c.iter().filter(|c| !c.holds).map(|c| c.name))
            .collect();
        let invariants = match (checks.is_empty(), broken.is_empty()) {
            (true, _) => String::new(),
            (false, true) => ", invariants hold".to_owned(),
            (false, false) => format!(", BROKEN: {}", broken.join(", ")),
        };
        (live.report)(&format!(
            "[{:>7}]   {name} done: {} transactions, {gas} gas, {}{invariants}",
            secs(live.story_start.elapsed()),
            steps.len(),
            secs(started.elapsed()),
        ));
    }

    /// The summary as a table.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if let Some(a) = &self.addresses {
            out.push_str(&format!(
                "contracts\n  governance {}\n  oracle     {}\n  vault      {}\n  offer book {}\n  loan book  {}\n  loan desk  {} (its code; called at the loan book)\n  loan lens  {}\n  liquidator {}\n\n",
                a.governance, a.oracle, a.vault, a.offer_book, a.loan_book, a.loan_desk, a.loan_lens, a.liquidator
            ));
        }
        out.push_str(&format!("{:<14} {:<58} {:>10}\n", "chapter", "step", "gas"));
        for (chapter, what, gas) in &self.steps {
            out.push_str(&format!("{chapter:<14} {what:<58} {gas:>10}\n"));
        }
        out.push_str("\nwhat happened\n");
        for fact in &self.facts {
            out.push_str(&format!("  - {fact}\n"));
        }
        if let Some(last) = self.solvency.last() {
            let broken: Vec<&str> = self
                .solvency
                .iter()
                .filter(|v| !v.holds())
                .map(|v| v.after.as_str())
                .collect();
            out.push_str(&format!(
                "  - INV-SOLV (balance ≥ held) of both books after each of {} chapters: {}{}; at the end the offer book holds {} for {} of escrow, the loan book {} for {} of claims + reserve\n",
                self.solvency.len(),
                broken.is_empty(),
                if broken.is_empty() { String::new() } else { format!(" (broken after {})", broken.join(", ")) },
                fmt_tok(last.offer_book_balance),
                fmt_tok(last.offer_book_held),
                fmt_tok(last.loan_book_balance),
                fmt_tok(last.loan_book_held),
            ));
        }
        if !self.invariants.is_empty() {
            let names: Vec<&str> = self.invariants[0].1.iter().map(|c| c.name).collect();
            let broken: Vec<String> = self
                .invariants
                .iter()
                .flat_map(|(after, checks)| {
                    checks
                        .iter()
                        .filter(|c| !c.holds)
                        .map(move |c| format!("{} after {after}: {}", c.name, c.detail))
                })
                .collect();
            out.push_str(&format!(
                "  - invariants {} checked after each of {} chapters: {}\n",
                names.join(", "),
                self.invariants.len(),
                if broken.is_empty() {
                    "all hold".to_owned()
                } else {
                    format!("BROKEN: {}", broken.join("; "))
                },
            ));
        }
        out
    }
}

fn tx_err(what: &str, e: impl std::fmt::Display) -> ProtocolError {
    ProtocolError::Tx(what.to_owned(), e.to_string())
}

async fn fund(chain: &impl Chain, to: Address, eth: u64) -> Result<(), ProtocolError> {
    let (_, p) = chain.funder();
    let tx = TransactionRequest::default()
        .with_to(to)
        .with_value(units(eth, 18));
    let receipt = p
        .send_transaction(tx)
        .await
        .map_err(|e| tx_err("fund", e))?
        .get_receipt()
        .await
        .map_err(|e| tx_err("fund", e))?;
    if !receipt.status() {
        return Err(tx_err("fund", "reverted"));
    }
    Ok(())
}

async fn actor(chain: &impl Chain, name: &'static str) -> Result<Actor, ProtocolError> {
    let signer = PrivateKeySigner::random();
    fund(chain, signer.address(), 10).await?;
    let provider = chain.provider(&signer);
    Ok(Actor {
        name,
        signer,
        provider,
    })
}

/// A price of `n` whole tokens (18 decimals).
fn tok(n: u64) -> U256 {
    units(n, 18)
}

fn fmt_tok(x: U256) -> String {
    let whole = x / tok(1);
    let frac = (x % tok(1)) / units(1, 14);
    format!("{whole}.{frac:04}")
}

/// The chapters of the story, in order: (name, what happens).
pub const CHAPTERS: [(&str, &str); 12] = [
    (
        "cast",
        "thirteen funded accounts (owners, guardian, reporters, lender, borrowers, keeper, bidder)",
    ),
    (
        "deploy",
        "deploy and activate the protocol, list a collection, hand everything to Governance",
    ),
    (
        "oracle",
        "three reporters post prices over a full TWAP window",
    ),
    ("lend", "a lender escrows an offer on the offer book"),
    (
        "borrow/repay",
        "alice borrows, repays after 10 days, the lender withdraws",
    ),
    (
        "liquidation",
        "bob borrows, the floor crashes, the keeper liquidates, a bidder buys",
    ),
    (
        "default",
        "carol defaults, nobody bids, the lender forecloses",
    ),
    (
        "governance",
        "owners raise the max LTV behind the 1 h timelock",
    ),
    (
        "pause",
        "the guardian pauses, Governance unpauses, the offer fills up",
    ),
    (
        "partial repayment",
        "dave repays part of his loan: the interest first, the rest lowers the principal",
    ),
    (
        "refinance",
        "a second lender takes dave's loan over at a lower APR, without him",
    ),
    (
        "rollover",
        "dave rolls his loan over to a larger offer: only the difference moves",
    ),
];

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// Runs the whole story. See the chapter comments for what happens.
pub async fn run(chain: &impl Chain) -> Result<Summary, ProtocolError> {
    run_summary(chain, Summary::default()).await
}

/// As [`run`], reporting each chapter through `report` as it happens: its start, the facts it
/// establishes, and when it ends its transactions, gas, time and invariants, each line
/// stamped with the time since the story began.
pub async fn run_with_progress(
    chain: &impl Chain,
    report: Progress,
) -> Result<Summary, ProtocolError> {
    let summary = Summary {
        live: Some(Live {
            report,
            story_start: Instant::now(),
            chapter: None,
        }),
        ..Summary::default()
    };
    run_summary(chain, summary).await
}

async fn run_summary(chain: &impl Chain, mut s: Summary) -> Result<Summary, ProtocolError> {
    s.chapter(1);
    let (deployer, dp) = chain.funder();

    // ---- cast --------------------------------------------------------------------------
    let owners = [
        actor(chain, "owner 1").await?,
        actor(chain, "owner 2").await?,
        actor(chain, "owner 3").await?,
    ];
    let guardian = actor(chain, "guardian").await?;
    let reporters = [
        actor(chain, "reporter A").await?,
        actor(chain, "reporter B").await?,
        actor(chain, "reporter C").await?,
    ];
    let lender = actor(chain, "lender").await?;
    let alice = actor(chain, "alice").await?;
    let bob = actor(chain, "bob").await?;
    let carol = actor(chain, "carol").await?;
    let dave = actor(chain, "dave").await?;
    let erin = actor(chain, "erin").await?;
    let keeper = actor(chain, "keeper").await?;
    let bidder = actor(chain, "bidder").await?;

    // ---- chapter 1: deploy -----------------------------------------------------------------
    let ch = "deploy";
    s.chapter(2);
    let missing = |n: &str| ProtocolError::MissingArtifact(n.to_owned());
    let token = deploy_stylus(
        &dp,
        "lien-mock-token",
        chain
            .code("lien-mock-token")
            .ok_or_else(|| missing("lien-mock-token"))?,
        None,
    )
    .await?;
    s.record(
        ch,
        Step {
            what: "deploy + activate currency (mock ERC-20)".into(),
            gas: token.gas_used,
        },
    );
    let nft = deploy_stylus(
        &dp,
        "lien-mock-nft",
        chain
            .code("lien-mock-nft")
            .ok_or_else(|| missing("lien-mock-nft"))?,
        None,
    )
    .await?;
    s.record(
        ch,
        Step {
            what: "deploy + activate collection (mock ERC-721)".into(),
            gas: nft.gas_used,
        },
    );
    let gov_setup = GovernanceSetup {
        owners: owners.iter().map(Actor::address).collect(),
        threshold: 2,
        delay: 3_600,
        guardian: guardian.address(),
    };
    let (a, steps) = protocol::deploy_protocol(
        &dp,
        deployer.address(),
        |n| chain.code(n),
        &gov_setup,
        RiskSetup::default(),
    )
    .await?;
    steps.into_iter().for_each(|st| s.record(ch, st));
    s.addresses = Some(a);
    let (currency, collection) = (token.address, nft.address);
    s.assets = Some((currency, collection));

    // bootstrap listing by the deployer, then everything is handed to Governance
    let oracle = IPriceOracle::new(a.oracle, &dp);
    let params = protocol::OracleParams {
        min_sources: 3,
        max_age: 3_600,
        max_jump_bps: 2_000,
        confirm_delay: 600,
        max_spread_bps: 1_500,
        twap_window: 3_600,
        decimals: 18,
    };
    s.record(
        ch,
        send!(
            "oracle.setParams (quorum 3, TWAP 1 h)",
            oracle.setParams(collection, protocol::oracle_params_word(&params))
        ),
    );
    for r in &reporters {
        s.record(
            ch,
            send!(
                format!("oracle.addReporter ({})", r.name),
                oracle.addReporter(collection, r.address())
            ),
        );
    }
    let offers = IOfferBook::new(a.offer_book, &dp);
    s.record(
        ch,
        send!(
            "offerBook.setCurrency (tip cap 5)",
            offers.setCurrency(currency, tok(5))
        ),
    );
    s.record(
        ch,
        send!(
            "offerBook.listCollection (LTV 40%, liq 65%, penalty 8%)",
            offers.listCollection(
                collection,
                currency,
                4_000,
                6_500,
                800,
                13_000,
                9_800,
                90 * 86_400,
                86_400,
                300,
                86_400
            )
        ),
    );
    protocol::hand_over_to_governance(&dp, &a)
        .await?
        .into_iter()
        .for_each(|st| s.record(ch, st));
    s.fact(format!("protocol deployed and handed to a 2-of-3 Governance with a 1 h timelock; currency {currency}, collection {collection}"));
    solvency(&mut s, ch, &dp, &a, currency).await?;

    // ---- chapter 2: prices ---------------------------------------------------------------------
    let ch = "oracle";
    s.chapter(3);
    post_all(
        &mut s,
        ch,
        &reporters,
        a.oracle,
        collection,
        [tok(100), tok(101), tok(99)],
    )
    .await?;
    chain.increase_time(3_700).await?;
    post_all(
        &mut s,
        ch,
        &reporters,
        a.oracle,
        collection,
        [tok(100), tok(101), tok(99)],
    )
    .await?;
    let bp = oracle
        .borrowPrice(collection, U256::ZERO)
        .call()
        .await
        .map_err(|e| tx_err("borrowPrice", e))?;
    s.fact(format!(
        "oracle: borrow price {} with status {} (0 = Ok) after a full TWAP window",
        fmt_tok(bp.price),
        bp.status
    ));

    // ---- chapter 3: a lender funds an offer on the offer book ----------------------------------
    let ch = "lend";
    s.chapter(4);
    let tok_l = IERC20::new(currency, &lender.provider);
    s.record(
        ch,
        send!(
            "lender mints 1000 currency",
            tok_l.mint(lender.address(), tok(1_000))
        ),
    );
    s.record(
        ch,
        send!(
            "lender approves the offer book",
            tok_l.approve(a.offer_book, tok(120))
        ),
    );
    let offers_l = IOfferBook::new(a.offer_book, &lender.provider);
    let now = now(&dp).await?;
    let create = offers_l.createOffer(
        currency,
        collection,
        U256::ZERO,
        true,
        tok(30),
        2_000,
        30 * 86_400,
        now + 60 * 86_400,
        4,
    );
    let offer_id = create.call().await.map_err(|e| tx_err("createOffer", e))?;
    s.record(
        ch,
        send!(
            "createOffer: 30 per loan, 20% APR, 30 days, capacity 4",
            create
        ),
    );
    let escrow = offers_l
        .held(currency)
        .call()
        .await
        .map_err(|e| tx_err("held", e))?;
    s.fact(format!(
        "offer {offer_id} escrows {} in the offer book",
        fmt_tok(escrow)
    ));
    solvency(&mut s, ch, &dp, &a, currency).await?;
    let book_l = ILoanBook::new(a.loan_book, &lender.provider);

    // ---- chapter 4: alice borrows and repays --------------------------------------------------
    let ch = "borrow/repay";
    s.chapter(5);
    let alice_loan = borrow(&mut s, ch, &alice, &a, collection, offer_id, 1).await?;
    chain.increase_time(10 * 86_400).await?;
    let book_a = ILoanBook::new(a.loan_book, &alice.provider);
    let debt = ILoanLens::new(a.loan_lens, &alice.provider)
        .debt(alice_loan)
        .call()
        .await
        .map_err(|e| tx_err("debt", e))?;
    let tok_a = IERC20::new(currency, &alice.provider);
    s.record(
        ch,
        send!(
            "alice mints the interest she owes",
            tok_a.mint(alice.address(), tok(1))
        ),
    );
    s.record(
        ch,
        send!(
            "alice approves the debt to the loan book",
            tok_a.approve(a.loan_book, debt + tok(1))
        ),
    );
    s.record(
        ch,
        send!("alice repays after 10 days", book_a.repay(alice_loan)),
    );
    let owner = IERC721::new(collection, &dp)
        .ownerOf(U256::from(1))
        .call()
        .await
        .map_err(|e| tx_err("ownerOf", e))?;
    s.fact(format!(
        "alice repaid {} after 10 days and holds NFT #1 again: {}",
        fmt_tok(debt),
        owner == alice.address()
    ));
    let claim = book_l
        .claimable(lender.address(), currency)
        .call()
        .await
        .map_err(|e| tx_err("claimable", e))?;
    s.record(
        ch,
        send!(
            "lender withdraws principal + interest",
            book_l.withdraw(currency)
        ),
    );
    s.fact(format!(
        "lender withdrew {} (principal + interest − 10% protocol fee)",
        fmt_tok(claim)
    ));
    solvency(&mut s, ch, &dp, &a, currency).await?;

    // ---- chapter 5: bob borrows, the floor crashes, the keeper liquidates, a bidder buys ------
    let ch = "liquidation";
    s.chapter(6);
    post_all(
        &mut s,
        "oracle",
        &reporters,
        a.oracle,
        collection,
        [tok(100), tok(101), tok(99)],
    )
    .await?;
    let bob_loan = borrow(&mut s, ch, &bob, &a, collection, offer_id, 2).await?;
    for _ in 0..3 {
        chain.increase_time(1_800).await?;
        post_all(
            &mut s,
            ch,
            &reporters,
            a.oracle,
            collection,
            [tok(40), tok(41), tok(39)],
        )
        .await?;
    }
    let health = ILoanLens::new(a.loan_lens, &lender.provider)
        .health(bob_loan)
        .call()
        .await
        .map_err(|e| tx_err("health", e))?;
    s.fact(format!(
        "floor fell to 40: bob's loan healthy = {} (debt {}, limit {})",
        health.healthy,
        fmt_tok(health.debt),
        fmt_tok(health.max_debt)
    ));
    let book_k = ILoanBook::new(a.loan_book, &keeper.provider);
    s.record(
        ch,
        send!(
            "keeper liquidates bob's unhealthy loan",
            book_k.liquidate(bob_loan)
        ),
    );
    let liq = ILiquidator::new(a.liquidator, &bidder.provider);
    let auctions = crate::auctions::live_auctions(&liq)
        .await
        .map_err(|e| tx_err("auctions", e))?;
    let auction_id = *auctions
        .last()
        .ok_or_else(|| tx_err("auctions", "no live auction"))?;
    let start_price = liq
        .currentPrice(auction_id)
        .call()
        .await
        .map_err(|e| tx_err("currentPrice", e))?;
    chain.increase_time(1_500).await?; // five 300 s steps of −2%
    let price = liq
        .currentPrice(auction_id)
        .call()
        .await
        .map_err(|e| tx_err("currentPrice", e))?;
    let tok_b = IERC20::new(currency, &bidder.provider);
    s.record(
        ch,
        send!(
            "bidder mints currency",
            tok_b.mint(bidder.address(), tok(100))
        ),
    );
    s.record(
        ch,
        send!(
            "bidder approves the liquidator",
            tok_b.approve(a.liquidator, price)
        ),
    );
    s.record(
        ch,
        send!("bidder wins the Dutch auction", liq.bid(auction_id, price)),
    );
    let owner = IERC721::new(collection, &dp)
        .ownerOf(U256::from(2))
        .call()
        .await
        .map_err(|e| tx_err("ownerOf", e))?;
    s.fact(format!(
        "auction started at {} and sold after 25 min at {}; NFT #2 now belongs to the bidder: {}",
        fmt_tok(start_price),
        fmt_tok(price),
        owner == bidder.address()
    ));
    let book_b = ILoanBook::new(a.loan_book, &bob.provider);
    let surplus = book_b
        .claimable(bob.address(), currency)
        .call()
        .await
        .map_err(|e| tx_err("claimable", e))?;
    if !surplus.is_zero() {
        s.record(
            ch,
            send!("bob claims his surplus", book_b.withdraw(currency)),
        );
    }
    let tip = book_k
        .claimable(keeper.address(), currency)
        .call()
        .await
        .map_err(|e| tx_err("claimable", e))?;
    s.record(
        ch,
        send!("keeper withdraws the tip", book_k.withdraw(currency)),
    );
    let lender_part = book_l
        .claimable(lender.address(), currency)
        .call()
        .await
        .map_err(|e| tx_err("claimable", e))?;
    s.record(
        ch,
        send!("lender withdraws the proceeds", book_l.withdraw(currency)),
    );
    let reserve = book_l
        .reserve(currency)
        .call()
        .await
        .map_err(|e| tx_err("reserve", e))?;
    s.fact(format!(
        "waterfall: keeper tip {}, lender {}, borrower surplus {}, protocol reserve now {}",
        fmt_tok(tip),
        fmt_tok(lender_part),
        fmt_tok(surplus),
        fmt_tok(reserve)
    ));
    solvency(&mut s, ch, &dp, &a, currency).await?;

    // prices recover so new borrowing is sane again
    for _ in 0..3 {
        chain.increase_time(1_800).await?;
        post_all(
            &mut s,
            "oracle",
            &reporters,
            a.oracle,
            collection,
            [tok(100), tok(101), tok(99)],
        )
        .await?;
    }

    // ---- chapter 6: carol defaults, nobody bids, the lender forecloses --------------------
    let ch = "default";
    s.chapter(7);
    let carol_loan = borrow(&mut s, ch, &carol, &a, collection, offer_id, 3).await?;
    chain.increase_time(31 * 86_400 + 3_600).await?; // past due (30 d) + grace (1 d)
    post_all(
        &mut s,
        ch,
        &reporters,
        a.oracle,
        collection,
        [tok(100), tok(101), tok(99)],
    )
    .await?;
    s.record(
        ch,
        send!(
            "keeper liquidates carol's overdue loan",
            book_k.liquidate(carol_loan)
        ),
    );
    chain.increase_time(86_400 + 60).await?; // past the 24 h tail, unsold
    let desk_k = ILoanDesk::new(a.loan_book, &keeper.provider); // the desk, at the LoanBook
    s.record(
        ch,
        send!(
            "anyone forecloses the unsold auction",
            desk_k.foreclose(carol_loan)
        ),
    );
    let owner = IERC721::new(collection, &dp)
        .ownerOf(U256::from(3))
        .call()
        .await
        .map_err(|e| tx_err("ownerOf", e))?;
    s.fact(format!(
        "carol's NFT #3 went to the lender after an unsold auction: {}",
        owner == lender.address()
    ));
    solvency(&mut s, ch, &dp, &a, currency).await?;

    // ---- chapter 7: governance raises the max LTV on the offer book ---------------------------
    let ch = "governance";
    s.chapter(8);
    let raise = IOfferBook::setCollectionParamsCall {
        collection,
        max_ltv_bps: 4_500,
        liq_threshold_bps: 6_500,
        liq_penalty_bps: 800,
        auction_start_bps: 13_000,
        auction_cut_bps: 9_800,
        max_duration: 90 * 86_400,
        grace_period: 86_400,
        auction_step: 300,
        auction_tail: 86_400,
    };
    let g1 = IGovernance::new(a.governance, &owners[0].provider);
    let g2 = IGovernance::new(a.governance, &owners[1].provider);
    s.record(
        ch,
        send!(
            "owner 1 proposes max LTV 40% → 45%",
            g1.propose(a.offer_book, U256::ZERO, Bytes::from(raise.abi_encode()))
        ),
    );
    let proposal = g1
        .proposalCount()
        .call()
        .await
        .map_err(|e| tx_err("proposalCount", e))?;
    s.record(
        ch,
        send!("owner 2 approves (threshold reached)", g2.approve(proposal)),
    );
    let early = g1.execute(proposal).call().await;
    s.fact(format!(
        "execution before the timelock is refused: {}",
        early.is_err()
    ));
    chain.increase_time(3_601).await?;
    s.record(
        ch,
        send!(
            "owner 1 executes after the 1 h timelock",
            g1.execute(proposal)
        ),
    );
    let params = offers_l
        .params(collection)
        .call()
        .await
        .map_err(|e| tx_err("params", e))?;
    s.fact(format!(
        "collection max LTV is now {} bps",
        params.max_ltv_bps
    ));
    solvency(&mut s, ch, &dp, &a, currency).await?;

    // ---- chapter 8: the guardian pauses new borrowing; Governance resumes it ----------------
    let ch = "pause";
    s.chapter(9);
    let guard = IGovernance::new(a.governance, &guardian.provider);
    s.record(
        ch,
        send!(
            "guardian pauses the offer book (no timelock)",
            guard.guardianPause(a.offer_book)
        ),
    );
    let refused = borrow_error(&mut s, ch, &dave, &a, collection, offer_id, 4).await?;
    s.fact(format!(
        "while paused, dave's borrow is refused by the offer book through the loan book: {}",
        matches!(
            refused,
            Some(IOfferBook::IOfferBookErrors::OfferBookPaused(_))
        )
    ));
    let create = offers_l.createOffer(
        currency,
        collection,
        U256::ZERO,
        true,
        tok(30),
        2_000,
        30 * 86_400,
        now + 90 * 86_400,
        1,
    );
    let refused = create
        .call()
        .await
        .err()
        .and_then(|e| e.as_decoded_interface_error::<IOfferBook::IOfferBookErrors>());
    s.fact(format!(
        "while paused, new offers are refused: {}",
        matches!(
            refused,
            Some(IOfferBook::IOfferBookErrors::OfferBookPaused(_))
        )
    ));
    let unpause = IOfferBook::unpauseCall {}.abi_encode();
    s.record(
        ch,
        send!(
            "owner 2 proposes to unpause the offer book",
            g2.propose(a.offer_book, U256::ZERO, Bytes::from(unpause))
        ),
    );
    let proposal = g2
        .proposalCount()
        .call()
        .await
        .map_err(|e| tx_err("proposalCount", e))?;
    s.record(ch, send!("owner 1 approves", g1.approve(proposal)));
    chain.increase_time(3_601).await?;
    s.record(
        ch,
        send!("owner 2 executes after the timelock", g2.execute(proposal)),
    );
    let paused = offers_l
        .paused()
        .call()
        .await
        .map_err(|e| tx_err("paused", e))?;
    s.fact(format!(
        "offer book paused after Governance's unpause: {paused}"
    ));
    post_all(
        &mut s,
        "oracle",
        &reporters,
        a.oracle,
        collection,
        [tok(100), tok(101), tok(99)],
    )
    .await?;
    chain.increase_time(1_800).await?;
    post_all(
        &mut s,
        "oracle",
        &reporters,
        a.oracle,
        collection,
        [tok(100), tok(101), tok(99)],
    )
    .await?;
    let book_d = ILoanBook::new(a.loan_book, &dave.provider);
    let dave_loan = book_d
        .borrow(offer_id, U256::from(4))
        .call()
        .await
        .map_err(|e| tx_err("borrow", e))?;
    s.record(
        ch,
        send!(
            "dave borrows 30 against NFT #4 (the offer's last loan)",
            book_d.borrow(offer_id, U256::from(4))
        ),
    );
    let o = offers_l
        .offer(offer_id)
        .call()
        .await
        .map_err(|e| tx_err("offer", e))?;
    s.fact(format!(
        "dave's loan {dave_loan} used the offer's capacity: {} of {} used, open = {}",
        o.used, o.capacity, o.open
    ));
    let refused = borrow_error(&mut s, ch, &erin, &a, collection, offer_id, 5).await?;
    s.fact(format!(
        "erin's borrow on the used-up offer is refused with the offer book's error: {}",
        matches!(
            refused,
            Some(IOfferBook::IOfferBookErrors::OfferBookOfferClosed(_))
        )
    ));
    solvency(&mut s, ch, &dp, &a, currency).await?;

    // ---- chapters 9–11: loans that move: partial repayment, refinance, rollover -------------
    moving_loans(
        chain,
        &mut s,
        &a,
        (currency, collection),
        dave_loan,
        &dave,
        (&lender, &bidder),
        &reporters,
    )
    .await?;
    s.end_chapter();
    s.live = None;
    Ok(s)
}

/// Chapters 9–11 (one per action): dave repays part of his loan, the bidder (as a second lender)
/// refinances it at a lower APR without him, and dave rolls it over to a larger offer of the
/// first lender; the NFT stays in the vault throughout, and both books' invariants are checked
/// after each chapter. The desk's functions are called at the LoanBook.
#[allow(clippy::too_many_arguments)]
async fn moving_loans(
    chain: &impl Chain,
    s: &mut Summary,
    a: &Addresses,
    (currency, collection): (Address, Address),
    loan: U256,
    dave: &Actor,
    (lender, second): (&Actor, &Actor),
    reporters: &[Actor; 3],
) -> Result<(), ProtocolError> {
    let (_, dp) = chain.funder();
    let lens = ILoanLens::new(a.loan_lens, &dp);
    let book = ILoanBook::new(a.loan_book, &dp);
    let ch = "partial repayment";
    s.chapter(10);
    chain.increase_time(5 * 86_400).await?;
    let tok_d = IERC20::new(currency, &dave.provider);
    s.record(
        ch,
        send!(
            "dave approves 10 to the loan book",
            tok_d.approve(a.loan_book, tok(10))
        ),
    );
    let desk_d = ILoanDesk::new(a.loan_book, &dave.provider);
    let left = desk_d
        .repayPart(loan, tok(10))
        .call()
        .await
        .map_err(|e| tx_err("repayPart", e))?;
    s.record(
        ch,
        send!(
            "dave repays 10 of his loan after 5 days",
            desk_d.repayPart(loan, tok(10))
        ),
    );
    s.fact(format!(
        "dave's partial repayment settled the interest first: principal left {} (was 30.0000)",
        fmt_tok(left)
    ));
    solvency(s, ch, &dp, a, currency).await?;
    let ch = "refinance";
    s.chapter(11);
    // fresh prices: the refinance checks the loan's health
    fresh_prices(chain, s, ch, reporters, a.oracle, collection).await?;
    let tok_s = IERC20::new(currency, &second.provider);
    s.record(
        ch,
        send!(
            "the bidder mints 100 to lend",
            tok_s.mint(second.address(), tok(100))
        ),
    );
    let better = one_loan_offer(s, ch, second, a, (currency, collection), (30, 1_000, 30)).await?;
    let claim_before = book
        .claimable(lender.address(), currency)
        .call()
        .await
        .map_err(|e| tx_err("claimable", e))?;
    let desk_s = ILoanDesk::new(a.loan_book, &second.provider);
    let paid = desk_s
        .refinance(loan, better)
        .call()
        .await
        .map_err(|e| tx_err("refinance", e))?;
    s.record(
        ch,
        send!(
            "the bidder refinances dave's loan without him",
            desk_s.refinance(loan, better)
        ),
    );
    let l = lens
        .loan(loan)
        .call()
        .await
        .map_err(|e| tx_err("loan", e))?;
    let claim_after = book
        .claimable(lender.address(), currency)
        .call()
        .await
        .map_err(|e| tx_err("claimable", e))?;
    s.fact(format!(
        "refinanced: the bidder is dave's lender: {}, at {} bps APR (was 2000), principal = the debt paid off {}: {}",
        l.lender == second.address(),
        l.apr_bps,
        fmt_tok(paid),
        l.principal == paid
    ));
    s.fact(format!(
        "the first lender was paid off as a claim of {} (the debt less the fee on its interest)",
        fmt_tok(claim_after - claim_before)
    ));
    solvency(s, ch, &dp, a, currency).await?;
    let ch = "rollover";
    s.chapter(12);
    chain.increase_time(2 * 86_400).await?;
    fresh_prices(chain, s, ch, reporters, a.oracle, collection).await?;
    let larger = one_loan_offer(s, ch, lender, a, (currency, collection), (35, 1_500, 60)).await?;
    let before = tok_d
        .balanceOf(dave.address())
        .call()
        .await
        .map_err(|e| tx_err("balanceOf", e))?;
    s.record(
        ch,
        send!(
            "dave rolls his loan over to the larger offer",
            desk_d.rollover(loan, larger)
        ),
    );
    let after = tok_d
        .balanceOf(dave.address())
        .call()
        .await
        .map_err(|e| tx_err("balanceOf", e))?;
    let l = lens
        .loan(loan)
        .call()
        .await
        .map_err(|e| tx_err("loan", e))?;
    let vault_holds = IERC721::new(collection, &dp)
        .ownerOf(U256::from(4))
        .call()
        .await
        .map_err(|e| tx_err("ownerOf", e))?
        == a.vault;
    s.fact(format!(
        "rolled over: dave received only the difference, {}; he now owes 35.0000 to the first lender: {}; NFT #4 never left the vault: {vault_holds}",
        fmt_tok(after - before),
        l.principal == tok(35) && l.lender == lender.address()
    ));
    solvency(s, ch, &dp, a, currency).await?;
    Ok(())
}

/// Two rounds of the three reporters' prices half an hour apart: a fresh, full-window price
/// (after days without posts the oracle's last one is stale).
async fn fresh_prices(
    chain: &impl Chain,
    s: &mut Summary,
    ch: &str,
    reporters: &[Actor; 3],
    oracle: Address,
    collection: Address,
) -> Result<(), ProtocolError> {
    for _ in 0..2 {
        post_all(
            s,
            ch,
            reporters,
            oracle,
            collection,
            [tok(100), tok(101), tok(99)],
        )
        .await?;
        chain.increase_time(1_800).await?;
    }
    Ok(())
}

/// `who` approves and escrows a one-loan, collection-wide offer of `(principal in whole tokens,
/// APR bps, days)`, valid 30 days; its id.
async fn one_loan_offer(
    s: &mut Summary,
    ch: &str,
    who: &Actor,
    a: &Addresses,
    (currency, collection): (Address, Address),
    (principal, apr_bps, days): (u64, u16, u64),
) -> Result<U256, ProtocolError> {
    let token = IERC20::new(currency, &who.provider);
    s.record(
        ch,
        send!(
            format!("{} approves the offer book", who.name),
            token.approve(a.offer_book, tok(principal))
        ),
    );
    let offers = IOfferBook::new(a.offer_book, &who.provider);
    let expiry = now(&who.provider).await? + 30 * 86_400;
    let create = offers.createOffer(
        currency,
        collection,
        U256::ZERO,
        true,
        tok(principal),
        apr_bps,
        days * 86_400,
        expiry,
        1,
    );
    let id = create.call().await.map_err(|e| tx_err("createOffer", e))?;
    s.record(
        ch,
        send!(
            format!(
                "{} offers {principal} at {}% APR for {days} days",
                who.name,
                apr_bps / 100
            ),
            create
        ),
    );
    Ok(id)
}

/// Records INV-SOLV of both books (each one's balance of `currency` against `held(currency)`)
/// and every named invariant of [`crate::invariants::check_all`].
async fn solvency(
    s: &mut Summary,
    after: &str,
    p: &DynProvider,
    a: &Addresses,
    currency: Address,
) -> Result<(), ProtocolError> {
    let token = IERC20::new(currency, p);
    let check = Solvency {
        after: after.to_owned(),
        offer_book_balance: token
            .balanceOf(a.offer_book)
            .call()
            .await
            .map_err(|e| tx_err("balanceOf", e))?,
        offer_book_held: IOfferBook::new(a.offer_book, p)
            .held(currency)
            .call()
            .await
            .map_err(|e| tx_err("held", e))?,
        loan_book_balance: token
            .balanceOf(a.loan_book)
            .call()
            .await
            .map_err(|e| tx_err("balanceOf", e))?,
        loan_book_held: ILoanBook::new(a.loan_book, p)
            .held(currency)
            .call()
            .await
            .map_err(|e| tx_err("held", e))?,
    };
    s.solvency.push(check);
    let checks = crate::invariants::check_all(p, a, currency).await?;
    s.invariants.push((after.to_owned(), checks));
    Ok(())
}

/// Mints and approves NFT `token_id` for `who`, then simulates a borrow that must fail;
/// returns the OfferBook error it failed with (`None` for any other failure).
async fn borrow_error(
    s: &mut Summary,
    ch: &str,
    who: &Actor,
    a: &Addresses,
    collection: Address,
    offer_id: U256,
    token_id: u64,
) -> Result<Option<IOfferBook::IOfferBookErrors>, ProtocolError> {
    mint_and_approve(s, ch, who, a, collection, token_id).await?;
    let book = ILoanBook::new(a.loan_book, &who.provider);
    match book.borrow(offer_id, U256::from(token_id)).call().await {
        Ok(_) => Err(tx_err(
            "borrow",
            format!("{}'s borrow was expected to fail", who.name),
        )),
        Err(e) => Ok(e.as_decoded_interface_error::<IOfferBook::IOfferBookErrors>()),
    }
}

/// `who` mints NFT `token_id` of `collection` and approves it to the vault (before a borrow).
async fn mint_and_approve(
    s: &mut Summary,
    ch: &str,
    who: &Actor,
    a: &Addresses,
    collection: Address,
    token_id: u64,
) -> Result<(), ProtocolError> {
    let nft = IERC721::new(collection, &who.provider);
    s.record(
        ch,
        send!(
            format!("{} mints NFT #{token_id}", who.name),
            nft.mint(who.address(), U256::from(token_id))
        ),
    );
    s.record(
        ch,
        send!(
            format!("{} approves the vault", who.name),
            nft.approve(a.vault, U256::from(token_id))
        ),
    );
    Ok(())
}

async fn now(p: &DynProvider) -> Result<u64, ProtocolError> {
    let block = p
        .get_block_by_number(Default::default())
        .await
        .map_err(|e| tx_err("block", e))?;
    Ok(block.map(|b| b.header.timestamp).unwrap_or_default())
}

async fn post_all(
    s: &mut Summary,
    ch: &str,
    reporters: &[Actor; 3],
    oracle: Address,
    collection: Address,
    prices: [U256; 3],
) -> Result<(), ProtocolError> {
    for (r, price) in reporters.iter().zip(prices) {
        let o = IPriceOracle::new(oracle, &r.provider);
        s.record(
            ch,
            send!(
                format!("{} posts {}", r.name, fmt_tok(price)),
                o.postPrice(collection, price)
            ),
        );
    }
    Ok(())
}

async fn borrow(
    s: &mut Summary,
    ch: &str,
    who: &Actor,
    a: &Addresses,
    collection: Address,
    offer_id: U256,
    token_id: u64,
) -> Result<U256, ProtocolError> {
    mint_and_approve(s, ch, who, a, collection, token_id).await?;
    let book = ILoanBook::new(a.loan_book, &who.provider);
    let loan_id = book
        .borrow(offer_id, U256::from(token_id))
        .call()
        .await
        .map_err(|e| tx_err("borrow", e))?;
    s.record(
        ch,
        send!(
            format!("{} borrows 30 against NFT #{token_id}", who.name),
            book.borrow(offer_id, U256::from(token_id))
        ),
    );
    Ok(loan_id)
}
