//! Borrow, repay, liquidation, settlement, foreclosure, transfers and claims.
use alloy_primitives::{Address, U256};
use alloy_sol_types::SolCall;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc721::IErc721;

use super::mocks::{ReentrantReceiver, ValueCaller};
use super::setup::*;
use crate::params::DAY;
use crate::*;

/// `⌈principal × apr × elapsed / (10_000 × 365 days)⌉`.
fn interest(elapsed: u64) -> U256 {
    lien_math::interest_up(u(PRINCIPAL), u64::from(APR), elapsed).unwrap()
}

#[motsu::test]
fn borrow_locks_the_nft_pays_the_principal_and_snapshots() {
    let env = Env::new();
    let offer = env.offer();
    let loan = env.book.sender(env.borrower).borrow(offer, u(TOKEN)).motsu_unwrap();
    assert_eq!(loan, u(1));
    assert_eq!(env.nft.sender(env.owner).owner_of(u(TOKEN)).unwrap(), env.vault.address());
    assert_eq!(env.vault.sender(env.owner).locked_for(env.nft.address(), u(TOKEN)), loan);
    assert_eq!(env.balance(env.borrower), u(PRINCIPAL));
    let now = crate::clock::now(start_time());
    let l = env.book.sender(env.owner).loan(loan).motsu_unwrap();
    assert_eq!((l.0, l.1, l.2, l.3), (env.borrower, env.lender, env.token.address(), env.nft.address()));
    assert_eq!((l.4, l.5, l.6, l.7, l.8), (u(TOKEN), u(PRINCIPAL), APR, now, now + DURATION));
    assert_eq!((l.9, l.10, l.11, l.12), (storage::ACTIVE, U256::ZERO, U256::ZERO, Address::ZERO));
    env.book.assert_emitted(&LoanStarted {
        loanId: loan,
        offerId: offer,
        borrower: env.borrower,
        lender: env.lender,
        tokenId: u(TOKEN),
        principal: u(PRINCIPAL),
        due: now + DURATION,
    });
    let o = env.book.sender(env.owner).offer(offer).motsu_unwrap();
    assert_eq!((o.10, o.11), (1, false), "capacity used up closes the offer");
    assert_eq!(env.book.sender(env.owner).loans_of_borrower(env.borrower), vec![loan]);
    assert_eq!(env.book.sender(env.owner).loans_of_lender(env.lender), vec![loan]);
    assert_eq!(env.book.sender(env.owner).debt(loan).motsu_unwrap(), u(PRINCIPAL));
    env.assert_solvent();
}

#[motsu::test]
fn borrow_rejects_bad_offers_and_self_dealing() {
    let env = Env::new();
    let offer = env.offer();
    expect_err!(env.book.sender(env.borrower).borrow(u(0), u(TOKEN)), Error::UnknownOffer(_));
    expect_err!(env.book.sender(env.borrower).borrow(u(77), u(TOKEN)), Error::UnknownOffer(_));
    expect_err!(env.book.sender(env.borrower).borrow(offer, u(2)), Error::WrongToken(_));
    expect_err!(env.book.sender(env.borrower).borrow(offer, U256::MAX), Error::WrongToken(_));
    expect_err!(env.book.sender(env.lender).borrow(offer, u(TOKEN)), Error::SelfDealing(_));
    // NFT not approved to the vault: the vault's pull fails.
    env.nft.sender(env.borrower).set_approval_for_all(env.vault.address(), false).unwrap();
    expect_err!(env.book.sender(env.borrower).borrow(offer, u(TOKEN)), Error::CallFailed(_));
    env.nft.sender(env.borrower).set_approval_for_all(env.vault.address(), true).unwrap();
    env.book.sender(env.borrower).borrow(offer, u(TOKEN)).motsu_unwrap();
    expect_err!(env.book.sender(env.borrower).borrow(offer, u(TOKEN)), Error::OfferClosed(_));
}

#[motsu::test]
fn collection_wide_offers_fund_several_tokens() {
    let env = Env::new();
    let offer = env.offer_with(u(PRINCIPAL), true, 2);
    env.nft.sender(env.borrower).mint(env.borrower, u(2)).unwrap();
    let a = env.book.sender(env.borrower).borrow(offer, u(TOKEN)).motsu_unwrap();
    let b = env.book.sender(env.borrower).borrow(offer, u(2)).motsu_unwrap();
    assert_eq!((a, b), (u(1), u(2)));
    assert_eq!(env.book.sender(env.owner).loans_of_borrower(env.borrower), vec![a, b]);
    expect_err!(env.book.sender(env.borrower).borrow(offer, u(3)), Error::OfferClosed(_));
}

#[motsu::test]
fn borrow_follows_the_oracle_status_and_the_ltv() {
    let env = Env::new();
    let offer = env.offer();
    for status in [2u8, 3, 4] {
        env.oracle.sender(env.owner).set(u(PRICE), status, u(PRICE), 0);
        expect_err!(
            env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
            Error::OracleUnavailable(LoanBookOracleUnavailable { status: s }) if s == status
        );
    }
    env.oracle.sender(env.owner).set_broken(true);
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
        Error::OracleUnavailable(LoanBookOracleUnavailable { status: ORACLE_CALL_FAILED })
    );
    env.oracle.sender(env.owner).set_broken(false);
    // One unit above 40% of the price.
    env.oracle.sender(env.owner).set(u(PRICE - 3), 0, u(PRICE), 0);
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
        Error::LtvExceeded(LoanBookLtvExceeded { maxPrincipal }) if maxPrincipal == u(PRINCIPAL - 2)
    );
    // Uncertain: the max LTV is halved (haircut 5000) -> 20% of 10 tokens = 2 tokens.
    env.oracle.sender(env.owner).set(u(PRICE), 1, u(PRICE), 1);
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
        Error::LtvExceeded(LoanBookLtvExceeded { maxPrincipal }) if maxPrincipal == u(2 * UNIT)
    );
    env.oracle.sender(env.owner).set(u(2 * PRICE), 1, u(PRICE), 1);
    env.book.sender(env.borrower).borrow(offer, u(TOKEN)).motsu_unwrap();
}

#[motsu::test]
fn anyone_repays_and_the_nft_returns_to_the_borrower() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(10 * DAY);
    let debt = u(PRINCIPAL) + interest(10 * DAY);
    assert_eq!(env.book.sender(env.owner).debt(loan).motsu_unwrap(), debt);
    let fee = (interest(10 * DAY) * u(1_000)).div_ceil(u(10_000));
    let payer = env.keeper;
    let before = env.balance(payer);
    assert_eq!(env.book.sender(payer).repay(loan).motsu_unwrap(), debt);
    assert_eq!(env.balance(payer), before - debt);
    assert_eq!(env.nft.sender(env.owner).owner_of(u(TOKEN)).unwrap(), env.borrower);
    assert_eq!(env.vault.sender(env.owner).locked_for(env.nft.address(), u(TOKEN)), U256::ZERO);
    let token = env.token.address();
    assert_eq!(env.book.sender(env.owner).claimable(env.lender, token), debt - fee);
    assert_eq!(env.book.sender(env.owner).reserve(token), fee);
    env.book.assert_emitted(&LoanRepaid { loanId: loan, payer, amount: debt, toLender: debt - fee, toReserve: fee });
    assert_eq!(env.book.sender(env.owner).loan(loan).motsu_unwrap().9, storage::REPAID);
    assert_eq!(env.book.sender(env.owner).debt(loan).motsu_unwrap(), U256::ZERO);
    expect_err!(env.book.sender(payer).repay(loan), Error::WrongStatus(LoanBookWrongStatus { status: storage::REPAID }));
    // The lender pulls its proceeds.
    let before = env.balance(env.lender);
    assert_eq!(env.book.sender(env.lender).withdraw(token).motsu_unwrap(), debt - fee);
    assert_eq!(env.balance(env.lender), before + debt - fee);
    env.book.assert_emitted(&Withdrawn { account: env.lender, currency: token, amount: debt - fee });
    expect_err!(env.book.sender(env.lender).withdraw(token), Error::NothingToClaim(_));
    assert_eq!(env.book.sender(env.owner).held(token), fee);
    env.assert_solvent();
}

#[motsu::test]
fn interest_stops_at_the_due_time() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(DURATION + 5 * DAY);
    let debt = u(PRINCIPAL) + interest(DURATION);
    assert_eq!(env.book.sender(env.owner).debt(loan).motsu_unwrap(), debt);
    env.token.sender(env.borrower).mint(env.borrower, u(UNIT)).unwrap();
    env.oracle.sender(env.owner).set_broken(true);
    assert_eq!(env.book.sender(env.borrower).repay(loan).motsu_unwrap(), debt);
}

#[motsu::test]
fn unknown_loans_are_errors() {
    let env = Env::new();
    for id in [U256::ZERO, u(5), U256::MAX] {
        expect_err!(env.book.sender(env.keeper).repay(id), Error::UnknownLoan(_));
        expect_err!(env.book.sender(env.keeper).liquidate(id), Error::UnknownLoan(_));
        expect_err!(env.book.sender(env.keeper).foreclose(id), Error::UnknownLoan(_));
        expect_err!(env.book.sender(env.owner).loan(id), Error::UnknownLoan(_));
        expect_err!(env.book.sender(env.owner).debt(id), Error::UnknownLoan(_));
        expect_err!(env.book.sender(env.owner).health(id), Error::UnknownLoan(_));
    }
}

#[motsu::test]
fn healthy_loans_cannot_be_liquidated() {
    let env = Env::new();
    let loan = env.loan();
    assert_eq!(
        env.book.sender(env.owner).health(loan).motsu_unwrap(),
        (true, u(PRINCIPAL), u(6_500_000), 0)
    );
    expect_err!(env.book.sender(env.keeper).liquidate(loan), Error::NotLiquidatable(_));
    expect_err!(env.book.sender(env.borrower).liquidate(loan), Error::SelfDealing(_));
    // Stale oracle and not overdue: no health liquidation.
    env.oracle.sender(env.owner).set(u(PRICE), 2, u(1), 2);
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::OracleUnavailable(LoanBookOracleUnavailable { status: 2 })
    );
    assert!(!env.book.sender(env.owner).health(loan).motsu_unwrap().0);
    // Overdue but inside the grace period.
    env.oracle.sender(env.owner).set(u(PRICE), 0, u(PRICE), 0);
    crate::clock::warp(DURATION + DAY);
    expect_err!(env.book.sender(env.keeper).liquidate(loan), Error::NotLiquidatable(_));
}

#[motsu::test]
fn unhealthy_loans_go_to_auction_with_frozen_debt() {
    let env = Env::new();
    let loan = env.loan();
    // 4 tokens of debt against 6.5% * price: unhealthy below a price of 6.1539 tokens.
    env.oracle.sender(env.owner).set(u(PRICE), 0, u(6 * UNIT), 0);
    assert!(!env.book.sender(env.owner).health(loan).motsu_unwrap().0);
    let auction = env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
    assert_eq!(auction, u(1));
    let start = u(6 * UNIT * 13 / 10);
    env.book.assert_emitted(&LoanLiquidated {
        loanId: loan,
        keeper: env.keeper,
        auctionId: auction,
        debt: u(PRINCIPAL),
        startPrice: start,
        overdue: false,
    });
    let a = env.liq.sender(env.owner).auctions.getter(auction).start_price.get();
    assert_eq!(a, start);
    let l = env.book.sender(env.owner).loan(loan).motsu_unwrap();
    assert_eq!((l.9, l.10, l.11, l.12), (storage::IN_AUCTION, u(PRINCIPAL), auction, env.keeper));
    // Tip: 0.5% of 4 tokens = 0.02 tokens, capped at 0.01.
    assert_eq!(env.book.sender(env.owner).loan_terms(loan).motsu_unwrap().9, u(TIP_CAP));
    // Frozen: time no longer adds interest; repaying now costs debt + 8% penalty.
    crate::clock::warp(5 * DAY);
    assert_eq!(env.book.sender(env.owner).debt(loan).motsu_unwrap(), u(PRINCIPAL * 108 / 100));
    expect_err!(env.book.sender(env.keeper).liquidate(loan), Error::WrongStatus(_));
    expect_err!(env.book.sender(env.owner).health(loan), Error::WrongStatus(_));
}

#[motsu::test]
fn overdue_loans_liquidate_without_the_oracle() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(DURATION + DAY + 1);
    env.oracle.sender(env.owner).set_broken(true);
    let debt = u(PRINCIPAL) + interest(DURATION);
    env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
    // No usable price: the start is 1.3 × the frozen debt.
    let start = (debt * u(13_000)).div_ceil(u(10_000));
    env.book.assert_emitted(&LoanLiquidated {
        loanId: loan,
        keeper: env.keeper,
        auctionId: u(1),
        debt,
        startPrice: start,
        overdue: true,
    });
}

#[motsu::test]
fn a_wrong_auction_id_reverts_the_liquidation() {
    let env = Env::new();
    let loan = env.loan();
    env.oracle.sender(env.owner).set(u(PRICE), 0, u(UNIT), 0);
    env.liq.sender(env.owner).set_skew(u(1));
    expect_err!(
        env.book.sender(env.keeper).liquidate(loan),
        Error::AuctionIdMismatch(LoanBookAuctionIdMismatch { expected, got }) if expected == u(1) && got == u(2)
    );
}

/// Liquidates the default loan at a liquidation price of `price`; returns (loan, auction).
fn in_auction(env: &Env, price: u64) -> (U256, U256) {
    let loan = env.loan();
    env.oracle.sender(env.owner).set(u(PRICE), 0, u(price), 0);
    let auction = env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
    (loan, auction)
}

#[motsu::test]
fn repay_during_an_auction_costs_the_penalty_and_cancels_it() {
    let env = Env::new();
    let (loan, auction) = in_auction(&env, 6 * UNIT);
    env.token.sender(env.borrower).mint(env.borrower, u(UNIT)).unwrap();
    let paid = env.book.sender(env.borrower).repay(loan).motsu_unwrap();
    let penalty = u(PRINCIPAL * 8 / 100);
    assert_eq!(paid, u(PRINCIPAL) + penalty);
    assert_eq!(env.liq.sender(env.owner).state(auction), 2, "auction cancelled");
    assert_eq!(env.nft.sender(env.owner).owner_of(u(TOKEN)).unwrap(), env.borrower);
    let token = env.token.address();
    assert_eq!(env.book.sender(env.owner).claimable(env.lender, token), u(PRINCIPAL));
    assert_eq!(env.book.sender(env.owner).reserve(token), penalty);
    assert_eq!(env.book.sender(env.owner).claimable(env.keeper, token), U256::ZERO);
    env.assert_solvent();
}

#[motsu::test]
fn settlement_with_surplus_pays_every_party_exactly() {
    let env = Env::new();
    let (loan, auction) = in_auction(&env, 6 * UNIT);
    let price = env.liq.sender(env.bidder).current_price(auction);
    assert_eq!(price, u(7_800_000));
    assert_eq!(env.liq.sender(env.bidder).bid(auction, price).motsu_unwrap(), price);
    assert_eq!(env.nft.sender(env.owner).owner_of(u(TOKEN)).unwrap(), env.bidder);
    let token = env.token.address();
    let tip = u(TIP_CAP);
    let lender = u(PRINCIPAL); // no interest accrued: fee 0
    let reserve = u(PRINCIPAL * 8 / 100);
    let surplus = price - tip - lender - reserve;
    let book = env.book.sender(env.owner);
    assert_eq!(book.claimable(env.keeper, token), tip);
    drop(book);
    assert_eq!(env.book.sender(env.owner).claimable(env.lender, token), lender);
    assert_eq!(env.book.sender(env.owner).claimable(env.borrower, token), surplus);
    assert_eq!(env.book.sender(env.owner).reserve(token), reserve);
    env.book.assert_emitted(&AuctionSettled {
        loanId: loan,
        buyer: env.bidder,
        proceeds: price,
        tip,
        toLender: lender,
        toReserve: reserve,
        toBorrower: surplus,
    });
    assert_eq!(env.book.sender(env.owner).loan(loan).motsu_unwrap().9, storage::LIQUIDATED);
    // Every part is withdrawable and the book ends holding exactly the reserve.
    for who in [env.keeper, env.lender, env.borrower] {
        env.book.sender(who).withdraw(token).motsu_unwrap();
    }
    assert_eq!(env.balance(env.book.address()), reserve);
    env.assert_solvent();
}

#[motsu::test]
fn shortfall_is_covered_by_the_reserve_then_reported_as_bad_debt() {
    let env = Env::new();
    // Seed the reserve with the fee of a first, repaid loan.
    let first = env.loan();
    crate::clock::warp(DURATION);
    env.token.sender(env.borrower).mint(env.borrower, u(UNIT)).unwrap();
    env.book.sender(env.borrower).repay(first).motsu_unwrap();
    let token = env.token.address();
    let seed = env.book.sender(env.owner).reserve(token);
    assert!(seed > U256::ZERO);
    // Second loan, liquidated at a tiny price, sold after long decay.
    let (loan, auction) = in_auction(&env, UNIT);
    crate::clock::warp(DAY - 300);
    let price = env.liq.sender(env.bidder).current_price(auction);
    assert!(price < u(PRINCIPAL));
    let before = env.book.sender(env.owner).claimable(env.lender, token);
    env.liq.sender(env.bidder).bid(auction, price).motsu_unwrap();
    let lender_part = price - u(TIP_CAP);
    let shortfall = u(PRINCIPAL) - lender_part;
    let cover = shortfall.min(seed);
    assert_eq!(env.book.sender(env.owner).claimable(env.lender, token), before + lender_part + cover);
    env.book.assert_emitted(&BadDebt { loanId: loan, currency: token, reserveCover: cover, loss: shortfall - cover });
    assert_eq!(env.book.sender(env.owner).reserve(token), seed - cover);
    env.assert_solvent();
}

#[motsu::test]
fn settlement_hook_is_liquidator_only_and_must_be_funded() {
    let env = Env::new();
    let (loan, _) = in_auction(&env, 6 * UNIT);
    expect_err!(
        env.book.sender(env.keeper).on_auction_settled(loan, u(1), env.keeper),
        Error::NotLiquidator(LoanBookNotLiquidator { caller }) if caller == env.keeper
    );
    let err = env.liq.sender(env.owner).settle_unpaid(loan, u(1)).motsu_unwrap_err();
    assert_eq!(err, alloy_sol_types::SolError::abi_encode(&LoanBookSettlementUnfunded {}));
    let active = env.loan_again();
    let err = env.liq.sender(env.owner).settle_unpaid(active, U256::ZERO).motsu_unwrap_err();
    assert_eq!(err, Vec::<u8>::from(Error::status(storage::ACTIVE)));
}

trait Again {
    fn loan_again(&self) -> U256;
}

impl Again for Env {
    /// A second loan on NFT #2.
    fn loan_again(&self) -> U256 {
        self.nft.sender(self.borrower).mint(self.borrower, u(2)).unwrap();
        let offer = self.offer_with(u(PRINCIPAL), true, 1);
        self.book.sender(self.borrower).borrow(offer, u(2)).motsu_unwrap()
    }
}

#[motsu::test]
fn unsold_auctions_end_in_foreclosure_to_the_current_lender() {
    let env = Env::new();
    let (loan, auction) = in_auction(&env, 6 * UNIT);
    expect_err!(env.book.sender(env.keeper).foreclose(loan), Error::CallFailed(_));
    crate::clock::warp(DAY);
    env.book.sender(env.keeper).foreclose(loan).motsu_unwrap();
    assert_eq!(env.liq.sender(env.owner).state(auction), 4);
    assert_eq!(env.nft.sender(env.owner).owner_of(u(TOKEN)).unwrap(), env.lender);
    env.book.assert_emitted(&LoanForeclosed { loanId: loan, lender: env.lender });
    expect_err!(env.book.sender(env.keeper).foreclose(loan), Error::WrongStatus(_));
    let active = env.loan_again();
    expect_err!(env.book.sender(env.keeper).foreclose(active), Error::WrongStatus(_));
}

#[motsu::test]
fn lender_positions_are_transferable() {
    let env = Env::new();
    let loan = env.loan();
    let buyer = Address::repeat_byte(0x42);
    expect_err!(env.book.sender(env.borrower).transfer_loan(loan, buyer), Error::NotLender(_));
    expect_err!(env.book.sender(env.lender).transfer_loan(loan, Address::ZERO), Error::ZeroAddress(_));
    expect_err!(env.book.sender(env.lender).transfer_loan(loan, env.lender), Error::SelfDealing(_));
    expect_err!(env.book.sender(env.lender).transfer_loan(loan, env.borrower), Error::SelfDealing(_));
    env.book.sender(env.lender).transfer_loan(loan, buyer).motsu_unwrap();
    env.book.assert_emitted(&LoanTransferred { loanId: loan, from: env.lender, to: buyer });
    assert_eq!(env.book.sender(env.owner).loans_of_lender(buyer), vec![loan]);
    assert!(env.book.sender(env.owner).loans_of_lender(env.lender).is_empty());
    env.book.sender(env.borrower).repay(loan).motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).claimable(buyer, env.token.address()), u(PRINCIPAL));
    expect_err!(env.book.sender(buyer).transfer_loan(loan, env.lender), Error::WrongStatus(_));
}

#[motsu::test]
fn returning_the_nft_never_calls_the_receiver(receiver: Contract<ReentrantReceiver>) {
    let env = Env::new();
    let who = receiver.address();
    env.nft.sender(who).mint(who, u(5)).unwrap();
    env.nft.sender(who).set_approval_for_all(env.vault.address(), true).unwrap();
    let offer = env.offer_with(u(PRINCIPAL), true, 1);
    let loan = env.book.sender(who).borrow(offer, u(5)).motsu_unwrap();
    receiver.sender(who).arm(env.book.address(), loan);
    env.book.sender(env.keeper).repay(loan).motsu_unwrap();
    assert_eq!(env.nft.sender(env.owner).owner_of(u(5)).unwrap(), who);
    assert_eq!(receiver.sender(who).hits(), U256::ZERO, "release uses transferFrom, no callback");
    // The receiver does react to a safe transfer, so the check above can fail.
    env.nft.sender(who).safe_transfer_from(who, who, u(5)).unwrap();
    assert_eq!(receiver.sender(who).hits(), u(1));
}

#[motsu::test]
fn value_sent_to_non_payable_functions_reverts(caller: Contract<ValueCaller>) {
    let env = Env::new();
    let me = caller.address();
    me.fund(u(10));
    let typed = alloy_sol_types::SolError::abi_encode(&LoanBookNothingToClaim {});
    let withdraw = crate::tests::abi::withdrawCall { currency: env.token.address() }.abi_encode();
    // Without value the call reaches `withdraw` and fails with its typed error ...
    let (reverted, data) = caller.sender(me).call_with_value(env.book.address(), withdraw.clone().into(), U256::ZERO);
    assert!(reverted);
    assert_eq!(data.to_vec(), typed);
    // ... with value it is refused before the function body runs (the SDK's value guard).
    let calls: [Vec<u8>; 3] = [
        withdraw,
        crate::tests::abi::repayCall { loanId: u(1) }.abi_encode(),
        crate::tests::abi::pauseCall {}.abi_encode(),
    ];
    for data in calls {
        let (reverted, out) = caller.sender_and_value(me, u(1)).call_with_value(env.book.address(), data.into(), u(1));
        assert!(reverted);
        assert_ne!(out.to_vec(), typed);
        assert!(!out.starts_with(&[0x11, 0x8c, 0xda, 0xa7]), "not Ownable's error either: the body never ran");
    }
    assert!(!env.book.sender(env.owner).paused());
    assert_eq!(env.book.balance(), U256::ZERO);
}

#[motsu::test]
fn uncertain_prices_still_allow_health_liquidation() {
    let env = Env::new();
    let loan = env.loan();
    env.oracle.sender(env.owner).set(u(PRICE), 1, u(5 * UNIT), 1);
    let (healthy, debt, max_debt, status) = env.book.sender(env.owner).health(loan).motsu_unwrap();
    assert_eq!((healthy, debt, max_debt, status), (false, u(PRINCIPAL), u(3_250_000), 1));
    env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).counts(), (u(1), u(1), u(1)));
}

#[motsu::test]
fn lender_lists_do_not_repeat_positions_that_come_back() {
    let env = Env::new();
    let loan = env.loan();
    let other = Address::repeat_byte(0x42);
    env.book.sender(env.lender).transfer_loan(loan, other).motsu_unwrap();
    env.book.sender(other).transfer_loan(loan, env.lender).motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).loans_of_lender(env.lender), vec![loan]);
    assert!(env.book.sender(env.owner).loans_of_lender(other).is_empty());
}

#[motsu::test]
fn ownership_moves_and_can_be_renounced() {
    let env = Env::new();
    let gov = Address::repeat_byte(0x60);
    expect_err!(env.book.sender(env.lender).transfer_ownership(gov), Error::UnauthorizedAccount(_));
    expect_err!(env.book.sender(env.owner).transfer_ownership(Address::ZERO), Error::InvalidOwner(_));
    env.book.sender(env.owner).transfer_ownership(gov).motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).owner(), gov);
    env.book.assert_emitted(&openzeppelin_stylus::access::ownable::OwnershipTransferred {
        previous_owner: env.owner,
        new_owner: gov,
    });
    expect_err!(env.book.sender(env.owner).pause(), Error::UnauthorizedAccount(_));
    env.book.sender(gov).renounce_ownership().motsu_unwrap();
    assert_eq!(env.book.sender(gov).owner(), Address::ZERO);
    expect_err!(env.book.sender(gov).pause(), Error::UnauthorizedAccount(_));
}

#[motsu::test]
fn tip_caps_at_u256_max_overflow_cleanly() {
    let env = Env::new();
    expect_err!(env.book.sender(env.owner).set_currency(env.token.address(), U256::MAX), Error::Math(_));
    env.book.sender(env.owner).set_currency(env.token.address(), U256::MAX - u(1)).motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).currency_info(env.token.address()), (true, U256::MAX - u(1)));
}

#[motsu::test]
fn a_token_that_refuses_payouts_fails_the_whole_call(bad: Contract<lien_mock_false_token::FalseToken>) {
    let env = Env::new();
    let nft2 = Contract::<lien_mock_nft::MockNft>::new();
    env.book.sender(env.owner).set_currency(bad.address(), u(1)).motsu_unwrap();
    env.book
        .sender(env.owner)
        .list_collection(nft2.address(), bad.address(), 4_000, 6_500, 800, 13_000, 9_800, 90 * DAY, DAY, 300, DAY)
        .motsu_unwrap();
    bad.sender(env.lender).mint(env.lender, u(PRINCIPAL)).motsu_unwrap();
    bad.sender(env.lender).approve(env.book.address(), U256::MAX);
    nft2.sender(env.borrower).mint(env.borrower, u(1)).unwrap();
    nft2.sender(env.borrower).set_approval_for_all(env.vault.address(), true).unwrap();
    let offer = env
        .book
        .sender(env.lender)
        .create_offer(bad.address(), nft2.address(), u(1), false, u(PRINCIPAL), APR, DURATION, start_time() + DAY, 1)
        .motsu_unwrap();
    bad.sender(env.owner).set_failing(true);
    expect_err!(env.book.sender(env.borrower).borrow(offer, u(1)), Error::TransferFailed(_));
    assert_eq!(nft2.sender(env.owner).owner_of(u(1)).unwrap(), env.borrower, "nothing moved");
    bad.sender(env.owner).set_failing(false);
    let loan = env.book.sender(env.borrower).borrow(offer, u(1)).motsu_unwrap();
    bad.sender(env.borrower).approve(env.book.address(), U256::MAX);
    env.book.sender(env.borrower).repay(loan).motsu_unwrap();
    // A refused withdrawal keeps the claim.
    bad.sender(env.owner).set_failing(true);
    expect_err!(env.book.sender(env.lender).withdraw(bad.address()), Error::TransferFailed(_));
    assert_eq!(env.book.sender(env.owner).claimable(env.lender, bad.address()), u(PRINCIPAL));
    bad.sender(env.owner).set_failing(false);
    assert_eq!(env.book.sender(env.lender).withdraw(bad.address()).motsu_unwrap(), u(PRINCIPAL));
}
