//! `setLoanBook` (once, owner only, a contract), `take` before wiring, and value sent to the
//! non-payable entry points.
use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError};
use lien_contract_common::owner::OwnableUnauthorizedAccount;
use motsu::prelude::*;

use super::abi;
use super::peers::{LoanBookStandIn, ValueCaller};
use super::setup::*;
use crate::*;

#[motsu::test]
fn the_loan_book_is_set_once_by_the_owner_and_must_be_a_contract(other: Contract<LoanBookStandIn>) {
    let env = Env::bare();
    let stand_in = env.loans.address();
    expect_err!(
        env.book.sender(env.lender).set_loan_book(stand_in),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    expect_err!(
        env.book.sender(env.owner).set_loan_book(Address::ZERO),
        Error::ZeroAddress(OfferBookZeroAddress {})
    );
    let eoa = Address::repeat_byte(0x77);
    expect_err!(
        env.book.sender(env.owner).set_loan_book(eoa),
        Error::NoCode(OfferBookNoCode { account }) if account == eoa
    );
    assert_eq!(env.book.sender(env.owner).loan_book(), Address::ZERO);
    env.book
        .sender(env.owner)
        .set_loan_book(stand_in)
        .motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).loan_book(), stand_in);
    env.book.assert_emitted(&LoanBookSet { loanBook: stand_in });
    expect_err!(
        env.book.sender(env.owner).set_loan_book(stand_in),
        Error::AlreadySet(OfferBookAlreadySet {})
    );
    expect_err!(
        env.book.sender(env.owner).set_loan_book(other.address()),
        Error::AlreadySet(OfferBookAlreadySet {})
    );
    assert_eq!(env.book.sender(env.owner).loan_book(), stand_in);
    env.assert_solvent();
}

#[motsu::test]
fn nothing_can_take_before_the_wiring() {
    let env = Env::bare();
    env.list();
    let offer = env.offer();
    // Not even the zero address, which the unset slot holds.
    for caller in [Address::ZERO, env.loans.address(), env.lender, env.owner] {
        expect_err!(
            env.book.sender(caller).take(offer, u(TOKEN), env.borrower, env.borrower),
            Error::NotLoanBook(OfferBookNotLoanBook { caller: c }) if c == caller
        );
    }
    assert_eq!(
        env.book.sender(env.owner).held(env.token.address()),
        u(PRINCIPAL)
    );
    env.assert_solvent();
}

#[motsu::test]
fn value_sent_to_non_payable_functions_reverts(caller: Contract<ValueCaller>) {
    let env = Env::new();
    let offer = env.offer();
    let me = caller.address();
    me.fund(u(10));
    let typed = OfferBookNotLender {}.abi_encode();
    let cancel = abi::cancelOfferCall { offerId: offer }.abi_encode();
    // Without value the call reaches `cancelOffer` and fails with its typed error ...
    let (reverted, data) =
        caller
            .sender(me)
            .call_with_value(env.book.address(), cancel.clone().into(), U256::ZERO);
    assert!(reverted);
    assert_eq!(data.to_vec(), typed);
    // ... with value it is refused before the function body runs (the SDK's value guard).
    let calls: [Vec<u8>; 4] = [
        cancel,
        abi::takeCall {
            offerId: offer,
            tokenId: u(TOKEN),
            borrower: me,
            payee: me,
        }
        .abi_encode(),
        abi::pauseCall {}.abi_encode(),
        abi::setCurrencyCall {
            currency: env.token.address(),
            tipCap: u(1),
        }
        .abi_encode(),
    ];
    for data in calls {
        let (reverted, out) = caller.sender_and_value(me, u(1)).call_with_value(
            env.book.address(),
            data.into(),
            u(1),
        );
        assert!(reverted);
        assert_ne!(out.to_vec(), typed);
        assert!(
            !out.starts_with(&OfferBookNotLoanBook::SELECTOR),
            "take's body never ran"
        );
        assert!(
            !out.starts_with(&[0x11, 0x8c, 0xda, 0xa7]),
            "not Ownable's error either: the body never ran"
        );
    }
    assert!(!env.book.sender(env.owner).paused());
    assert_eq!(
        env.book
            .sender(env.owner)
            .currency_info(env.token.address()),
        (true, u(TIP_CAP))
    );
    assert_eq!(env.book.balance(), U256::ZERO);
    env.assert_solvent();
}
