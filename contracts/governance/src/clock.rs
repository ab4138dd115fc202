//! Block time. motsu 0.10 returns a constant `block_timestamp`, so unit tests add a
//! per-thread offset that they advance; contract builds read the host clock unchanged.
use stylus_sdk::prelude::Host;

/// Current block timestamp in seconds (`block.timestamp`).
pub fn now(vm: &dyn Host) -> u64 {
    let t = vm.block_timestamp();
    #[cfg(test)]
    let t = t.saturating_add(test_clock::offset());
    t
}

/// Test-only control of the clock (one offset per test thread).
#[cfg(test)]
pub mod test_clock {
    use core::cell::Cell;

    std::thread_local! {
        static OFFSET: Cell<u64> = const { Cell::new(0) };
    }

    /// Seconds added to motsu's fixed timestamp.
    pub fn offset() -> u64 {
        OFFSET.with(Cell::get)
    }

    /// Moves the clock forward by `secs`.
    pub fn advance(secs: u64) {
        OFFSET.with(|o| o.set(o.get().saturating_add(secs)));
    }
}
