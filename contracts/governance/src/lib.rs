//! `Governance`: Lien's M-of-N owner multisig with a timelock.
//!
//! Owners `propose` any call `(target, value, data)` (the proposal counts as the proposer's
//! approval), `approve` and `revoke`. Once approvals of *current* owners reach the threshold
//! the clock starts; after `delay` seconds any owner may `execute`, for `EXPIRY_WINDOW`
//! seconds. A revoke that drops approvals below the threshold resets the clock. The owner
//! set, threshold, delay and guardian change only through the contract's own proposals
//! (`target == this`, dispatched internally). A guardian may call `pause()` — and nothing
//! else — on any target at once. See docs/contracts/governance.md.
// The SDK's #[entrypoint] emits an undocumented `user_entrypoint`, hence the allow.
#![allow(missing_docs)]
#![cfg_attr(not(any(test, feature = "export-abi")), no_main, no_std)]
extern crate alloc;

/// Without `std` there is no panic machinery (and no `core::fmt` pulled in by it): a panic,
/// which no input can reach, simply traps.
#[cfg(all(target_arch = "wasm32", not(any(test, feature = "export-abi"))))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};

pub mod clock;
pub mod errors;
pub mod events;
pub mod proposal;
pub mod selfcall;
#[cfg(test)]
mod tests;

use alloy_primitives::{aliases::U64, b256, Address, U256};
use stylus_sdk::{
    abi::Bytes,
    prelude::*,
    storage::{StorageAddress, StorageBool, StorageMap, StorageU256, StorageU64, StorageVec},
};

use stylus_sdk::stylus_core::calls::context::Call;

use crate::errors::*;
use crate::events::*;
use crate::proposal::{
    Phase, Proposal, STATUS_CANCELLED, STATUS_EXECUTED, STATUS_NONE, STATUS_OPEN,
};
use crate::selfcall::SelfCall;

/// Most owners the set may hold.
pub const MAX_OWNERS: usize = 16;
/// Shortest timelock delay: 1 hour.
pub const MIN_DELAY: u64 = 3_600;
/// Longest timelock delay: 30 days.
pub const MAX_DELAY: u64 = 30 * 86_400;
/// How long a proposal stays executable once its timelock has passed: 14 days.
pub const EXPIRY_WINDOW: u64 = 14 * 86_400;

/// Code hash of an account without code (keccak256 of the empty string).
const EMPTY_CODE_HASH: alloy_primitives::B256 =
    b256!("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");

/// Governance storage.
#[entrypoint]
#[storage]
pub struct Governance {
    /// Current owners (order changes on removal).
    owners: StorageVec<StorageAddress>,
    /// Membership flag of the current owners.
    is_owner: StorageMap<Address, StorageBool>,
    /// Generation of each address's latest membership (bumped on every add), so approvals
    /// given during an earlier membership never count again.
    owner_gen: StorageMap<Address, StorageU64>,
    /// Approvals needed.
    threshold: StorageU64,
    /// Timelock delay in seconds.
    delay: StorageU64,
    /// The pause-only guardian (zero = none).
    guardian: StorageAddress,
    /// Number of proposals created; ids are 1..=count.
    proposal_count: StorageU256,
    /// Proposals by id.
    proposals: StorageMap<U256, Proposal>,
    /// `approvals[id][owner]` = the owner's generation when it approved; 0 = no approval.
    approvals: StorageMap<U256, StorageMap<Address, StorageU64>>,
}

#[public]
impl Governance {
    /// Sets the owner set (1..=16 distinct non-zero addresses), the threshold
    /// (1..=owners), the delay (1 h..=30 days) and the guardian (zero = none).
    #[constructor]
    pub fn constructor(
        &mut self,
        owners: Vec<Address>,
        threshold: u8,
        delay: u64,
        guardian: Address,
    ) -> Result<(), Error> {
        if owners.is_empty() || owners.len() > MAX_OWNERS {
            return Err(Error::BadOwnerCount(GovBadOwnerCount {
                count: U256::from(owners.len()),
            }));
        }
        for owner in owners {
            self.add_owner_internal(owner)?;
        }
        self.set_threshold_internal(threshold)?;
        self.set_delay_internal(delay)?;
        self.set_guardian_internal(guardian);
        Ok(())
    }

    /// Accepts ETH that proposals may later forward; emits `Deposited`.
    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        let (from, amount) = (self.vm().msg_sender(), self.vm().msg_value());
        emit(
            self.vm(),
            &[Deposited::SIGNATURE_HASH, from.word()],
            &[amount.word()],
        );
        Ok(())
    }

    /// Creates proposal `id` to call `target` with `value` wei and `data`; counts as the
    /// proposer's approval. Owners only.
    pub fn propose(&mut self, target: Address, value: U256, data: Bytes) -> Result<U256, Error> {
        let proposer = self.only_owner()?;
        if target.is_zero() {
            return Err(Error::InvalidTarget(GovInvalidTarget { target }));
        }
        if target == self.vm().contract_address()
            && (!value.is_zero() || selfcall::decode(&data).is_none())
        {
            return Err(Error::BadSelfCall(GovBadSelfCall {
                selector: selfcall::selector_of(&data),
            }));
        }
        let id = self
            .proposal_count
            .get()
            .checked_add(U256::from(1))
            .ok_or(Error::Overflow(GovOverflow {}))?;
        self.proposal_count.set(id);
        let now = clock::now(self.vm());
        let mut p = self.proposals.setter(id);
        p.proposer.set(proposer);
        p.target.set(target);
        p.value.set(value);
        p.store_data(&data);
        p.proposed_at.set(U64::from(now));
        p.status.set(U64::from(STATUS_OPEN));
        emit_with_bytes(
            self.vm(),
            &[
                Proposed::SIGNATURE_HASH,
                id.word(),
                proposer.word(),
                target.word(),
            ],
            &[value.word()],
            Some(&data),
        );
        self.record_approval(id, proposer)?;
        Ok(id)
    }

    /// Adds the caller's approval to an open, unexpired proposal. Owners only.
    pub fn approve(&mut self, id: U256) -> Result<(), Error> {
        let owner = self.only_owner()?;
        self.require_live(id)?;
        self.record_approval(id, owner)
    }

    /// Withdraws the caller's approval; if approvals fall below the threshold, the timelock
    /// clock resets (it restarts when the threshold is reached again). Owners only.
    pub fn revoke(&mut self, id: U256) -> Result<(), Error> {
        let owner = self.only_owner()?;
        self.require_live(id)?;
        if !self.has_valid_approval(id, owner) {
            return Err(Error::NotApproved(GovNotApproved { id, owner }));
        }
        self.approvals.setter(id).setter(owner).set(U64::ZERO);
        let approvals = self.approval_count_internal(id);
        emit(
            self.vm(),
            &[Revoked::SIGNATURE_HASH, id.word(), owner.word()],
            &[approvals.word()],
        );
        if approvals < self.threshold_internal() && self.executable_at_internal(id) != 0 {
            self.proposals.setter(id).executable_at.set(U64::ZERO);
            emit(self.vm(), &[TimelockReset::SIGNATURE_HASH, id.word()], &[]);
        }
        Ok(())
    }

    /// Runs proposal `id` once approvals ≥ threshold, the delay has passed since the
    /// threshold was reached, and the execution window is open. Any owner may call it.
    /// Returns the target's return data; a reverting target reverts the whole call with
    /// `GovExecutionFailed(target, revertData)`.
    pub fn execute(&mut self, id: U256) -> Result<Bytes, Error> {
        let executor = self.only_owner()?;
        match self.phase(id)? {
            Phase::Ready => {}
            Phase::Pending => {
                return Err(Error::ThresholdNotMet(GovThresholdNotMet {
                    id,
                    approvals: U256::from(self.approval_count_internal(id)),
                    threshold: self.threshold_internal(),
                }))
            }
            Phase::Queued => {
                return Err(Error::Timelocked(GovTimelocked {
                    id,
                    executableAt: self.executable_at_internal(id),
                }))
            }
            Phase::Expired => {
                let expired_at = self
                    .executable_at_internal(id)
                    .saturating_add(EXPIRY_WINDOW);
                return Err(Error::Expired(GovExpired {
                    id,
                    expiredAt: expired_at,
                }));
            }
            Phase::Executed => return Err(Error::AlreadyExecuted(GovAlreadyExecuted { id })),
            Phase::Cancelled => return Err(Error::ProposalCancelled(GovProposalCancelled { id })),
        }
        // Effects before the interaction: the proposal is spent even if the target reenters.
        self.proposals
            .setter(id)
            .status
            .set(U64::from(STATUS_EXECUTED));
        let (target, value, data) = {
            let p = self.proposals.getter(id);
            (p.target.get(), p.value.get(), p.load_data())
        };
        let result = if target == self.vm().contract_address() {
            self.run_self_call(&data)?;
            Vec::new()
        } else {
            self.call_target(target, value, &data)?
        };
        emit(
            self.vm(),
            &[Executed::SIGNATURE_HASH, id.word(), executor.word()],
            &[],
        );
        Ok(result.into())
    }

    /// Cancels an open (not executed) proposal. Only its proposer, while still an owner.
    pub fn cancel(&mut self, id: U256) -> Result<(), Error> {
        let caller = self.only_owner()?;
        match self.phase(id)? {
            Phase::Executed => return Err(Error::AlreadyExecuted(GovAlreadyExecuted { id })),
            Phase::Cancelled => return Err(Error::ProposalCancelled(GovProposalCancelled { id })),
            _ => {}
        }
        if self.proposals.getter(id).proposer.get() != caller {
            return Err(Error::NotProposer(GovNotProposer { id, caller }));
        }
        self.proposals
            .setter(id)
            .status
            .set(U64::from(STATUS_CANCELLED));
        emit(
            self.vm(),
            &[Cancelled::SIGNATURE_HASH, id.word(), caller.word()],
            &[],
        );
        Ok(())
    }

    /// Guardian only: calls `pause()` (fixed selector, no value) on `target`, which must be
    /// a contract other than this one. Cannot unpause or move funds.
    pub fn guardian_pause(&mut self, target: Address) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        let guardian = self.guardian.get();
        if guardian.is_zero() || caller != guardian {
            return Err(Error::NotGuardian(GovNotGuardian { caller }));
        }
        if target.is_zero() || target == self.vm().contract_address() {
            return Err(Error::InvalidTarget(GovInvalidTarget { target }));
        }
        if !self.has_code(target) {
            return Err(Error::NoCode(GovNoCode { target }));
        }
        let call = Call::new();
        self.vm()
            .call(&call, target, &selfcall::pause_calldata())
            .map_err(|e| {
                Error::PauseFailed(GovPauseFailed {
                    target,
                    reason: revert_data(e).into(),
                })
            })?;
        emit(
            self.vm(),
            &[
                GuardianPaused::SIGNATURE_HASH,
                guardian.word(),
                target.word(),
            ],
            &[],
        );
        Ok(())
    }

    /// Anyone: completes a two-step ownership transfer to this contract by calling
    /// `acceptOwnership()` (fixed selector, no value) on `target`, a contract other than this
    /// one. Safe without a check of the caller: it can only accept what `target`'s owner
    /// already offered Governance (the target refuses otherwise: `GovAcceptFailed(target,
    /// reason)`), and it makes Governance take on control, never give any up. The deploy
    /// flow calls it for every contract it hands over.
    pub fn accept_ownership_of(&mut self, target: Address) -> Result<(), Error> {
        if target.is_zero() || target == self.vm().contract_address() {
            return Err(Error::InvalidTarget(GovInvalidTarget { target }));
        }
        if !self.has_code(target) {
            return Err(Error::NoCode(GovNoCode { target }));
        }
        let call = Call::new();
        self.vm()
            .call(&call, target, &selfcall::accept_ownership_calldata())
            .map_err(|e| {
                Error::AcceptFailed(GovAcceptFailed {
                    target,
                    reason: revert_data(e).into(),
                })
            })?;
        let caller = self.vm().msg_sender();
        emit(
            self.vm(),
            &[
                OwnershipAccepted::SIGNATURE_HASH,
                target.word(),
                caller.word(),
            ],
            &[],
        );
        Ok(())
    }

    /// Self-call only (through an executed proposal): adds `owner` (non-zero, not this
    /// contract, not already an owner; at most 16 owners).
    pub fn add_owner(&mut self, owner: Address) -> Result<(), Error> {
        self.only_self()?;
        self.add_owner_internal(owner)
    }

    /// Self-call only: removes `owner`; the remaining owners must still be ≥ threshold.
    pub fn remove_owner(&mut self, owner: Address) -> Result<(), Error> {
        self.only_self()?;
        self.remove_owner_internal(owner)
    }

    /// Self-call only: sets the threshold within `[1, owner count]`.
    pub fn set_threshold(&mut self, threshold: u8) -> Result<(), Error> {
        self.only_self()?;
        self.set_threshold_internal(threshold)
    }

    /// Self-call only: sets the delay within `[1 h, 30 days]`.
    pub fn set_delay(&mut self, delay: u64) -> Result<(), Error> {
        self.only_self()?;
        self.set_delay_internal(delay)
    }

    /// Self-call only: sets the guardian (zero disables it).
    pub fn set_guardian(&mut self, guardian: Address) -> Result<(), Error> {
        self.only_self()?;
        self.set_guardian_internal(guardian);
        Ok(())
    }

    /// The current owners.
    pub fn owners(&self) -> Vec<Address> {
        (0..self.owners.len())
            .filter_map(|i| self.owners.get(i))
            .collect()
    }

    /// Whether `account` is a current owner.
    pub fn is_owner(&self, account: Address) -> bool {
        self.is_owner.get(account)
    }

    /// Approvals needed to start the timelock.
    pub fn threshold(&self) -> u8 {
        self.threshold_internal()
    }

    /// Timelock delay in seconds.
    pub fn delay(&self) -> u64 {
        self.delay_internal()
    }

    /// The guardian (zero = none).
    pub fn guardian(&self) -> Address {
        self.guardian.get()
    }

    /// Number of proposals ever created (ids are 1..=count).
    pub fn proposal_count(&self) -> U256 {
        self.proposal_count.get()
    }

    /// Proposal `id` as `(proposer, target, value, data, proposedAt, executableAt, approvals,
    /// state)`: `executableAt` = time the threshold was reached + the delay in force at that
    /// moment, fixed then (0 while below the threshold; the window closes `EXPIRY_WINDOW`
    /// later); `approvals` counts
    /// current owners only; `state` is 0 Pending, 1 Queued (timelock running), 2 Ready,
    /// 3 Expired, 4 Executed, 5 Cancelled.
    #[allow(clippy::type_complexity)]
    pub fn get_proposal(
        &self,
        id: U256,
    ) -> Result<(Address, Address, U256, u64, u64, u8, u8), Error> {
        let state = self.phase(id)? as u8;
        let p = self.proposals.getter(id);
        Ok((
            p.proposer.get(),
            p.target.get(),
            p.value.get(),
            p.proposed_at.get().as_limbs()[0],
            self.executable_at_internal(id),
            self.approval_count_internal(id),
            state,
        ))
    }

    /// The calldata proposal `id` will send to its target. (Kept out of `getProposal`: SDK 0.9
    /// encodes a returned list holding a dynamic member as one tuple behind an extra offset
    /// word, which Solidity-ABI callers would misread.)
    pub fn proposal_data(&self, id: U256) -> Result<Bytes, Error> {
        self.require_exists(id)?;
        Ok(self.proposals.getter(id).load_data().into())
    }

    /// Whether `owner` is a current owner whose approval of `id` counts.
    pub fn has_approved(&self, id: U256, owner: Address) -> Result<bool, Error> {
        self.require_exists(id)?;
        Ok(self.has_valid_approval(id, owner))
    }
}

/// The callee's revert data (a raw call never fails to decode; that case maps to empty data).
fn revert_data(err: stylus_sdk::stylus_core::calls::errors::Error) -> Vec<u8> {
    match err {
        stylus_sdk::stylus_core::calls::errors::Error::Revert(data) => data,
        stylus_sdk::stylus_core::calls::errors::Error::AbiDecodingFailed(_) => Vec::new(),
    }
}

impl Governance {
    /// The caller, if it is a current owner.
    fn only_owner(&self) -> Result<Address, Error> {
        let caller = self.vm().msg_sender();
        if self.is_owner.get(caller) {
            Ok(caller)
        } else {
            Err(Error::NotOwner(GovNotOwner { caller }))
        }
    }

    /// Fails unless the caller is this contract.
    fn only_self(&self) -> Result<(), Error> {
        let caller = self.vm().msg_sender();
        if caller == self.vm().contract_address() {
            Ok(())
        } else {
            Err(Error::OnlySelf(GovOnlySelf { caller }))
        }
    }

    /// Whether `account` has code (a no-code call "succeeds" silently on Stylus).
    fn has_code(&self, account: Address) -> bool {
        let hash = self.vm().code_hash(account);
        !hash.is_zero() && hash != EMPTY_CODE_HASH
    }

    fn threshold_internal(&self) -> u8 {
        self.threshold.get().as_limbs()[0] as u8
    }

    fn delay_internal(&self) -> u64 {
        self.delay.get().as_limbs()[0]
    }

    /// The proposal's ETA, fixed when its clock started (0 while no clock runs).
    fn executable_at_internal(&self, id: U256) -> u64 {
        self.proposals.getter(id).executable_at.get().as_limbs()[0]
    }

    fn require_exists(&self, id: U256) -> Result<(), Error> {
        if self.proposals.getter(id).status.get() == U64::from(STATUS_NONE) {
            return Err(Error::UnknownProposal(GovUnknownProposal { id }));
        }
        Ok(())
    }

    /// The proposal's phase at the current block time.
    fn phase(&self, id: U256) -> Result<Phase, Error> {
        self.require_exists(id)?;
        let status = self.proposals.getter(id).status.get().as_limbs()[0] as u8;
        if status == STATUS_EXECUTED {
            return Ok(Phase::Executed);
        }
        if status == STATUS_CANCELLED {
            return Ok(Phase::Cancelled);
        }
        if self.executable_at_internal(id) == 0
            || self.approval_count_internal(id) < self.threshold_internal()
        {
            return Ok(Phase::Pending);
        }
        let now = clock::now(self.vm());
        let eta = self.executable_at_internal(id);
        Ok(if now < eta {
            Phase::Queued
        } else if now < eta.saturating_add(EXPIRY_WINDOW) {
            Phase::Ready
        } else {
            Phase::Expired
        })
    }

    /// Approve and revoke need an open proposal whose window has not closed.
    fn require_live(&self, id: U256) -> Result<(), Error> {
        match self.phase(id)? {
            Phase::Executed => Err(Error::AlreadyExecuted(GovAlreadyExecuted { id })),
            Phase::Cancelled => Err(Error::ProposalCancelled(GovProposalCancelled { id })),
            Phase::Expired => Err(Error::Expired(GovExpired {
                id,
                expiredAt: self
                    .executable_at_internal(id)
                    .saturating_add(EXPIRY_WINDOW),
            })),
            _ => Ok(()),
        }
    }

    fn has_valid_approval(&self, id: U256, owner: Address) -> bool {
        if !self.is_owner.get(owner) {
            return false;
        }
        let given = self.approvals.getter(id).get(owner);
        !given.is_zero() && given == self.owner_gen.get(owner)
    }

    /// Approvals of current owners (at most 16 reads).
    fn approval_count_internal(&self, id: U256) -> u8 {
        let mut count: u8 = 0;
        for i in 0..self.owners.len() {
            if let Some(owner) = self.owners.get(i) {
                if self.has_valid_approval(id, owner) {
                    count = count.saturating_add(1);
                }
            }
        }
        count
    }

    /// Records `owner`'s approval; starts the clock when this approval crosses the
    /// threshold from below, or when the threshold is met with no clock running.
    fn record_approval(&mut self, id: U256, owner: Address) -> Result<(), Error> {
        if self.has_valid_approval(id, owner) {
            return Err(Error::AlreadyApproved(GovAlreadyApproved { id, owner }));
        }
        let before = self.approval_count_internal(id);
        let gen = self.owner_gen.get(owner);
        self.approvals.setter(id).setter(owner).set(gen);
        let approvals = before.saturating_add(1);
        emit(
            self.vm(),
            &[Approved::SIGNATURE_HASH, id.word(), owner.word()],
            &[approvals.word()],
        );
        let threshold = self.threshold_internal();
        if approvals >= threshold && (before < threshold || self.executable_at_internal(id) == 0) {
            // The ETA is fixed now, with the delay in force now: a later `setDelay` (lower or
            // higher) never moves a proposal that is already queued.
            let now = clock::now(self.vm());
            let executable_at = now.saturating_add(self.delay_internal());
            self.proposals
                .setter(id)
                .executable_at
                .set(U64::from(executable_at));
            emit(
                self.vm(),
                &[ThresholdReached::SIGNATURE_HASH, id.word()],
                &[now.word(), executable_at.word()],
            );
        }
        Ok(())
    }

    /// Calls an external target, forwarding `value` from this contract's balance.
    fn call_target(&mut self, target: Address, value: U256, data: &[u8]) -> Result<Vec<u8>, Error> {
        let balance = self.vm().balance(self.vm().contract_address());
        if value > balance {
            return Err(Error::InsufficientBalance(GovInsufficientBalance {
                balance,
                needed: value,
            }));
        }
        if !data.is_empty() && !self.has_code(target) {
            return Err(Error::NoCode(GovNoCode { target }));
        }
        let call = Call::new().value(value);
        self.vm().call(&call, target, data).map_err(|e| {
            Error::ExecutionFailed(GovExecutionFailed {
                target,
                reason: revert_data(e).into(),
            })
        })
    }

    /// Runs a call addressed to this contract (validated again at execution).
    fn run_self_call(&mut self, data: &[u8]) -> Result<(), Error> {
        match selfcall::decode(data) {
            Some(SelfCall::AddOwner(owner)) => self.add_owner_internal(owner),
            Some(SelfCall::RemoveOwner(owner)) => self.remove_owner_internal(owner),
            Some(SelfCall::SetThreshold(t)) => self.set_threshold_internal(t),
            Some(SelfCall::SetDelay(d)) => self.set_delay_internal(d),
            Some(SelfCall::SetGuardian(g)) => {
                self.set_guardian_internal(g);
                Ok(())
            }
            None => Err(Error::BadSelfCall(GovBadSelfCall {
                selector: selfcall::selector_of(data),
            })),
        }
    }

    fn add_owner_internal(&mut self, owner: Address) -> Result<(), Error> {
        if owner.is_zero() || owner == self.vm().contract_address() {
            return Err(Error::InvalidOwner(GovInvalidOwner { owner }));
        }
        if self.is_owner.get(owner) {
            return Err(Error::DuplicateOwner(GovDuplicateOwner { owner }));
        }
        let count = self.owners.len().saturating_add(1);
        if count > MAX_OWNERS {
            return Err(Error::BadOwnerCount(GovBadOwnerCount {
                count: U256::from(count),
            }));
        }
        let gen = self
            .owner_gen
            .get(owner)
            .checked_add(U64::from(1))
            .ok_or(Error::Overflow(GovOverflow {}))?;
        self.owner_gen.insert(owner, gen);
        self.is_owner.insert(owner, true);
        self.owners.push(owner);
        emit(self.vm(), &[OwnerAdded::SIGNATURE_HASH, owner.word()], &[]);
        Ok(())
    }

    fn remove_owner_internal(&mut self, owner: Address) -> Result<(), Error> {
        if !self.is_owner.get(owner) {
            return Err(Error::UnknownOwner(GovUnknownOwner { owner }));
        }
        let len = self.owners.len();
        let remaining = len.saturating_sub(1);
        if remaining < usize::from(self.threshold_internal()) {
            return Err(Error::BadOwnerCount(GovBadOwnerCount {
                count: U256::from(remaining),
            }));
        }
        // Swap with the last entry, then pop.
        let last = self.owners.get(remaining).unwrap_or_default();
        for i in 0..len {
            if self.owners.get(i) == Some(owner) {
                if let Some(mut slot) = self.owners.setter(i) {
                    slot.set(last);
                }
                break;
            }
        }
        self.owners.pop();
        self.is_owner.insert(owner, false);
        emit(
            self.vm(),
            &[OwnerRemoved::SIGNATURE_HASH, owner.word()],
            &[],
        );
        Ok(())
    }

    fn set_threshold_internal(&mut self, threshold: u8) -> Result<(), Error> {
        if threshold == 0 || usize::from(threshold) > self.owners.len() {
            return Err(Error::BadThreshold(GovBadThreshold { threshold }));
        }
        let old = self.threshold_internal();
        self.threshold.set(U64::from(threshold));
        emit(
            self.vm(),
            &[ThresholdChanged::SIGNATURE_HASH],
            &[old.word(), threshold.word()],
        );
        Ok(())
    }

    fn set_delay_internal(&mut self, delay: u64) -> Result<(), Error> {
        if !(MIN_DELAY..=MAX_DELAY).contains(&delay) {
            return Err(Error::BadDelay(GovBadDelay { delay }));
        }
        let old = self.delay_internal();
        self.delay.set(U64::from(delay));
        emit(
            self.vm(),
            &[DelayChanged::SIGNATURE_HASH],
            &[old.word(), delay.word()],
        );
        Ok(())
    }

    fn set_guardian_internal(&mut self, guardian: Address) {
        let old = self.guardian.get();
        self.guardian.set(guardian);
        emit(
            self.vm(),
            &[GuardianChanged::SIGNATURE_HASH, old.word(), guardian.word()],
            &[],
        );
    }
}
