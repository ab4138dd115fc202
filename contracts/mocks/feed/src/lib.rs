//! `MockFeed`: a Chainlink-style `AggregatorV3Interface` whose round is set by its owner. Test only.
//!
//! As a price feed: `answer` is the price with `decimals()` decimals, `updatedAt` its time.
//! As an L2 sequencer-uptime feed (Chainlink's convention): `answer` 0 = up, 1 = down and
//! `startedAt` = when the status last changed. `setReverting(true)` makes both reads revert
//! with `MockFeedReverting()`, to model a broken or paused feed.
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

use alloy_primitives::{aliases::U80, Address, I256, U256};
use alloy_sol_types::sol;
use openzeppelin_stylus::access::ownable::{self, IOwnable, Ownable};
use stylus_sdk::{
    prelude::*,
    storage::{StorageBool, StorageI256, StorageU256, StorageU64, StorageU8},
};

sol! {
    /// The owner switched the feed into its failing mode: every read reverts.
    #[derive(Debug)]
    error MockFeedReverting();

    /// A new round was set (round ids start at 1).
    #[derive(Debug)]
    event RoundSet(uint80 roundId, int256 answer, uint256 startedAt, uint256 updatedAt);
    /// The revert switch changed.
    #[derive(Debug)]
    event RevertingSet(bool reverting);
}

/// Why a call to the mock failed.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// Reads revert while the switch is on.
    Reverting(MockFeedReverting),
    /// The caller is not the owner.
    UnauthorizedAccount(ownable::OwnableUnauthorizedAccount),
    /// The owner passed to the constructor is zero.
    InvalidOwner(ownable::OwnableInvalidOwner),
}

impl From<ownable::Error> for Error {
    fn from(e: ownable::Error) -> Self {
        match e {
            ownable::Error::UnauthorizedAccount(x) => Error::UnauthorizedAccount(x),
            ownable::Error::InvalidOwner(x) => Error::InvalidOwner(x),
        }
    }
}

/// The feed's storage: one current round.
#[entrypoint]
#[storage]
pub struct MockFeed {
    ownable: Ownable,
    decimals: StorageU8,
    round_id: StorageU64,
    answer: StorageI256,
    started_at: StorageU256,
    updated_at: StorageU256,
    reverting: StorageBool,
}

#[public]
#[implements(IOwnable)]
impl MockFeed {
    /// Sets the owner and the answer's decimals. No round exists until the owner sets one
    /// (all fields read zero, which a consumer must treat as invalid).
    #[constructor]
    pub fn constructor(&mut self, owner: Address, decimals: u8) -> Result<(), Error> {
        self.ownable.constructor(owner)?;
        self.decimals.set(alloy_primitives::U8::from(decimals));
        Ok(())
    }

    /// Owner only: publishes a new round with explicit timestamps (they may be zero or in the
    /// future, to test consumers).
    pub fn set_round(
        &mut self,
        answer: I256,
        started_at: U256,
        updated_at: U256,
    ) -> Result<(), Error> {
        self.ownable.only_owner()?;
        let round = self
            .round_id
            .get()
            .saturating_add(alloy_primitives::U64::from(1u64));
        self.round_id.set(round);
        self.answer.set(answer);
        self.started_at.set(started_at);
        self.updated_at.set(updated_at);
        log(
            self.vm(),
            RoundSet {
                roundId: U80::from(round),
                answer,
                startedAt: started_at,
                updatedAt: updated_at,
            },
        );
        Ok(())
    }

    /// Owner only: publishes `answer` stamped with the current block time (both timestamps).
    pub fn set_answer(&mut self, answer: I256) -> Result<(), Error> {
        let now = U256::from(self.vm().block_timestamp());
        self.set_round(answer, now, now)
    }

    /// Owner only: turns the failing mode on or off.
    pub fn set_reverting(&mut self, reverting: bool) -> Result<(), Error> {
        self.ownable.only_owner()?;
        self.reverting.set(reverting);
        log(self.vm(), RevertingSet { reverting });
        Ok(())
    }

    /// `AggregatorV3Interface.latestRoundData`: `(roundId, answer, startedAt, updatedAt,
    /// answeredInRound)`; reverts with `MockFeedReverting()` in failing mode.
    pub fn latest_round_data(&self) -> Result<(U80, I256, U256, U256, U80), Error> {
        self.check_live()?;
        let round = U80::from(self.round_id.get());
        Ok((
            round,
            self.answer.get(),
            self.started_at.get(),
            self.updated_at.get(),
            round,
        ))
    }

    /// `AggregatorV3Interface.decimals`; reverts with `MockFeedReverting()` in failing mode.
    pub fn decimals(&self) -> Result<u8, Error> {
        self.check_live()?;
        Ok(self.decimals.get().as_limbs()[0] as u8)
    }
}

impl MockFeed {
    fn check_live(&self) -> Result<(), Error> {
        if self.reverting.get() {
            return Err(Error::Reverting(MockFeedReverting {}));
        }
        Ok(())
    }
}

#[public]
impl IOwnable for MockFeed {
    fn owner(&self) -> Address {
        self.ownable.owner()
    }

    fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Vec<u8>> {
        Ok(self.ownable.transfer_ownership(new_owner)?)
    }

    fn renounce_ownership(&mut self) -> Result<(), Vec<u8>> {
        Ok(self.ownable.renounce_ownership()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use motsu::prelude::*;

    fn i(x: i64) -> I256 {
        I256::try_from(x).expect("small")
    }

    #[motsu::test]
    fn owner_sets_rounds_and_reads_them(feed: Contract<MockFeed>, owner: Address) {
        feed.sender(owner).constructor(owner, 8).expect("ctor");
        assert_eq!(feed.sender(owner).decimals().expect("decimals"), 8);
        let (r, a, s, u, ar) = feed.sender(owner).latest_round_data().expect("read");
        assert_eq!(
            (r, a, s, u, ar),
            (U80::ZERO, I256::ZERO, U256::ZERO, U256::ZERO, U80::ZERO)
        );
        feed.sender(owner)
            .set_round(i(-5), U256::from(10), U256::from(20))
            .expect("set");
        let (r, a, s, u, ar) = feed.sender(owner).latest_round_data().expect("read");
        assert_eq!(
            (r, a, s, u, ar),
            (
                U80::from(1),
                i(-5),
                U256::from(10),
                U256::from(20),
                U80::from(1)
            )
        );
        feed.assert_emitted(&RoundSet {
            roundId: U80::from(1),
            answer: i(-5),
            startedAt: U256::from(10),
            updatedAt: U256::from(20),
        });
        feed.sender(owner).set_answer(i(7)).expect("set answer");
        let (r, a, s, u, _) = feed.sender(owner).latest_round_data().expect("read");
        #[allow(deprecated)] // motsu's fixed block time, read the way the host exposes it
        let now = U256::from(stylus_sdk::block::timestamp());
        assert_eq!((r, a, s, u), (U80::from(2), i(7), now, now));
    }

    #[motsu::test]
    fn revert_switch_fails_both_reads(feed: Contract<MockFeed>, owner: Address) {
        feed.sender(owner).constructor(owner, 18).expect("ctor");
        feed.sender(owner).set_reverting(true).expect("switch on");
        feed.assert_emitted(&RevertingSet { reverting: true });
        assert!(matches!(
            feed.sender(owner).latest_round_data(),
            Err(Error::Reverting(_))
        ));
        assert!(matches!(
            feed.sender(owner).decimals(),
            Err(Error::Reverting(_))
        ));
        feed.sender(owner).set_reverting(false).expect("switch off");
        assert_eq!(feed.sender(owner).decimals().expect("decimals"), 18);
    }

    #[motsu::test]
    fn only_the_owner_writes(feed: Contract<MockFeed>, owner: Address, eve: Address) {
        feed.sender(owner).constructor(owner, 18).expect("ctor");
        let e = feed
            .sender(eve)
            .set_round(i(1), U256::ZERO, U256::ZERO)
            .expect_err("not owner");
        assert!(matches!(e, Error::UnauthorizedAccount(_)));
        let e = feed.sender(eve).set_reverting(true).expect_err("not owner");
        assert!(matches!(e, Error::UnauthorizedAccount(_)));
        let e = feed.sender(eve).set_answer(i(1)).expect_err("not owner");
        assert!(matches!(e, Error::UnauthorizedAccount(_)));
    }
}
