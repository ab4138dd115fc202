//! Construction, wiring, listing, parameter governance and pause.
use alloy_primitives::{Address, U256};
use motsu::prelude::*;

use super::setup::*;
use crate::params::{field, DAY};
use crate::*;

#[motsu::test]
fn constructor_checks_its_bounds(book: Contract<LoanBook>, owner: Address) {
    expect_err!(book.sender(owner).constructor(Address::ZERO, 500, DAY, 1_000, 50, 5_000), Error::InvalidOwner(_));
    expect_err!(
        book.sender(owner).constructor(owner, 0, DAY, 1_000, 50, 5_000),
        Error::ParamOutOfBounds(LoanBookParamOutOfBounds { field: field::MAX_STEP })
    );
    expect_err!(
        book.sender(owner).constructor(owner, 500, 31 * DAY, 1_000, 50, 5_000),
        Error::ParamOutOfBounds(LoanBookParamOutOfBounds { field: field::CHANGE_INTERVAL })
    );
    expect_err!(
        book.sender(owner).constructor(owner, 500, DAY, 2_001, 50, 5_000),
        Error::ParamOutOfBounds(LoanBookParamOutOfBounds { field: field::FEE })
    );
    book.sender(owner).constructor(owner, 500, DAY, 1_000, 50, 5_000).motsu_unwrap();
    assert_eq!(book.sender(owner).owner(), owner);
    assert_eq!(book.sender(owner).protocol_params(), (1_000, 50, 5_000, 500, DAY, crate::clock::now(start_time())));
    book.assert_emitted(&ProtocolParamsSet { feeBps: 1_000, tipBps: 50, uncertainHaircutBps: 5_000 });
}

#[motsu::test]
fn siblings_are_set_once_by_the_owner_and_must_be_contracts() {
    let env = Env::bare();
    let (v, o, l) = (env.vault.address(), env.oracle.address(), env.liq.address());
    expect_err!(env.book.sender(env.lender).set_siblings(v, o, l), Error::UnauthorizedAccount(_));
    expect_err!(env.book.sender(env.owner).set_siblings(Address::ZERO, o, l), Error::ZeroAddress(_));
    let eoa = Address::repeat_byte(0x77);
    expect_err!(
        env.book.sender(env.owner).set_siblings(v, eoa, l),
        Error::NoCode(LoanBookNoCode { account }) if account == eoa
    );
    env.book.sender(env.owner).set_siblings(v, o, l).motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).siblings(), (v, o, l));
    env.book.assert_emitted(&SiblingsSet { vault: v, oracle: o, liquidator: l });
    expect_err!(env.book.sender(env.owner).set_siblings(v, o, l), Error::AlreadySet(_));
}

#[motsu::test]
fn borrowing_needs_the_siblings() {
    let env = Env::bare();
    env.list();
    let offer = env.offer();
    expect_err!(env.book.sender(env.borrower).borrow(offer, u(TOKEN)), Error::NotWired(_));
}

#[motsu::test]
fn currencies_must_be_contracts() {
    let env = Env::bare();
    let eoa = Address::repeat_byte(0x55);
    expect_err!(env.book.sender(env.owner).set_currency(eoa, u(1)), Error::NoCode(_));
    expect_err!(env.book.sender(env.owner).set_currency(Address::ZERO, u(1)), Error::ZeroAddress(_));
    expect_err!(env.book.sender(env.lender).set_currency(env.token.address(), u(1)), Error::UnauthorizedAccount(_));
    env.book.sender(env.owner).set_currency(env.token.address(), u(9)).motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).currency_info(env.token.address()), (true, u(9)));
    env.book.assert_emitted(&CurrencySet { currency: env.token.address(), tipCap: u(9) });
}

#[motsu::test]
fn listing_a_collection_checks_everything() {
    let env = Env::bare();
    let (nft, token) = (env.nft.address(), env.token.address());
    let list = |c: Address, cur: Address, ltv: u16, lt: u16| {
        env.book.sender(env.owner).list_collection(c, cur, ltv, lt, 800, 13_000, 9_800, 90 * DAY, DAY, 300, DAY)
    };
    expect_err!(list(nft, token, 4_000, 6_500), Error::CurrencyNotListed(_));
    env.book.sender(env.owner).set_currency(token, u(TIP_CAP)).motsu_unwrap();
    expect_err!(list(Address::repeat_byte(0x66), token, 4_000, 6_500), Error::NoCode(_));
    expect_err!(
        list(nft, token, 8_001, 9_000),
        Error::ParamOutOfBounds(LoanBookParamOutOfBounds { field: field::MAX_LTV })
    );
    expect_err!(
        list(nft, token, 4_000, 4_000),
        Error::ParamOutOfBounds(LoanBookParamOutOfBounds { field: field::LIQ_THRESHOLD })
    );
    expect_err!(
        env.book.sender(env.lender).list_collection(nft, token, 4_000, 6_500, 800, 13_000, 9_800, 90 * DAY, DAY, 300, DAY),
        Error::UnauthorizedAccount(_)
    );
    list(nft, token, 4_000, 6_500).motsu_unwrap();
    env.book.assert_emitted(&CollectionListed { collection: nft, currency: token });
    let now = crate::clock::now(start_time());
    let p = env.book.sender(env.owner).params(nft);
    assert_eq!((p.0, p.1, p.2, p.3, p.4, p.5, p.6, p.7), (true, true, token, 4_000, 6_500, 800, 13_000, 9_800));
    assert_eq!((p.8, p.9, p.10, p.11, p.12), (90 * DAY, DAY, 300, DAY, now));
    expect_err!(list(nft, token, 4_000, 6_500), Error::AlreadyListed(_));
}

#[motsu::test]
fn collection_changes_are_rate_limited_and_bounded() {
    let env = Env::new();
    let nft = env.nft.address();
    let set = |ltv: u16, lt: u16, penalty: u16| {
        env.book.sender(env.owner).set_collection_params(nft, ltv, lt, penalty, 13_000, 9_800, 90 * DAY, DAY, 300, DAY)
    };
    let next = crate::clock::now(start_time()) + DAY;
    expect_err!(set(4_500, 6_500, 800), Error::ChangeTooSoon(LoanBookChangeTooSoon { nextAllowed }) if nextAllowed == next);
    crate::clock::warp(DAY);
    expect_err!(set(4_501, 6_500, 800), Error::StepTooLarge(LoanBookStepTooLarge { field: field::MAX_LTV }));
    expect_err!(set(4_000, 6_500, 2_100), Error::ParamOutOfBounds(LoanBookParamOutOfBounds { field: field::PENALTY }));
    expect_err!(
        env.book.sender(env.owner).set_collection_params(
            Address::repeat_byte(3), 4_000, 6_500, 800, 13_000, 9_800, 90 * DAY, DAY, 300, DAY
        ),
        Error::CollectionNotListed(_)
    );
    expect_err!(
        env.book.sender(env.lender).set_collection_params(nft, 4_500, 6_500, 800, 13_000, 9_800, 90 * DAY, DAY, 300, DAY),
        Error::UnauthorizedAccount(_)
    );
    set(4_500, 7_000, 1_000).motsu_unwrap();
    let p = env.book.sender(env.owner).params(nft);
    assert_eq!((p.3, p.4, p.5), (4_500, 7_000, 1_000));
    expect_err!(set(4_400, 7_000, 1_000), Error::ChangeTooSoon(_));
}

#[motsu::test]
fn governance_changes_never_touch_running_loans() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(DAY);
    env.book
        .sender(env.owner)
        .set_collection_params(env.nft.address(), 4_500, 7_000, 1_300, 13_500, 9_500, 90 * DAY, 2 * DAY, 600, 2 * DAY)
        .motsu_unwrap();
    env.book.sender(env.owner).set_protocol_params(1_500, 100, 5_000).motsu_unwrap();
    let terms = env.book.sender(env.owner).loan_terms(loan).motsu_unwrap();
    assert_eq!(terms, (DAY, 6_500, 800, 1_000, 50, 13_000, 9_800, 300, DAY, U256::ZERO));
}

#[motsu::test]
fn protocol_params_are_rate_limited_and_bounded() {
    let env = Env::new();
    expect_err!(env.book.sender(env.owner).set_protocol_params(1_100, 50, 5_000), Error::ChangeTooSoon(_));
    crate::clock::warp(DAY);
    expect_err!(
        env.book.sender(env.owner).set_protocol_params(1_501, 50, 5_000),
        Error::StepTooLarge(LoanBookStepTooLarge { field: field::FEE })
    );
    expect_err!(
        env.book.sender(env.owner).set_protocol_params(1_000, 501, 5_000),
        Error::ParamOutOfBounds(LoanBookParamOutOfBounds { field: field::TIP })
    );
    expect_err!(env.book.sender(env.lender).set_protocol_params(1_000, 50, 5_000), Error::UnauthorizedAccount(_));
    env.book.sender(env.owner).set_protocol_params(1_500, 100, 4_500).motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).protocol_params().0, 1_500);
    env.book.assert_emitted(&ProtocolParamsSet { feeBps: 1_500, tipBps: 100, uncertainHaircutBps: 4_500 });
}

#[motsu::test]
fn disabling_a_collection_stops_new_offers_and_loans() {
    let env = Env::new();
    let offer = env.offer();
    let nft = env.nft.address();
    expect_err!(env.book.sender(env.lender).set_collection_enabled(nft, false), Error::UnauthorizedAccount(_));
    expect_err!(
        env.book.sender(env.owner).set_collection_enabled(Address::repeat_byte(9), false),
        Error::CollectionNotListed(_)
    );
    env.book.sender(env.owner).set_collection_enabled(nft, false).motsu_unwrap();
    env.book.assert_emitted(&CollectionEnabled { collection: nft, enabled: false });
    expect_err!(env.book.sender(env.borrower).borrow(offer, u(TOKEN)), Error::CollectionDisabled(_));
    expect_err!(
        env.book.sender(env.lender).create_offer(env.token.address(), nft, u(1), false, u(1), APR, DURATION, start_time() + DAY, 1),
        Error::CollectionDisabled(_)
    );
    env.book.sender(env.owner).set_collection_enabled(nft, true).motsu_unwrap();
    env.book.sender(env.borrower).borrow(offer, u(TOKEN)).motsu_unwrap();
}

#[motsu::test]
fn pause_stops_offers_and_borrowing_only() {
    let env = Env::new();
    let offer = env.offer();
    let loan = {
        let o2 = env.offer_with(u(PRINCIPAL), true, 1);
        env.book.sender(env.borrower).borrow(o2, u(TOKEN)).motsu_unwrap()
    };
    expect_err!(env.book.sender(env.lender).pause(), Error::UnauthorizedAccount(_));
    expect_err!(env.book.sender(env.owner).unpause(), Error::PauseUnchanged(_));
    env.book.sender(env.owner).pause().motsu_unwrap();
    env.book.assert_emitted(&PausedSet { paused: true });
    assert!(env.book.sender(env.owner).paused());
    expect_err!(env.book.sender(env.owner).pause(), Error::PauseUnchanged(_));
    expect_err!(env.book.sender(env.borrower).borrow(offer, u(TOKEN)), Error::Paused(_));
    expect_err!(
        env.book.sender(env.lender).create_offer(
            env.token.address(), env.nft.address(), u(1), false, u(1), APR, DURATION, start_time() + DAY, 1
        ),
        Error::Paused(_)
    );
    // Repay, cancel and withdraw still work while paused, with the oracle down too.
    env.oracle.sender(env.owner).set_broken(true);
    env.book.sender(env.borrower).repay(loan).motsu_unwrap();
    env.book.sender(env.lender).cancel_offer(offer).motsu_unwrap();
    env.book.sender(env.lender).withdraw(env.token.address()).motsu_unwrap();
    env.book.sender(env.owner).unpause().motsu_unwrap();
    assert!(!env.book.sender(env.owner).paused());
}

#[motsu::test]
fn reserve_withdrawal_is_owner_only_and_bounded() {
    let env = Env::new();
    let loan = env.loan();
    crate::clock::warp(DURATION);
    env.token.sender(env.borrower).mint(env.borrower, u(UNIT)).motsu_unwrap();
    env.book.sender(env.borrower).repay(loan).motsu_unwrap();
    let token = env.token.address();
    let reserve = env.book.sender(env.owner).reserve(token);
    assert!(reserve > U256::ZERO);
    let to = Address::repeat_byte(0x99);
    expect_err!(env.book.sender(env.lender).withdraw_reserve(token, reserve, to), Error::UnauthorizedAccount(_));
    expect_err!(env.book.sender(env.owner).withdraw_reserve(token, reserve, Address::ZERO), Error::ZeroAddress(_));
    expect_err!(env.book.sender(env.owner).withdraw_reserve(token, U256::ZERO, to), Error::ZeroAmount(_));
    expect_err!(
        env.book.sender(env.owner).withdraw_reserve(token, reserve + u(1), to),
        Error::InsufficientReserve(_)
    );
    env.book.sender(env.owner).withdraw_reserve(token, reserve, to).motsu_unwrap();
    assert_eq!(env.balance(to), reserve);
    assert_eq!(env.book.sender(env.owner).reserve(token), U256::ZERO);
    env.book.assert_emitted(&ReserveWithdrawn { currency: token, to, amount: reserve });
    env.assert_solvent();
}
