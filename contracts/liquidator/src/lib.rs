//! `Liquidator`: Lien's Dutch auctions for defaulted or unhealthy loans.
//!
//! Only the LoanBook starts an auction, with every parameter frozen at the start. The price is
//! the stair-step exponential curve of [`lien_math::auction_price_up`] on block timestamps: a
//! pure function of the frozen parameters and `now`, so every bidder in a block sees the same
//! price. A bid pays the current price (guarded by the bidder's `maxPrice`) straight to the
//! LoanBook, the vault hands the NFT to the bidder, and the LoanBook settles the loan. The
//! LoanBook cancels an auction when the borrower repays, and closes it unsold after the tail
//! (foreclosure to the lender). Full description: `docs/contracts/liquidator.md`.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main, no_std)]
extern crate alloc;

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

pub mod auction;
pub mod errors;
pub mod events;
pub mod interfaces;
#[cfg(test)]
mod tests;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolEvent};
use lien_contract_common::{
    log_words, owner,
    raw_abi::{address_word, boolean, calldata, word, AbiWord},
};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageMap, StorageU256},
    stylus_core::calls::{context::Call, errors::Error as CallError},
};

use crate::auction::{Auction, NewAuction, Terms, CANCELLED, CLOSED_UNSOLD, LIVE, NONE, SOLD};
use crate::errors::*;
use crate::events::*;
use crate::interfaces::*;

/// Bounds of the sequencer grace period, in seconds (the oracle's).
pub const SEQUENCER_GRACE_BOUNDS: (u64, u64) = (60, 86_400);

/// Aborts on a panic without formatting a message: contract code never panics on any input
/// (every failure is a typed error), and std's formatting panic hook would add kilobytes.
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Everything `auction(id)` returns: `(loanId, collection, tokenId, currency, debt,
/// startPrice, floorPrice, startTime, step, cutBps, tail, status, buyer, paid)`.
pub type AuctionView = (
    U256,
    Address,
    U256,
    Address,
    U256,
    U256,
    U256,
    u64,
    u64,
    u16,
    u64,
    u8,
    Address,
    U256,
);

/// The Liquidator's storage.
#[entrypoint]
#[storage]
pub struct Liquidator {
    /// The owner (Governance after deployment) wires the LoanBook and the vault once and
    /// sets the sequencer feed.
    owner: StorageAddress,
    /// The owner-to-be of a two-step transfer (zero: none).
    pending_owner: StorageAddress,
    /// The only caller of `startAuction`, `cancel` and `closeUnsold`; receives the proceeds.
    loan_book: StorageAddress,
    /// The CollateralVault that releases the NFT to the winning bidder.
    vault: StorageAddress,
    /// The last auction id issued (ids start at 1).
    auction_count: StorageU256,
    /// Auction records by id.
    auctions: StorageMap<U256, Auction>,
    /// The sequencer-uptime feed (low 160 bits; zero: none) and its grace (bits 160..224).
    sequencer: StorageU256,
}

#[public]
impl Liquidator {
    /// Sets the owner. The LoanBook and the vault are wired later, once, by the owner.
    #[constructor]
    pub fn constructor(&mut self, owner: Address) -> Result<(), Error> {
        Ok(owner::set_owner(&mut self.owner, owner, false)?)
    }

    /// Wires the LoanBook (owner only, once, non-zero).
    pub fn set_loan_book(&mut self, loan_book: Address) -> Result<(), Error> {
        self.only_owner()?;
        Self::check_unset(self.loan_book.get(), loan_book)?;
        self.loan_book.set(loan_book);
        log_words(LoanBookSet::SIGNATURE_HASH, &[loan_book.word()], &[]);
        Ok(())
    }

    /// Wires the CollateralVault (owner only, once, non-zero).
    pub fn set_vault(&mut self, vault: Address) -> Result<(), Error> {
        self.only_owner()?;
        Self::check_unset(self.vault.get(), vault)?;
        self.vault.set(vault);
        log_words(VaultSet::SIGNATURE_HASH, &[vault.word()], &[]);
        Ok(())
    }

    /// Sets the L2 sequencer-uptime feed (Chainlink's interface; the one the oracle uses)
    /// and its grace, 60..=86_400 s (owner only; zero turns the check off). While the
    /// sequencer is down or back for no more than `grace` seconds, no auction sells or closes,
    /// and an auction that was live across an outage restarts its clock when the grace ends.
    pub fn set_sequencer_feed(&mut self, feed: Address, grace: u64) -> Result<(), Error> {
        self.only_owner()?;
        let (lo, hi) = SEQUENCER_GRACE_BOUNDS;
        if !feed.is_zero() && !(lo..=hi).contains(&grace) {
            return Err(Error::BadGrace(LiquidatorBadGrace { grace }));
        }
        self.sequencer
            .set(address_word(feed) | (U256::from(grace) << 160));
        log_words(
            SequencerFeedSet::SIGNATURE_HASH,
            &[feed.word()],
            &[grace.word()],
        );
        Ok(())
    }

    /// `(feed, grace)`: the sequencer-uptime feed (zero: none) and its grace in seconds.
    pub fn sequencer_feed(&self) -> (Address, u64) {
        let w = self.sequencer.get();
        (
            Address::from_slice(&w.to_be_bytes::<32>()[12..]),
            w.as_limbs()[2] >> 32,
        )
    }

    /// The wired LoanBook (zero until set).
    pub fn loan_book(&self) -> Address {
        self.loan_book.get()
    }

    /// The wired CollateralVault (zero until set).
    pub fn vault(&self) -> Address {
        self.vault.get()
    }

    /// Starts an auction for `loan_id`'s collateral (LoanBook only) and returns its id.
    /// Bounds: `loan_id > 0`, non-zero collection and currency, `step > 0`,
    /// `0 < cut_bps ≤ 10_000`, `tail > 0` (and `now + tail` fits in `uint64`),
    /// `start_price > 0`, `floor_price ≤ start_price`.
    #[allow(clippy::too_many_arguments)] // the ABI is fixed by docs/INTERFACES.md
    pub fn start_auction(
        &mut self,
        loan_id: U256,
        collection: Address,
        token_id: U256,
        currency: Address,
        debt: U256,
        start_price: U256,
        floor_price: U256,
        step: u64,
        cut_bps: u16,
        tail: u64,
    ) -> Result<U256, Error> {
        self.only_loan_book()?;
        if self.vault.get().is_zero() {
            return Err(Error::NotWired(LiquidatorNotWired {}));
        }
        if loan_id.is_zero() {
            return Err(Error::ZeroLoanId(LiquidatorZeroLoanId {}));
        }
        if collection.is_zero() || currency.is_zero() {
            return Err(Error::ZeroAddress(LiquidatorZeroAddress {}));
        }
        if step == 0 {
            return Err(Error::ZeroStep(LiquidatorZeroStep {}));
        }
        if cut_bps == 0 || u64::from(cut_bps) > lien_math::BPS {
            return Err(Error::BadCut(LiquidatorBadCut { cutBps: cut_bps }));
        }
        let now = self.now();
        let end_time = now.checked_add(tail).filter(|_| tail > 0);
        let Some(end_time) = end_time else {
            return Err(Error::BadTail(LiquidatorBadTail { tail }));
        };
        if start_price.is_zero() {
            return Err(Error::ZeroStartPrice(LiquidatorZeroStartPrice {}));
        }
        if floor_price > start_price {
            return Err(Error::FloorAboveStart(LiquidatorFloorAboveStart {
                floorPrice: floor_price,
                startPrice: start_price,
            }));
        }
        let auction_id = self
            .auction_count
            .get()
            .checked_add(U256::from(1))
            .ok_or(Error::from(lien_math::MathError::Overflow))?;
        self.auction_count.set(auction_id);
        let loan_id_u64 =
            u64::try_from(loan_id).map_err(|_| Error::from(lien_math::MathError::Overflow))?;
        {
            let mut a = self.auctions.setter(auction_id);
            a.store_new(&NewAuction {
                loan_id: loan_id_u64,
                collection,
                token_id,
                currency,
                debt,
                start_price,
                floor_price,
            });
            a.set_terms(Terms {
                start_time: now,
                step,
                tail,
                cut_bps,
                status: LIVE,
            });
        }
        log_words(
            AuctionStarted::SIGNATURE_HASH,
            &[auction_id, loan_id, collection.word()],
            &[
                token_id,
                currency.word(),
                debt,
                start_price,
                floor_price,
                now.word(),
                step.word(),
                cut_bps.word(),
                tail.word(),
                end_time.word(),
            ],
        );
        Ok(auction_id)
    }

    /// Cancels a live auction (LoanBook only, when the borrower repays). Allowed until the
    /// auction is sold or closed, including after the tail.
    pub fn cancel(&mut self, auction_id: U256) -> Result<(), Error> {
        self.only_loan_book()?;
        self.require_live(auction_id)?;
        let loan_id = self.close(auction_id, CANCELLED)?;
        log_words(
            AuctionCancelled::SIGNATURE_HASH,
            &[auction_id, loan_id],
            &[],
        );
        Ok(())
    }

    /// Closes a live auction whose tail has passed without a bid (LoanBook only, from its
    /// `foreclose`, which then releases the NFT to the lender). The tail counts from the
    /// auction's clock (see `setSequencerFeed`); never while the sequencer is down or in grace.
    pub fn close_unsold(&mut self, auction_id: U256) -> Result<(), Error> {
        self.only_loan_book()?;
        self.require_live(auction_id)?;
        let terms = self.auctions.getter(auction_id).terms();
        let end_time = self
            .clock_start(terms.start_time)?
            .saturating_add(terms.tail);
        if self.now() < end_time {
            return Err(Error::NotExpired(LiquidatorNotExpired {
                auctionId: auction_id,
                endTime: end_time,
            }));
        }
        let loan_id = self.close(auction_id, CLOSED_UNSOLD)?;
        log_words(
            AuctionClosedUnsold::SIGNATURE_HASH,
            &[auction_id, loan_id],
            &[],
        );
        Ok(())
    }

    /// Buys the NFT at the current price if it is at most `max_price`, and returns the price.
    /// Pulls the price from the caller to the LoanBook (the caller approves the Liquidator;
    /// the LoanBook's balance must grow by exactly the price), then has the vault release the
    /// NFT to the caller and the LoanBook settle the loan. The auction is marked sold before
    /// any external call. A callee's refusal comes back as its own revert data (e.g. the
    /// currency's ERC-6093 `ERC20InsufficientAllowance(spender, allowance, needed)`).
    pub fn bid(&mut self, auction_id: U256, max_price: U256) -> Result<U256, Error> {
        let price = self.biddable_price(auction_id)?;
        if price > max_price {
            return Err(Error::PriceAboveMax(LiquidatorPriceAboveMax {
                price,
                maxPrice: max_price,
            }));
        }
        let bidder = self.vm().msg_sender();
        let (collection, token_id, currency) = {
            let a = self.auctions.getter(auction_id);
            let (currency, token_id) = a.currency_and_token();
            (a.collection(), token_id, currency)
        };

        // Effects: the auction is over before any external call.
        let loan_id = self.close(auction_id, SOLD)?;
        {
            let mut a = self.auctions.setter(auction_id);
            a.set_sale(bidder, price);
        }
        log_words(
            AuctionSettled::SIGNATURE_HASH,
            &[auction_id, loan_id, bidder.word()],
            &[price],
        );

        // Interactions: payment, NFT, settlement.
        let loan_book = self.loan_book.get();
        let vault = self.vault.get();
        self.pull_payment(currency, bidder, loan_book, price)?;
        let release = [address_word(collection), token_id, address_word(bidder)];
        self.call(vault, &calldata(releaseCall::SELECTOR, &release))
            .map_err(callee(vault))?;
        let settle = [loan_id, price, address_word(bidder)];
        self.call(
            loan_book,
            &calldata(onAuctionSettledCall::SELECTOR, &settle),
        )
        .map_err(callee(loan_book))?;
        Ok(price)
    }

    /// The price a bid would pay now. Fails for an unknown, finished or expired auction, and
    /// while the sequencer is down or in its grace.
    pub fn current_price(&self, auction_id: U256) -> Result<U256, Error> {
        self.biddable_price(auction_id)
    }

    /// The auction's record: `(loanId, collection, tokenId, currency, debt, startPrice,
    /// floorPrice, startTime, step, cutBps, tail, status, buyer, paid)`, with status
    /// 1 Live, 2 Sold, 3 Cancelled, 4 ClosedUnsold. A live auction with
    /// `now ≥ startTime + tail` is expired: no bids, only `closeUnsold`.
    pub fn auction(&self, auction_id: U256) -> Result<AuctionView, Error> {
        self.require_known(auction_id)?;
        let a = self.auctions.getter(auction_id);
        let t = a.terms();
        let sale = a.sale();
        let prices = a.prices();
        let token = a.currency_and_token();
        Ok((
            a.loan_id(),
            a.collection(),
            token.1,
            token.0,
            a.debt(),
            prices.0,
            prices.1,
            t.start_time,
            t.step,
            t.cut_bps,
            t.tail,
            t.status,
            sale.0,
            sale.1,
        ))
    }

    /// The last auction id issued (0 before the first auction); ids run from 1 to it.
    pub fn auction_count(&self) -> U256 {
        self.auction_count.get()
    }

    /// The owner (Governance after deployment); it can only wire the peers, set the
    /// sequencer feed and hand over.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// The owner-to-be of a transfer in progress (zero: none).
    pub fn pending_owner(&self) -> Address {
        self.pending_owner.get()
    }

    /// Starts handing ownership to `new_owner` (owner only; zero cancels): the owner keeps
    /// control until `new_owner` calls `acceptOwnership`. There is no renounce.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        Ok(owner::start_transfer(
            &self.owner,
            &mut self.pending_owner,
            caller,
            new_owner,
        )?)
    }

    /// Completes a transfer (the pending owner only).
    pub fn accept_ownership(&mut self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        Ok(owner::accept(
            &mut self.owner,
            &mut self.pending_owner,
            caller,
        )?)
    }
}

impl Liquidator {
    /// The block timestamp (in unit tests, shifted by the test clock).
    fn now(&self) -> u64 {
        let now = self.vm().block_timestamp();
        #[cfg(test)]
        let now = now.saturating_add(tests::clock::offset());
        now
    }

    /// Fails unless the caller is the owner.
    fn only_owner(&self) -> Result<(), Error> {
        Ok(owner::only_owner(&self.owner, self.vm().msg_sender())?)
    }

    /// When an auction that started at `start_time` counts its clock from: its start, or the
    /// end of the sequencer's grace after the latest outage when that is later (the clock
    /// restarts there: the price from the start price again, the tail from then). Fails with
    /// `LiquidatorSequencerDown` while the sequencer is down (or its feed unreadable) or back
    /// for no more than its grace. No feed set: the start.
    fn clock_start(&self, start_time: u64) -> Result<u64, Error> {
        let (feed, grace) = self.sequencer_feed();
        if feed.is_zero() {
            return Ok(start_time);
        }
        let round = self
            .view(feed, &calldata(latestRoundDataCall::SELECTOR, &[]))
            .and_then(|reply| Some((word(&reply, 1)?, word(&reply, 2)?)));
        let down = |resumes_at| {
            Error::SequencerDown(LiquidatorSequencerDown {
                resumesAt: resumes_at,
            })
        };
        let Some((answer, started)) = round else {
            return Err(down(0));
        };
        let started = u64::try_from(started).unwrap_or(u64::MAX);
        let now = self.now();
        if !answer.is_zero() || started == 0 || started > now {
            return Err(down(0));
        }
        let resumes_at = started.saturating_add(grace).saturating_add(1);
        if now < resumes_at {
            return Err(down(resumes_at));
        }
        Ok(start_time.max(resumes_at))
    }

    /// A state-changing call; the reply, or the callee's revert data.
    fn call(&mut self, target: Address, data: &[u8]) -> Result<Vec<u8>, Vec<u8>> {
        self.vm()
            .call(&Call::new(), target, data)
            .map_err(|e| match e {
                CallError::Revert(reason) => reason,
                CallError::AbiDecodingFailed(_) => Vec::new(),
            })
    }

    /// A static call; `None` when it reverts.
    fn view(&self, target: Address, data: &[u8]) -> Option<Vec<u8>> {
        self.vm().static_call(&Call::new(), target, data).ok()
    }

    /// `balanceOf(account)` of `currency`.
    fn balance_of(&self, currency: Address, account: Address) -> Result<U256, Error> {
        self.view(
            currency,
            &calldata(balanceOfCall::SELECTOR, &[address_word(account)]),
        )
        .and_then(|reply| word(&reply, 0))
        .ok_or(Error::CallFailed(LiquidatorCallFailed { target: currency }))
    }

    /// Fails unless the caller is the wired LoanBook.
    fn only_loan_book(&self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        let loan_book = self.loan_book.get();
        if loan_book.is_zero() || caller != loan_book {
            return Err(Error::NotLoanBook(LiquidatorNotLoanBook { caller }));
        }
        Ok(())
    }

    /// Fails unless a wiring slot holding `current` may take `new`: non-zero, never set.
    fn check_unset(current: Address, new: Address) -> Result<(), Error> {
        if new.is_zero() {
            return Err(Error::ZeroAddress(LiquidatorZeroAddress {}));
        }
        if !current.is_zero() {
            return Err(Error::AlreadySet(LiquidatorAlreadySet { current }));
        }
        Ok(())
    }

    /// Fails with [`LiquidatorUnknownAuction`] for an id never issued.
    fn require_known(&self, auction_id: U256) -> Result<(), Error> {
        if self.auctions.getter(auction_id).terms().status == NONE {
            return Err(unknown(auction_id));
        }
        Ok(())
    }

    /// Fails unless the auction exists and is live (it may be expired).
    fn require_live(&self, auction_id: U256) -> Result<(), Error> {
        self.require_known(auction_id)?;
        let status = self.auctions.getter(auction_id).terms().status;
        if status != LIVE {
            return Err(Error::NotLive(LiquidatorNotLive {
                auctionId: auction_id,
                status,
            }));
        }
        Ok(())
    }

    /// The price a bid pays now: the auction must be live and not expired; never zero.
    fn biddable_price(&self, auction_id: U256) -> Result<U256, Error> {
        self.require_live(auction_id)?;
        let now = self.now();
        let a = self.auctions.getter(auction_id);
        let terms = a.terms();
        let clock = self.clock_start(terms.start_time)?;
        let end_time = clock.saturating_add(terms.tail);
        if now >= end_time {
            return Err(Error::Expired(LiquidatorExpired {
                auctionId: auction_id,
                endTime: end_time,
            }));
        }
        let price = a.price_at(
            Terms {
                start_time: clock,
                ..terms
            },
            now,
        )?;
        if price.is_zero() {
            return Err(Error::ZeroPrice(LiquidatorZeroPrice {
                auctionId: auction_id,
            }));
        }
        Ok(price)
    }

    /// Ends a live auction (the caller checked it is live) with `status` and returns the
    /// loan id. Live auctions are not listed on chain: a keeper scans `auction(id)` for ids
    /// `1..=auctionCount()` or follows the events (docs/contracts/liquidator.md).
    fn close(&mut self, auction_id: U256, status: u8) -> Result<U256, Error> {
        let mut a = self.auctions.setter(auction_id);
        a.finish(status);
        Ok(a.loan_id())
    }

    /// Moves `amount` of `currency` from `from` to `to` with `transferFrom`, and checks that
    /// `to`'s balance grew by exactly `amount`.
    fn pull_payment(
        &mut self,
        currency: Address,
        from: Address,
        to: Address,
        amount: U256,
    ) -> Result<(), Error> {
        let before = self.balance_of(currency, to)?;
        let args = [address_word(from), address_word(to), amount];
        let reply = self
            .call(currency, &calldata(transferFromCall::SELECTOR, &args))
            .map_err(callee(currency))?;
        if boolean(&reply, 0) != Some(true) {
            return Err(Error::TransferFailed(LiquidatorTransferFailed { currency }));
        }
        let after = self.balance_of(currency, to)?;
        let received = after.checked_sub(before).unwrap_or(U256::ZERO);
        if received != amount {
            return Err(Error::PaymentMismatch(LiquidatorPaymentMismatch {
                expected: amount,
                received,
            }));
        }
        Ok(())
    }
}
