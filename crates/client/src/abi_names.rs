//! Names of every function's return values in the exported interfaces (`abi/*.sol`).
//!
//! The SDK's `export-abi` names parameters after the Rust arguments but prints return values
//! as bare types (`loan()` would return 13 unnamed values). Naming them in the contracts
//! (return structs) would cost code size, which is tight, so the names live here, next to the
//! exporter ([`crate::abi`]), and follow the design documents (`docs/contracts/*.md`), in the
//! snake_case the exported parameters use. `abi_drift` fails when a function with return
//! values has no entry, when an entry's count no longer matches, or when an entry is stale.

/// `(interface file stem, function, names of its return values in order)`.
pub const RETURNS: &[(&str, &str, &[&str])] = &[
    // ---- Governance ----
    ("Governance", "propose", &["id"]),
    ("Governance", "execute", &["result"]),
    ("Governance", "owners", &["owners"]),
    ("Governance", "isOwner", &["is_owner"]),
    ("Governance", "threshold", &["threshold"]),
    ("Governance", "delay", &["delay"]),
    ("Governance", "guardian", &["guardian"]),
    ("Governance", "proposalCount", &["count"]),
    (
        "Governance",
        "getProposal",
        &[
            "proposer",
            "target",
            "value",
            "proposed_at",
            "executable_at",
            "approvals",
            "state",
        ],
    ),
    ("Governance", "proposalData", &["data"]),
    ("Governance", "hasApproved", &["approved"]),
    // ---- Liquidator ----
    ("Liquidator", "loanBook", &["loan_book"]),
    ("Liquidator", "vault", &["vault"]),
    ("Liquidator", "startAuction", &["auction_id"]),
    ("Liquidator", "bid", &["price"]),
    ("Liquidator", "currentPrice", &["price"]),
    (
        "Liquidator",
        "auction",
        &[
            "loan_id",
            "collection",
            "token_id",
            "currency",
            "debt",
            "start_price",
            "floor_price",
            "start_time",
            "step",
            "cut_bps",
            "tail",
            "status",
            "buyer",
            "paid",
        ],
    ),
    ("Liquidator", "liveAuctions", &["auction_ids"]),
    ("Liquidator", "auctionCount", &["count"]),
    ("Liquidator", "owner", &["owner"]),
    // ---- LoanBook ----
    ("LoanBook", "owner", &["owner"]),
    ("LoanBook", "withdraw", &["amount"]),
    ("LoanBook", "borrow", &["loan_id"]),
    ("LoanBook", "repay", &["paid"]),
    ("LoanBook", "liquidate", &["auction_id"]),
    (
        "LoanBook",
        "loan",
        &[
            "borrower",
            "lender",
            "currency",
            "collection",
            "token_id",
            "principal",
            "apr_bps",
            "start",
            "due",
            "status",
            "frozen_debt",
            "auction_id",
            "keeper",
        ],
    ),
    (
        "LoanBook",
        "loanTerms",
        &[
            "grace_period",
            "liq_threshold_bps",
            "liq_penalty_bps",
            "fee_bps",
            "tip_bps",
            "auction_start_bps",
            "auction_cut_bps",
            "auction_step",
            "auction_tail",
            "tip",
        ],
    ),
    ("LoanBook", "debt", &["amount"]),
    (
        "LoanBook",
        "health",
        &["healthy", "debt", "max_debt", "oracle_status"],
    ),
    ("LoanBook", "claimable", &["amount"]),
    ("LoanBook", "reserve", &["amount"]),
    ("LoanBook", "held", &["amount"]),
    (
        "LoanBook",
        "siblings",
        &["offer_book", "vault", "oracle", "liquidator"],
    ),
    ("LoanBook", "counts", &["loans", "auctions"]),
    ("LoanBook", "loansOfBorrower", &["loan_ids"]),
    ("LoanBook", "loansOfLender", &["loan_ids"]),
    // ---- OfferBook ----
    ("OfferBook", "owner", &["owner"]),
    ("OfferBook", "createOffer", &["offer_id"]),
    ("OfferBook", "cancelOffer", &["refund"]),
    (
        "OfferBook",
        "take",
        &[
            "lender",
            "currency",
            "collection",
            "principal",
            "terms",
            "auction",
        ],
    ),
    (
        "OfferBook",
        "offer",
        &[
            "lender",
            "currency",
            "collection",
            "token_id",
            "any_token",
            "principal",
            "apr_bps",
            "duration",
            "expiry",
            "capacity",
            "used",
            "open",
        ],
    ),
    (
        "OfferBook",
        "params",
        &[
            "listed",
            "enabled",
            "currency",
            "max_ltv_bps",
            "liq_threshold_bps",
            "liq_penalty_bps",
            "auction_start_bps",
            "auction_cut_bps",
            "max_duration",
            "grace_period",
            "auction_step",
            "auction_tail",
            "last_change",
        ],
    ),
    (
        "OfferBook",
        "protocolParams",
        &[
            "fee_bps",
            "tip_bps",
            "uncertain_haircut_bps",
            "max_step_bps",
            "min_change_interval",
            "last_change",
        ],
    ),
    ("OfferBook", "currencyInfo", &["listed", "tip_cap"]),
    ("OfferBook", "held", &["amount"]),
    ("OfferBook", "loanBook", &["loan_book"]),
    ("OfferBook", "paused", &["paused"]),
    ("OfferBook", "offerCount", &["count"]),
    // ---- Oracle ----
    ("Oracle", "owner", &["owner"]),
    ("Oracle", "borrowPrice", &["price", "status"]),
    ("Oracle", "liquidationPrice", &["price", "status"]),
    // ---- Vault ----
    ("Vault", "lockedFor", &["loan_id"]),
    ("Vault", "loanBook", &["loan_book"]),
    ("Vault", "liquidator", &["liquidator"]),
    ("Vault", "owner", &["owner"]),
    ("Vault", "onERC721Received", &["selector"]),
    // ---- mocks ----
    ("MockFalseToken", "balanceOf", &["balance"]),
    ("MockFalseToken", "allowance", &["remaining"]),
    ("MockFalseToken", "approve", &["success"]),
    ("MockFalseToken", "transfer", &["success"]),
    ("MockFalseToken", "transferFrom", &["success"]),
    ("MockFeeToken", "balanceOf", &["balance"]),
    ("MockFeeToken", "allowance", &["remaining"]),
    ("MockFeeToken", "approve", &["success"]),
    ("MockFeeToken", "transfer", &["success"]),
    ("MockFeeToken", "transferFrom", &["success"]),
    (
        "MockFeed",
        "latestRoundData",
        &[
            "round_id",
            "answer",
            "started_at",
            "updated_at",
            "answered_in_round",
        ],
    ),
    ("MockFeed", "decimals", &["decimals"]),
    ("MockFeed", "owner", &["owner"]),
    ("MockToken", "decimals", &["decimals"]),
    ("MockValue", "balanceOf", &["balance"]),
    ("MockValue", "totalDeposits", &["total"]),
];

/// The return names of `function` in the interface `stem` (e.g. `LoanBook`), if listed.
pub fn returns_of(stem: &str, function: &str) -> Option<&'static [&'static str]> {
    RETURNS
        .iter()
        .find(|(s, f, _)| *s == stem && *f == function)
        .map(|(_, _, names)| *names)
}
