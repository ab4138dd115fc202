//! A deployed and wired set of contracts for each test.
use alloy_primitives::{Address, U256};
use lien_mock_nft::MockNft;
use lien_mock_token::MockToken;
use lien_vault::CollateralVault;
use motsu::prelude::*;
use openzeppelin_stylus::token::{erc20::IErc20, erc721::IErc721};

use super::mocks::{MockLiquidator, MockOracle};
use crate::params::DAY;
use crate::LoanBook;

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

/// motsu's fixed block time.
pub fn start_time() -> u64 {
    1_735_689_600
}

pub struct Env {
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
    /// funds the lender and the bidder, gives the borrower NFT #1 approved to the vault.
    pub fn new() -> Self {
        let env = Self::bare();
        env.wire();
        env.list();
        env
    }

    /// Deployed and constructed, nothing wired.
    pub fn bare() -> Self {
        let env = Env {
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
        env.book.sender(env.owner).constructor(env.owner, 500, DAY, 1_000, 50, 5_000).motsu_unwrap();
        env.vault.sender(env.owner).constructor(env.owner).motsu_unwrap();
        env
    }

    pub fn wire(&self) {
        self.vault.sender(self.owner).set_operators(self.book.address(), self.liq.address()).motsu_unwrap();
        self.liq.sender(self.owner).init(self.book.address(), self.vault.address());
        self.book
            .sender(self.owner)
            .set_siblings(self.vault.address(), self.oracle.address(), self.liq.address())
            .motsu_unwrap();
    }

    pub fn list(&self) {
        self.book.sender(self.owner).set_currency(self.token.address(), u(TIP_CAP)).motsu_unwrap();
        self.book
            .sender(self.owner)
            .list_collection(self.nft.address(), self.token.address(), 4_000, 6_500, 800, 13_000, 9_800, 90 * DAY, DAY, 300, DAY)
            .motsu_unwrap();
        self.oracle.sender(self.owner).set(u(PRICE), 0, u(PRICE), 0);
        for who in [self.lender, self.bidder, self.keeper] {
            self.token.sender(who).mint(who, u(1_000 * UNIT)).motsu_unwrap();
            self.token.sender(who).approve(self.book.address(), U256::MAX).motsu_unwrap();
        }
        self.token.sender(self.bidder).approve(self.liq.address(), U256::MAX).motsu_unwrap();
        self.nft.sender(self.borrower).mint(self.borrower, u(TOKEN)).motsu_unwrap();
        self.nft.sender(self.borrower).set_approval_for_all(self.vault.address(), true).motsu_unwrap();
        self.token.sender(self.borrower).approve(self.book.address(), U256::MAX).motsu_unwrap();
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
                crate::clock::now(start_time()) + 7 * DAY,
                capacity,
            )
            .motsu_unwrap()
    }

    /// Offer + borrow NFT #1: returns the loan id.
    pub fn loan(&self) -> U256 {
        let offer = self.offer();
        self.book.sender(self.borrower).borrow(offer, u(TOKEN)).motsu_unwrap()
    }

    pub fn balance(&self, who: Address) -> U256 {
        self.token.sender(who).balance_of(who)
    }

    /// INV-SOLV-1: the book's token balance covers everything it owes.
    pub fn assert_solvent(&self) {
        let held = self.book.sender(self.owner).held(self.token.address());
        assert!(self.balance(self.book.address()) >= held, "book balance below what it owes");
    }
}

/// Unwraps a LoanBook call's error (reverting the motsu transaction).
#[macro_export]
macro_rules! expect_err {
    ($call:expr, $pat:pat $(if $guard:expr)?) => {{
        let err = $call.motsu_unwrap_err();
        assert!(matches!(err, $pat $(if $guard)?), "unexpected error {:?}", err);
    }};
}
