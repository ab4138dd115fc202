//! Proposal storage and the derived life-cycle phase.
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageBytes, StorageU256, StorageU64, StorageU8},
};

/// Stored status: no proposal under this id.
pub const STATUS_NONE: u8 = 0;
/// Stored status: created, neither executed nor cancelled.
pub const STATUS_OPEN: u8 = 1;
/// Stored status: executed.
pub const STATUS_EXECUTED: u8 = 2;
/// Stored status: cancelled.
pub const STATUS_CANCELLED: u8 = 3;

/// One proposal: a call `(target, value, data)` and its timelock clock.
#[storage]
pub struct Proposal {
    /// The owner who proposed it.
    pub proposer: StorageAddress,
    /// The address called on execution.
    pub target: StorageAddress,
    /// Wei forwarded with the call.
    pub value: StorageU256,
    /// The calldata.
    pub data: StorageBytes,
    /// Block time of `propose`.
    pub proposed_at: StorageU64,
    /// Block time at which approvals last reached the threshold; 0 while below it.
    pub reached_at: StorageU64,
    /// One of the `STATUS_*` constants.
    pub status: StorageU8,
}

/// The phase of a proposal as seen by `proposalState` (its `uint8` value in brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    /// [0] Open, approvals of current owners below the threshold (or the clock not started).
    Pending = 0,
    /// [1] Threshold reached, timelock running.
    Queued = 1,
    /// [2] Executable now.
    Ready = 2,
    /// [3] The execution window has closed.
    Expired = 3,
    /// [4] Executed.
    Executed = 4,
    /// [5] Cancelled.
    Cancelled = 5,
}
