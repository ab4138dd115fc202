//! The stateful property test (docs/INVARIANTS.md): random sequences of every user action —
//! offers, cancels, borrows, repays, price moves, time jumps, sequencer outages, liquidations,
//! bids, foreclosures, withdrawals, loan transfers, governance changes through the timelock,
//! the guardian's pause — by 3 lenders, 3 borrowers and a keeper over 2 collections lent in 2
//! currencies, on the compiled wasm in the embedded dev node. The protocol is deployed once;
//! each case starts from an `evm_snapshot` of that deployment and ends with `evm_revert`.
//!
//! After every step the test compares the chain with a model: every actor's and contract's
//! token balance in both currencies to the wei (INV-CONSERVE), the owner of every NFT minted
//! (INV-CUSTODY), each loan's status, exact settlement against the events and claim views
//! (INV-SETTLE), the loans' snapshots (INV-SNAPSHOT), the live auctions' prices never rising
//! (INV-AUCTION-MONO), and `lien_client::invariants::check_all` for both currencies. A repay
//! of an Active loan before its due time by a funded borrower must succeed (INV-REPAY-LIVE);
//! an action by the wrong account must fail (INV-AUTH); every failure is a typed error.
//!
//! CI-sized: `LIEN_STATEFUL_CASES` (default 6) sequences of up to `LIEN_STATEFUL_STEPS`
//! (default 24) steps. The long run is the same test with larger numbers (see README).
//! Failures are kept in `stateful.proptest-regressions` beside this file and replayed first.

use std::collections::BTreeMap;

use alloy::{
    primitives::{Address, Bytes, U256},
    providers::{DynProvider, Provider},
    rpc::types::TransactionReceipt,
    signers::local::PrivateKeySigner,
    sol_types::{SolCall, SolEvent, SolInterface},
};
use lien_client::{
    bindings::{
        IGovernance, ILiquidator, ILoanBook, IMockFeed, IOfferBook, IPriceOracle, IERC20, IERC721,
    },
    deploy::{constructor_calldata, deploy_stylus},
    protocol::{
        hand_over_to_governance, oracle_params_word, Addresses, GovernanceSetup, OracleParams,
    },
};
use lien_e2e::{code_of, deploy_protocol, tokens, Harness};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestCaseError, TestRunner};

alloy::sol! {
    /// The mock currencies' total supply (conservation is checked against it).
    #[sol(rpc)]
    interface ISupply {
        function totalSupply() external view returns (uint256);
    }
}

const DAY: u64 = 86_400;
const ACTIVE: u8 = 1;
const IN_AUCTION: u8 = 2;

/// One user action; indices pick an actor, a collection, an offer, a loan or an auction
/// modulo what exists.
#[derive(Clone, Debug)]
enum Action {
    /// A lender funds an offer on a collection: principal in whole tokens, APR, days, capacity.
    Offer {
        lender: u8,
        coll: u8,
        principal: u8,
        apr: u16,
        days: u8,
        capacity: u8,
    },
    /// An account (usually not the lender) cancels an offer.
    Cancel { who: u8, offer: u8 },
    /// A borrower mints a fresh NFT of the offer's collection and borrows on the offer.
    Borrow { borrower: u8, offer: u8 },
    /// An account pays a loan's debt (minted to it first).
    Repay { who: u8, loan: u8 },
    /// The reporter posts a collection's price moved by `bps` (−6000…+3000) of the last one.
    Price { coll: u8, bps: i16 },
    /// Time passes (and a block is mined).
    Warp { secs: u32 },
    /// The sequencer goes down (true) or comes back up (false).
    Sequencer { down: bool },
    /// An account liquidates a loan.
    Liquidate { who: u8, loan: u8 },
    /// An account bids on a live auction at its current price.
    Bid { who: u8, auction: u8 },
    /// An account forecloses a loan (expired auction).
    Foreclose { who: u8, loan: u8 },
    /// An account withdraws its claims in a currency.
    Withdraw { who: u8, currency: u8 },
    /// An account transfers a loan's lender position to another account.
    TransferLoan { who: u8, loan: u8, to: u8 },
    /// The owner proposes new protocol fees (fee, tip) through Governance.
    Propose { fee: u16, tip: u16 },
    /// The owner executes every queued proposal (refused while timelocked).
    Execute,
    /// The guardian pauses the offer book.
    Pause,
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => (0..3u8, 0..2u8, 1..30u8, 0..5_000u16, 1..40u8, 1..4u8).prop_map(
            |(lender, coll, principal, apr, days, capacity)| Action::Offer {
                lender, coll, principal, apr, days, capacity
            }
        ),
        1 => (0..7u8, any::<u8>()).prop_map(|(who, offer)| Action::Cancel { who, offer }),
        5 => (0..3u8, any::<u8>()).prop_map(|(borrower, offer)| Action::Borrow { borrower, offer }),
        3 => (0..7u8, any::<u8>()).prop_map(|(who, loan)| Action::Repay { who, loan }),
        3 => (0..2u8, -6_000..3_000i16).prop_map(|(coll, bps)| Action::Price { coll, bps }),
        3 => prop_oneof![
            3 => Just(60u32),
            3 => Just(700),
            3 => Just(3_700),
            2 => Just(DAY as u32),
            1 => Just(20 * DAY as u32),
        ]
        .prop_map(|secs| Action::Warp { secs }),
        1 => any::<bool>().prop_map(|down| Action::Sequencer { down }),
        3 => (0..7u8, any::<u8>()).prop_map(|(who, loan)| Action::Liquidate { who, loan }),
        3 => (0..7u8, any::<u8>()).prop_map(|(who, auction)| Action::Bid { who, auction }),
        2 => (0..7u8, any::<u8>()).prop_map(|(who, loan)| Action::Foreclose { who, loan }),
        2 => (0..7u8, 0..2u8).prop_map(|(who, currency)| Action::Withdraw { who, currency }),
        1 => (0..7u8, any::<u8>(), 0..7u8).prop_map(|(who, loan, to)| Action::TransferLoan { who, loan, to }),
        1 => (0..2_000u16, 0..500u16).prop_map(|(fee, tip)| Action::Propose { fee, tip }),
        1 => Just(Action::Execute),
        1 => Just(Action::Pause),
    ]
}

/// The deployment every case starts from.
struct World {
    a: Addresses,
    currencies: [Address; 2],
    /// Collection `i` is lent in `currencies[i]`.
    collections: [Address; 2],
    feed: Address,
    /// Lenders 0–2, borrowers 3–5, keeper 6.
    actors: Vec<PrivateKeySigner>,
    owner: PrivateKeySigner,
    guardian: PrivateKeySigner,
    reporter: PrivateKeySigner,
    funder: PrivateKeySigner,
}

/// Everything the model predicts.
#[derive(Default)]
struct Model {
    /// Token balance of each holder, per currency index.
    balances: [BTreeMap<Address, U256>; 2],
    /// Owner of each NFT minted: (collection index, token id) → owner.
    nfts: BTreeMap<(usize, U256), Address>,
    next_token: u64,
    /// Loan id → (status, collection index, token id, due, terms at origination).
    loans: BTreeMap<U256, LoanModel>,
    /// Auction id → (last price seen).
    auctions: BTreeMap<U256, U256>,
    offers: u64,
    /// Last posted price per collection.
    price: [U256; 2],
    proposals: Vec<U256>,
    sequencer_down: bool,
}

struct LoanModel {
    status: u8,
    coll: usize,
    token: U256,
    due: u64,
    terms: ILoanBook::loanTermsReturn,
}

/// What a step changed that the model must follow.
fn add(m: &mut BTreeMap<Address, U256>, who: Address, v: U256) {
    *m.entry(who).or_default() += v;
}
fn sub(m: &mut BTreeMap<Address, U256>, who: Address, v: U256) {
    let e = m.entry(who).or_default();
    *e = e.checked_sub(v).expect("model balance underflow");
}

/// Revert data of a failed call, if any.
fn revert_data(e: &alloy::contract::Error) -> Option<Bytes> {
    e.as_revert_data()
}

/// Whether revert data is one of the protocol's typed errors (any contract's: errors pass
/// through the books unchanged where documented).
fn typed(data: &[u8]) -> bool {
    IOfferBook::IOfferBookErrors::abi_decode(data).is_ok()
        || ILoanBook::ILoanBookErrors::abi_decode(data).is_ok()
        || ILiquidator::ILiquidatorErrors::abi_decode(data).is_ok()
        || IPriceOracle::IPriceOracleErrors::abi_decode(data).is_ok()
        || IGovernance::IGovernanceErrors::abi_decode(data).is_ok()
}

/// The name of a typed error (for the run's summary).
fn error_name(data: &[u8]) -> String {
    let Some(selector) = data.get(..4).and_then(|s| <[u8; 4]>::try_from(s).ok()) else {
        return "empty revert".into();
    };
    IOfferBook::IOfferBookErrors::name_by_selector(selector)
        .or_else(|| ILoanBook::ILoanBookErrors::name_by_selector(selector))
        .or_else(|| ILiquidator::ILiquidatorErrors::name_by_selector(selector))
        .or_else(|| IPriceOracle::IPriceOracleErrors::name_by_selector(selector))
        .or_else(|| IGovernance::IGovernanceErrors::name_by_selector(selector))
        .unwrap_or("unknown")
        .to_owned()
}

/// Sends a call with a fixed gas limit (no estimate, so a refusal is a mined, reverted
/// transaction too); returns the receipt on success or the revert data of the same call
/// simulated just before.
macro_rules! attempt {
    ($call:expr) => {{
        let call = $call;
        match call.call().await {
            Err(e) => {
                let data = revert_data(&e).unwrap_or_default();
                Err(data)
            }
            Ok(_) => {
                let receipt = call
                    .gas(8_000_000)
                    .send()
                    .await
                    .expect("send")
                    .get_receipt()
                    .await
                    .expect("receipt");
                if receipt.status() {
                    Ok(receipt)
                } else {
                    Err(Bytes::new())
                }
            }
        }
    }};
}

fn event<E: SolEvent>(r: &TransactionReceipt) -> Option<E> {
    r.inner
        .logs()
        .iter()
        .find_map(|l| l.log_decode::<E>().ok().map(|d| d.inner.data))
}

struct Run<'a> {
    h: &'a Harness,
    w: &'a World,
    m: Model,
    log: Vec<String>,
    /// Per action kind: (succeeded, refused), over the whole run.
    stats: &'a std::cell::RefCell<BTreeMap<&'static str, (u32, u32)>>,
    /// Per action and error: how often it was refused.
    reasons: &'a std::cell::RefCell<BTreeMap<String, u32>>,
}

impl Run<'_> {
    fn p(&self, s: &PrivateKeySigner) -> DynProvider {
        self.h.provider(s)
    }
    fn actor(&self, i: u8) -> &PrivateKeySigner {
        &self.w.actors[usize::from(i) % self.w.actors.len()]
    }

    /// Mints `amount` of currency `c` to `who` (model too).
    async fn mint(&mut self, c: usize, who: Address, amount: U256) {
        let t = IERC20::new(self.w.currencies[c], self.p(&self.w.funder));
        lien_e2e::ok!(t.mint(who, amount));
        add(&mut self.m.balances[c], who, amount);
    }

    fn fail(&self, msg: String) -> TestCaseError {
        TestCaseError::fail(format!("{msg}\nsteps:\n{}", self.log.join("\n")))
    }

    /// A refusal must be typed.
    fn refused(&self, what: &'static str, data: &Bytes) -> Result<(), TestCaseError> {
        self.stats.borrow_mut().entry(what).or_default().1 += 1;
        *self
            .reasons
            .borrow_mut()
            .entry(format!("{what}: {}", error_name(data)))
            .or_default() += 1;
        if typed(data) {
            Ok(())
        } else {
            Err(self.fail(format!("{what}: untyped revert {data}")))
        }
    }

    fn succeeded(&self, what: &'static str) {
        self.stats.borrow_mut().entry(what).or_default().0 += 1;
    }

    async fn step(&mut self, act: &Action) -> Result<(), TestCaseError> {
        let w = self.w;
        let a = w.a;
        self.log.push(format!("{act:?}"));
        match *act {
            Action::Offer {
                lender,
                coll,
                principal,
                apr,
                days,
                capacity,
            } => {
                let c = usize::from(coll);
                let l = self.actor(lender % 3).clone();
                let amount = tokens(u64::from(principal));
                let total = amount * U256::from(capacity);
                self.mint(c, l.address(), total).await;
                let p = self.p(&l);
                {
                    let inst = IERC20::new(w.currencies[c], &p);
                    lien_e2e::ok!(inst.approve(a.offer_book, total))
                };
                let now = self.h.now().await;
                let r = {
                    let inst = IOfferBook::new(a.offer_book, &p);
                    attempt!(inst.createOffer(
                        w.currencies[c],
                        w.collections[c],
                        U256::ZERO,
                        true,
                        amount,
                        apr,
                        u64::from(days) * DAY,
                        now + 60 * DAY,
                        u64::from(capacity)
                    ))
                };
                match r {
                    Ok(_) => {
                        self.succeeded("createOffer");
                        self.m.offers += 1;
                        sub(&mut self.m.balances[c], l.address(), total);
                        add(&mut self.m.balances[c], a.offer_book, total);
                    }
                    Err(d) => self.refused("createOffer", &d)?,
                }
            }
            Action::Cancel { who, offer } => {
                if self.m.offers == 0 {
                    return Ok(());
                }
                let id = U256::from(1 + u64::from(offer) % self.m.offers);
                let s = self.actor(who).clone();
                let o = IOfferBook::new(a.offer_book, self.p(&s))
                    .offer(id)
                    .call()
                    .await
                    .expect("offer");
                let c = usize::from(o.currency != w.currencies[0]);
                let r = {
                    let inst = IOfferBook::new(a.offer_book, self.p(&s));
                    attempt!(inst.cancelOffer(id))
                };
                match r {
                    Ok(rc) => {
                        if o.lender != s.address() {
                            return Err(self.fail(format!(
                                "INV-AUTH: {} cancelled offer {id} of {}",
                                s.address(),
                                o.lender
                            )));
                        }
                        self.succeeded("cancelOffer");
                        let e: IOfferBook::OfferCancelled = event(&rc).expect("OfferCancelled");
                        sub(&mut self.m.balances[c], a.offer_book, e.refund);
                        add(&mut self.m.balances[c], s.address(), e.refund);
                    }
                    Err(d) => self.refused("cancelOffer", &d)?,
                }
            }
            Action::Borrow { borrower, offer } => {
                if self.m.offers == 0 {
                    return Ok(());
                }
                let id = U256::from(1 + u64::from(offer) % self.m.offers);
                let b = self.actor(3 + borrower % 3).clone();
                let p = self.p(&b);
                let o = IOfferBook::new(a.offer_book, &p)
                    .offer(id)
                    .call()
                    .await
                    .expect("offer");
                let c = usize::from(o.collection != w.collections[0]);
                self.m.next_token += 1;
                let token = U256::from(self.m.next_token);
                let nft = IERC721::new(w.collections[c], &p);
                lien_e2e::ok!(nft.mint(b.address(), token));
                lien_e2e::ok!(nft.approve(a.vault, token));
                self.m.nfts.insert((c, token), b.address());
                match {
                    let inst = ILoanBook::new(a.loan_book, &p);
                    attempt!(inst.borrow(id, token))
                } {
                    Ok(rc) => {
                        self.succeeded("borrow");
                        let e: ILoanBook::LoanStarted = event(&rc).expect("LoanStarted");
                        sub(&mut self.m.balances[c], a.offer_book, e.principal);
                        add(&mut self.m.balances[c], b.address(), e.principal);
                        self.m.nfts.insert((c, token), a.vault);
                        let terms = ILoanBook::new(a.loan_book, &p)
                            .loanTerms(e.loanId)
                            .call()
                            .await
                            .expect("terms");
                        self.m.loans.insert(
                            e.loanId,
                            LoanModel {
                                status: ACTIVE,
                                coll: c,
                                token,
                                due: e.due,
                                terms,
                            },
                        );
                    }
                    Err(d) => self.refused("borrow", &d)?,
                }
            }
            Action::Repay { who, loan } => {
                let Some((id, c, status, due)) = self.pick_loan(loan) else {
                    return Ok(());
                };
                let s = self.actor(who).clone();
                let p = self.p(&s);
                let book = ILoanBook::new(a.loan_book, &p);
                let debt = book.debt(id).call().await.expect("debt");
                // a day of interest of headroom; the exact amount comes from the event
                let budget = debt + debt / U256::from(100) + U256::from(1);
                self.mint(c, s.address(), budget).await;
                {
                    let inst = IERC20::new(w.currencies[c], &p);
                    lien_e2e::ok!(inst.approve(a.loan_book, budget))
                };
                let l = book.loan(id).call().await.expect("loan");
                let lender_before = book
                    .claimable(l.lender, w.currencies[c])
                    .call()
                    .await
                    .expect("claimable");
                let live = status == ACTIVE && self.h.now().await + 60 < due;
                match attempt!(book.repay(id)) {
                    Ok(rc) => {
                        self.succeeded("repay");
                        let e: ILoanBook::LoanRepaid = event(&rc).expect("LoanRepaid");
                        if e.toLender + e.toReserve != e.amount {
                            return Err(self.fail(format!(
                                "INV-SETTLE: repay {id}: {} + {} ≠ {}",
                                e.toLender, e.toReserve, e.amount
                            )));
                        }
                        let lender_after = book
                            .claimable(l.lender, w.currencies[c])
                            .call()
                            .await
                            .expect("claimable");
                        if lender_after - lender_before != e.toLender {
                            return Err(self.fail(format!(
                                "INV-SETTLE: lender claim grew {} for toLender {}",
                                lender_after - lender_before,
                                e.toLender
                            )));
                        }
                        sub(&mut self.m.balances[c], s.address(), e.amount);
                        add(&mut self.m.balances[c], a.loan_book, e.amount);
                        let lm = self.m.loans.get_mut(&id).expect("loan");
                        lm.status = 3;
                        let owner = l.borrower;
                        self.m.nfts.insert((c, lm.token), owner);
                        if status == IN_AUCTION {
                            let auction = l.auction_id;
                            self.m.auctions.remove(&auction);
                        }
                    }
                    Err(d) => {
                        if live {
                            return Err(self.fail(format!(
                                "INV-REPAY-LIVE: repay of active loan {id} before due refused: {d}"
                            )));
                        }
                        self.refused("repay", &d)?
                    }
                }
            }
            Action::Price { coll, bps } => {
                let c = usize::from(coll);
                let last = self.m.price[c];
                let moved = if bps >= 0 {
                    last + last * U256::from(bps as u64) / U256::from(10_000u64)
                } else {
                    last - last * U256::from(bps.unsigned_abs()) / U256::from(10_000u64)
                };
                let moved = moved.max(tokens(1));
                let o = IPriceOracle::new(a.oracle, self.p(&w.reporter));
                match attempt!(o.postPrice(w.collections[c], moved)) {
                    Ok(_) => {
                        self.succeeded("postPrice");
                        self.m.price[c] = moved
                    }
                    Err(d) => self.refused("postPrice", &d)?,
                }
            }
            Action::Warp { secs } => self.h.increase_time(u64::from(secs)).await,
            Action::Sequencer { down } => {
                if down != self.m.sequencer_down {
                    let now = self.h.now().await;
                    let f = IMockFeed::new(w.feed, self.p(&w.funder));
                    lien_e2e::ok!(f.setRound(
                        alloy::primitives::I256::try_from(u8::from(down)).expect("0 or 1"),
                        U256::from(now),
                        U256::from(now)
                    ));
                    self.m.sequencer_down = down;
                }
            }
            Action::Liquidate { who, loan } => {
                let Some((id, _c, _status, _due)) = self.pick_loan(loan) else {
                    return Ok(());
                };
                let s = self.actor(who).clone();
                match {
                    let inst = ILoanBook::new(a.loan_book, self.p(&s));
                    attempt!(inst.liquidate(id))
                } {
                    Ok(rc) => {
                        self.succeeded("liquidate");
                        let e: ILoanBook::LoanLiquidated = event(&rc).expect("LoanLiquidated");
                        self.m.loans.get_mut(&id).expect("loan").status = IN_AUCTION;
                        self.m.auctions.insert(e.auctionId, e.startPrice);
                    }
                    Err(d) => self.refused("liquidate", &d)?,
                }
            }
            Action::Bid { who, auction } => {
                if self.m.auctions.is_empty() {
                    return Ok(());
                }
                let ids: Vec<U256> = self.m.auctions.keys().copied().collect();
                let id = ids[usize::from(auction) % ids.len()];
                let s = self.actor(who).clone();
                let p = self.p(&s);
                let liq = ILiquidator::new(a.liquidator, &p);
                let Ok(price) = liq.currentPrice(id).call().await else {
                    return Ok(());
                };
                let info = liq.auction(id).call().await.expect("auction");
                let (loan_id, currency) = (info.loan_id, info.currency);
                let c = usize::from(currency != w.currencies[0]);
                self.mint(c, s.address(), price).await;
                {
                    let inst = IERC20::new(currency, &p);
                    lien_e2e::ok!(inst.approve(a.liquidator, price))
                };
                match attempt!(liq.bid(id, price)) {
                    Ok(rc) => {
                        self.succeeded("bid");
                        let paid: ILiquidator::AuctionSettled = event(&rc).expect("AuctionSettled");
                        let settled: ILoanBook::AuctionSettled =
                            event(&rc).expect("LoanBook AuctionSettled");
                        let parts =
                            settled.tip + settled.toLender + settled.toReserve + settled.toBorrower;
                        if paid.price != settled.proceeds || parts != settled.proceeds {
                            return Err(self.fail(format!(
                                "INV-SETTLE: auction {id}: paid {}, proceeds {}, parts {parts}",
                                paid.price, settled.proceeds
                            )));
                        }
                        sub(&mut self.m.balances[c], s.address(), paid.price);
                        add(&mut self.m.balances[c], a.loan_book, paid.price);
                        let lm = self.m.loans.get_mut(&loan_id).expect("loan");
                        lm.status = 4;
                        self.m.nfts.insert((lm.coll, lm.token), s.address());
                        self.m.auctions.remove(&id);
                    }
                    Err(d) => self.refused("bid", &d)?,
                }
            }
            Action::Foreclose { who, loan } => {
                let Some((id, c, _status, _due)) = self.pick_loan(loan) else {
                    return Ok(());
                };
                let s = self.actor(who).clone();
                let book = ILoanBook::new(a.loan_book, self.p(&s));
                let l = book.loan(id).call().await.expect("loan");
                match attempt!(book.foreclose(id)) {
                    Ok(_) => {
                        self.succeeded("foreclose");
                        let lm = self.m.loans.get_mut(&id).expect("loan");
                        lm.status = 5;
                        self.m.nfts.insert((c, lm.token), l.lender);
                        self.m.auctions.remove(&l.auction_id);
                    }
                    Err(d) => self.refused("foreclose", &d)?,
                }
            }
            Action::Withdraw { who, currency } => {
                let c = usize::from(currency);
                let s = self.actor(who).clone();
                let book = ILoanBook::new(a.loan_book, self.p(&s));
                let claim = book
                    .claimable(s.address(), w.currencies[c])
                    .call()
                    .await
                    .expect("claimable");
                match attempt!(book.withdraw(w.currencies[c])) {
                    Ok(rc) => {
                        self.succeeded("withdraw");
                        let e: ILoanBook::Withdrawn = event(&rc).expect("Withdrawn");
                        if e.amount != claim {
                            return Err(self.fail(format!(
                                "INV-SETTLE: withdrew {} of a claim of {claim}",
                                e.amount
                            )));
                        }
                        sub(&mut self.m.balances[c], a.loan_book, e.amount);
                        add(&mut self.m.balances[c], s.address(), e.amount);
                    }
                    Err(d) => {
                        if !claim.is_zero() {
                            return Err(self.fail(format!(
                                "INV-REPAY-LIVE: withdraw of a claim of {claim} refused: {d}"
                            )));
                        }
                        self.refused("withdraw", &d)?
                    }
                }
            }
            Action::TransferLoan { who, loan, to } => {
                let Some((id, _c, _status, _due)) = self.pick_loan(loan) else {
                    return Ok(());
                };
                let s = self.actor(who).clone();
                let to = self.actor(to).address();
                let book = ILoanBook::new(a.loan_book, self.p(&s));
                let l = book.loan(id).call().await.expect("loan");
                match attempt!(book.transferLoan(id, to)) {
                    Ok(_) => {
                        self.succeeded("transferLoan");
                        if l.lender != s.address() {
                            return Err(self.fail(format!(
                                "INV-AUTH: {} moved loan {id} of lender {}",
                                s.address(),
                                l.lender
                            )));
                        }
                    }
                    Err(d) => self.refused("transferLoan", &d)?,
                }
            }
            Action::Propose { fee, tip } => {
                let data = IOfferBook::setProtocolParamsCall {
                    fee_bps: fee,
                    tip_bps: tip,
                    uncertain_haircut_bps: 5_000,
                }
                .abi_encode();
                let g = IGovernance::new(a.governance, self.p(&w.owner));
                match attempt!(g.propose(a.offer_book, U256::ZERO, Bytes::from(data))) {
                    Ok(_) => {
                        self.succeeded("propose");
                        let n = g.proposalCount().call().await.expect("count");
                        self.m.proposals.push(n);
                    }
                    Err(d) => self.refused("propose", &d)?,
                }
            }
            Action::Execute => {
                let g = IGovernance::new(a.governance, self.p(&w.owner));
                let queued = std::mem::take(&mut self.m.proposals);
                for id in queued {
                    match attempt!(g.execute(id)) {
                        Ok(_) => self.succeeded("execute"),
                        Err(d) => {
                            self.refused("execute", &d)?;
                            self.m.proposals.push(id);
                        }
                    }
                }
            }
            Action::Pause => {
                let g = IGovernance::new(a.governance, self.p(&w.guardian));
                if let Err(d) = attempt!(g.guardianPause(a.offer_book)) {
                    self.refused("guardianPause", &d)?;
                }
            }
        }
        Ok(())
    }

    /// A loan id that exists (by index modulo the loans made), with its collection index,
    /// on-chain status and due time.
    fn pick_loan(&self, i: u8) -> Option<(U256, usize, u8, u64)> {
        if self.m.loans.is_empty() {
            return None;
        }
        let (id, l) = self
            .m
            .loans
            .iter()
            .nth(usize::from(i) % self.m.loans.len())?;
        Some((*id, l.coll, l.status, l.due))
    }

    /// Every check against the chain.
    async fn check(&mut self) -> Result<(), TestCaseError> {
        let w = self.w;
        let p = self.p(&w.funder);
        for c in 0..2 {
            let token = IERC20::new(w.currencies[c], &p);
            let mut total = U256::ZERO;
            for (who, want) in &self.m.balances[c] {
                let got = token.balanceOf(*who).call().await.expect("balance");
                if got != *want {
                    return Err(self.fail(format!(
                        "INV-CONSERVE: {who} holds {got} of currency {c}, model {want}"
                    )));
                }
                total += got;
            }
            let supply = ISupply::new(w.currencies[c], &p)
                .totalSupply()
                .call()
                .await
                .expect("supply");
            if supply != total {
                return Err(self.fail(format!(
                    "INV-CONSERVE: currency {c} supply {supply} ≠ Σ known holders {total}"
                )));
            }
            for check in lien_client::invariants::check_all(&p, &w.a, w.currencies[c])
                .await
                .expect("invariant reads")
            {
                if !check.holds {
                    return Err(
                        self.fail(format!("{} (currency {c}): {}", check.name, check.detail))
                    );
                }
            }
        }
        for ((c, token), owner) in &self.m.nfts {
            let got = IERC721::new(w.collections[*c], &p)
                .ownerOf(*token)
                .call()
                .await
                .expect("ownerOf");
            if got != *owner {
                return Err(self.fail(format!(
                    "INV-CUSTODY: NFT {c}/{token} owned by {got}, model {owner}"
                )));
            }
        }
        let book = ILoanBook::new(w.a.loan_book, &p);
        for (id, lm) in &self.m.loans {
            let l = book.loan(*id).call().await.expect("loan");
            if l.status != lm.status {
                return Err(self.fail(format!(
                    "loan {id}: status {} on chain, model {}",
                    l.status, lm.status
                )));
            }
            let t = book.loanTerms(*id).call().await.expect("terms");
            let (s, o) = (&lm.terms, &t);
            let same = (
                s.grace_period,
                s.liq_threshold_bps,
                s.liq_penalty_bps,
                s.fee_bps,
                s.tip_bps,
                s.auction_start_bps,
                s.auction_cut_bps,
                s.auction_step,
                s.auction_tail,
            ) == (
                o.grace_period,
                o.liq_threshold_bps,
                o.liq_penalty_bps,
                o.fee_bps,
                o.tip_bps,
                o.auction_start_bps,
                o.auction_cut_bps,
                o.auction_step,
                o.auction_tail,
            );
            if !same {
                return Err(self.fail(format!("INV-SNAPSHOT: loan {id} terms changed")));
            }
        }
        let liq = ILiquidator::new(w.a.liquidator, &p);
        let live: Vec<U256> = self.m.auctions.keys().copied().collect();
        for id in live {
            if let Ok(price) = liq.currentPrice(id).call().await {
                let last = self.m.auctions[&id];
                if price > last {
                    return Err(self.fail(format!(
                        "INV-AUCTION-MONO: auction {id} price rose {last} → {price}"
                    )));
                }
                self.m.auctions.insert(id, price);
            }
        }
        Ok(())
    }
}

/// Deploys the world once: the protocol, 2 currencies, 2 collections, the sequencer feed, the
/// oracle reporter, 7 funded actors, then the hand-over to Governance.
async fn deploy_world(h: &Harness) -> World {
    let (owner, guardian, reporter) = (
        h.account(10).await,
        h.account(10).await,
        h.account(10).await,
    );
    let gov = GovernanceSetup {
        owners: vec![owner.address()],
        threshold: 1,
        delay: 3_600,
        guardian: guardian.address(),
    };
    let a = deploy_protocol(h, &gov).await.addresses;
    let dp = h.provider(&h.funder);
    let mut currencies = [Address::ZERO; 2];
    let mut collections = [Address::ZERO; 2];
    for c in 0..2 {
        currencies[c] = deploy_stylus(&dp, "lien-mock-token", code_of("lien-mock-token"), None)
            .await
            .expect("token")
            .address;
        collections[c] = deploy_stylus(&dp, "lien-mock-nft", code_of("lien-mock-nft"), None)
            .await
            .expect("nft")
            .address;
    }
    let feed_args = constructor_calldata(&alloy::sol_types::SolValue::abi_encode_params(&(
        h.funder.address(),
        U256::ZERO,
    )));
    let feed = deploy_stylus(
        &dp,
        "lien-mock-feed",
        code_of("lien-mock-feed"),
        Some(feed_args),
    )
    .await
    .expect("feed")
    .address;
    let offers = IOfferBook::new(a.offer_book, &dp);
    let oracle = IPriceOracle::new(a.oracle, &dp);
    let f = IMockFeed::new(feed, &dp);
    let start = h.now().await - 7_200;
    lien_e2e::ok!(f.setRound(
        alloy::primitives::I256::ZERO,
        U256::from(start),
        U256::from(start)
    ));
    lien_e2e::ok!(oracle.setSequencerFeed(feed, U256::from(3_600)));
    let params = OracleParams {
        min_sources: 1,
        max_age: 2 * DAY,
        max_jump_bps: 5_000,
        confirm_delay: 600,
        max_spread_bps: 1_500,
        twap_window: 3_600,
        decimals: 18,
    };
    for c in 0..2 {
        lien_e2e::ok!(offers.setCurrency(currencies[c], tokens(5)));
        lien_e2e::ok!(offers.listCollection(
            collections[c],
            currencies[c],
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
        lien_e2e::ok!(oracle.setParams(collections[c], oracle_params_word(&params)));
        lien_e2e::ok!(oracle.addReporter(collections[c], reporter.address()));
    }
    let r = IPriceOracle::new(a.oracle, h.provider(&reporter));
    for c in 0..2 {
        lien_e2e::ok!(r.postPrice(collections[c], tokens(100)));
    }
    h.increase_time(3_700).await;
    for c in 0..2 {
        lien_e2e::ok!(r.postPrice(collections[c], tokens(100)));
    }
    hand_over_to_governance(&dp, &a).await.expect("hand-over");
    let mut actors = Vec::new();
    for _ in 0..7 {
        actors.push(h.account(10).await);
    }
    World {
        a,
        currencies,
        collections,
        feed,
        actors,
        owner,
        guardian,
        reporter,
        funder: h.funder.clone(),
    }
}

fn env(name: &str, default: u32) -> u32 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn random_action_sequences_keep_every_invariant() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let h = rt.block_on(Harness::start());
    if !h.can_time_travel() {
        println!("skipped: the stateful test needs evm_snapshot and time travel (the dev node)");
        return;
    }
    let w = rt.block_on(deploy_world(&h));
    let cases = env("LIEN_STATEFUL_CASES", 6);
    let steps = env("LIEN_STATEFUL_STEPS", 24) as usize;
    let snapshot = |h: &Harness| -> String {
        let p = h.provider(&h.funder);
        rt.block_on(async {
            p.raw_request::<_, String>("evm_snapshot".into(), ())
                .await
                .expect("evm_snapshot")
        })
    };
    let base = std::cell::RefCell::new(snapshot(&h));
    let mut runner = TestRunner::new(Config {
        cases,
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        max_shrink_iters: 64,
        ..Config::default()
    });
    let started = std::time::Instant::now();
    let counter = std::cell::Cell::new(0usize);
    let total_steps = std::cell::Cell::new(0usize);
    let stats = std::cell::RefCell::new(BTreeMap::new());
    let reasons = std::cell::RefCell::new(BTreeMap::new());
    let result = runner.run(
        &proptest::collection::vec(action(), (steps / 2).max(1)..=steps),
        |actions| {
            counter.set(counter.get() + 1);
            total_steps.set(total_steps.get() + actions.len());
            let outcome = rt.block_on(async {
                let mut run = Run {
                    h: &h,
                    w: &w,
                    m: Model::default(),
                    log: Vec::new(),
                    stats: &stats,
                    reasons: &reasons,
                };
                run.m.price = [tokens(100), tokens(100)];
                run.m.offers = IOfferBook::new(w.a.offer_book, h.provider(&h.funder))
                    .offerCount()
                    .call()
                    .await
                    .expect("count")
                    .to::<u64>();
                run.check_initial().await;
                for act in &actions {
                    run.step(act).await?;
                    run.check().await?;
                }
                Ok(())
            });
            // back to the deployment for the next case (a revert drops the snapshot: take it again)
            let p = h.provider(&h.funder);
            let id = base.borrow().clone();
            let reverted: bool = rt.block_on(async {
                p.raw_request("evm_revert".into(), (id,))
                    .await
                    .expect("evm_revert")
            });
            assert!(reverted, "evm_revert");
            *base.borrow_mut() = snapshot(&h);
            outcome
        },
    );
    println!(
        "stateful: {} sequences ({} steps, shrinking included) in {:.1} s",
        counter.get(),
        total_steps.get(),
        started.elapsed().as_secs_f64()
    );
    println!("actions (succeeded, refused): {:?}", stats.borrow());
    println!("refusals: {:?}", reasons.borrow());
    if let Err(e) = result {
        panic!("{e}");
    }
    // the run reached the protocol's main paths, or its checks proved little
    let stats = stats.borrow();
    for kind in ["createOffer", "borrow", "repay"] {
        assert!(
            stats.get(kind).is_some_and(|s| s.0 > 0) || cases < 6,
            "no {kind} succeeded in {cases} sequences: {stats:?}"
        );
    }
}

impl Run<'_> {
    /// Seeds the model with the deployment's balances (none of the mock tokens are minted yet).
    async fn check_initial(&mut self) {
        let p = self.p(&self.w.funder);
        for c in 0..2 {
            let supply = ISupply::new(self.w.currencies[c], &p)
                .totalSupply()
                .call()
                .await
                .expect("supply");
            assert!(supply.is_zero(), "the snapshot starts before any mint");
            for who in [
                self.w.a.offer_book,
                self.w.a.loan_book,
                self.w.a.liquidator,
                self.w.a.vault,
            ] {
                self.m.balances[c].insert(who, U256::ZERO);
            }
            for s in &self.w.actors {
                self.m.balances[c].insert(s.address(), U256::ZERO);
            }
        }
    }
}
