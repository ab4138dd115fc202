//! Named protocol invariants (../shared/research/style-and-security.md §B4), read from chain
//! state through the public views only, so they hold for any deployment and any history.
//!
//! [`check_all`] walks every offer and every loan ever created and returns one [`Check`] per
//! invariant. The demo story and the end-to-end tests run it after every chapter and fail on
//! the first one that breaks.

use std::collections::BTreeSet;

use alloy::primitives::{Address, U256};
use alloy::providers::DynProvider;

use crate::bindings::{ICollateralVault, ILoanBook, ILoanLens, IOfferBook, IERC20, IERC721};
use crate::protocol::{Addresses, ProtocolError};

/// Loan status `Active` (docs/contracts/loan-book.md).
const ACTIVE: u8 = 1;
/// Loan status `InAuction`.
const IN_AUCTION: u8 = 2;

/// The outcome of one named invariant.
#[derive(Clone, Debug)]
pub struct Check {
    /// The invariant's name (`INV-…`).
    pub name: &'static str,
    /// Whether it holds.
    pub holds: bool,
    /// What was compared, for the report.
    pub detail: String,
}

impl Check {
    fn new(name: &'static str, holds: bool, detail: String) -> Self {
        Check {
            name,
            holds,
            detail,
        }
    }
}

fn err(what: &str, e: impl std::fmt::Display) -> ProtocolError {
    ProtocolError::Tx(format!("invariant read {what}"), e.to_string())
}

/// Every invariant below, for the books' `currency` and the loans' collections:
///
/// - **INV-SOLV-1 (offer book)**: `currency.balanceOf(offerBook) ≥ offerBook.held(currency)`.
/// - **INV-SOLV-1 (loan book)**: `currency.balanceOf(loanBook) ≥ loanBook.held(currency)`.
/// - **INV-ESCROW**: `offerBook.held(currency) = Σ principal × (capacity − used)` over the open
///   offers in `currency` (closed offers hold nothing).
/// - **INV-CLAIMS**: `loanBook.held(currency) = reserve(currency) + Σ claimable(account,
///   currency)` over every borrower, lender and keeper of every loan and every offer's lender
///   (nobody else can hold a claim: a lender paid off by a refinance or a rollover, or
///   credited an offer's excess, made an offer).
/// - **INV-CUSTODY-1**: every `Active` or `InAuction` loan's NFT is owned by the vault and
///   `vault.lockedFor(collection, tokenId)` is that loan.
/// - **INV-CUSTODY-2 / INV-NO-PHANTOM-DEBT**: no closed loan (repaid, liquidated, foreclosed)
///   is still the vault's lock for its NFT, and a closed loan owes nothing (`debt = 0`).
/// - **INV-PARAMS**: every loan's snapshot is inside the hard bounds (threshold ≤ 9000,
///   penalty ≤ 2000, fee ≤ 2000, tip ≤ 500, auction start 10000…30000, cut 5000…9999) and every
///   listed collection has `maxLtv < liqThreshold`.
/// - **INV-IDS**: the auction count never exceeds the loan count, and each loan that went to
///   auction has an id in `1…auctions`.
pub async fn check_all(
    p: &DynProvider,
    a: &Addresses,
    currency: Address,
) -> Result<Vec<Check>, ProtocolError> {
    let token = IERC20::new(currency, p);
    let offers = IOfferBook::new(a.offer_book, p);
    let book = ILoanBook::new(a.loan_book, p);
    let vault = ICollateralVault::new(a.vault, p);
    let mut checks = Vec::new();

    let offer_held = offers
        .held(currency)
        .call()
        .await
        .map_err(|e| err("held", e))?;
    let offer_balance = token
        .balanceOf(a.offer_book)
        .call()
        .await
        .map_err(|e| err("balanceOf", e))?;
    checks.push(Check::new(
        "INV-SOLV-1 (offer book)",
        offer_balance >= offer_held,
        format!("balance {offer_balance} ≥ held {offer_held}"),
    ));
    let loan_held = book
        .held(currency)
        .call()
        .await
        .map_err(|e| err("held", e))?;
    let loan_balance = token
        .balanceOf(a.loan_book)
        .call()
        .await
        .map_err(|e| err("balanceOf", e))?;
    checks.push(Check::new(
        "INV-SOLV-1 (loan book)",
        loan_balance >= loan_held,
        format!("balance {loan_balance} ≥ held {loan_held}"),
    ));

    // INV-ESCROW
    let offer_count = offers
        .offerCount()
        .call()
        .await
        .map_err(|e| err("offerCount", e))?;
    let mut escrow = U256::ZERO;
    let mut offer_lenders = BTreeSet::new();
    let mut id = U256::from(1u8);
    while id <= offer_count {
        let o = offers.offer(id).call().await.map_err(|e| err("offer", e))?;
        if o.currency == currency {
            offer_lenders.insert(o.lender);
        }
        if o.currency == currency && o.open {
            let left = U256::from(o.capacity.saturating_sub(o.used));
            escrow += o.principal * left;
        }
        id += U256::from(1u8);
    }
    checks.push(Check::new(
        "INV-ESCROW",
        escrow == offer_held,
        format!("Σ open escrow {escrow} = held {offer_held}"),
    ));

    // The loans: claims, custody, snapshots, ids.
    let counts = book.counts().call().await.map_err(|e| err("counts", e))?;
    let (loans, auctions) = (counts.loans, counts.auctions);
    let mut accounts = offer_lenders;
    let mut custody = (true, String::from("every open loan's NFT is locked for it"));
    let mut closed = (
        true,
        String::from("no closed loan holds a lock or owes anything"),
    );
    let mut params = (
        true,
        String::from("every snapshot is inside the hard bounds"),
    );
    let mut ids = (
        auctions <= loans,
        format!("{auctions} auctions ≤ {loans} loans"),
    );
    let mut collections = BTreeSet::new();
    let mut id = U256::from(1u8);
    while id <= loans {
        let l = ILoanLens::new(a.loan_lens, p)
            .loan(id)
            .call()
            .await
            .map_err(|e| err("loan", e))?;
        let (collection, token_id, status, auction_id) =
            (l.collection, l.token_id, l.status, l.auction_id);
        collections.insert(collection);
        if l.currency == currency {
            accounts.extend([l.borrower, l.lender, l.keeper]);
        }
        let locked = vault
            .lockedFor(collection, token_id)
            .call()
            .await
            .map_err(|e| err("lockedFor", e))?;
        if status == ACTIVE || status == IN_AUCTION {
            let owner = IERC721::new(collection, p)
                .ownerOf(token_id)
                .call()
                .await
                .map_err(|e| err("ownerOf", e))?;
            if owner != a.vault || locked != id {
                custody = (
                    false,
                    format!("loan {id}: owner {owner}, vault lock {locked}"),
                );
            }
        } else {
            let debt = ILoanLens::new(a.loan_lens, p)
                .debt(id)
                .call()
                .await
                .map_err(|e| err("debt", e))?;
            if locked == id || !debt.is_zero() {
                closed = (
                    false,
                    format!("closed loan {id} (status {status}): lock {locked}, debt {debt}"),
                );
            }
        }
        if status == IN_AUCTION && (auction_id.is_zero() || auction_id > auctions) {
            ids = (
                false,
                format!("loan {id} has auction {auction_id} of {auctions}"),
            );
        }
        let t = ILoanLens::new(a.loan_lens, p)
            .loanTerms(id)
            .call()
            .await
            .map_err(|e| err("loanTerms", e))?;
        let inside = t.liq_threshold_bps <= 9_000
            && t.liq_penalty_bps <= 2_000
            && t.fee_bps <= 2_000
            && t.tip_bps <= 500
            && (10_000..=30_000).contains(&t.auction_start_bps)
            && (5_000..=9_999).contains(&t.auction_cut_bps);
        if !inside {
            params = (
                false,
                format!(
                    "loan {id}: threshold {}, penalty {}, fee {}, tip {}, start {}, cut {}",
                    t.liq_threshold_bps,
                    t.liq_penalty_bps,
                    t.fee_bps,
                    t.tip_bps,
                    t.auction_start_bps,
                    t.auction_cut_bps
                ),
            );
        }
        id += U256::from(1u8);
    }
    for collection in collections {
        let c = offers
            .params(collection)
            .call()
            .await
            .map_err(|e| err("params", e))?;
        if c.listed && c.max_ltv_bps >= c.liq_threshold_bps {
            params = (
                false,
                format!(
                    "collection {collection}: max LTV {} ≥ threshold {}",
                    c.max_ltv_bps, c.liq_threshold_bps
                ),
            );
        }
    }

    // INV-CLAIMS
    let mut owed = book
        .reserve(currency)
        .call()
        .await
        .map_err(|e| err("reserve", e))?;
    accounts.remove(&Address::ZERO);
    for account in &accounts {
        owed += book
            .claimable(*account, currency)
            .call()
            .await
            .map_err(|e| err("claimable", e))?;
    }
    checks.push(Check::new(
        "INV-CLAIMS",
        owed == loan_held,
        format!(
            "reserve + claims of {} accounts = {owed}, held {loan_held}",
            accounts.len()
        ),
    ));
    checks.push(Check::new("INV-CUSTODY-1", custody.0, custody.1));
    checks.push(Check::new("INV-CUSTODY-2", closed.0, closed.1));
    checks.push(Check::new("INV-PARAMS", params.0, params.1));
    checks.push(Check::new("INV-IDS", ids.0, ids.1));
    Ok(checks)
}
