//! `MockValue`: a fixture for value transfers. Test only.
//!
//! - `deposit()` (payable) credits `msg.value` to the sender; plain ETH (empty calldata) does
//!   the same through `receive`.
//! - `withdraw(amount)` debits the sender, then sends `amount` back with the SDK's
//!   `transfer_eth` (checks, effects, interaction); `MockValueInsufficientBalance` when the
//!   credit is short, `MockValueTransferFailed` when the recipient refuses the value (the
//!   whole call reverts, so the debit is undone).
//! - `forward(to)` (payable) passes `msg.value` straight on to `to` (an account or a contract;
//!   another `MockValue` credits the forwarder through `receive`).
//! - `balanceOf(account)` and `totalDeposits()` read the book; the contract's ETH balance
//!   always equals `totalDeposits()`.
//!
//! Every other function is non-payable: value sent to it reverts without data (the SDK's router).
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main, no_std)]
extern crate alloc;

/// A panic traps: the call reverts with no data (and std's panic machinery stays out).
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

use alloy_primitives::{Address, U256};
use alloy_sol_types::sol;
use stylus_sdk::{
    prelude::*,
    storage::{StorageMap, StorageU256},
};

sol! {
    /// `account` asked for `needed` wei but is credited with only `balance`.
    #[derive(Debug, PartialEq)]
    error MockValueInsufficientBalance(address account, uint256 balance, uint256 needed);
    /// Sending `amount` wei to `to` failed (the recipient reverted or refuses value).
    #[derive(Debug, PartialEq)]
    error MockValueTransferFailed(address to, uint256 amount);

    /// `account` was credited with `amount` wei (`deposit()` or plain ETH).
    #[derive(Debug)]
    event Deposited(address indexed account, uint256 amount);
    /// `amount` wei were debited from `account` and sent to it.
    #[derive(Debug)]
    event Withdrawn(address indexed account, uint256 amount);
    /// `from` sent `amount` wei through the contract to `to`.
    #[derive(Debug)]
    event Forwarded(address indexed from, address indexed to, uint256 amount);
}

/// Why a call to the fixture failed.
#[derive(SolidityError, Debug, PartialEq)]
pub enum Error {
    /// The sender's credit is short.
    InsufficientBalance(MockValueInsufficientBalance),
    /// The value could not be delivered.
    TransferFailed(MockValueTransferFailed),
}

/// The book: what each account may withdraw, and the sum of it.
#[entrypoint]
#[storage]
pub struct MockValue {
    balances: StorageMap<Address, StorageU256>,
    total: StorageU256,
}

#[public]
impl MockValue {
    /// Credits `msg.value` to the sender.
    #[payable]
    pub fn deposit(&mut self) {
        let (account, amount) = (self.vm().msg_sender(), self.vm().msg_value());
        self.credit(account, amount);
    }

    /// Plain ETH (empty calldata) is a deposit too.
    #[receive]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        self.deposit();
        Ok(())
    }

    /// Debits `amount` from the sender, then sends it to the sender.
    pub fn withdraw(&mut self, amount: U256) -> Result<(), Error> {
        let account = self.vm().msg_sender();
        // checks
        let balance = self.balances.get(account);
        if balance < amount {
            return Err(Error::InsufficientBalance(MockValueInsufficientBalance {
                account,
                balance,
                needed: amount,
            }));
        }
        // effects
        self.balances.setter(account).set(balance - amount);
        let total = self.total.get();
        self.total.set(total - amount);
        log(self.vm(), Withdrawn { account, amount });
        // interaction (transfer_eth flushes the storage cache before the call)
        self.send(account, amount)
    }

    /// Sends `msg.value` on to `to`; nothing stays in the contract.
    #[payable]
    pub fn forward(&mut self, to: Address) -> Result<(), Error> {
        let (from, amount) = (self.vm().msg_sender(), self.vm().msg_value());
        log(self.vm(), Forwarded { from, to, amount });
        self.send(to, amount)
    }

    /// What `account` may withdraw.
    pub fn balance_of(&self, account: Address) -> U256 {
        self.balances.get(account)
    }

    /// The sum of every account's credit (equals the contract's ETH balance).
    pub fn total_deposits(&self) -> U256 {
        self.total.get()
    }
}

impl MockValue {
    fn credit(&mut self, account: Address, amount: U256) {
        // Cannot overflow: the sum of all credits is bounded by the ETH in existence.
        let balance = self.balances.get(account);
        self.balances.setter(account).set(balance + amount);
        let total = self.total.get();
        self.total.set(total + amount);
        log(self.vm(), Deposited { account, amount });
    }

    fn send(&mut self, to: Address, amount: U256) -> Result<(), Error> {
        self.vm()
            .transfer_eth(to, amount)
            .map_err(|_| Error::TransferFailed(MockValueTransferFailed { to, amount }))
    }
}

// motsu 0.10 supports value: `sender_and_value`, `Funding::fund`, `Balance::balance`, and
// calls with value between contracts (to `receive`). Two things it cannot model, covered by
// the end-to-end test `tests/tests/sdk_value.rs` on the dev node instead:
// - a call with value to an address without a contract (an EOA) panics ("contract should be
//   initialised first"), so withdrawals here go to contract senders;
// - `contract.sender_and_value(..).f()` calls the Rust method directly, bypassing the router,
//   so the non-payable check (value to `withdraw` reverts) is not exercised.
#[cfg(test)]
mod tests {
    use super::*;
    use motsu::prelude::*;

    /// A contract whose `receive` reverts. (One without `receive` and `fallback` cannot be
    /// used: motsu 0.10 panics decoding the selector of empty calldata when no function matches.)
    #[storage]
    struct Refuser {
        #[allow(dead_code)] // motsu needs a storage type; the refuser keeps nothing
        unused: StorageU256,
    }

    #[public]
    impl Refuser {
        #[receive]
        fn receive(&mut self) -> Result<(), Vec<u8>> {
            Err(b"refused".to_vec())
        }
    }

    unsafe impl TopLevelStorage for Refuser {}

    fn wei(x: u64) -> U256 {
        U256::from(x)
    }

    #[motsu::test]
    fn deposit_credits_the_sender_and_keeps_the_value(book: Contract<MockValue>, alice: Account) {
        alice.fund(wei(10));
        book.sender_and_value(alice, wei(3)).deposit();
        book.sender_and_value(alice, wei(4)).deposit();
        assert_eq!(alice.balance(), wei(3));
        assert_eq!(book.balance(), wei(7));
        assert_eq!(book.sender(alice).balance_of(alice.address()), wei(7));
        assert_eq!(book.sender(alice).total_deposits(), wei(7));
        book.assert_emitted(&Deposited {
            account: alice.address(),
            amount: wei(4),
        });
    }

    #[motsu::test]
    fn over_withdraw_reverts_with_the_exact_error(book: Contract<MockValue>, alice: Account) {
        alice.fund(wei(5));
        book.sender_and_value(alice, wei(5)).deposit();
        let err = book
            .sender(alice)
            .withdraw(wei(6))
            .motsu_expect_err("over-withdraw");
        assert_eq!(
            err,
            Error::InsufficientBalance(MockValueInsufficientBalance {
                account: alice.address(),
                balance: wei(5),
                needed: wei(6),
            })
        );
        assert_eq!(book.sender(alice).balance_of(alice.address()), wei(5));
        assert_eq!(book.balance(), wei(5));
    }

    #[motsu::test]
    fn withdraw_sends_the_value_to_the_sender(
        book: Contract<MockValue>,
        other: Contract<MockValue>,
    ) {
        // `other` (a contract, so motsu can deliver value to it) deposits and withdraws; the
        // value comes back through its `receive`, which credits `book` in `other`'s book.
        other.fund(wei(9));
        book.sender_and_value(other.address(), wei(9)).deposit();
        book.sender(other.address())
            .withdraw(wei(4))
            .motsu_expect("withdraw");
        assert_eq!(book.balance(), wei(5));
        assert_eq!(other.balance(), wei(4));
        assert_eq!(
            book.sender(other.address()).balance_of(other.address()),
            wei(5)
        );
        assert_eq!(book.sender(other.address()).total_deposits(), wei(5));
        assert_eq!(
            other.sender(book.address()).balance_of(book.address()),
            wei(4)
        );
        book.assert_emitted(&Withdrawn {
            account: other.address(),
            amount: wei(4),
        });
        other.assert_emitted(&Deposited {
            account: book.address(),
            amount: wei(4),
        });
    }

    #[motsu::test]
    fn forward_passes_the_value_on(
        book: Contract<MockValue>,
        other: Contract<MockValue>,
        alice: Account,
    ) {
        alice.fund(wei(8));
        book.sender_and_value(alice, wei(8))
            .forward(other.address())
            .motsu_expect("forward");
        assert_eq!(alice.balance(), wei(0));
        assert_eq!(book.balance(), wei(0));
        assert_eq!(other.balance(), wei(8));
        assert_eq!(other.sender(alice).balance_of(book.address()), wei(8));
        book.assert_emitted(&Forwarded {
            from: alice.address(),
            to: other.address(),
            amount: wei(8),
        });
    }

    #[motsu::test]
    fn refused_value_reverts_with_transfer_failed(
        book: Contract<MockValue>,
        refuser: Contract<Refuser>,
        alice: Account,
    ) {
        alice.fund(wei(2));
        let err = book
            .sender_and_value(alice, wei(2))
            .forward(refuser.address())
            .motsu_expect_err("refused");
        assert_eq!(
            err,
            Error::TransferFailed(MockValueTransferFailed {
                to: refuser.address(),
                amount: wei(2)
            })
        );
        // the failed call is rolled back, value included
        assert_eq!(alice.balance(), wei(2));
        assert_eq!(refuser.balance(), wei(0));
        assert_eq!(book.balance(), wei(0));
    }
}
