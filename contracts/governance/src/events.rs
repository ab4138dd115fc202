//! The Governance contract's events: one for every step and every state change.
use alloc::vec::Vec;
use alloy_sol_types::{abi::token::WordToken, sol, SolEvent, TopicList};
use stylus_sdk::prelude::Host;

/// Emits `event` (its topics, then its ABI-encoded data). Unlike the SDK's `log`, it has no
/// panicking path: topic encoding only fails for a buffer under four topics, which cannot
/// happen here.
pub fn emit<E: SolEvent>(vm: &dyn Host, event: E) {
    let mut topics = [WordToken::default(); 4];
    if event.encode_topics_raw(&mut topics).is_err() {
        return;
    }
    emit_raw(vm, &topics, E::TopicList::COUNT, &event.encode_data());
}

/// The non-generic half of [`emit`]: concatenates the first `count` topics and the data.
#[inline(never)]
fn emit_raw(vm: &dyn Host, topics: &[WordToken; 4], count: usize, data: &[u8]) {
    let mut bytes = Vec::with_capacity(32 * count + data.len());
    for topic in topics.iter().take(count) {
        bytes.extend_from_slice(topic.as_slice());
    }
    bytes.extend_from_slice(data);
    vm.emit_log(&bytes, count);
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
    /// (computed with the delay in force now; a later delay change moves it).
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
    /// ETH was sent to the contract (to fund proposals that forward value).
    #[derive(Debug)]
    event Deposited(address indexed from, uint256 amount);
}
