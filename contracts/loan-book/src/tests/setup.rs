//! A deployed and wired set of contracts for each test: the real OfferBook, LoanBook and
//! CollateralVault, the mock oracle and liquidator, an NFT and a token.
//!
//! Time: motsu pins `block.timestamp`, and each contract crate adds a test-only clock offset.
//! `crate::clock::warp` moves the LoanBook's (which the mock liquidator reads too) and the
//! OfferBook's (built with its `test-clock` feature here) together. The OfferBook is built
//! with a zero `minChangeInterval` so governance can change parameters at any time.
use alloy_primitives::{Address, U256};
use lien_mock_nft::MockNft;
use lien_mock_token::MockToken;
use lien_offer_book::OfferBook;
use lien_vault::CollateralVault;
use motsu::prelude::*;
use openzeppelin_stylus::token::{erc20::IErc20, erc721::IErc721};

use super::mocks::{MockLiquidator, MockOracle};
use crate::LoanBook;

/// One day in seconds.
pub const DAY: u64 = 86_400;
/// 1 token = 1e6 units (keeps the arithmetic readable).
pub const UNIT: u64 = 1_000_000;
/// The oracle price of one NFT: 10 tokens.
pub const PRICE: u64 = 10 * UNIT;
/// The default offer principal: 4 tokens (= 40% of the price, the max LTV).
pub const PRINCIPAL: u64 = 4 * UNIT;
/// The default APR: 10%.
pub const APR: u16 = 1_000;
/// The default loan duration.
pub const DURATION: u64 = 30 * DAY;
/// The keeper-tip cap.
pub const TIP_CAP: u64 = UNIT / 100;
/// The borrower's NFT.
pub const TOKEN: u64 = 1;

pub fn u(x: u64) -> U256 {
    U256::from(x)
}

/// motsu's fixed block time (before any `warp`).
pub fn start_time() -> u64 {
    1_735_689_600
}

/// "now" of both books.
pub fn now() -> u64 {
    crate::clock::now(start_time())
}

pub struct Env {
    pub offers: Contract<OfferBook>,
    pub book: Contract<LoanBook>,
    pub vault: Contract<CollateralVault>,
    pub oracle: Contract<MockOracle>,
    pub liq: Contract<MockLiquidator>,
    pub nft: Contract<MockNft>,
    pub token: Contract<MockToken>,
    pub owner: Address,
    pub lender: Address,
    pub borrower: Address,
    pub keeper: Address,
    pub bidder: Address,
}

impl Env {
    /// Deploys everything, wires it, lists the token and the collection (DESIGN §10 values),
    /// funds the lender, the keeper and the bidder, gives the borrower NFT #1 approved to the
    /// vault.
    pub fn new() -> Self {
        let env = Self::bare();
        env.wire();
        env.list();
        env
    }

    /// Deployed and constructed (OfferBook: step 500 bps, no interval, fee 10%, tip 0.5%,
    /// haircut 50%), nothing wired.
    pub fn bare() -> Self {
        let env = Env {
            offers: Contract::new(),
            book: Contract::new(),
            vault: Contract::new(),
            oracle: Contract::new(),
            liq: Contract::new(),
            nft: Contract::new(),
            token: Contract::new(),
            owner: Address::repeat_byte(0x0A),
            lender: Address::repeat_byte(0x1E),
            borrower: Address::repeat_byte(0xB0),
            keeper: Address::repeat_byte(0x4E),
            bidder: Address::repeat_byte(0xB1),
        };
        env.offers
            .sender(env.owner)
            .constructor(env.owner, 500, 0, 1_000, 50, 5_000)
            .motsu_unwrap();
        env.book
            .sender(env.owner)
            .constructor(env.owner)
            .motsu_unwrap();
        env.vault
            .sender(env.owner)
            .constructor(env.owner)
            .motsu_unwrap();
        env
    }

    /// Wires the vault, the liquidator and the OfferBook to the LoanBook, and the LoanBook to
    /// its four siblings.
    pub fn wire(&self) {
        self.wire_peers();
        self.wire_book();
    }

    /// The LoanBook's own `setSiblings`.
    pub fn wire_book(&self) {
        self.book
            .sender(self.owner)
            .set_siblings(
                self.offers.address(),
                self.vault.address(),
                self.oracle.address(),
                self.liq.address(),
                self.desk_stand_in(),
            )
            .motsu_unwrap();
    }

    /// The desk passed to `setSiblings`: motsu runs no `delegatecall`, so the LoanDesk's code
    /// is tested on the dev node (tests/tests/loans_that_move.rs); here any contract will do.
    pub fn desk_stand_in(&self) -> Address {
        self.vault.address()
    }

    /// Everything but the LoanBook's own `setSiblings`.
    pub fn wire_peers(&self) {
        self.vault
            .sender(self.owner)
            .set_operators(self.book.address(), self.liq.address())
            .motsu_unwrap();
        self.liq
            .sender(self.owner)
            .init(self.book.address(), self.vault.address());
        self.offers
            .sender(self.owner)
            .set_loan_book(self.book.address())
            .motsu_unwrap();
    }

    pub fn list(&self) {
        self.offers
            .sender(self.owner)
            .set_currency(self.token.address(), u(TIP_CAP))
            .motsu_unwrap();
        self.offers
            .sender(self.owner)
            .list_collection(
                self.nft.address(),
                self.token.address(),
                4_000,
                6_500,
                800,
                13_000,
                9_800,
                90 * DAY,
                DAY,
                300,
                DAY,
            )
            .motsu_unwrap();
        self.oracle.sender(self.owner).set(u(PRICE), 0, u(PRICE), 0);
        for who in [self.lender, self.bidder, self.keeper] {
            self.token
                .sender(who)
                .mint(who, u(1_000 * UNIT))
                .motsu_unwrap();
            self.token
                .sender(who)
                .approve(self.book.address(), U256::MAX)
                .motsu_unwrap();
        }
        self.token
            .sender(self.lender)
            .approve(self.offers.address(), U256::MAX)
            .motsu_unwrap();
        self.token
            .sender(self.bidder)
            .approve(self.liq.address(), U256::MAX)
            .motsu_unwrap();
        self.nft
            .sender(self.borrower)
            .mint(self.borrower, u(TOKEN))
            .motsu_unwrap();
        self.nft
            .sender(self.borrower)
            .set_approval_for_all(self.vault.address(), true)
            .motsu_unwrap();
        self.token
            .sender(self.borrower)
            .approve(self.book.address(), U256::MAX)
            .motsu_unwrap();
    }

    /// A token-specific offer for NFT #1 with the default terms, expiring in 7 days.
    pub fn offer(&self) -> U256 {
        self.offer_with(u(PRINCIPAL), false, 1)
    }

    pub fn offer_with(&self, principal: U256, any_token: bool, capacity: u64) -> U256 {
        self.offers
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

    /// The loans whose lender position `account` holds, enumerated as a client does (ids
    /// `1..=counts().0`; the LoanBook keeps no per-account index, see loan-book.md).
    pub fn lender_loans(&self, account: Address) -> Vec<U256> {
        self.loans_where(|l| l.1 == account)
    }

    /// The loans `account` borrowed, enumerated like [`Self::lender_loans`].
    pub fn borrower_loans(&self, account: Address) -> Vec<U256> {
        self.loans_where(|l| l.0 == account)
    }

    fn loans_where(
        &self,
        keep: impl Fn(&lien_contract_common::loan::LoanView) -> bool,
    ) -> Vec<U256> {
        let n = self.book.sender(self.owner).counts().0.to::<u64>();
        (1..=n)
            .map(u)
            .filter(|id| keep(&self.book.sender(self.owner).loan(*id).motsu_unwrap()))
            .collect()
    }

    /// Offer + borrow NFT #1: returns the loan id.
    pub fn loan(&self) -> U256 {
        let offer = self.offer();
        self.book
            .sender(self.borrower)
            .borrow(offer, u(TOKEN))
            .motsu_unwrap()
    }

    /// A loan on a freshly minted NFT `token_id` from a collection-wide offer.
    pub fn loan_on(&self, token_id: u64) -> U256 {
        self.nft
            .sender(self.borrower)
            .mint(self.borrower, u(token_id))
            .motsu_unwrap();
        let offer = self.offer_with(u(PRINCIPAL), true, 1);
        self.book
            .sender(self.borrower)
            .borrow(offer, u(token_id))
            .motsu_unwrap()
    }

    /// Liquidates the default loan at a liquidation price of `price`; returns (loan, auction).
    pub fn in_auction(&self, price: u64) -> (U256, U256) {
        let loan = self.loan();
        self.oracle.sender(self.owner).set(u(PRICE), 0, u(price), 0);
        let auction = self.book.sender(self.keeper).liquidate(loan).motsu_unwrap();
        (loan, auction)
    }

    pub fn balance(&self, who: Address) -> U256 {
        self.token.sender(who).balance_of(who)
    }

    pub fn owner_of(&self, token_id: u64) -> Address {
        self.nft
            .sender(self.owner)
            .owner_of(u(token_id))
            .motsu_unwrap()
    }

    /// INV-SOLV for both books: each one's token balance covers what it holds for others (the
    /// OfferBook: open escrow; the LoanBook: claims and reserve).
    pub fn assert_solvent(&self) {
        let token = self.token.address();
        let escrow = self.offers.sender(self.owner).held(token);
        assert!(
            self.balance(self.offers.address()) >= escrow,
            "offer book balance below its escrow"
        );
        let owed = self.book.sender(self.owner).held(token);
        assert!(
            self.balance(self.book.address()) >= owed,
            "loan book balance below what it owes"
        );
    }
}
