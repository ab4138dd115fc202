//! The contract's notion of "now": the block timestamp.
//!
//! motsu 0.10 pins `block_timestamp` to one constant, so unit tests add a per-thread offset
//! (`advance`). The offset exists only under `cfg(test)`; deployed code reads the block
//! timestamp alone.

/// `block_timestamp` plus, in unit tests only, the test's time offset.
pub fn now(block_timestamp: u64) -> u64 {
    #[cfg(test)]
    let block_timestamp = block_timestamp.saturating_add(OFFSET.with(|o| o.get()));
    block_timestamp
}

#[cfg(test)]
std::thread_local! {
    static OFFSET: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// Test only: moves this thread's clock forward by `seconds`.
#[cfg(test)]
pub fn advance(seconds: u64) {
    OFFSET.with(|o| o.set(o.get() + seconds));
}

/// Test only: resets this thread's clock offset to zero.
#[cfg(test)]
pub fn reset() {
    OFFSET.with(|o| o.set(0));
}
