//! `MockRiskTarget`: a LoanBook stand-in with its owner-only risk setter, hard bound and rate
//! limit (`setMaxLtv`), owner-only `pause`/`unpause`, a payable `deposit` and a function
//! that always reverts with a custom error.
#[allow(unused_imports)] // the SDK macros expand to code that names `Vec`
use alloc::vec::Vec;
use alloy_primitives::{
    aliases::{U16, U64},
    Address, U256,
};
use alloy_sol_types::sol;
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU16, StorageU256, StorageU64},
};

use crate::clock;

/// Hard bound on max LTV (as in LoanBook).
pub const HARD_MAX_LTV_BPS: u16 = 8_000;

sol! {
    #[derive(Debug, PartialEq)]
    error MockNotOwner(address caller);
    #[derive(Debug, PartialEq)]
    error MockLtvTooHigh(uint16 bps, uint16 max);
    #[derive(Debug, PartialEq)]
    error MockStepTooLarge(uint16 from, uint16 to, uint16 maxStep);
    #[derive(Debug, PartialEq)]
    error MockTooSoon(uint64 nextAllowedAt);
    #[derive(Debug, PartialEq)]
    error MockAlwaysFails(uint256 code);

    #[derive(Debug)]
    event MockMaxLtvSet(address indexed collection, uint16 bps);

    /// Calldata builders for proposals.
    function setMaxLtv(address collection, uint16 bps);
    function deposit();
    function alwaysFails();
    function maxLtv(address collection);
    function unpause();
}

/// The mock's errors.
#[derive(SolidityError, Debug)]
pub enum MockError {
    NotOwner(MockNotOwner),
    LtvTooHigh(MockLtvTooHigh),
    StepTooLarge(MockStepTooLarge),
    TooSoon(MockTooSoon),
    AlwaysFails(MockAlwaysFails),
}

#[storage]
pub struct MockRiskTarget {
    owner: StorageAddress,
    pending_owner: StorageAddress,
    paused: StorageBool,
    max_step_bps: StorageU16,
    min_interval: StorageU64,
    max_ltv: StorageMap<Address, StorageU16>,
    last_change: StorageMap<Address, StorageU64>,
    deposited: StorageU256,
}

unsafe impl TopLevelStorage for MockRiskTarget {}

#[public]
impl MockRiskTarget {
    /// Test set-up: owner and rate limit.
    pub fn init(&mut self, owner: Address, max_step_bps: u16, min_interval: u64) {
        self.owner.set(owner);
        self.max_step_bps.set(U16::from(max_step_bps));
        self.min_interval.set(U64::from(min_interval));
    }

    /// Owner only. Bound: `bps ≤ 8000`. The first setting of a collection (its listing) is
    /// only bounded; later ones move at most `max_step_bps` and at most once per
    /// `min_interval` seconds.
    pub fn set_max_ltv(&mut self, collection: Address, bps: u16) -> Result<(), MockError> {
        self.only_owner()?;
        if bps > HARD_MAX_LTV_BPS {
            return Err(MockError::LtvTooHigh(MockLtvTooHigh {
                bps,
                max: HARD_MAX_LTV_BPS,
            }));
        }
        let now = clock::now(self.vm());
        let last = self.last_change.get(collection).to::<u64>();
        if last != 0 {
            let next = last.saturating_add(self.min_interval.get().to::<u64>());
            if now < next {
                return Err(MockError::TooSoon(MockTooSoon {
                    nextAllowedAt: next,
                }));
            }
            let from = self.max_ltv.get(collection).to::<u16>();
            let max_step = self.max_step_bps.get().to::<u16>();
            if from.abs_diff(bps) > max_step {
                return Err(MockError::StepTooLarge(MockStepTooLarge {
                    from,
                    to: bps,
                    maxStep: max_step,
                }));
            }
        }
        self.max_ltv.insert(collection, U16::from(bps));
        self.last_change.insert(collection, U64::from(now));
        log(self.vm(), MockMaxLtvSet { collection, bps });
        Ok(())
    }

    /// The collection's max LTV in bps.
    pub fn max_ltv(&self, collection: Address) -> u16 {
        self.max_ltv.get(collection).to::<u16>()
    }

    /// Owner only: stops new borrowing.
    pub fn pause(&mut self) -> Result<(), MockError> {
        self.only_owner()?;
        self.paused.set(true);
        Ok(())
    }

    /// Owner only: resumes new borrowing.
    pub fn unpause(&mut self) -> Result<(), MockError> {
        self.only_owner()?;
        self.paused.set(false);
        Ok(())
    }

    /// Whether paused.
    pub fn paused(&self) -> bool {
        self.paused.get()
    }

    /// Accepts ETH and records the running total.
    #[payable]
    pub fn deposit(&mut self) {
        let total = self.deposited.get().saturating_add(self.vm().msg_value());
        self.deposited.set(total);
    }

    /// Total ETH received through `deposit`.
    pub fn deposited(&self) -> U256 {
        self.deposited.get()
    }

    /// The owner.
    pub fn owner(&self) -> Address {
        self.owner.get()
    }

    /// Owner only: names the pending owner (two-step transfer, as `Ownable2Step`).
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), MockError> {
        self.only_owner()?;
        self.pending_owner.set(new_owner);
        Ok(())
    }

    /// The pending owner only: becomes the owner.
    pub fn accept_ownership(&mut self) -> Result<(), MockError> {
        let caller = self.vm().msg_sender();
        if caller != self.pending_owner.get() {
            return Err(MockError::NotOwner(MockNotOwner { caller }));
        }
        self.pending_owner.set(Address::ZERO);
        self.owner.set(caller);
        Ok(())
    }

    /// Always reverts with `MockAlwaysFails(42)`.
    pub fn always_fails(&mut self) -> Result<(), MockError> {
        Err(MockError::AlwaysFails(MockAlwaysFails {
            code: U256::from(42),
        }))
    }
}

impl MockRiskTarget {
    fn only_owner(&self) -> Result<(), MockError> {
        let caller = self.vm().msg_sender();
        if caller != self.owner.get() {
            return Err(MockError::NotOwner(MockNotOwner { caller }));
        }
        Ok(())
    }
}
