//! The contract's notion of "now".
//!
//! On chain it is `block.timestamp`, unchanged. motsu 0.10 pins the block timestamp to a
//! constant, so unit tests add an offset they control (`warp`) to move time forward; the
//! offset exists only in `cfg(test)` builds and with the `test-clock` feature, which the
//! LoanBook's tests turn on so one `warp` moves both books' clocks.

/// `block_timestamp` as the contract sees it.
#[cfg(not(any(test, feature = "test-clock")))]
#[inline]
pub fn now(block_timestamp: u64) -> u64 {
    block_timestamp
}

/// `block_timestamp` plus the test offset set by [`warp`].
#[cfg(any(test, feature = "test-clock"))]
pub fn now(block_timestamp: u64) -> u64 {
    block_timestamp.saturating_add(OFFSET.with(|o| o.get()))
}

#[cfg(any(test, feature = "test-clock"))]
std::thread_local! {
    static OFFSET: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// Moves the test clock forward by `seconds` (each test runs on its own thread).
#[cfg(any(test, feature = "test-clock"))]
pub fn warp(seconds: u64) {
    OFFSET.with(|o| o.set(o.get() + seconds));
}
