//! A deployed OfferBook with a stand-in LoanBook, a listed token and collection, a funded
//! lender and a borrower, for each test.
use alloy_primitives::{Address, U256};
use lien_contract_common::terms::LoanTerms;
use lien_mock_nft::MockNft;
use lien_mock_token::MockToken;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;

use super::peers::LoanBookStandIn;
use crate::params::{RiskParams, DAY};
use crate::OfferBook;

/// 1 token = 1e6 units (keeps the arithmetic readable).
pub const UNIT: u64 = 1_000_000;
/// The default offer principal: 4 tokens.
pub const PRINCIPAL: u64 = 4 * UNIT;
/// The default APR: 10%.
pub const APR: u16 = 1_000;
/// The default loan duration.
pub const DURATION: u64 = 30 * DAY;
/// The keeper-tip cap of the listed token.
pub const TIP_CAP: u64 = UNIT / 100;
/// The borrower's NFT.
pub const TOKEN: u64 = 1;
/// The constructor's rate limit: largest bps move per change.
pub const MAX_STEP: u16 = 500;
/// The constructor's rate limit: shortest time between changes.
pub const INTERVAL: u64 = DAY;

pub fn u(x: u64) -> U256 {
    U256::from(x)
}

/// motsu's fixed block time.
pub fn start_time() -> u64 {
    1_735_689_600
}

/// The OfferBook's "now" (motsu's block time plus the test clock offset).
pub fn now() -> u64 {
    crate::clock::now(start_time())
}

/// The collection's listing parameters (DESIGN §10 starting values, 90-day max duration).
pub fn default_risk() -> RiskParams {
    RiskParams {
        max_ltv_bps: 4_000,
        liq_threshold_bps: 6_500,
        liq_penalty_bps: 800,
        auction_start_bps: 13_000,
        auction_cut_bps: 9_800,
        max_duration: 90 * DAY,
        grace_period: DAY,
        auction_step: 300,
        auction_tail: DAY,
    }
}

/// The snapshot a default offer taken under the listing parameters carries.
pub fn default_terms() -> LoanTerms {
    LoanTerms {
        duration: DURATION,
        apr_bps: APR,
        max_ltv_bps: 4_000,
        uncertain_haircut_bps: 5_000,
        grace_period: DAY,
        liq_threshold_bps: 6_500,
        liq_penalty_bps: 800,
        fee_bps: 1_000,
        tip_bps: 50,
        auction_start_bps: 13_000,
        auction_cut_bps: 9_800,
        auction_step: 300,
        auction_tail: DAY,
        multiplier_bps: 0,
    }
}

pub struct Env {
    pub book: Contract<OfferBook>,
    /// Wired as the LoanBook (the only caller of `take`).
    pub loans: Contract<LoanBookStandIn>,
    pub nft: Contract<MockNft>,
    pub token: Contract<MockToken>,
    pub owner: Address,
    pub lender: Address,
    pub borrower: Address,
}

impl Env {
    /// Constructed, wired to the stand-in LoanBook, token and collection listed, the lender
    /// funded and approved.
    pub fn new() -> Self {
        let env = Self::bare();
        env.book
            .sender(env.owner)
            .set_loan_book(env.loans.address())
            .motsu_unwrap();
        env.list();
        env
    }

    /// Constructed (rate limit 500 bps per day; fee 10%, tip 0.5%, haircut 50%), nothing else.
    pub fn bare() -> Self {
        let env = Env {
            book: Contract::new(),
            loans: Contract::new(),
            nft: Contract::new(),
            token: Contract::new(),
            owner: Address::repeat_byte(0x0A),
            lender: Address::repeat_byte(0x1E),
            borrower: Address::repeat_byte(0xB0),
        };
        env.book
            .sender(env.owner)
            .constructor(env.owner, MAX_STEP, INTERVAL, 1_000, 50, 5_000)
            .motsu_unwrap();
        env
    }

    /// Lists the token and the collection; funds the lender (1000 tokens, approved).
    pub fn list(&self) {
        self.book
            .sender(self.owner)
            .set_currency(self.token.address(), u(TIP_CAP))
            .motsu_unwrap();
        self.list_collection(self.nft.address(), self.token.address())
            .motsu_unwrap();
        self.token
            .sender(self.lender)
            .mint(self.lender, u(1_000 * UNIT))
            .motsu_unwrap();
        self.token
            .sender(self.lender)
            .approve(self.book.address(), U256::MAX)
            .motsu_unwrap();
    }

    /// `listCollection` with [`default_risk`].
    pub fn list_collection(
        &self,
        collection: Address,
        currency: Address,
    ) -> Result<(), crate::Error> {
        self.list_with(self.owner, collection, currency, &default_risk())
    }

    /// `listCollection` from `sender` with the parameters `r`.
    pub fn list_with(
        &self,
        sender: Address,
        collection: Address,
        currency: Address,
        r: &RiskParams,
    ) -> Result<(), crate::Error> {
        self.book.sender(sender).list_collection(
            collection,
            currency,
            r.max_ltv_bps,
            r.liq_threshold_bps,
            r.liq_penalty_bps,
            r.auction_start_bps,
            r.auction_cut_bps,
            r.max_duration,
            r.grace_period,
            r.auction_step,
            r.auction_tail,
        )
    }

    /// `setCollectionParams` from `sender` with the parameters `r`.
    pub fn set_params(
        &self,
        sender: Address,
        collection: Address,
        r: &RiskParams,
    ) -> Result<(), crate::Error> {
        self.book.sender(sender).set_collection_params(
            collection,
            r.max_ltv_bps,
            r.liq_threshold_bps,
            r.liq_penalty_bps,
            r.auction_start_bps,
            r.auction_cut_bps,
            r.max_duration,
            r.grace_period,
            r.auction_step,
            r.auction_tail,
        )
    }

    /// The `params` view's risk fields as [`RiskParams`], with `(listed, enabled, currency,
    /// lastChange)`.
    pub fn params(&self, collection: Address) -> (RiskParams, (bool, bool, Address, u64)) {
        let p = self.book.sender(self.owner).params(collection);
        let risk = RiskParams {
            max_ltv_bps: p.3,
            liq_threshold_bps: p.4,
            liq_penalty_bps: p.5,
            auction_start_bps: p.6,
            auction_cut_bps: p.7,
            max_duration: p.8,
            grace_period: p.9,
            auction_step: p.10,
            auction_tail: p.11,
        };
        (risk, (p.0, p.1, p.2, p.12))
    }

    /// A token-specific offer for NFT #1 with the default terms, expiring in 7 days.
    pub fn offer(&self) -> U256 {
        self.offer_with(u(PRINCIPAL), false, 1)
    }

    pub fn offer_with(&self, principal: U256, any_token: bool, capacity: u64) -> U256 {
        self.book
            .sender(self.lender)
            .create_offer(
                self.token.address(),
                self.nft.address(),
                u(TOKEN),
                any_token,
                principal,
                APR,
                DURATION,
                now() + 7 * DAY,
                capacity,
            )
            .motsu_unwrap()
    }

    /// `take` as the wired LoanBook for the borrower.
    #[allow(clippy::type_complexity)]
    pub fn take(
        &self,
        offer: U256,
        token_id: u64,
    ) -> Result<(Address, Address, Address, U256, U256, U256, U256), crate::Error> {
        self.book.sender(self.loans.address()).take(
            offer,
            u(token_id),
            self.borrower,
            self.borrower,
        )
    }

    pub fn balance(&self, who: Address) -> U256 {
        self.token.sender(who).balance_of(who)
    }

    /// INV-SOLV: the OfferBook's token balance covers the open escrow.
    pub fn assert_solvent(&self) {
        let held = self.book.sender(self.owner).held(self.token.address());
        assert!(
            self.balance(self.book.address()) >= held,
            "offer book balance below its escrow"
        );
    }
}
