//! Proposal storage and the derived life-cycle phase.
#[allow(unused_imports)] // the SDK macros expand to code that names `vec!` and `Vec`
use alloc::{vec, vec::Vec};
use alloy_primitives::{aliases::U64, B256};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageU256, StorageU64, StorageVec},
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
    /// Length of the calldata in bytes.
    pub data_len: StorageU64,
    /// The calldata in 32-byte words, the last one zero-padded (written once, at `propose`).
    pub data: StorageVec<StorageB256>,
    /// Block time of `propose`.
    pub proposed_at: StorageU64,
    /// When the proposal becomes executable: fixed when approvals last reached the threshold
    /// (that time + the delay in force then), so a later delay change never moves it; 0 while
    /// no timelock clock runs.
    pub executable_at: StorageU64,
    /// One of the `STATUS_*` constants.
    pub status: StorageU64,
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

impl Proposal {
    /// Stores `data` as zero-padded 32-byte words (the proposal is fresh: nothing to erase).
    pub fn store_data(&mut self, data: &[u8]) {
        self.data_len.set(U64::from(data.len() as u64));
        for chunk in data.chunks(32) {
            let mut word = [0u8; 32];
            for (w, b) in word.iter_mut().zip(chunk) {
                *w = *b;
            }
            self.data.push(B256::from(word));
        }
    }

    /// The stored calldata.
    pub fn load_data(&self) -> Vec<u8> {
        let len = self.data_len.get().as_limbs()[0] as usize;
        let mut out = Vec::with_capacity(len);
        for i in 0..self.data.len() {
            if let Some(word) = self.data.get(i) {
                out.extend_from_slice(word.as_slice());
            }
        }
        out.truncate(len);
        out
    }
}
