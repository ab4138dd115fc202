//! The per-invocation storage cache of a Stylus program (Nitro's `StorageCache`).

use std::collections::BTreeMap;

use revm::primitives::B256;

/// One cached slot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// Current value as the program sees it.
    pub value: B256,
    /// Value known to be in state; `None` for a write to a never-loaded slot.
    pub known: Option<B256>,
}

impl Slot {
    /// Whether a flush must write this slot.
    pub fn dirty(&self) -> bool {
        self.known != Some(self.value)
    }
}

/// Cache of loaded and written slots, with the read/write counters that price accesses.
#[derive(Clone, Debug, Default)]
pub struct StorageCache {
    slots: BTreeMap<B256, Slot>,
    reads: u32,
    writes: u32,
}

impl StorageCache {
    /// The cached slot for `key`.
    pub fn get(&self, key: &B256) -> Option<Slot> {
        self.slots.get(key).copied()
    }

    /// Records a value loaded from state.
    pub fn loaded(&mut self, key: B256, value: B256) {
        self.slots.insert(
            key,
            Slot {
                value,
                known: Some(value),
            },
        );
    }

    /// Records a write; keeps what is known about the state value.
    pub fn write(&mut self, key: B256, value: B256) {
        let known = self.slots.get(&key).and_then(|s| s.known);
        self.slots.insert(key, Slot { value, known });
    }

    /// Gas of the next read: the first 32 are free, then 2 up to 128, then 10.
    pub fn read_gas(&mut self) -> u64 {
        self.reads = self.reads.saturating_add(1);
        match self.reads {
            0..=32 => 0,
            33..=128 => 2,
            _ => 10,
        }
    }

    /// Gas of the next write: the first 8 are free, then 7 up to 64, then 10.
    pub fn write_gas(&mut self) -> u64 {
        self.writes = self.writes.saturating_add(1);
        match self.writes {
            0..=8 => 0,
            9..=64 => 7,
            _ => 10,
        }
    }

    /// Dirty slots in key order.
    pub fn dirty(&self) -> Vec<(B256, B256)> {
        self.slots
            .iter()
            .filter(|(_, s)| s.dirty())
            .map(|(k, s)| (*k, s.value))
            .collect()
    }

    /// Marks `key` as written back with `value`.
    pub fn flushed(&mut self, key: B256, value: B256) {
        self.slots.insert(
            key,
            Slot {
                value,
                known: Some(value),
            },
        );
    }

    /// Drops every slot.
    pub fn clear(&mut self) {
        self.slots.clear();
    }
}
