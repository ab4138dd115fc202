//! A per-test-thread clock shift: motsu 0.10 pins `block_timestamp` to 1 Jan 2025, so the
//! contract adds this offset to the block timestamp in unit tests (never in the wasm build).

use std::cell::Cell;

std::thread_local! {
    static OFFSET: Cell<u64> = const { Cell::new(0) };
}

/// Seconds added to the block timestamp on this test thread.
pub(crate) fn offset() -> u64 {
    OFFSET.with(Cell::get)
}

/// Moves this test thread's clock forward by `seconds`.
pub(crate) fn advance(seconds: u64) {
    OFFSET.with(|o| o.set(o.get().saturating_add(seconds)));
}

/// Puts this test thread's clock back to motsu's fixed block timestamp.
pub(crate) fn reset() {
    OFFSET.with(|o| o.set(0));
}
