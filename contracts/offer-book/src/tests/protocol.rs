//! Construction, protocol parameters (bounds, steps, rate limit), currencies and ownership.
use alloy_primitives::{Address, U256};
use lien_contract_common::owner::{
    OwnableInvalidOwner, OwnableUnauthorizedAccount, OwnershipTransferred,
};
use motsu::prelude::*;

use super::setup::*;
use crate::params::{field, DAY};
use crate::*;

#[motsu::test]
fn constructor_checks_its_bounds(
    book: Contract<OfferBook>,
    edges: Contract<OfferBook>,
    owner: Address,
) {
    expect_err!(
        book.sender(owner)
            .constructor(Address::ZERO, 500, DAY, 1_000, 50, 5_000),
        Error::InvalidOwner(OwnableInvalidOwner {
            owner: Address::ZERO
        })
    );
    /// `(maxStepBps, minChangeInterval, feeBps, tipBps, uncertainHaircutBps)`.
    type Args = (u16, u64, u16, u16, u16);
    let cases: [(Args, u8); 8] = [
        ((0, DAY, 1_000, 50, 5_000), field::MAX_STEP),
        ((10_001, DAY, 1_000, 50, 5_000), field::MAX_STEP),
        (
            (500, 30 * DAY + 1, 1_000, 50, 5_000),
            field::CHANGE_INTERVAL,
        ),
        ((500, DAY, 2_001, 50, 5_000), field::FEE),
        ((500, DAY, 1_000, 501, 5_000), field::TIP),
        ((500, DAY, 1_000, 50, 999), field::HAIRCUT),
        ((500, DAY, 1_000, 50, 10_001), field::HAIRCUT),
        // the rate-limit settings are checked before the protocol parameters
        ((0, DAY, 2_001, 50, 5_000), field::MAX_STEP),
    ];
    for ((step, interval, fee, tip, haircut), expected) in cases {
        expect_err!(
            book.sender(owner).constructor(owner, step, interval, fee, tip, haircut),
            Error::ParamOutOfBounds(OfferBookParamOutOfBounds { field }) if field == expected
        );
    }
    book.sender(owner)
        .constructor(owner, 500, DAY, 1_000, 50, 5_000)
        .motsu_unwrap();
    assert_eq!(book.sender(owner).owner(), owner);
    assert_eq!(
        book.sender(owner).protocol_params(),
        (1_000, 50, 5_000, 500, DAY, now())
    );
    assert!(!book.sender(owner).paused());
    assert_eq!(book.sender(owner).loan_book(), Address::ZERO);
    assert_eq!(book.sender(owner).offer_count(), U256::ZERO);
    book.assert_emitted(&ProtocolParamsSet {
        feeBps: 1_000,
        tipBps: 50,
        uncertainHaircutBps: 5_000,
    });
    book.assert_emitted(&OwnershipTransferred {
        previous_owner: Address::ZERO,
        new_owner: owner,
    });
    // Every bound is inclusive.
    edges
        .sender(owner)
        .constructor(owner, 10_000, 30 * DAY, 2_000, 500, 1_000)
        .motsu_unwrap();
    assert_eq!(
        edges.sender(owner).protocol_params(),
        (2_000, 500, 1_000, 10_000, 30 * DAY, now())
    );
}

#[motsu::test]
fn protocol_params_are_rate_limited_and_bounded() {
    let env = Env::new();
    let owner = env.owner;
    let set = |fee: u16, tip: u16, haircut: u16| {
        env.book
            .sender(owner)
            .set_protocol_params(fee, tip, haircut)
    };
    let next = now() + DAY;
    expect_err!(
        set(1_100, 50, 5_000),
        Error::ChangeTooSoon(OfferBookChangeTooSoon { nextAllowed }) if nextAllowed == next
    );
    crate::clock::warp(DAY - 1);
    expect_err!(
        set(1_100, 50, 5_000),
        Error::ChangeTooSoon(OfferBookChangeTooSoon { nextAllowed }) if nextAllowed == next
    );
    crate::clock::warp(1);
    let bounds: [((u16, u16, u16), u8); 4] = [
        ((2_001, 50, 5_000), field::FEE),
        ((1_000, 501, 5_000), field::TIP),
        ((1_000, 50, 999), field::HAIRCUT),
        ((1_000, 50, 10_001), field::HAIRCUT),
    ];
    for ((fee, tip, haircut), expected) in bounds {
        expect_err!(
            set(fee, tip, haircut),
            Error::ParamOutOfBounds(OfferBookParamOutOfBounds { field }) if field == expected
        );
    }
    let steps: [((u16, u16, u16), u8); 4] = [
        ((1_501, 50, 5_000), field::FEE),
        ((499, 50, 5_000), field::FEE),
        ((1_000, 50, 5_501), field::HAIRCUT),
        ((1_000, 50, 4_499), field::HAIRCUT),
    ];
    for ((fee, tip, haircut), expected) in steps {
        expect_err!(set(fee, tip, haircut), Error::StepTooLarge(OfferBookStepTooLarge { field }) if field == expected);
    }
    expect_err!(
        env.book.sender(env.lender).set_protocol_params(1_000, 50, 5_000),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    // Moves of up to one step in every field at once are allowed.
    set(1_500, 450, 4_500).motsu_unwrap();
    assert_eq!(
        env.book.sender(owner).protocol_params(),
        (1_500, 450, 4_500, MAX_STEP, INTERVAL, now())
    );
    env.book.assert_emitted(&ProtocolParamsSet {
        feeBps: 1_500,
        tipBps: 450,
        uncertainHaircutBps: 4_500,
    });
    let next = now() + DAY;
    expect_err!(
        set(1_500, 450, 4_500),
        Error::ChangeTooSoon(OfferBookChangeTooSoon { nextAllowed }) if nextAllowed == next
    );
    env.assert_solvent();
}

#[motsu::test]
fn the_tip_step_is_limited_too(book: Contract<OfferBook>, owner: Address) {
    // With a 100 bps step the tip (bounded at 500) can move too far in one change.
    book.sender(owner)
        .constructor(owner, 100, 0, 1_000, 50, 5_000)
        .motsu_unwrap();
    expect_err!(
        book.sender(owner).set_protocol_params(1_000, 151, 5_000),
        Error::StepTooLarge(OfferBookStepTooLarge { field: field::TIP })
    );
    book.sender(owner)
        .set_protocol_params(1_000, 150, 5_000)
        .motsu_unwrap();
    assert_eq!(book.sender(owner).protocol_params().1, 150);
}

#[motsu::test]
fn a_zero_interval_allows_back_to_back_changes(book: Contract<OfferBook>, owner: Address) {
    book.sender(owner)
        .constructor(owner, 500, 0, 1_000, 50, 5_000)
        .motsu_unwrap();
    book.sender(owner)
        .set_protocol_params(1_100, 50, 5_000)
        .motsu_unwrap();
    book.sender(owner)
        .set_protocol_params(1_200, 50, 5_000)
        .motsu_unwrap();
    assert_eq!(
        book.sender(owner).protocol_params(),
        (1_200, 50, 5_000, 500, 0, now())
    );
}

#[motsu::test]
fn currencies_must_be_contracts() {
    let env = Env::bare();
    let token = env.token.address();
    let eoa = Address::repeat_byte(0x55);
    expect_err!(
        env.book.sender(env.owner).set_currency(eoa, u(1)),
        Error::NoCode(OfferBookNoCode { account }) if account == eoa
    );
    expect_err!(
        env.book.sender(env.owner).set_currency(Address::ZERO, u(1)),
        Error::ZeroAddress(OfferBookZeroAddress {})
    );
    expect_err!(
        env.book.sender(env.lender).set_currency(token, u(1)),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    assert_eq!(
        env.book.sender(env.owner).currency_info(token),
        (false, U256::ZERO)
    );
    env.book
        .sender(env.owner)
        .set_currency(token, u(9))
        .motsu_unwrap();
    assert_eq!(
        env.book.sender(env.owner).currency_info(token),
        (true, u(9))
    );
    env.book.assert_emitted(&CurrencySet {
        currency: token,
        tipCap: u(9),
    });
    // A change of a listed currency waits the rate-limit interval (issue 14 L3).
    let next = now() + DAY;
    expect_err!(
        env.book.sender(env.owner).set_currency(token, U256::ZERO),
        Error::ChangeTooSoon(OfferBookChangeTooSoon { nextAllowed }) if nextAllowed == next
    );
    crate::clock::warp(DAY);
    // A zero tip cap keeps the currency listed.
    env.book
        .sender(env.owner)
        .set_currency(token, U256::ZERO)
        .motsu_unwrap();
    assert_eq!(
        env.book.sender(env.owner).currency_info(token),
        (true, U256::ZERO)
    );
    env.assert_solvent();
}

#[motsu::test]
fn tip_caps_at_u256_max_overflow_cleanly() {
    let env = Env::new();
    let token = env.token.address();
    expect_err!(
        env.book.sender(env.owner).set_currency(token, U256::MAX),
        Error::Math(OfferBookMath {})
    );
    assert_eq!(
        env.book.sender(env.owner).currency_info(token),
        (true, u(TIP_CAP)),
        "unchanged"
    );
    crate::clock::warp(DAY); // the rate limit
    env.book
        .sender(env.owner)
        .set_currency(token, U256::MAX - u(1))
        .motsu_unwrap();
    assert_eq!(
        env.book.sender(env.owner).currency_info(token),
        (true, U256::MAX - u(1))
    );
    env.assert_solvent();
}

#[motsu::test]
fn ownership_moves_in_two_steps_and_can_be_renounced() {
    let env = Env::new();
    let gov = Address::repeat_byte(0x60);
    expect_err!(
        env.book.sender(env.lender).transfer_ownership(gov),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    env.book
        .sender(env.owner)
        .transfer_ownership(gov)
        .motsu_unwrap();
    env.book.assert_emitted(&OwnershipTransferStarted {
        previous_owner: env.owner,
        new_owner: gov,
    });
    // The owner keeps control until the pending owner accepts; nobody else accepts.
    assert_eq!(env.book.sender(env.owner).owner(), env.owner);
    assert_eq!(env.book.sender(env.owner).pending_owner(), gov);
    env.book.sender(env.owner).pause().motsu_unwrap();
    env.book.sender(env.owner).unpause().motsu_unwrap();
    expect_err!(
        env.book.sender(env.lender).accept_ownership(),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    env.book.sender(gov).accept_ownership().motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).owner(), gov);
    assert_eq!(env.book.sender(env.owner).pending_owner(), Address::ZERO);
    env.book.assert_emitted(&OwnershipTransferred {
        previous_owner: env.owner,
        new_owner: gov,
    });
    expect_err!(
        env.book.sender(env.owner).pause(),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.owner
    );
    expect_err!(
        env.book.sender(env.lender).renounce_ownership(),
        Error::UnauthorizedAccount(_)
    );
    env.book
        .sender(gov)
        .transfer_ownership(env.lender)
        .motsu_unwrap();
    env.book.sender(gov).renounce_ownership().motsu_unwrap();
    assert_eq!(env.book.sender(gov).owner(), Address::ZERO);
    assert_eq!(env.book.sender(gov).pending_owner(), Address::ZERO);
    env.book.assert_emitted(&OwnershipTransferred {
        previous_owner: gov,
        new_owner: Address::ZERO,
    });
    expect_err!(
        env.book.sender(env.lender).accept_ownership(),
        Error::UnauthorizedAccount(_)
    );
    expect_err!(
        env.book.sender(gov).set_currency(env.token.address(), u(1)),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == gov
    );
    env.assert_solvent();
}

alloy_sol_types::sol! {
    /// OpenZeppelin `Ownable2Step`'s event, with `Debug` for `assert_emitted` (the
    /// openzeppelin-stylus declaration has none).
    #[derive(Debug)]
    event OwnershipTransferStarted(address indexed previous_owner, address indexed new_owner);
}
