//! Auction settlement through the mock liquidator: the waterfall tip → lender → reserve →
//! borrower, a shortfall covered from the reserve and the rest reported as bad debt, the
//! hook's caller and funding checks, and foreclosure of unsold auctions.
use alloy_primitives::U256;
use alloy_sol_types::SolError;
use motsu::prelude::*;
use openzeppelin_stylus::token::erc20::IErc20;

use super::setup::*;
use crate::*;

#[motsu::test]
fn settlement_with_surplus_pays_every_party_exactly() {
    let env = Env::new();
    let (loan, auction) = env.in_auction(6 * UNIT);
    let price = env.liq.sender(env.bidder).current_price(auction);
    assert_eq!(price, u(7_800_000));
    assert_eq!(
        env.liq
            .sender(env.bidder)
            .bid(auction, price)
            .motsu_unwrap(),
        price
    );
    assert_eq!(env.owner_of(TOKEN), env.bidder);
    assert_eq!(
        env.vault
            .sender(env.owner)
            .locked_for(env.nft.address(), u(TOKEN)),
        U256::ZERO
    );
    let token = env.token.address();
    let tip = u(TIP_CAP);
    let lender = u(PRINCIPAL); // no interest accrued: fee 0
    let reserve = u(PRINCIPAL * 8 / 100);
    let surplus = price - tip - lender - reserve;
    assert_eq!(env.book.sender(env.owner).claimable(env.keeper, token), tip);
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, token),
        lender
    );
    assert_eq!(
        env.book.sender(env.owner).claimable(env.borrower, token),
        surplus
    );
    assert_eq!(env.book.sender(env.owner).reserve(token), reserve);
    assert_eq!(env.book.sender(env.owner).held(token), price);
    env.book.assert_emitted(&AuctionSettled {
        loanId: loan,
        buyer: env.bidder,
        proceeds: price,
        tip,
        toLender: lender,
        toReserve: reserve,
        toBorrower: surplus,
    });
    assert!(!env.book.emitted(&BadDebt {
        loanId: loan,
        currency: token,
        reserveCover: U256::ZERO,
        loss: U256::ZERO
    }));
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().9,
        storage::LIQUIDATED
    );
    assert_eq!(
        env.book.sender(env.owner).debt(loan).motsu_unwrap(),
        U256::ZERO
    );
    expect_err!(
        env.book.sender(env.borrower).repay(loan),
        Error::WrongStatus(LoanBookWrongStatus {
            status: storage::LIQUIDATED
        })
    );
    // Every part is withdrawable and the book ends holding exactly the reserve.
    for (who, part) in [
        (env.keeper, tip),
        (env.lender, lender),
        (env.borrower, surplus),
    ] {
        assert_eq!(env.book.sender(who).withdraw(token).motsu_unwrap(), part);
    }
    assert_eq!(env.balance(env.book.address()), reserve);
    assert_eq!(env.book.sender(env.owner).held(token), reserve);
    env.assert_solvent();
}

#[motsu::test]
fn shortfall_is_covered_by_the_reserve_then_reported_as_bad_debt() {
    let env = Env::new();
    // Seed the reserve with the fee of a first, repaid loan (NFT #2).
    let first = env.loan_on(2);
    crate::clock::warp(DURATION);
    env.token
        .sender(env.borrower)
        .mint(env.borrower, u(UNIT))
        .motsu_unwrap();
    env.book.sender(env.borrower).repay(first).motsu_unwrap();
    let token = env.token.address();
    let seed = env.book.sender(env.owner).reserve(token);
    assert!(seed > U256::ZERO);
    // Second loan, liquidated at a tiny price, sold after long decay.
    let (loan, auction) = env.in_auction(UNIT);
    crate::clock::warp(DAY - 300);
    let price = env.liq.sender(env.bidder).current_price(auction);
    assert!(price < u(PRINCIPAL));
    let before = env.book.sender(env.owner).claimable(env.lender, token);
    env.liq
        .sender(env.bidder)
        .bid(auction, price)
        .motsu_unwrap();
    let lender_part = price - u(TIP_CAP);
    let shortfall = u(PRINCIPAL) - lender_part;
    let cover = shortfall.min(seed);
    assert!(cover < shortfall, "the seed does not cover it all");
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, token),
        before + lender_part + cover
    );
    assert_eq!(
        env.book.sender(env.owner).claimable(env.keeper, token),
        u(TIP_CAP)
    );
    assert_eq!(
        env.book.sender(env.owner).claimable(env.borrower, token),
        U256::ZERO
    );
    env.book.assert_emitted(&AuctionSettled {
        loanId: loan,
        buyer: env.bidder,
        proceeds: price,
        tip: u(TIP_CAP),
        toLender: lender_part,
        toReserve: U256::ZERO,
        toBorrower: U256::ZERO,
    });
    env.book.assert_emitted(&BadDebt {
        loanId: loan,
        currency: token,
        reserveCover: cover,
        loss: shortfall - cover,
    });
    assert_eq!(env.book.sender(env.owner).reserve(token), seed - cover);
    env.assert_solvent();
}

#[motsu::test]
fn a_small_shortfall_is_covered_whole_by_the_reserve() {
    let env = Env::new();
    // Seed a big reserve: an auction repaid by the borrower pays the 8% penalty.
    let (first, _) = env.in_auction(6 * UNIT);
    env.token
        .sender(env.borrower)
        .mint(env.borrower, u(UNIT))
        .motsu_unwrap();
    env.book.sender(env.borrower).repay(first).motsu_unwrap();
    let token = env.token.address();
    let seed = env.book.sender(env.owner).reserve(token);
    assert_eq!(
        seed,
        u(PRINCIPAL * 8 / 100 - TIP_CAP),
        "penalty less the keeper's tip"
    );
    // A second loan sells a little short of the lender's claim.
    let loan = env.loan_on(2);
    env.oracle
        .sender(env.owner)
        .set(u(PRICE), 0, u(3 * UNIT), 0);
    let auction = env.book.sender(env.keeper).liquidate(loan).motsu_unwrap();
    // Start 1.3 × max(3, 4) = 5.2 tokens; wait until the price is below 4 tokens.
    let mut steps = 0;
    while env.liq.sender(env.bidder).current_price(auction) >= u(PRINCIPAL) {
        crate::clock::warp(300);
        steps += 1;
    }
    assert!(steps > 0);
    let price = env.liq.sender(env.bidder).current_price(auction);
    env.liq
        .sender(env.bidder)
        .bid(auction, price)
        .motsu_unwrap();
    let shortfall = u(PRINCIPAL) - (price - u(TIP_CAP));
    assert!(shortfall < seed);
    env.book.assert_emitted(&BadDebt {
        loanId: loan,
        currency: token,
        reserveCover: shortfall,
        loss: U256::ZERO,
    });
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, token),
        u(PRINCIPAL) + u(PRINCIPAL),
        "both loans paid in full"
    );
    assert_eq!(env.book.sender(env.owner).reserve(token), seed - shortfall);
    env.assert_solvent();
}

#[motsu::test]
fn bad_debt_without_a_reserve_is_all_loss() {
    let env = Env::new();
    let (loan, auction) = env.in_auction(UNIT);
    crate::clock::warp(DAY - 300);
    let price = env.liq.sender(env.bidder).current_price(auction);
    env.liq
        .sender(env.bidder)
        .bid(auction, price)
        .motsu_unwrap();
    let token = env.token.address();
    let shortfall = u(PRINCIPAL) - (price - u(TIP_CAP));
    env.book.assert_emitted(&BadDebt {
        loanId: loan,
        currency: token,
        reserveCover: U256::ZERO,
        loss: shortfall,
    });
    assert_eq!(env.book.sender(env.owner).reserve(token), U256::ZERO);
    assert_eq!(
        env.book.sender(env.owner).claimable(env.lender, token),
        price - u(TIP_CAP)
    );
    assert_eq!(env.book.sender(env.owner).held(token), price);
    env.assert_solvent();
}

#[motsu::test]
fn settlement_hook_is_liquidator_only_and_must_be_funded() {
    let env = Env::new();
    let (loan, _) = env.in_auction(6 * UNIT);
    expect_err!(
        env.book.sender(env.keeper).on_auction_settled(loan, u(1), env.keeper),
        Error::NotLiquidator(LoanBookNotLiquidator { caller }) if caller == env.keeper
    );
    expect_err!(
        env.book.sender(env.owner).on_auction_settled(loan, u(1), env.keeper),
        Error::NotLiquidator(LoanBookNotLiquidator { caller }) if caller == env.owner
    );
    let err = env
        .liq
        .sender(env.owner)
        .settle_unpaid(loan, u(1))
        .motsu_unwrap_err();
    assert_eq!(err, LoanBookSettlementUnfunded {}.abi_encode());
    // Whatever the balance holds above `held` counts as paid proceeds (here a donation).
    env.token
        .sender(env.keeper)
        .transfer(env.book.address(), u(1))
        .motsu_unwrap();
    env.liq
        .sender(env.owner)
        .settle_unpaid(loan, u(1))
        .motsu_unwrap();
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().9,
        storage::LIQUIDATED
    );
    assert_eq!(
        env.book
            .sender(env.owner)
            .claimable(env.keeper, env.token.address()),
        u(1),
        "all to the tip first"
    );
    let err = env
        .liq
        .sender(env.owner)
        .settle_unpaid(loan, U256::ZERO)
        .motsu_unwrap_err();
    assert_eq!(
        err,
        LoanBookWrongStatus {
            status: storage::LIQUIDATED
        }
        .abi_encode()
    );
    let active = env.loan_on(2);
    let err = env
        .liq
        .sender(env.owner)
        .settle_unpaid(active, U256::ZERO)
        .motsu_unwrap_err();
    assert_eq!(
        err,
        LoanBookWrongStatus {
            status: storage::ACTIVE
        }
        .abi_encode()
    );
    env.assert_solvent();
}

#[motsu::test]
fn unsold_auctions_end_in_foreclosure_to_the_current_lender() {
    let env = Env::new();
    let (loan, auction) = env.in_auction(6 * UNIT);
    // The tail has not passed: the liquidator's refusal comes back unchanged.
    expect_err!(
        env.book.sender(env.keeper).foreclose(loan),
        Error::Callee(ref data) if *data == b"close"
    );
    crate::clock::warp(DAY);
    let buyer = alloy_primitives::Address::repeat_byte(0x42);
    env.book
        .sender(env.lender)
        .transfer_loan(loan, buyer)
        .motsu_unwrap();
    env.book.sender(env.keeper).foreclose(loan).motsu_unwrap();
    assert_eq!(env.liq.sender(env.owner).state(auction), 4);
    assert_eq!(env.owner_of(TOKEN), buyer);
    env.book.assert_emitted(&LoanForeclosed {
        loanId: loan,
        lender: buyer,
    });
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().9,
        storage::FORECLOSED
    );
    assert_eq!(
        env.book.sender(env.owner).debt(loan).motsu_unwrap(),
        U256::ZERO
    );
    expect_err!(
        env.book.sender(env.keeper).foreclose(loan),
        Error::WrongStatus(LoanBookWrongStatus {
            status: storage::FORECLOSED
        })
    );
    // No claims moved: the keeper's tip is only paid from a sale.
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        U256::ZERO
    );
    let active = env.loan_on(2);
    expect_err!(
        env.book.sender(env.keeper).foreclose(active),
        Error::WrongStatus(LoanBookWrongStatus {
            status: storage::ACTIVE
        })
    );
    env.assert_solvent();
}
