//! The Governance contract's events: one for every step and every state change.
use alloc::vec::Vec;
use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::sol;
use stylus_sdk::prelude::Host;

pub use alloy_sol_types::SolEvent;

/// A static ABI value as one 32-byte word (left-padded, as in topics and event data).
pub trait Word {
    /// The value's ABI word.
    fn word(self) -> B256;
}

impl Word for U256 {
    fn word(self) -> B256 {
        B256::from(self.to_be_bytes::<32>())
    }
}

impl Word for Address {
    fn word(self) -> B256 {
        self.into_word()
    }
}

impl Word for u64 {
    fn word(self) -> B256 {
        U256::from(self).word()
    }
}

impl Word for u8 {
    fn word(self) -> B256 {
        U256::from(self).word()
    }
}

/// Emits a log: `topics` = the event's `SIGNATURE_HASH` then its indexed values; `data` = its
/// other (static) values, one word each, in declaration order. Encoding by hand keeps the
/// per-event generic code of `SolEvent` out of the binary; the unit tests compare every event
/// with alloy's own encoding (`assert_emitted`).
pub fn emit(vm: &dyn Host, topics: &[B256], data: &[B256]) {
    emit_with_bytes(vm, topics, data, None);
}

/// As [`emit`], with one trailing dynamic `bytes` value after the static `head` words.
pub fn emit_with_bytes(vm: &dyn Host, topics: &[B256], head: &[B256], tail: Option<&[u8]>) {
    let tail_len = tail.map_or(0, |t| t.len().saturating_add(64));
    let mut bytes = Vec::with_capacity(head.len().saturating_mul(32).saturating_add(tail_len));
    for word in head {
        bytes.extend_from_slice(word.as_slice());
    }
    if let Some(tail) = tail {
        // Offset of the tail from the start of the data: the head words plus this offset word.
        let offset = (head.len() as u64).saturating_add(1).saturating_mul(32);
        bytes.extend_from_slice(offset.word().as_slice());
        bytes.extend_from_slice((tail.len() as u64).word().as_slice());
        bytes.extend_from_slice(tail);
        // Zero-pad the tail to a whole number of words (`% 32` keeps both operands below 32).
        let padding = (32 - tail.len() % 32) % 32;
        bytes.resize(bytes.len().saturating_add(padding), 0);
    }
    // Fails only for more than four topics, which no event here has.
    let _ = vm.raw_log(topics, &bytes);
}

sol! {
    /// A proposal was created; the proposer's approval is counted at once (see `Approved`).
    #[derive(Debug)]
    event Proposed(uint256 indexed id, address indexed proposer, address indexed target, uint256 value, bytes data);
    /// An owner approved; `approvals` counts current owners' approvals after this one.
    #[derive(Debug)]
    event Approved(uint256 indexed id, address indexed owner, uint256 approvals);
    /// An owner withdrew its approval; `approvals` is the count after the revoke.
    #[derive(Debug)]
    event Revoked(uint256 indexed id, address indexed owner, uint256 approvals);
    /// Approvals reached the threshold at `reachedAt`; the timelock runs until `executableAt`
    /// (computed with the delay in force now and fixed: a later delay change does not move it).
    #[derive(Debug)]
    event ThresholdReached(uint256 indexed id, uint64 reachedAt, uint64 executableAt);
    /// A revoke dropped approvals below the threshold: the timelock clock was reset.
    #[derive(Debug)]
    event TimelockReset(uint256 indexed id);
    /// The proposal's call ran successfully.
    #[derive(Debug)]
    event Executed(uint256 indexed id, address indexed executor);
    /// The proposer cancelled the proposal.
    #[derive(Debug)]
    event Cancelled(uint256 indexed id, address indexed by);
    /// An owner joined the owner set.
    #[derive(Debug)]
    event OwnerAdded(address indexed owner);
    /// An owner left the owner set.
    #[derive(Debug)]
    event OwnerRemoved(address indexed owner);
    /// The approval threshold changed.
    #[derive(Debug)]
    event ThresholdChanged(uint8 oldThreshold, uint8 newThreshold);
    /// The timelock delay changed.
    #[derive(Debug)]
    event DelayChanged(uint64 oldDelay, uint64 newDelay);
    /// The guardian changed (zero = no guardian).
    #[derive(Debug)]
    event GuardianChanged(address indexed oldGuardian, address indexed newGuardian);
    /// The guardian called `pause()` on `target`.
    #[derive(Debug)]
    event GuardianPaused(address indexed guardian, address indexed target);
    /// Governance accepted the ownership `target` offered it (two-step transfer).
    #[derive(Debug)]
    event OwnershipAccepted(address indexed target, address indexed caller);
    /// ETH was sent to the contract (to fund proposals that forward value).
    #[derive(Debug)]
    event Deposited(address indexed from, uint256 amount);
}
