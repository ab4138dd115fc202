//! Construction, `setSiblings` (once, owner only, contracts only), `NotWired`, ownership,
//! value sent to non-payable functions and unknown loan ids.
use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolError};
use lien_contract_common::owner::{
    OwnableInvalidOwner, OwnableUnauthorizedAccount, OwnershipTransferred,
};
use lien_offer_book::OfferBookNotLoanBook;
use motsu::prelude::*;

use super::mocks::ValueCaller;
use super::setup::*;
use super::{abi, assert_offer_book_err};
use crate::*;

#[motsu::test]
fn constructor_sets_the_owner(book: Contract<LoanBook>, owner: Address) {
    expect_err!(
        book.sender(owner).constructor(Address::ZERO),
        Error::InvalidOwner(OwnableInvalidOwner {
            owner: Address::ZERO
        })
    );
    book.sender(owner).constructor(owner).motsu_unwrap();
    assert_eq!(book.sender(owner).owner(), owner);
    book.assert_emitted(&OwnershipTransferred {
        previous_owner: Address::ZERO,
        new_owner: owner,
    });
    assert_eq!(
        book.sender(owner).siblings(),
        (
            Address::ZERO,
            Address::ZERO,
            Address::ZERO,
            Address::ZERO,
            Address::ZERO
        )
    );
    assert_eq!(book.sender(owner).counts(), (U256::ZERO, U256::ZERO));
}

#[motsu::test]
fn siblings_are_set_once_by_the_owner_and_must_be_contracts() {
    let env = Env::bare();
    let (ob, v, o, l, d) = (
        env.offers.address(),
        env.vault.address(),
        env.oracle.address(),
        env.liq.address(),
        env.desk_stand_in(),
    );
    expect_err!(
        env.book.sender(env.lender).set_siblings(ob, v, o, l, d),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    let eoa = Address::repeat_byte(0x77);
    let with = |i: usize, bad: Address| {
        let mut s = [ob, v, o, l, d];
        s[i] = bad;
        env.book
            .sender(env.owner)
            .set_siblings(s[0], s[1], s[2], s[3], s[4])
    };
    for i in 0..5 {
        expect_err!(
            with(i, Address::ZERO),
            Error::ZeroAddress(LoanBookZeroAddress {})
        );
        expect_err!(with(i, eoa), Error::NoCode(LoanBookNoCode { account }) if account == eoa);
    }
    assert_eq!(
        env.book.sender(env.owner).siblings(),
        (
            Address::ZERO,
            Address::ZERO,
            Address::ZERO,
            Address::ZERO,
            Address::ZERO
        )
    );
    env.book
        .sender(env.owner)
        .set_siblings(ob, v, o, l, d)
        .motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).siblings(), (ob, v, o, l, d));
    env.book.assert_emitted(&SiblingsSet {
        offerBook: ob,
        vault: v,
        oracle: o,
        liquidator: l,
        desk: d,
    });
    expect_err!(
        env.book.sender(env.owner).set_siblings(ob, v, o, l, d),
        Error::AlreadySet(LoanBookAlreadySet {})
    );
    expect_err!(
        env.book.sender(env.owner).set_siblings(o, l, ob, v, d),
        Error::AlreadySet(LoanBookAlreadySet {})
    );
    assert_eq!(env.book.sender(env.owner).siblings(), (ob, v, o, l, d));
    env.assert_solvent();
}

#[motsu::test]
fn borrowing_needs_the_siblings() {
    let env = Env::bare();
    env.wire_peers();
    env.list();
    let offer = env.offer();
    expect_err!(
        env.book.sender(env.borrower).borrow(offer, u(TOKEN)),
        Error::NotWired(LoanBookNotWired {})
    );
    assert_eq!(
        env.offers.sender(env.owner).offer(offer).motsu_unwrap().10,
        0,
        "the offer was not touched"
    );
    assert_eq!(env.owner_of(TOKEN), env.borrower);
    assert_eq!(env.balance(env.borrower), U256::ZERO);
    env.assert_solvent();
}

#[motsu::test]
fn an_offer_book_wired_to_another_loan_book_refuses_the_take() {
    let env = Env::bare();
    env.vault
        .sender(env.owner)
        .set_operators(env.book.address(), env.liq.address())
        .motsu_unwrap();
    env.liq
        .sender(env.owner)
        .init(env.book.address(), env.vault.address());
    // The OfferBook trusts some other contract as its LoanBook.
    env.offers
        .sender(env.owner)
        .set_loan_book(env.liq.address())
        .motsu_unwrap();
    env.wire_book();
    env.list();
    let offer = env.offer();
    let err = env
        .book
        .sender(env.borrower)
        .borrow(offer, u(TOKEN))
        .motsu_unwrap_err();
    assert_offer_book_err(
        err,
        OfferBookNotLoanBook {
            caller: env.book.address(),
        },
    );
    assert_eq!(
        env.offers.sender(env.owner).held(env.token.address()),
        u(PRINCIPAL)
    );
    assert_eq!(env.owner_of(TOKEN), env.borrower);
    env.assert_solvent();
}

#[motsu::test]
fn ownership_moves_in_two_steps_and_can_be_renounced() {
    let env = Env::new();
    let gov = Address::repeat_byte(0x60);
    let token = env.token.address();
    expect_err!(
        env.book.sender(env.lender).transfer_ownership(gov),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    // Step one only names the pending owner; the owner keeps control.
    env.book
        .sender(env.owner)
        .transfer_ownership(gov)
        .motsu_unwrap();
    env.book.assert_emitted(&OwnershipTransferStarted {
        previous_owner: env.owner,
        new_owner: gov,
    });
    assert_eq!(env.book.sender(env.owner).owner(), env.owner);
    assert_eq!(env.book.sender(env.owner).pending_owner(), gov);
    expect_err!(
        env.book
            .sender(env.owner)
            .withdraw_reserve(token, u(1), env.owner),
        Error::InsufficientReserve(_)
    );
    // Nobody but the pending owner accepts.
    expect_err!(
        env.book.sender(env.lender).accept_ownership(),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.lender
    );
    expect_err!(
        env.book.sender(env.owner).accept_ownership(),
        Error::UnauthorizedAccount(_)
    );
    // Zero cancels; a cancelled transfer cannot be accepted.
    env.book
        .sender(env.owner)
        .transfer_ownership(Address::ZERO)
        .motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).pending_owner(), Address::ZERO);
    expect_err!(
        env.book.sender(gov).accept_ownership(),
        Error::UnauthorizedAccount(_)
    );
    env.book
        .sender(env.owner)
        .transfer_ownership(gov)
        .motsu_unwrap();
    env.book.sender(gov).accept_ownership().motsu_unwrap();
    assert_eq!(env.book.sender(env.owner).owner(), gov);
    assert_eq!(env.book.sender(env.owner).pending_owner(), Address::ZERO);
    env.book.assert_emitted(&OwnershipTransferred {
        previous_owner: env.owner,
        new_owner: gov,
    });
    expect_err!(
        env.book.sender(env.owner).withdraw_reserve(token, u(1), env.owner),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == env.owner
    );
    expect_err!(
        env.book.sender(env.lender).renounce_ownership(),
        Error::UnauthorizedAccount(_)
    );
    // Renouncing also clears a pending transfer.
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
        env.book.sender(gov).withdraw_reserve(token, u(1), gov),
        Error::UnauthorizedAccount(OwnableUnauthorizedAccount { account }) if account == gov
    );
    // The OfferBook's owner is a separate role.
    assert_eq!(env.offers.sender(env.owner).owner(), env.owner);
    env.assert_solvent();
}

#[motsu::test]
fn value_sent_to_non_payable_functions_reverts(caller: Contract<ValueCaller>) {
    let env = Env::new();
    let loan = env.loan();
    let me = caller.address();
    me.fund(u(10));
    let typed = LoanBookNothingToClaim {}.abi_encode();
    let withdraw = abi::withdrawCall {
        currency: env.token.address(),
    }
    .abi_encode();
    // Without value the call reaches `withdraw` and fails with its typed error ...
    let (reverted, data) =
        caller
            .sender(me)
            .call_with_value(env.book.address(), withdraw.clone().into(), U256::ZERO);
    assert!(reverted);
    assert_eq!(data.to_vec(), typed);
    // ... with value it is refused before the function body runs (the SDK's value guard).
    let calls: [Vec<u8>; 4] = [
        withdraw,
        abi::repayCall { loanId: loan }.abi_encode(),
        abi::borrowCall {
            offerId: u(1),
            tokenId: u(TOKEN),
        }
        .abi_encode(),
        abi::withdrawReserveCall {
            currency: env.token.address(),
            amount: u(1),
            to: me,
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
            !out.starts_with(&[0x11, 0x8c, 0xda, 0xa7]),
            "not Ownable's error either: the body never ran"
        );
        assert!(
            !out.starts_with(&LoanBookTransferFailed::SELECTOR),
            "repay's body never ran"
        );
    }
    assert_eq!(
        env.book.sender(env.owner).loan(loan).motsu_unwrap().9,
        storage::ACTIVE
    );
    assert_eq!(env.book.balance(), U256::ZERO);
    env.assert_solvent();
}

#[motsu::test]
fn unknown_loans_are_errors() {
    let env = Env::new();
    for id in [U256::ZERO, u(5), U256::MAX] {
        let unknown = |err: Error| matches!(err, Error::UnknownLoan(LoanBookUnknownLoan { loanId }) if loanId == id);
        assert!(unknown(
            env.book.sender(env.keeper).repay(id).motsu_unwrap_err()
        ));
        assert!(unknown(
            env.book.sender(env.keeper).liquidate(id).motsu_unwrap_err()
        ));
        assert!(unknown(
            env.book.sender(env.keeper).foreclose(id).motsu_unwrap_err()
        ));
        assert!(unknown(
            env.book
                .sender(env.lender)
                .transfer_loan(id, env.keeper)
                .motsu_unwrap_err()
        ));
        assert!(unknown(
            env.book.sender(env.owner).loan(id).motsu_unwrap_err()
        ));
        assert!(unknown(
            env.book.sender(env.owner).loan_terms(id).motsu_unwrap_err()
        ));
        assert!(unknown(
            env.book.sender(env.owner).debt(id).motsu_unwrap_err()
        ));
        assert!(unknown(
            env.book.sender(env.owner).health(id).motsu_unwrap_err()
        ));
        // The settlement hook checks the loan too (here from the wired liquidator).
        assert_eq!(
            env.liq
                .sender(env.owner)
                .settle_unpaid(id, U256::ZERO)
                .motsu_unwrap_err(),
            LoanBookUnknownLoan { loanId: id }.abi_encode()
        );
    }
    env.assert_solvent();
}

alloy_sol_types::sol! {
    /// OpenZeppelin `Ownable2Step`'s event, with `Debug` for `assert_emitted` (the
    /// openzeppelin-stylus declaration has none).
    #[derive(Debug)]
    event OwnershipTransferStarted(address indexed previous_owner, address indexed new_owner);
}
