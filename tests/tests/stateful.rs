//! The stateful property test (docs/INVARIANTS.md): random sequences of every user action —
//! offers, cancels, borrows, repays, price moves, time jumps, sequencer outages, liquidations,
//! bids, foreclosures, withdrawals, loan transfers, governance changes through the timelock,
//! the guardian's pause — by 3 lenders, 3 borrowers and a keeper over 2 collections lent in 2
//! currencies, on the compiled wasm in the embedded dev node. The protocol is deployed once;
//! each case starts from a snapshot of that deployment and ends by reverting to it.
//!
//! **Steering.** Each sequence is three liquidation episodes and a governance episode, their
//! steps kept in order, with random actions interleaved (see [`sequence`]): episode A crashes
//! its loan's collection price and bids at once (an auction settled with a surplus for the
//! borrower), B lets its loan run overdue and bids at the auction's floor (a shortfall), C
//! (price or overdue) is foreclosed unsold; a sequencer outage falls inside one of the three
//! auctions; the governance episode passes a change through the timelock. Episode actions name
//! their loan by a tag; random actions pick offers, loans and auctions by index, mostly among
//! those in the state that makes the action meaningful. The run asserts that each of these paths
//! succeeded at least once.
//!
//! **Checks.** After every step the test compares the chain with a model: every token balance
//! the step moved (both currencies, read from the tokens' own `Transfer` events) and the four
//! contracts' to the wei, the total supply against the model's sum (INV-CONSERVE), the owner
//! of every NFT the step moved (INV-CUSTODY), the status and snapshot of every loan the step
//! touched (INV-SNAPSHOT), exact settlement against the events and claim views (INV-SETTLE),
//! the live auctions' prices never rising (INV-AUCTION-MONO), solvency of both books and the
//! claims sum (INV-SOLV-1, INV-CLAIMS). Every `LIEN_STATEFUL_FULL_EVERY` steps (default 4) and
//! after the last step of every sequence it runs the **full check**: every balance of every
//! holder, every NFT, every loan and offer, escrow, custody and vault locks, closed loans,
//! parameter bounds and auction ids — the invariants of `lien_client::invariants::check_all`,
//! read in-process; that function itself also runs over JSON-RPC after each sequence's last
//! step. A state-predicate violation persists until something repairs it, so a step the light
//! check missed is still caught by the next full check and proptest shrinks to it. A repay of an
//! Active loan before its due time by a funded borrower must succeed (INV-REPAY-LIVE); an action
//! by the wrong account must fail (INV-AUTH); every failure is a typed error.
//!
//! **Speed.** After the deployment everything goes through [`lien_e2e::direct`]: the same
//! chain, runtime and compiled wasm, without HTTP/JSON round trips.
//!
//! CI-sized: `LIEN_STATEFUL_CASES` (default 6) sequences of the 22 episode steps plus up to
//! `LIEN_STATEFUL_STEPS` (default 12, at least half of it) random actions. The long run is
//! the same test with larger numbers (docs/INVARIANTS.md). Failures are kept in
//! `stateful.proptest-regressions` beside this file and replayed first.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

use alloy::{
    primitives::{Address, Bytes, Log, B256, U256},
    signers::local::PrivateKeySigner,
    sol_types::{SolCall, SolEvent, SolInterface},
};
use lien_client::{
    bindings::{
        ICollateralVault, IGovernance, ILiquidator, ILoanBook, ILoanDesk, ILoanLens, IMockFeed,
        IOfferBook, IPriceOracle, IERC20, IERC721,
    },
    deploy::{constructor_calldata, deploy_stylus},
    protocol::{
        hand_over_to_governance, oracle_params_word, Addresses, GovernanceSetup, OracleParams,
    },
};
use lien_e2e::{
    code_of, deploy_protocol,
    direct::{Direct, Sent},
    tokens, Harness,
};
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
const REPAID: u8 = 3;
const LIQUIDATED: u8 = 4;
const FORECLOSED: u8 = 5;
/// Gas limit of every transaction (no estimate: a refusal is a mined, reverted transaction).
const GAS: u64 = 8_000_000;
/// Governance's timelock (deploy_world).
const GOV_DELAY: u64 = 3_600;

/// Which loan (or offer) an action is about.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// By index modulo what exists, mostly among those in the state the action needs.
    Any(u8),
    /// The one an earlier step of the same episode tagged.
    Tag(u8),
}

/// How long a bidder waits before bidding.
#[derive(Clone, Copy, Debug)]
enum Wait {
    /// Bids at once.
    Now,
    /// Waits out a sequencer outage's grace (if the sequencer is up), then bids.
    Resume,
    /// Waits until the price reaches the auction's floor, then bids.
    Floor,
}

/// Whose claims a withdrawal takes.
#[derive(Clone, Copy, Debug)]
enum Who {
    /// One of the 7 actors.
    Actor(u8),
    /// The (current) lender of a loan.
    Lender(Target),
    /// The borrower of a loan.
    Borrower(Target),
}

/// What the owner proposes through Governance.
#[derive(Clone, Copy, Debug)]
enum Proposal {
    /// `setProtocolParams` with these fee and tip (often out of bounds or too large a step).
    Fees { fee: u16, tip: u16 },
    /// The fee moved by at most the allowed step (unpause instead when the book is paused).
    Step { up: bool },
}

/// One user action (one step: the checks run after it).
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
        tag: Option<u8>,
    },
    /// An account (usually not the lender) cancels an offer.
    Cancel { who: u8, offer: u8 },
    /// A borrower mints a fresh NFT of the offer's collection and borrows on the offer.
    Borrow {
        borrower: u8,
        offer: Target,
        tag: Option<u8>,
    },
    /// An account pays a loan's debt (minted to it first).
    Repay { who: u8, loan: Target },
    /// The reporter posts a collection's price moved by `bps` (−6000…+3000) of the last one.
    Price { coll: u8, bps: i16 },
    /// The reporter posts the loan's collection below the loan's liquidation line, time passes
    /// one TWAP window and the reporter posts it again.
    Crash { loan: Target },
    /// Time passes (and a block is mined).
    Warp { secs: u32 },
    /// Time passes until the loan is overdue past its grace.
    Overdue { loan: Target },
    /// The sequencer goes down (true) or comes back up (false).
    Sequencer { down: bool },
    /// An account liquidates a loan.
    Liquidate { who: u8, loan: Target },
    /// An account bids on a loan's live auction at its current price.
    Bid { who: u8, loan: Target, wait: Wait },
    /// An account forecloses a loan (waiting for the auction's end first if `wait`).
    Foreclose { who: u8, loan: Target, wait: bool },
    /// An account withdraws its claims in a currency (a loan's currency for a loan's party).
    Withdraw { who: Who, currency: u8 },
    /// An account transfers a loan's lender position to another account.
    TransferLoan { who: u8, loan: Target, to: u8 },
    /// An account repays `pct` % (1–99) of a loan's debt (minted to it first).
    RepayPart { who: u8, loan: Target, pct: u8 },
    /// A lender funds a one-loan offer and refinances a loan with it: principal the debt plus
    /// `spare` whole tokens, and either the same APR for a longer term (`longer`) or the APR cut
    /// by the governed minimum plus `cut` for at least the remaining term.
    Refinance {
        lender: u8,
        loan: Target,
        longer: bool,
        cut: u16,
        spare: u8,
    },
    /// A lender funds a one-loan offer of `principal` whole tokens and the loan's borrower rolls
    /// the loan over to it (paying any shortfall, minted to it first).
    Rollover {
        lender: u8,
        loan: Target,
        principal: u8,
        apr: u16,
        days: u8,
    },
    /// The owner proposes a change through Governance.
    Propose { what: Proposal },
    /// The owner executes every queued proposal (waiting for the timelock first if `wait`).
    Execute { wait: bool },
    /// The guardian pauses the offer book.
    Pause,
}

/// A random action (the noise between the episodes).
fn action() -> impl Strategy<Value = Action> {
    let any_target = any::<u8>().prop_map(Target::Any);
    prop_oneof![
        4 => (0..3u8, 0..2u8, 1..30u8, 0..5_000u16, 1..40u8, 1..4u8).prop_map(
            |(lender, coll, principal, apr, days, capacity)| Action::Offer {
                lender, coll, principal, apr, days, capacity, tag: None
            }
        ),
        1 => (0..7u8, any::<u8>()).prop_map(|(who, offer)| Action::Cancel { who, offer }),
        4 => (0..3u8, any_target.clone())
            .prop_map(|(borrower, offer)| Action::Borrow { borrower, offer, tag: None }),
        3 => (0..7u8, any_target.clone()).prop_map(|(who, loan)| Action::Repay { who, loan }),
        3 => (0..2u8, -6_000..3_000i16).prop_map(|(coll, bps)| Action::Price { coll, bps }),
        1 => any_target.clone().prop_map(|loan| Action::Crash { loan }),
        3 => prop_oneof![
            3 => Just(60u32),
            3 => Just(700),
            3 => Just(3_700),
            2 => Just(DAY as u32),
            1 => Just(20 * DAY as u32),
        ]
        .prop_map(|secs| Action::Warp { secs }),
        1 => any_target.clone().prop_map(|loan| Action::Overdue { loan }),
        // down once for every two ups: a random outage rarely blocks the rest of a sequence
        1 => prop_oneof![1 => Just(true), 2 => Just(false)]
            .prop_map(|down| Action::Sequencer { down }),
        3 => (0..7u8, any_target.clone()).prop_map(|(who, loan)| Action::Liquidate { who, loan }),
        3 => (0..7u8, any_target.clone(), prop_oneof![Just(Wait::Now), Just(Wait::Resume), Just(Wait::Floor)])
            .prop_map(|(who, loan, wait)| Action::Bid { who, loan, wait }),
        2 => (0..7u8, any_target.clone(), any::<bool>())
            .prop_map(|(who, loan, wait)| Action::Foreclose { who, loan, wait }),
        2 => (0..7u8, 0..2u8).prop_map(|(who, currency)| Action::Withdraw {
            who: Who::Actor(who),
            currency
        }),
        1 => (0..7u8, any_target.clone(), 0..7u8)
            .prop_map(|(who, loan, to)| Action::TransferLoan { who, loan, to }),
        2 => (0..7u8, any_target.clone(), 1..100u8)
            .prop_map(|(who, loan, pct)| Action::RepayPart { who, loan, pct }),
        2 => (0..3u8, any_target.clone(), any::<bool>(), 0..500u16, 0..5u8)
            .prop_map(|(lender, loan, longer, cut, spare)| Action::Refinance { lender, loan, longer, cut, spare }),
        2 => (0..3u8, any_target, 5..=35u8, 0..5_000u16, 1..=30u8)
            .prop_map(|(lender, loan, principal, apr, days)| Action::Rollover { lender, loan, principal, apr, days }),
        1 => prop_oneof![
            (0..2_000u16, 0..500u16).prop_map(|(fee, tip)| Proposal::Fees { fee, tip }),
            any::<bool>().prop_map(|up| Proposal::Step { up }),
        ]
        .prop_map(|what| Action::Propose { what }),
        1 => any::<bool>().prop_map(|wait| Action::Execute { wait }),
        1 => Just(Action::Pause),
    ]
}

/// How an episode's loan is made liquidatable.
#[derive(Clone, Copy, Debug)]
enum Trigger {
    Crash,
    Overdue,
}

/// Parameters of one liquidation episode.
#[derive(Clone, Debug)]
struct Episode {
    lender: u8,
    coll: u8,
    principal: u8,
    apr: u16,
    days: u8,
    borrower: u8,
    keeper: u8,
    bidder: u8,
}

fn episode() -> impl Strategy<Value = Episode> {
    (
        0..3u8,
        0..2u8,
        // at most 35 % of the price of 100: within the 40 % LTV
        5..=35u8,
        0..5_000u16,
        1..=30u8,
        0..3u8,
        prop_oneof![3 => Just(6u8), 1 => 0..7u8],
        0..7u8,
    )
        .prop_map(
            |(lender, coll, principal, apr, days, borrower, keeper, bidder)| Episode {
                lender,
                coll,
                principal,
                apr,
                days,
                borrower,
                keeper,
                bidder,
            },
        )
}

/// Interleaves `streams` keeping each one's order; `picks` chooses the stream of each position.
fn merge(streams: Vec<Vec<Action>>, picks: &[u8]) -> Vec<Action> {
    let mut queues: Vec<VecDeque<Action>> = streams.into_iter().map(VecDeque::from).collect();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let live: Vec<usize> = (0..queues.len())
            .filter(|k| !queues[*k].is_empty())
            .collect();
        if live.is_empty() {
            return out;
        }
        let pick = usize::from(picks.get(i).copied().unwrap_or(0)) % live.len();
        out.extend(queues[live[pick]].pop_front());
        i += 1;
    }
}

/// One sequence: the setup of three liquidation episodes (offer, borrow), then their tails in a
/// random order — A (price crash, bid at once: surplus), B (overdue, bid at the floor:
/// shortfall), C (either trigger, foreclosed unsold), a sequencer outage inside one of the three
/// auctions — and a governance episode (propose, wait out the timelock, execute), with `noise`
/// random actions (at least half of `noise`) interleaved throughout.
fn sequence(noise: usize) -> impl Strategy<Value = Vec<Action>> {
    (
        [episode(), episode(), episode()],
        any::<bool>(),
        0..3u8,
        600..7_200u32,
        any::<bool>(),
        proptest::collection::vec(action(), (noise / 2)..=noise),
        Just(vec![0usize, 1, 2, 3, 4]).prop_shuffle(),
        proptest::collection::vec(any::<u8>(), 64),
        proptest::collection::vec(any::<u8>(), 64),
    )
        .prop_map(
            |(eps, c_crash, outage_in, outage_secs, gov_up, noise, order, picks_a, picks_b)| {
                let mut setup = Vec::new();
                for (k, e) in eps.iter().enumerate() {
                    let tag = Some(k as u8);
                    setup.push(Action::Offer {
                        lender: e.lender,
                        coll: e.coll,
                        principal: e.principal,
                        apr: e.apr,
                        days: e.days,
                        capacity: 1,
                        tag,
                    });
                    setup.push(Action::Borrow {
                        borrower: e.borrower,
                        offer: Target::Tag(k as u8),
                        tag,
                    });
                }
                let triggers = [
                    Trigger::Crash,
                    Trigger::Overdue,
                    if c_crash {
                        Trigger::Crash
                    } else {
                        Trigger::Overdue
                    },
                ];
                let mut tails: Vec<Vec<Action>> = Vec::new();
                for (k, e) in eps.iter().enumerate() {
                    let t = Target::Tag(k as u8);
                    let mut tail = vec![
                        match triggers[k] {
                            Trigger::Crash => Action::Crash { loan: t },
                            Trigger::Overdue => Action::Overdue { loan: t },
                        },
                        Action::Liquidate {
                            who: e.keeper,
                            loan: t,
                        },
                    ];
                    if usize::from(outage_in) == k {
                        tail.push(Action::Sequencer { down: true });
                        tail.push(Action::Warp { secs: outage_secs });
                        tail.push(Action::Sequencer { down: false });
                    }
                    match k {
                        0 => {
                            tail.push(Action::Bid {
                                who: e.bidder,
                                loan: t,
                                wait: Wait::Resume,
                            });
                            tail.push(Action::Withdraw {
                                who: Who::Borrower(t),
                                currency: e.coll,
                            });
                        }
                        1 => {
                            tail.push(Action::Bid {
                                who: e.bidder,
                                loan: t,
                                wait: Wait::Floor,
                            });
                            tail.push(Action::Withdraw {
                                who: Who::Lender(t),
                                currency: e.coll,
                            });
                        }
                        _ => tail.push(Action::Foreclose {
                            who: e.bidder,
                            loan: t,
                            wait: true,
                        }),
                    }
                    tails.push(tail);
                }
                tails.push(vec![
                    Action::Propose {
                        what: Proposal::Step { up: gov_up },
                    },
                    Action::Execute { wait: true },
                ]);
                // the loan that moves (tag 3): part repaid, refinanced by another lender,
                // rolled over, repaid
                let m = &eps[0];
                setup.push(Action::Offer {
                    lender: m.lender,
                    coll: m.coll,
                    principal: m.principal,
                    apr: m.apr.max(200),
                    days: m.days.max(5),
                    capacity: 1,
                    tag: Some(3),
                });
                setup.push(Action::Borrow {
                    borrower: m.borrower,
                    offer: Target::Tag(3),
                    tag: Some(3),
                });
                let t = Target::Tag(3);
                tails.push(vec![
                    Action::RepayPart {
                        who: m.borrower + 3,
                        loan: t,
                        pct: 40,
                    },
                    Action::Refinance {
                        lender: m.lender + 1,
                        loan: t,
                        longer: gov_up,
                        cut: 10,
                        spare: 2,
                    },
                    Action::Price {
                        coll: m.coll,
                        bps: 0,
                    },
                    Action::Rollover {
                        lender: m.lender + 2,
                        loan: t,
                        principal: m.principal,
                        apr: m.apr,
                        days: 20,
                    },
                    Action::Repay {
                        who: m.borrower + 3,
                        loan: t,
                    },
                ]);
                // the tails run one after another, in a random order
                let mut skeleton = Vec::new();
                for k in order {
                    skeleton.extend(tails[k].clone());
                }
                let split = noise.len() / 3;
                let (early, late) = noise.split_at(split);
                let mut out = merge(vec![setup, early.to_vec()], &picks_a);
                out.extend(merge(vec![skeleton, late.to_vec()], &picks_b[8..]));
                out
            },
        )
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
    /// Loan id → what the model knows of it.
    loans: BTreeMap<U256, LoanModel>,
    /// Live auction id → last price seen.
    auctions: BTreeMap<U256, U256>,
    offers: u64,
    /// Episode tag → offer id / loan id.
    offer_tags: BTreeMap<u8, U256>,
    loan_tags: BTreeMap<u8, U256>,
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
    borrower: Address,
    terms: ILoanLens::loanTermsReturn,
}

fn add(m: &mut BTreeMap<Address, U256>, who: Address, v: U256) {
    *m.entry(who).or_default() += v;
}
fn sub(m: &mut BTreeMap<Address, U256>, who: Address, v: U256) {
    let e = m.entry(who).or_default();
    *e = e.checked_sub(v).expect("model balance underflow");
}

/// Whether revert data is one of the protocol's typed errors (any contract's: errors pass
/// through the books unchanged where documented).
fn typed(data: &[u8]) -> bool {
    IOfferBook::IOfferBookErrors::abi_decode(data).is_ok()
        || ILoanBook::ILoanBookErrors::abi_decode(data).is_ok()
        || ILoanDesk::ILoanDeskErrors::abi_decode(data).is_ok()
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
        .or_else(|| ILoanDesk::ILoanDeskErrors::name_by_selector(selector))
        .or_else(|| ILiquidator::ILiquidatorErrors::name_by_selector(selector))
        .or_else(|| IPriceOracle::IPriceOracleErrors::name_by_selector(selector))
        .or_else(|| IGovernance::IGovernanceErrors::name_by_selector(selector))
        .unwrap_or("unknown")
        .to_owned()
}

/// Run-wide statistics.
#[derive(Default)]
struct Stats {
    /// Per action kind: (succeeded, refused).
    actions: BTreeMap<&'static str, (u32, u32)>,
    /// Per action and error: how often it was refused.
    reasons: BTreeMap<String, u32>,
    /// Checks run: (light, full).
    checks: (u64, u64),
    /// Time spent in steps and in checks.
    step_time: std::time::Duration,
    check_time: std::time::Duration,
}

struct Run<'a> {
    d: Direct<'a>,
    w: &'a World,
    m: Model,
    log: Vec<String>,
    stats: &'a RefCell<Stats>,
    /// Logs of the transactions of the current step.
    logs: Vec<Log>,
    /// Loans on the chain before the sequence.
    base_loans: u64,
    /// The model's balances before the current step.
    before: [BTreeMap<Address, U256>; 2],
}

impl Run<'_> {
    fn actor(&self, i: u8) -> &PrivateKeySigner {
        &self.w.actors[usize::from(i) % self.w.actors.len()]
    }

    fn fail(&self, msg: String) -> TestCaseError {
        TestCaseError::fail(format!("{msg}\nsteps:\n{}", self.log.join("\n")))
    }

    /// A view that must answer.
    fn view<C: SolCall>(&self, to: Address, call: C) -> C::Return {
        self.d.view(to, &call).unwrap_or_else(|e| {
            panic!(
                "view {} on {to} failed: {}",
                std::any::type_name::<C>(),
                error_name(&e)
            )
        })
    }

    /// A transaction that must succeed (setup: mints, approvals, posts).
    fn must<C: SolCall>(&mut self, s: &PrivateKeySigner, to: Address, call: C) -> Sent {
        let sent = self.d.send(s, to, &call, GAS);
        assert!(
            sent.success,
            "{} to {to} reverted",
            std::any::type_name::<C>()
        );
        self.logs.extend(sent.logs.iter().cloned());
        sent
    }

    /// Simulates `call` by `s`; if it succeeds, sends it. The receipt, or the revert data of
    /// the simulation (empty if the simulation passed and the transaction failed).
    fn attempt<C: SolCall>(
        &mut self,
        s: &PrivateKeySigner,
        to: Address,
        call: C,
    ) -> Result<Sent, Bytes> {
        self.d.call_from(s.address(), to, &call)?;
        let sent = self.d.send(s, to, &call, GAS);
        self.logs.extend(sent.logs.iter().cloned());
        if sent.success {
            Ok(sent)
        } else {
            Err(Bytes::new())
        }
    }

    /// Mints `amount` of currency `c` to `who` (model too).
    fn mint(&mut self, c: usize, who: Address, amount: U256) {
        let funder = self.w.funder.clone();
        self.must(
            &funder,
            self.w.currencies[c],
            IERC20::mintCall { to: who, amount },
        );
        add(&mut self.m.balances[c], who, amount);
    }

    fn approve(&mut self, s: &PrivateKeySigner, c: usize, spender: Address, value: U256) {
        self.must(
            s,
            self.w.currencies[c],
            IERC20::approveCall { spender, value },
        );
    }

    fn warp(&mut self, secs: u64) {
        if secs > 0 {
            self.d.increase_time(secs);
        }
    }

    /// A refusal must be typed.
    fn refused(&self, what: &'static str, data: &Bytes) -> Result<(), TestCaseError> {
        let mut st = self.stats.borrow_mut();
        st.actions.entry(what).or_default().1 += 1;
        *st.reasons
            .entry(format!("{what}: {}", error_name(data)))
            .or_default() += 1;
        drop(st);
        if typed(data) {
            Ok(())
        } else {
            Err(self.fail(format!("{what}: untyped revert {data}")))
        }
    }

    /// A lender funds an offer of `capacity` loans of `principal` on collection `c` (minted
    /// and approved first; collection-wide, valid 60 days) and the model follows the escrow;
    /// the new offer's id, or `None` when the OfferBook refused (a typed refusal is counted).
    fn fund_offer(
        &mut self,
        lender: &PrivateKeySigner,
        c: usize,
        principal: U256,
        apr_bps: u16,
        duration: u64,
        capacity: u64,
    ) -> Result<Option<U256>, TestCaseError> {
        let (w, a) = (self.w, self.w.a);
        let total = principal * U256::from(capacity);
        self.mint(c, lender.address(), total);
        self.approve(lender, c, a.offer_book, total);
        let now = self.d.now();
        let call = IOfferBook::createOfferCall {
            currency: w.currencies[c],
            collection: w.collections[c],
            token_id: U256::ZERO,
            any_token: true,
            principal,
            apr_bps,
            duration,
            expiry: now + 60 * DAY,
            capacity,
        };
        match self.attempt(lender, a.offer_book, call) {
            Ok(_) => {
                self.succeeded("createOffer");
                self.m.offers += 1;
                sub(&mut self.m.balances[c], lender.address(), total);
                add(&mut self.m.balances[c], a.offer_book, total);
                Ok(Some(U256::from(self.m.offers)))
            }
            Err(d) => self.refused("createOffer", &d).map(|()| None),
        }
    }

    fn succeeded(&self, what: &'static str) {
        self.stats.borrow_mut().actions.entry(what).or_default().0 += 1;
    }

    /// The currency index of a currency address.
    fn cur(&self, currency: Address) -> usize {
        usize::from(currency != self.w.currencies[0])
    }

    /// A loan: by tag, or by index — for `Any(i)` among the loans whose status is in `want`
    /// (three times in four, when there are any), else among all.
    fn loan(&self, t: Target, want: &[u8]) -> Option<U256> {
        match t {
            Target::Tag(k) => self.m.loan_tags.get(&k).copied(),
            Target::Any(i) => {
                let fitting: Vec<U256> = self
                    .m
                    .loans
                    .iter()
                    .filter(|(_, l)| want.contains(&l.status))
                    .map(|(id, _)| *id)
                    .collect();
                let pool: Vec<U256> = if i % 4 != 0 && !fitting.is_empty() {
                    fitting
                } else {
                    self.m.loans.keys().copied().collect()
                };
                if pool.is_empty() {
                    None
                } else {
                    Some(pool[usize::from(i) % pool.len()])
                }
            }
        }
    }

    fn step(&mut self, act: &Action) -> Result<(), TestCaseError> {
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
                tag,
            } => {
                let l = self.actor(lender % 3).clone();
                let duration = u64::from(days) * DAY;
                let amount = tokens(u64::from(principal));
                if let Some(id) = self.fund_offer(
                    &l,
                    usize::from(coll),
                    amount,
                    apr,
                    duration,
                    capacity.into(),
                )? {
                    if let Some(t) = tag {
                        self.m.offer_tags.insert(t, id);
                    }
                }
            }
            Action::Cancel { who, offer } => {
                if self.m.offers == 0 {
                    return Ok(());
                }
                let id = U256::from(1 + u64::from(offer) % self.m.offers);
                let s = self.actor(who).clone();
                let o = self.view(a.offer_book, IOfferBook::offerCall { offer_id: id });
                let c = self.cur(o.currency);
                match self.attempt(
                    &s,
                    a.offer_book,
                    IOfferBook::cancelOfferCall { offer_id: id },
                ) {
                    Ok(rc) => {
                        if o.lender != s.address() {
                            return Err(self.fail(format!(
                                "INV-AUTH: {} cancelled offer {id} of {}",
                                s.address(),
                                o.lender
                            )));
                        }
                        self.succeeded("cancelOffer");
                        let e: IOfferBook::OfferCancelled = rc.event().expect("OfferCancelled");
                        sub(&mut self.m.balances[c], a.offer_book, e.refund);
                        add(&mut self.m.balances[c], s.address(), e.refund);
                    }
                    Err(d) => self.refused("cancelOffer", &d)?,
                }
            }
            Action::Borrow {
                borrower,
                offer,
                tag,
            } => {
                let id = match offer {
                    Target::Tag(k) => match self.m.offer_tags.get(&k) {
                        Some(id) => *id,
                        None => return Ok(()),
                    },
                    Target::Any(i) => {
                        if self.m.offers == 0 {
                            return Ok(());
                        }
                        U256::from(1 + u64::from(i) % self.m.offers)
                    }
                };
                let b = self.actor(3 + borrower % 3).clone();
                let o = self.view(a.offer_book, IOfferBook::offerCall { offer_id: id });
                let c = usize::from(o.collection != w.collections[0]);
                self.m.next_token += 1;
                let token = U256::from(self.m.next_token);
                let funder = w.funder.clone();
                self.must(
                    &funder,
                    w.collections[c],
                    IERC721::mintCall {
                        to: b.address(),
                        tokenId: token,
                    },
                );
                self.m.nfts.insert((c, token), b.address());
                self.must(
                    &b,
                    w.collections[c],
                    IERC721::approveCall {
                        to: a.vault,
                        tokenId: token,
                    },
                );
                match self.attempt(
                    &b,
                    a.loan_book,
                    ILoanBook::borrowCall {
                        offer_id: id,
                        token_id: token,
                    },
                ) {
                    Ok(rc) => {
                        self.succeeded("borrow");
                        let e: ILoanBook::LoanStarted = rc.event().expect("LoanStarted");
                        sub(&mut self.m.balances[c], a.offer_book, e.principal);
                        add(&mut self.m.balances[c], b.address(), e.principal);
                        self.m.nfts.insert((c, token), a.vault);
                        let terms =
                            self.view(a.loan_lens, ILoanLens::loanTermsCall { loan_id: e.loanId });
                        self.m.loans.insert(
                            e.loanId,
                            LoanModel {
                                status: ACTIVE,
                                coll: c,
                                token,
                                due: e.due,
                                borrower: b.address(),
                                terms,
                            },
                        );
                        if let Some(t) = tag {
                            self.m.loan_tags.insert(t, e.loanId);
                        }
                    }
                    Err(d) => self.refused("borrow", &d)?,
                }
            }
            Action::Repay { who, loan } => {
                let Some(id) = self.loan(loan, &[ACTIVE, IN_AUCTION]) else {
                    return Ok(());
                };
                let (c, status, due) = {
                    let l = &self.m.loans[&id];
                    (l.coll, l.status, l.due)
                };
                let s = self.actor(who).clone();
                let debt = self.view(a.loan_lens, ILoanLens::debtCall { loan_id: id });
                // a day of interest of headroom; the exact amount comes from the event
                let budget = debt + debt / U256::from(100) + U256::from(1);
                self.mint(c, s.address(), budget);
                self.approve(&s, c, a.loan_book, budget);
                let l = self.view(a.loan_lens, ILoanLens::loanCall { loan_id: id });
                let token = w.currencies[c];
                // the claims a repay can raise: the lender's, the keeper's (the tip of a repay
                // during an auction, issue 14 L5) and the reserve
                let claims = |r: &Self| {
                    (
                        r.view(
                            a.loan_book,
                            ILoanBook::claimableCall {
                                account: l.lender,
                                currency: token,
                            },
                        ),
                        r.view(
                            a.loan_book,
                            ILoanBook::claimableCall {
                                account: l.keeper,
                                currency: token,
                            },
                        ),
                        r.view(a.loan_book, ILoanBook::reserveCall { currency: token }),
                    )
                };
                let before = claims(self);
                let live = status == ACTIVE && self.d.now() + 60 < due;
                match self.attempt(&s, a.loan_book, ILoanBook::repayCall { loan_id: id }) {
                    Ok(rc) => {
                        self.succeeded("repay");
                        let e: ILoanBook::LoanRepaid = rc.event().expect("LoanRepaid");
                        let after = claims(self);
                        // the event's three parts make up the amount exactly
                        let tip = e.toKeeper;
                        if e.toLender + e.toReserve + tip != e.amount {
                            return Err(self.fail(format!(
                                "INV-SETTLE: repay {id}: {} + {} + {tip} != {}",
                                e.toLender, e.toReserve, e.amount
                            )));
                        }
                        let (lender_got, keeper_got) = if l.keeper == l.lender {
                            (after.0 - before.0, after.0 - before.0)
                        } else {
                            (after.0 - before.0, after.1 - before.1)
                        };
                        let settled = if l.keeper == l.lender {
                            lender_got == e.toLender + tip
                        } else {
                            lender_got == e.toLender && (l.keeper.is_zero() || keeper_got == tip)
                        };
                        if !settled
                            || after.2 - before.2 != e.toReserve
                            || (status == ACTIVE && !tip.is_zero())
                        {
                            return Err(self.fail(format!(
                                "INV-SETTLE: repay {id} (status {status}): amount {}, toLender {}, toReserve {}, tip {tip}; lender claim +{lender_got}, keeper claim +{keeper_got}, reserve +{}",
                                e.amount,
                                e.toLender,
                                e.toReserve,
                                after.2 - before.2
                            )));
                        }
                        sub(&mut self.m.balances[c], s.address(), e.amount);
                        add(&mut self.m.balances[c], a.loan_book, e.amount);
                        let lm = self.m.loans.get_mut(&id).expect("loan");
                        lm.status = REPAID;
                        let token = lm.token;
                        self.m.nfts.insert((c, token), l.borrower);
                        if status == IN_AUCTION {
                            self.m.auctions.remove(&l.auction_id);
                            self.succeeded("repay in auction");
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
                self.post(c, moved.max(tokens(1)))?;
            }
            Action::Crash { loan } => {
                let Some(id) = self.loan(loan, &[ACTIVE]) else {
                    return Ok(());
                };
                let c = self.m.loans[&id].coll;
                let debt = self.view(a.loan_lens, ILoanLens::debtCall { loan_id: id });
                let threshold = U256::from(self.m.loans[&id].terms.liq_threshold_bps);
                if debt.is_zero() {
                    return Ok(());
                }
                // 80 % of the price at which the loan is exactly at its threshold
                let target = (debt * U256::from(10_000u64) / threshold) * U256::from(8u64)
                    / U256::from(10u64);
                let target = target.max(tokens(1));
                self.post(c, target)?;
                self.warp(3_700);
                self.post(c, target)?;
            }
            Action::Warp { secs } => self.warp(u64::from(secs)),
            Action::Overdue { loan } => {
                let Some(id) = self.loan(loan, &[ACTIVE]) else {
                    return Ok(());
                };
                let l = &self.m.loans[&id];
                let end = l.due + l.terms.grace_period + 1;
                let now = self.d.now();
                self.warp(end.saturating_sub(now).min(60 * DAY));
            }
            Action::Sequencer { down } => {
                if down != self.m.sequencer_down {
                    let now = self.d.now();
                    let funder = w.funder.clone();
                    self.must(
                        &funder,
                        w.feed,
                        IMockFeed::setRoundCall {
                            answer: alloy::primitives::I256::try_from(u8::from(down))
                                .expect("0 or 1"),
                            started_at: U256::from(now),
                            updated_at: U256::from(now),
                        },
                    );
                    self.m.sequencer_down = down;
                    if !down {
                        // the Liquidator restarts every live auction's clock after an outage's
                        // grace (liquidator.md, issue 14 M2): the price may climb back to the
                        // start price, never above it, and falls monotonically from there
                        let live: Vec<U256> = self.m.auctions.keys().copied().collect();
                        for id in live {
                            let info = self
                                .view(a.liquidator, ILiquidator::auctionCall { auction_id: id });
                            self.m.auctions.insert(id, info.start_price);
                        }
                    }
                    if down {
                        let count = self.view(a.liquidator, ILiquidator::auctionCountCall {});
                        let mut id = U256::from(1u8);
                        let mut any_live = false;
                        while id <= count && !any_live {
                            let info = self
                                .view(a.liquidator, ILiquidator::auctionCall { auction_id: id });
                            any_live = info.status == 1;
                            id += U256::from(1u8);
                        }
                        if any_live {
                            self.succeeded("outage during an auction");
                        }
                    }
                }
            }
            Action::Liquidate { who, loan } => {
                let Some(id) = self.loan(loan, &[ACTIVE]) else {
                    return Ok(());
                };
                let s = self.actor(who).clone();
                match self.attempt(&s, a.loan_book, ILoanBook::liquidateCall { loan_id: id }) {
                    Ok(rc) => {
                        self.succeeded("liquidate");
                        let e: ILoanBook::LoanLiquidated = rc.event().expect("LoanLiquidated");
                        self.succeeded(if e.overdue {
                            "liquidate (overdue)"
                        } else {
                            "liquidate (unhealthy price)"
                        });
                        if self.m.loans[&id].borrower == s.address() {
                            return Err(self.fail(format!(
                                "INV-AUTH: borrower {} liquidated its own loan {id}",
                                s.address()
                            )));
                        }
                        self.m.loans.get_mut(&id).expect("loan").status = IN_AUCTION;
                        self.m.auctions.insert(e.auctionId, e.startPrice);
                    }
                    Err(d) => self.refused("liquidate", &d)?,
                }
            }
            Action::Bid { who, loan, wait } => {
                let auction = match loan {
                    Target::Tag(k) => {
                        let Some(id) = self.m.loan_tags.get(&k) else {
                            return Ok(());
                        };
                        self.view(a.loan_lens, ILoanLens::loanCall { loan_id: *id })
                            .auction_id
                    }
                    Target::Any(i) => {
                        let ids: Vec<U256> = self.m.auctions.keys().copied().collect();
                        if ids.is_empty() {
                            return Ok(());
                        }
                        ids[usize::from(i) % ids.len()]
                    }
                };
                if !self.m.auctions.contains_key(&auction) {
                    return Ok(());
                }
                self.bid(who, auction, wait)?;
            }
            Action::Foreclose { who, loan, wait } => {
                let Some(id) = self.loan(loan, &[IN_AUCTION]) else {
                    return Ok(());
                };
                let s = self.actor(who).clone();
                if wait {
                    self.wait_for_end(&s, id);
                }
                let l = self.view(a.loan_lens, ILoanLens::loanCall { loan_id: id });
                match self.attempt(&s, a.loan_book, ILoanDesk::forecloseCall { loan_id: id }) {
                    Ok(_) => {
                        self.succeeded("foreclose");
                        let lm = self.m.loans.get_mut(&id).expect("loan");
                        lm.status = FORECLOSED;
                        let key = (lm.coll, lm.token);
                        self.m.nfts.insert(key, l.lender);
                        self.m.auctions.remove(&l.auction_id);
                    }
                    Err(d) => self.refused("foreclose", &d)?,
                }
            }
            Action::Withdraw { who, currency } => {
                let (s, c) = match who {
                    Who::Actor(i) => (self.actor(i).clone(), usize::from(currency)),
                    Who::Lender(t) | Who::Borrower(t) => {
                        let Some(id) = self.loan(t, &[]) else {
                            return Ok(());
                        };
                        let l = self.view(a.loan_lens, ILoanLens::loanCall { loan_id: id });
                        let account = match who {
                            Who::Lender(_) => l.lender,
                            _ => l.borrower,
                        };
                        let Some(s) = w.actors.iter().find(|s| s.address() == account) else {
                            return Ok(());
                        };
                        (s.clone(), self.cur(l.currency))
                    }
                };
                let claim = self.view(
                    a.loan_book,
                    ILoanBook::claimableCall {
                        account: s.address(),
                        currency: w.currencies[c],
                    },
                );
                match self.attempt(
                    &s,
                    a.loan_book,
                    ILoanBook::withdrawCall {
                        currency: w.currencies[c],
                    },
                ) {
                    Ok(rc) => {
                        self.succeeded("withdraw");
                        let e: ILoanBook::Withdrawn = rc.event().expect("Withdrawn");
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
                let Some(id) = self.loan(loan, &[ACTIVE, IN_AUCTION]) else {
                    return Ok(());
                };
                let s = self.actor(who).clone();
                let to = self.actor(to).address();
                let l = self.view(a.loan_lens, ILoanLens::loanCall { loan_id: id });
                match self.attempt(
                    &s,
                    a.loan_book,
                    ILoanDesk::transferLoanCall { loan_id: id, to },
                ) {
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
            Action::RepayPart { who, loan, pct } => {
                let Some(id) = self.loan(loan, &[ACTIVE]) else {
                    return Ok(());
                };
                let c = self.m.loans[&id].coll;
                let s = self.actor(who).clone();
                let debt = self.view(a.loan_lens, ILoanLens::debtCall { loan_id: id });
                let amount = debt * U256::from(pct) / U256::from(100u8);
                self.mint(c, s.address(), amount);
                self.approve(&s, c, a.loan_book, amount);
                let l = self.view(a.loan_lens, ILoanLens::loanCall { loan_id: id });
                let token = w.currencies[c];
                let claims = |r: &Self| {
                    (
                        r.view(
                            a.loan_book,
                            ILoanBook::claimableCall {
                                account: l.lender,
                                currency: token,
                            },
                        ),
                        r.view(a.loan_book, ILoanBook::reserveCall { currency: token }),
                    )
                };
                let before = claims(self);
                match self.attempt(
                    &s,
                    a.loan_book,
                    ILoanDesk::repayPartCall {
                        loan_id: id,
                        amount,
                    },
                ) {
                    Ok(rc) => {
                        self.succeeded("repayPart");
                        let e: ILoanBook::LoanRepaidPart = rc.event().expect("LoanRepaidPart");
                        let after = claims(self);
                        let now_l = self.view(a.loan_lens, ILoanLens::loanCall { loan_id: id });
                        let settled = e.amount == amount
                            && e.toLender + e.toReserve == amount
                            && e.interest < amount
                            && l.principal + e.interest - amount == e.principalLeft
                            && now_l.principal == e.principalLeft
                            && now_l.due == l.due
                            && now_l.lender == l.lender
                            && after.0 - before.0 == e.toLender
                            && after.1 - before.1 == e.toReserve;
                        if !settled {
                            return Err(self.fail(format!(
                                "INV-SETTLE: repayPart {id}: amount {amount}, event {} = {} + {}, interest {}, principal {} -> {} (chain {}), claims +{} / reserve +{}",
                                e.amount, e.toLender, e.toReserve, e.interest, l.principal, e.principalLeft, now_l.principal, after.0 - before.0, after.1 - before.1
                            )));
                        }
                        sub(&mut self.m.balances[c], s.address(), amount);
                        add(&mut self.m.balances[c], a.loan_book, amount);
                    }
                    Err(d) => self.refused("repayPart", &d)?,
                }
            }
            Action::Refinance {
                lender,
                loan,
                longer,
                cut,
                spare,
            } => {
                let Some(id) = self.loan(loan, &[ACTIVE]) else {
                    return Ok(());
                };
                let c = self.m.loans[&id].coll;
                let l = self.view(a.loan_lens, ILoanLens::loanCall { loan_id: id });
                let s = self.actor(lender % 3).clone();
                let debt = self.view(a.loan_lens, ILoanLens::debtCall { loan_id: id });
                // a day of interest of headroom, rounded up to whole tokens, plus `spare`
                let whole = (debt + debt / U256::from(100u8)) / tokens(1) + U256::from(1u8 + spare);
                let principal = whole * tokens(1);
                let now = self.d.now();
                let left_days = l.due.saturating_sub(now).div_ceil(DAY);
                let min_cut = self
                    .view(a.loan_book, ILoanDesk::refinanceMinCutCall {})
                    .max(1);
                let (apr, days) = if longer || l.apr_bps < min_cut + cut {
                    (l.apr_bps, left_days + 1)
                } else {
                    (l.apr_bps - min_cut - cut, left_days)
                };
                if days > 90 || days == 0 {
                    return Ok(());
                }
                let Some(offer) = self.fund_offer(&s, c, principal, apr, days * DAY, 1)? else {
                    return Ok(());
                };
                let token = w.currencies[c];
                let claim = |r: &Self, who: Address| {
                    r.view(
                        a.loan_book,
                        ILoanBook::claimableCall {
                            account: who,
                            currency: token,
                        },
                    )
                };
                let reserve =
                    |r: &Self| r.view(a.loan_book, ILoanBook::reserveCall { currency: token });
                let before = (
                    claim(self, l.lender),
                    claim(self, s.address()),
                    reserve(self),
                );
                match self.attempt(
                    &s,
                    a.loan_book,
                    ILoanDesk::refinanceCall {
                        loan_id: id,
                        offer_id: offer,
                    },
                ) {
                    Ok(rc) => {
                        self.succeeded("refinance");
                        let e: ILoanBook::LoanRefinanced = rc.event().expect("LoanRefinanced");
                        let now_l = self.view(a.loan_lens, ILoanLens::loanCall { loan_id: id });
                        let after = (
                            claim(self, l.lender),
                            claim(self, s.address()),
                            reserve(self),
                        );
                        // INV-REFI: the borrower is never worse off, the old lender is paid
                        // the debt, the new lender's excess comes back, nothing is created
                        let fair = e.toOldLender + e.toReserve == e.debt
                            && now_l.principal == e.debt
                            && now_l.apr_bps <= l.apr_bps
                            && now_l.due >= l.due
                            && (now_l.due > l.due || l.apr_bps - now_l.apr_bps >= min_cut)
                            && now_l.lender == s.address()
                            && now_l.borrower == l.borrower
                            && s.address() != l.lender
                            && after.0 - before.0 == e.toOldLender
                            && after.1 - before.1 == principal - e.debt
                            && e.toNewLender == principal - e.debt
                            && after.2 - before.2 == e.toReserve;
                        if !fair {
                            return Err(self.fail(format!(
                                "INV-REFI: refinance {id}: debt {} = {} + {}; principal {} -> {}, apr {} -> {}, due {} -> {}, lender {} -> {}; claims old +{}, new +{} (offer {principal}), reserve +{}",
                                e.debt, e.toOldLender, e.toReserve, l.principal, now_l.principal, l.apr_bps, now_l.apr_bps, l.due, now_l.due, l.lender, now_l.lender,
                                after.0 - before.0, after.1 - before.1, after.2 - before.2
                            )));
                        }
                        sub(&mut self.m.balances[c], a.offer_book, principal);
                        add(&mut self.m.balances[c], a.loan_book, principal);
                        self.m.loans.get_mut(&id).expect("loan").due = now_l.due;
                    }
                    Err(d) => self.refused("refinance", &d)?,
                }
            }
            Action::Rollover {
                lender,
                loan,
                principal,
                apr,
                days,
            } => {
                let Some(id) = self.loan(loan, &[ACTIVE]) else {
                    return Ok(());
                };
                let c = self.m.loans[&id].coll;
                let l = self.view(a.loan_lens, ILoanLens::loanCall { loan_id: id });
                let s = self.actor(lender % 3).clone();
                let amount = tokens(u64::from(principal));
                let Some(offer) = self.fund_offer(&s, c, amount, apr, u64::from(days) * DAY, 1)?
                else {
                    return Ok(());
                };
                // the borrower may owe a shortfall: a day of interest of headroom
                let b = self
                    .w
                    .actors
                    .iter()
                    .find(|k| k.address() == l.borrower)
                    .expect("the borrower is an actor")
                    .clone();
                let debt = self.view(a.loan_lens, ILoanLens::debtCall { loan_id: id });
                let budget = debt + debt / U256::from(100u8);
                self.mint(c, b.address(), budget);
                self.approve(&b, c, a.loan_book, budget);
                let token = w.currencies[c];
                let claim = |r: &Self| {
                    r.view(
                        a.loan_book,
                        ILoanBook::claimableCall {
                            account: l.lender,
                            currency: token,
                        },
                    )
                };
                let reserve =
                    |r: &Self| r.view(a.loan_book, ILoanBook::reserveCall { currency: token });
                let before = (claim(self), reserve(self));
                match self.attempt(
                    &b,
                    a.loan_book,
                    ILoanDesk::rolloverCall {
                        loan_id: id,
                        offer_id: offer,
                    },
                ) {
                    Ok(rc) => {
                        self.succeeded("rollover");
                        let e: ILoanBook::LoanRolledOver = rc.event().expect("LoanRolledOver");
                        let now_l = self.view(a.loan_lens, ILoanLens::loanCall { loan_id: id });
                        let after = (claim(self), reserve(self));
                        let fair = e.toOldLender + e.toReserve == e.debt
                            && e.principal == amount
                            && now_l.principal == amount
                            && now_l.lender == s.address()
                            && now_l.borrower == l.borrower
                            && now_l.status == ACTIVE
                            && after.0 - before.0 == e.toOldLender
                            && after.1 - before.1 == e.toReserve;
                        if !fair {
                            return Err(self.fail(format!(
                                "INV-ROLL: rollover {id}: debt {} = {} + {}; principal {} -> {}; lender {} -> {}",
                                e.debt, e.toOldLender, e.toReserve, l.principal, now_l.principal, l.lender, now_l.lender
                            )));
                        }
                        // the offer's principal goes to the LoanBook, which keeps the debt and
                        // passes the difference on (either way)
                        sub(&mut self.m.balances[c], a.offer_book, amount);
                        add(&mut self.m.balances[c], a.loan_book, e.debt);
                        if amount >= e.debt {
                            add(&mut self.m.balances[c], b.address(), amount - e.debt);
                        } else {
                            sub(&mut self.m.balances[c], b.address(), e.debt - amount);
                        }
                        let terms =
                            self.view(a.loan_lens, ILoanLens::loanTermsCall { loan_id: id });
                        let lm = self.m.loans.get_mut(&id).expect("loan");
                        lm.due = now_l.due;
                        lm.terms = terms;
                    }
                    Err(d) => self.refused("rollover", &d)?,
                }
            }
            Action::Propose { what } => {
                let (target, data) = match what {
                    Proposal::Fees { fee, tip } => (
                        a.offer_book,
                        IOfferBook::setProtocolParamsCall {
                            fee_bps: fee,
                            tip_bps: tip,
                            uncertain_haircut_bps: 5_000,
                        }
                        .abi_encode(),
                    ),
                    Proposal::Step { up } => {
                        if self.view(a.offer_book, IOfferBook::pausedCall {}) {
                            (a.offer_book, IOfferBook::unpauseCall {}.abi_encode())
                        } else {
                            let p = self.view(a.offer_book, IOfferBook::protocolParamsCall {});
                            let step = p.max_step_bps.min(100);
                            let fee = if up {
                                p.fee_bps.saturating_add(step).min(2_000)
                            } else {
                                p.fee_bps.saturating_sub(step)
                            };
                            (
                                a.offer_book,
                                IOfferBook::setProtocolParamsCall {
                                    fee_bps: fee,
                                    tip_bps: p.tip_bps,
                                    uncertain_haircut_bps: p.uncertain_haircut_bps,
                                }
                                .abi_encode(),
                            )
                        }
                    }
                };
                let owner = w.owner.clone();
                match self.attempt(
                    &owner,
                    a.governance,
                    IGovernance::proposeCall {
                        target,
                        value: U256::ZERO,
                        data: Bytes::from(data),
                    },
                ) {
                    Ok(_) => {
                        self.succeeded("propose");
                        let n = self.view(a.governance, IGovernance::proposalCountCall {});
                        self.m.proposals.push(n);
                    }
                    Err(d) => self.refused("propose", &d)?,
                }
            }
            Action::Execute { wait } => {
                let queued = std::mem::take(&mut self.m.proposals);
                if wait && !queued.is_empty() {
                    // the timelock, and the OfferBook's rate limit for parameter changes
                    let mut until = 0;
                    for id in &queued {
                        let p = self.view(a.governance, IGovernance::getProposalCall { id: *id });
                        until = until.max(p.executable_at);
                    }
                    let p = self.view(a.offer_book, IOfferBook::protocolParamsCall {});
                    until = until.max(p.last_change + p.min_change_interval);
                    let now = self.d.now();
                    self.warp((until + 1).saturating_sub(now).min(10 * DAY));
                }
                let owner = w.owner.clone();
                for id in queued {
                    match self.attempt(&owner, a.governance, IGovernance::executeCall { id }) {
                        Ok(_) => self.succeeded("execute"),
                        Err(d) => {
                            self.refused("execute", &d)?;
                            if error_name(&d) == "GovTimelocked" {
                                self.m.proposals.push(id);
                            }
                        }
                    }
                }
            }
            Action::Pause => {
                let g = w.guardian.clone();
                match self.attempt(
                    &g,
                    a.governance,
                    IGovernance::guardianPauseCall {
                        target: a.offer_book,
                    },
                ) {
                    Ok(_) => self.succeeded("guardianPause"),
                    Err(d) => self.refused("guardianPause", &d)?,
                }
            }
        }
        Ok(())
    }

    /// The reporter posts `price` for collection `c`.
    fn post(&mut self, c: usize, price: U256) -> Result<(), TestCaseError> {
        let r = self.w.reporter.clone();
        match self.attempt(
            &r,
            self.w.a.oracle,
            IPriceOracle::postPriceCall {
                collection: self.w.collections[c],
                price,
            },
        ) {
            Ok(_) => {
                self.succeeded("postPrice");
                self.m.price[c] = price;
                Ok(())
            }
            Err(d) => self.refused("postPrice", &d),
        }
    }

    /// If the Liquidator holds auction `id` for a sequencer outage's grace and the sequencer is
    /// up, waits until it resumes.
    fn wait_resume(&mut self, err: &Bytes) {
        if self.m.sequencer_down {
            return;
        }
        if let Ok(ILiquidator::ILiquidatorErrors::LiquidatorSequencerDown(e)) =
            ILiquidator::ILiquidatorErrors::abi_decode(err)
        {
            let now = self.d.now();
            self.warp((e.0 + 1).saturating_sub(now).min(2 * DAY));
        }
    }

    /// Bids on live auction `auction` at its current price after waiting as `wait` says.
    fn bid(&mut self, who: u8, auction: U256, wait: Wait) -> Result<(), TestCaseError> {
        let a = self.w.a;
        let s = self.actor(who).clone();
        let info = self.view(
            a.liquidator,
            ILiquidator::auctionCall {
                auction_id: auction,
            },
        );
        let mut price = self.d.view(
            a.liquidator,
            &ILiquidator::currentPriceCall {
                auction_id: auction,
            },
        );
        if !matches!(wait, Wait::Now) {
            if let Err(e) = &price {
                self.wait_resume(&e.clone());
                price = self.d.view(
                    a.liquidator,
                    &ILiquidator::currentPriceCall {
                        auction_id: auction,
                    },
                );
            }
        }
        if matches!(wait, Wait::Floor) {
            // the price falls by `cut` every `step`: wait the steps it needs to reach the floor
            for _ in 0..6 {
                let Ok(p) = price else { break };
                if p <= info.floor_price {
                    break;
                }
                let (mut n, mut q) = (0u64, p);
                while q > info.floor_price && n < 2_000 {
                    q = q * U256::from(info.cut_bps) / U256::from(10_000u64);
                    n += 1;
                }
                self.warp(n * info.step);
                price = self.d.view(
                    a.liquidator,
                    &ILiquidator::currentPriceCall {
                        auction_id: auction,
                    },
                );
            }
        }
        let price = match price {
            Ok(p) => p,
            Err(d) => {
                // no bid possible now (expired, sequencer down): the bid is refused likewise
                return match self.attempt(
                    &s,
                    a.liquidator,
                    ILiquidator::bidCall {
                        auction_id: auction,
                        max_price: U256::MAX,
                    },
                ) {
                    Ok(_) => Err(self.fail(format!(
                        "auction {auction}: a bid succeeded where currentPrice failed ({})",
                        error_name(&d)
                    ))),
                    Err(d) => self.refused("bid", &d),
                };
            }
        };
        let c = self.cur(info.currency);
        // what a repay would cost now: the bid is a shortfall below it
        let owed = self.view(
            a.loan_lens,
            ILoanLens::debtCall {
                loan_id: info.loan_id,
            },
        );
        self.mint(c, s.address(), price);
        self.approve(&s, c, a.liquidator, price);
        match self.attempt(
            &s,
            a.liquidator,
            ILiquidator::bidCall {
                auction_id: auction,
                max_price: price,
            },
        ) {
            Ok(rc) => {
                self.succeeded("bid");
                let paid: ILiquidator::AuctionSettled = rc.event().expect("AuctionSettled");
                let settled: ILoanBook::AuctionSettled =
                    rc.event().expect("LoanBook AuctionSettled");
                let parts = settled.tip + settled.toLender + settled.toReserve + settled.toBorrower;
                if paid.price != settled.proceeds || parts != settled.proceeds {
                    return Err(self.fail(format!(
                        "INV-SETTLE: auction {auction}: paid {}, proceeds {}, parts {parts}",
                        paid.price, settled.proceeds
                    )));
                }
                if !settled.toBorrower.is_zero() {
                    self.succeeded("bid with surplus");
                }
                if settled.proceeds < owed {
                    self.succeeded("bid with shortfall");
                }
                sub(&mut self.m.balances[c], s.address(), paid.price);
                add(&mut self.m.balances[c], a.loan_book, paid.price);
                let lm = self.m.loans.get_mut(&info.loan_id).expect("loan");
                lm.status = LIQUIDATED;
                let key = (lm.coll, lm.token);
                self.m.nfts.insert(key, s.address());
                self.m.auctions.remove(&auction);
                Ok(())
            }
            Err(d) => self.refused("bid", &d),
        }
    }

    /// Waits until loan `id`'s auction can be foreclosed (its tail over, no outage holding it).
    fn wait_for_end(&mut self, s: &PrivateKeySigner, id: U256) {
        for _ in 0..3 {
            let Err(e) = self.d.call_from(
                s.address(),
                self.w.a.loan_book,
                &ILoanDesk::forecloseCall { loan_id: id },
            ) else {
                return;
            };
            match ILiquidator::ILiquidatorErrors::abi_decode(&e) {
                Ok(ILiquidator::ILiquidatorErrors::LiquidatorNotExpired(x)) => {
                    let now = self.d.now();
                    self.warp((x._1 + 1).saturating_sub(now).min(10 * DAY));
                }
                Ok(ILiquidator::ILiquidatorErrors::LiquidatorSequencerDown(_)) => {
                    self.wait_resume(&e)
                }
                _ => return,
            }
        }
    }

    /// The holders, NFTs and loans the step's transactions touched (from their events).
    fn touched(
        &self,
    ) -> (
        BTreeSet<(usize, Address)>,
        BTreeSet<(usize, U256)>,
        BTreeSet<U256>,
    ) {
        let transfer = IERC20::Transfer::SIGNATURE_HASH;
        let loan_events: [B256; 6] = [
            ILoanBook::LoanStarted::SIGNATURE_HASH,
            ILoanBook::LoanRepaid::SIGNATURE_HASH,
            ILoanBook::LoanLiquidated::SIGNATURE_HASH,
            ILoanBook::AuctionSettled::SIGNATURE_HASH,
            ILoanBook::LoanForeclosed::SIGNATURE_HASH,
            ILoanBook::LoanTransferred::SIGNATURE_HASH,
        ];
        let (mut holders, mut nfts, mut loans) =
            (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
        for log in &self.logs {
            let topics = log.topics();
            let Some(t0) = topics.first() else { continue };
            if *t0 == transfer {
                if let Some(c) = self.w.currencies.iter().position(|x| *x == log.address) {
                    for t in topics.iter().skip(1).take(2) {
                        holders.insert((c, Address::from_word(*t)));
                    }
                }
                if let Some(c) = self.w.collections.iter().position(|x| *x == log.address) {
                    if let Some(t) = topics.get(3) {
                        nfts.insert((c, U256::from_be_bytes(t.0)));
                    }
                }
            } else if log.address == self.w.a.loan_book && loan_events.contains(t0) {
                if let Some(t) = topics.get(1) {
                    loans.insert(U256::from_be_bytes(t.0));
                }
            }
        }
        (holders, nfts, loans)
    }

    /// The checks after a step: light (what the step touched) or full (everything).
    fn check(&mut self, full: bool) -> Result<(), TestCaseError> {
        let w = self.w;
        let a = w.a;
        let (holders, nfts, loans) = self.touched();
        self.logs.clear();
        let offers: Vec<IOfferBook::offerReturn> = if full {
            (1..=self.m.offers)
                .map(|id| {
                    self.view(
                        a.offer_book,
                        IOfferBook::offerCall {
                            offer_id: U256::from(id),
                        },
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        // INV-CONSERVE
        for c in 0..2 {
            let token = w.currencies[c];
            let mut who: BTreeSet<Address> = if full {
                self.m.balances[c].keys().copied().collect()
            } else {
                holders
                    .iter()
                    .filter(|(hc, _)| *hc == c)
                    .map(|(_, h)| *h)
                    .collect()
            };
            // every holder the model moved, with or without an event
            who.extend(
                self.m.balances[c]
                    .iter()
                    .filter(|(h, v)| self.before[c].get(*h) != Some(*v))
                    .map(|(h, _)| *h),
            );
            who.remove(&Address::ZERO);
            for h in who {
                let got = self.view(token, IERC20::balanceOfCall { account: h });
                let want = self.m.balances[c].get(&h).copied().unwrap_or_default();
                if got != want {
                    return Err(self.fail(format!(
                        "INV-CONSERVE: {h} holds {got} of currency {c}, model {want}"
                    )));
                }
            }
            let total: U256 = self.m.balances[c].values().copied().sum();
            let supply = self.view(token, ISupply::totalSupplyCall {});
            if supply != total {
                return Err(self.fail(format!(
                    "INV-CONSERVE: currency {c} supply {supply} ≠ Σ known holders {total}"
                )));
            }
            if !full {
                continue;
            }
            // INV-SOLV-1, INV-CLAIMS and INV-ESCROW
            let ob_held = self.view(a.offer_book, IOfferBook::heldCall { currency: token });
            let lb_held = self.view(a.loan_book, ILoanBook::heldCall { currency: token });
            let ob_bal = self.m.balances[c][&a.offer_book];
            let lb_bal = self.m.balances[c][&a.loan_book];
            if ob_bal < ob_held || lb_bal < lb_held {
                return Err(self.fail(format!(
                    "INV-SOLV-1 (currency {c}): offer book {ob_bal} ≥ {ob_held}, loan book {lb_bal} ≥ {lb_held}"
                )));
            }
            let mut owed = self.view(a.loan_book, ILoanBook::reserveCall { currency: token });
            for s in &w.actors {
                owed += self.view(
                    a.loan_book,
                    ILoanBook::claimableCall {
                        account: s.address(),
                        currency: token,
                    },
                );
            }
            if owed != lb_held {
                return Err(self.fail(format!(
                    "INV-CLAIMS (currency {c}): reserve + claims {owed} ≠ held {lb_held}"
                )));
            }
            let escrow: U256 = offers
                .iter()
                .filter(|o| o.currency == token && o.open)
                .map(|o| o.principal * U256::from(o.capacity.saturating_sub(o.used)))
                .sum();
            if escrow != ob_held {
                return Err(self.fail(format!(
                    "INV-ESCROW (currency {c}): Σ open escrow {escrow} ≠ held {ob_held}"
                )));
            }
        }
        // INV-CUSTODY: the NFTs
        let nft_keys: Vec<(usize, U256)> = if full {
            self.m.nfts.keys().copied().collect()
        } else {
            let mut k: BTreeSet<(usize, U256)> = nfts;
            for id in &loans {
                if let Some(l) = self.m.loans.get(id) {
                    k.insert((l.coll, l.token));
                }
            }
            k.into_iter().collect()
        };
        for (c, token) in nft_keys {
            let got = self.view(w.collections[c], IERC721::ownerOfCall { tokenId: token });
            let want = self.m.nfts.get(&(c, token)).copied().unwrap_or_default();
            if got != want {
                return Err(self.fail(format!(
                    "INV-CUSTODY: NFT {c}/{token} owned by {got}, model {want}"
                )));
            }
        }
        // the loans: status, snapshot, and in the full check custody, closure, bounds, ids
        let loan_ids: Vec<U256> = if full {
            self.m.loans.keys().copied().collect()
        } else {
            loans.into_iter().collect()
        };
        let counts = full.then(|| self.view(a.loan_book, ILoanBook::countsCall {}));
        if let Some(k) = &counts {
            if k.loans != U256::from(self.m.loans.len()) + U256::from(self.base_loans) {
                return Err(self.fail(format!(
                    "loan count {} on chain, model {}",
                    k.loans,
                    self.m.loans.len()
                )));
            }
            if k.auctions > k.loans {
                return Err(self.fail(format!(
                    "INV-IDS: {} auctions > {} loans",
                    k.auctions, k.loans
                )));
            }
        }
        for id in loan_ids {
            let Some(lm) = self.m.loans.get(&id) else {
                return Err(self.fail(format!("loan {id} touched but unknown to the model")));
            };
            let l = self.view(a.loan_lens, ILoanLens::loanCall { loan_id: id });
            if l.status != lm.status {
                return Err(self.fail(format!(
                    "loan {id}: status {} on chain, model {}",
                    l.status, lm.status
                )));
            }
            let t = self.view(a.loan_lens, ILoanLens::loanTermsCall { loan_id: id });
            let s = &lm.terms;
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
                t.grace_period,
                t.liq_threshold_bps,
                t.liq_penalty_bps,
                t.fee_bps,
                t.tip_bps,
                t.auction_start_bps,
                t.auction_cut_bps,
                t.auction_step,
                t.auction_tail,
            );
            // `tip` is the tip cap snapshot until liquidation and the recorded tip after
            // (loan-book.md)
            if !same || (l.status == ACTIVE && s.tip != t.tip) {
                return Err(self.fail(format!("INV-SNAPSHOT: loan {id} terms changed")));
            }
            if let Some(k) = &counts {
                let locked = self.view(
                    a.vault,
                    ICollateralVault::lockedForCall {
                        collection: l.collection,
                        token_id: l.token_id,
                    },
                );
                if l.status == ACTIVE || l.status == IN_AUCTION {
                    let owner = self.view(
                        l.collection,
                        IERC721::ownerOfCall {
                            tokenId: l.token_id,
                        },
                    );
                    if owner != a.vault || locked != id {
                        return Err(self.fail(format!(
                            "INV-CUSTODY-1: loan {id}: owner {owner}, vault lock {locked}"
                        )));
                    }
                } else {
                    let debt = self.view(a.loan_lens, ILoanLens::debtCall { loan_id: id });
                    if locked == id || !debt.is_zero() {
                        return Err(self.fail(format!(
                            "INV-CUSTODY-2: closed loan {id} (status {}): lock {locked}, debt {debt}",
                            l.status
                        )));
                    }
                }
                if l.status == IN_AUCTION && (l.auction_id.is_zero() || l.auction_id > k.auctions) {
                    return Err(self.fail(format!(
                        "INV-IDS: loan {id} has auction {} of {}",
                        l.auction_id, k.auctions
                    )));
                }
                let inside = t.liq_threshold_bps <= 9_000
                    && t.liq_penalty_bps <= 2_000
                    && t.fee_bps <= 2_000
                    && t.tip_bps <= 500
                    && (10_000..=30_000).contains(&t.auction_start_bps)
                    && (5_000..=9_999).contains(&t.auction_cut_bps);
                if !inside {
                    return Err(self.fail(format!("INV-PARAMS: loan {id} snapshot out of bounds")));
                }
            }
        }
        if full {
            for coll in w.collections {
                let p = self.view(a.offer_book, IOfferBook::paramsCall { collection: coll });
                if p.listed && p.max_ltv_bps >= p.liq_threshold_bps {
                    return Err(self.fail(format!(
                        "INV-PARAMS: collection {coll}: max LTV {} ≥ threshold {}",
                        p.max_ltv_bps, p.liq_threshold_bps
                    )));
                }
            }
        }
        // INV-AUCTION-MONO: every live auction, every step
        let live: Vec<U256> = self.m.auctions.keys().copied().collect();
        for id in live {
            if let Ok(price) = self.d.view(
                w.a.liquidator,
                &ILiquidator::currentPriceCall { auction_id: id },
            ) {
                let last = self.m.auctions[&id];
                if price > last {
                    return Err(self.fail(format!(
                        "INV-AUCTION-MONO: auction {id} price rose {last} → {price}"
                    )));
                }
                self.m.auctions.insert(id, price);
            }
        }
        let mut st = self.stats.borrow_mut();
        if full {
            st.checks.1 += 1;
        } else {
            st.checks.0 += 1;
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
        delay: GOV_DELAY,
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
    let liquidator = ILiquidator::new(a.liquidator, &dp);
    let f = IMockFeed::new(feed, &dp);
    let start = h.now().await - 7_200;
    lien_e2e::ok!(f.setRound(
        alloy::primitives::I256::ZERO,
        U256::from(start),
        U256::from(start)
    ));
    lien_e2e::ok!(oracle.setSequencerFeed(feed, U256::from(3_600)));
    lien_e2e::ok!(liquidator.setSequencerFeed(feed, 3_600));
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

/// The paths every CI-sized run must reach (the run's action statistics).
const MUST_REACH: [&str; 14] = [
    "createOffer",
    "borrow",
    "repay",
    "repayPart",
    "refinance",
    "rollover",
    "liquidate (unhealthy price)",
    "liquidate (overdue)",
    "bid with surplus",
    "bid with shortfall",
    "foreclose",
    "withdraw",
    "outage during an auction",
    "execute",
];

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
    let d = h.direct().expect("the embedded dev node");
    let cases = env("LIEN_STATEFUL_CASES", 6);
    let noise = env("LIEN_STATEFUL_STEPS", 12) as usize;
    let full_every = env("LIEN_STATEFUL_FULL_EVERY", 4).max(1) as usize;
    let client_every = env("LIEN_STATEFUL_CLIENT_EVERY", 1).max(1) as usize;
    let base = RefCell::new(d.snapshot());
    let base_loans = {
        let k = d
            .view(w.a.loan_book, &ILoanBook::countsCall {})
            .expect("counts");
        k.loans.to::<u64>()
    };
    let base_offers = d
        .view(w.a.offer_book, &IOfferBook::offerCountCall {})
        .expect("count")
        .to::<u64>();
    let mut runner = TestRunner::new(Config {
        cases,
        source_file: Some(file!()),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        max_shrink_iters: 256,
        ..Config::default()
    });
    let started = std::time::Instant::now();
    let counter = std::cell::Cell::new(0usize);
    let total_steps = std::cell::Cell::new(0usize);
    let stats = RefCell::new(Stats::default());
    let result = runner.run(&sequence(noise), |actions| {
        counter.set(counter.get() + 1);
        total_steps.set(total_steps.get() + actions.len());
        let outcome: Result<(), TestCaseError> = (|| {
            let mut run = Run {
                d,
                w: &w,
                m: Model::default(),
                log: Vec::new(),
                stats: &stats,
                logs: Vec::new(),
                base_loans,
                before: Default::default(),
            };
            run.m.price = [tokens(100), tokens(100)];
            run.m.offers = base_offers;
            run.init();
            for (i, act) in actions.iter().enumerate() {
                let t0 = std::time::Instant::now();
                run.before = run.m.balances.clone();
                run.step(act)?;
                let t1 = std::time::Instant::now();
                let full = (i + 1) % full_every == 0 || i + 1 == actions.len();
                run.check(full)?;
                let mut st = stats.borrow_mut();
                st.step_time += t1 - t0;
                st.check_time += t1.elapsed();
            }
            // the client's own invariant sweep, over JSON-RPC, after every `client_every`-th
            // sequence
            if counter.get() % client_every != 0 {
                return Ok(());
            }
            let p = h.provider(&h.funder);
            for c in 0..2 {
                let checks = rt
                    .block_on(lien_client::invariants::check_all(
                        &p,
                        &w.a,
                        w.currencies[c],
                    ))
                    .expect("invariant reads");
                for check in checks {
                    if !check.holds {
                        return Err(
                            run.fail(format!("{} (currency {c}): {}", check.name, check.detail))
                        );
                    }
                }
            }
            Ok(())
        })();
        // back to the deployment for the next case (a revert drops the snapshot: take it again)
        let id = *base.borrow();
        assert!(d.revert(id), "evm_revert");
        *base.borrow_mut() = d.snapshot();
        outcome
    });
    let elapsed = started.elapsed().as_secs_f64();
    let st = stats.borrow();
    let steps = total_steps.get();
    println!(
        "stateful: {} sequences ({steps} steps, shrinking included) in {elapsed:.1} s: {:.1} ms per step (actions {:.1} s, checks {:.1} s: {} light, {} full)",
        counter.get(),
        elapsed * 1000.0 / steps.max(1) as f64,
        st.step_time.as_secs_f64(),
        st.check_time.as_secs_f64(),
        st.checks.0,
        st.checks.1,
    );
    println!("actions (succeeded, refused): {:?}", st.actions);
    println!("refusals: {:?}", st.reasons);
    if let Err(e) = result {
        panic!("{e}");
    }
    // the run reached the protocol's main paths, or its checks proved little
    if cases >= 6 {
        for kind in MUST_REACH {
            assert!(
                st.actions.get(kind).is_some_and(|s| s.0 > 0),
                "no {kind} succeeded in {cases} sequences: {:?}",
                st.actions
            );
        }
    }
}

impl Run<'_> {
    /// Seeds the model with the deployment's balances (none of the mock tokens are minted yet).
    fn init(&mut self) {
        for c in 0..2 {
            let supply = self.view(self.w.currencies[c], ISupply::totalSupplyCall {});
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
