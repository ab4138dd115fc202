//! Reading the TWAP from the accumulator and its ring of checkpoints.
//!
//! The accumulator holds `cum` (Σ price × seconds) up to `time`, and `price`, the aggregate
//! that has held since `time`. Checkpoints `(t, cum_t)` are written at most once per
//! `window / CHECKPOINTS` seconds, so a burst of posts cannot evict history.

use alloy_primitives::U256;
use lien_math::{small_div::twap_average_down_small, twap_accumulate, MathError};

/// Size of the checkpoint ring.
pub const CHECKPOINTS: usize = 12;

/// The accumulator of one collection.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accumulator {
    /// First accepted aggregate's time; zero = no history.
    pub start: u64,
    /// Time of the last roll.
    pub time: u64,
    /// Aggregate price in force since `time`.
    pub price: U256,
    /// Σ price × seconds up to `time`.
    pub cum: U256,
}

/// Which checkpoint the average starts from — the newest one at or before `now − window`, or,
/// when none is that old, the oldest one; `None` when the ring is empty — reading about
/// log2(CHECKPOINTS) + 1 slots instead of all of them (each a cold storage read at 2,100 gas).
/// Checkpoints are written in ring order at increasing times (at most one per
/// `window / CHECKPOINTS` seconds, never after `now`), the next one at slot `next`; so in the
/// logical order `k ↦ (next + k) % CHECKPOINTS` the empty slots (time 0) come first and the
/// times then increase, and two binary searches over `time_at(slot)` find the answer.
/// [`pick_checkpoint`] is the plain scan it is tested against.
pub fn pick_checkpoint_in_ring(
    next: usize,
    now: u64,
    window: u64,
    time_at: impl Fn(usize) -> u64,
) -> Option<usize> {
    let target = now.saturating_sub(window);
    let slot = |k: usize| (next + k) % CHECKPOINTS;
    // `old` = how many logical slots have a time ≤ target (the empty ones count: time 0).
    let (mut old, mut hi) = (0usize, CHECKPOINTS);
    while old < hi {
        let mid = (old + hi) / 2;
        if time_at(slot(mid)) <= target {
            old = mid + 1;
        } else {
            hi = mid;
        }
    }
    if old > 0 && time_at(slot(old - 1)) != 0 {
        return Some(slot(old - 1)); // the newest old enough
    }
    // Nothing old enough: slots before `old` are empty, the first after it is the oldest.
    (old < CHECKPOINTS).then(|| slot(old))
}

/// Which checkpoint the average starts from: the newest one at or before `now − window`,
/// or, when none is that old, the oldest one (times of zero are empty slots). `None` when
/// the ring is empty. The reference scan of [`pick_checkpoint_in_ring`].
#[cfg(test)]
pub fn pick_checkpoint(times: &[u64; CHECKPOINTS], now: u64, window: u64) -> Option<usize> {
    let target = now.saturating_sub(window);
    let mut best: Option<(usize, u64)> = None;
    let mut oldest: Option<(usize, u64)> = None;
    for (i, &t) in times.iter().enumerate() {
        if t == 0 || t > now {
            continue;
        }
        if t <= target && best.is_none_or(|(_, b)| t > b) {
            best = Some((i, t));
        }
        if oldest.is_none_or(|(_, o)| t < o) {
            oldest = Some((i, t));
        }
    }
    best.or(oldest).map(|(i, _)| i)
}

/// The average price from a checkpoint `(cp_time, cp_cum)` to `now`, rounded down; the
/// current aggregate when no time has passed since the checkpoint.
pub fn average_since(
    acc: &Accumulator,
    cp_time: u64,
    cp_cum: U256,
    now: u64,
) -> Result<U256, MathError> {
    let since_roll = now.checked_sub(acc.time).ok_or(MathError::Underflow)?;
    let cum_now = twap_accumulate(acc.cum, acc.price, since_roll)?;
    let span = now.checked_sub(cp_time).ok_or(MathError::Underflow)?;
    if span == 0 {
        return Ok(acc.price);
    }
    twap_average_down_small(cum_now, cp_cum, span)
}

/// Whether a new checkpoint is due: at least `max(window / CHECKPOINTS, 1)` seconds after
/// the newest one.
pub fn checkpoint_due(newest: u64, now: u64, window: u64) -> bool {
    let spacing = (window / CHECKPOINTS as u64).max(1);
    now.saturating_sub(newest) >= spacing
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_newest_old_enough_else_oldest() {
        let mut t = [0u64; CHECKPOINTS];
        assert_eq!(pick_checkpoint(&t, 100, 50), None);
        t[0] = 10;
        t[1] = 40;
        t[2] = 70;
        assert_eq!(pick_checkpoint(&t, 100, 50), Some(1));
        assert_eq!(pick_checkpoint(&t, 100, 95), Some(0));
        assert_eq!(pick_checkpoint(&t, 100, 30), Some(2));
    }

    /// Every ring the oracle can write — any first slot, 0 to 30 checkpoints (so empty, partly
    /// filled and wrapped rings), uneven spacing — against every target position: the binary
    /// search picks exactly what the full scan picks.
    #[test]
    fn the_ring_search_picks_what_the_scan_picks() {
        for first in 0..CHECKPOINTS {
            for written in 0..=30usize {
                let mut t = [0u64; CHECKPOINTS];
                let mut time = 1_000u64;
                for i in 0..written {
                    time += 7 + (i as u64 % 5) * 3;
                    t[(first + i) % CHECKPOINTS] = time;
                }
                let next = (first + written) % CHECKPOINTS;
                let newest = time;
                for now in [newest, newest + 1, newest + 50, newest + 10_000] {
                    for window in [0, 1, 5, 9, 20, 40, 77, 150, 400, 2_000, u64::MAX] {
                        assert_eq!(
                            pick_checkpoint_in_ring(next, now, window, |i| t[i]),
                            pick_checkpoint(&t, now, window),
                            "first {first}, written {written}, now {now}, window {window}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn averages_levels_over_time() {
        // 100 from t=0 to 60, then 40 from t=60.
        let acc = Accumulator {
            start: 1,
            time: 60,
            price: U256::from(40),
            cum: U256::from(6_000),
        };
        assert_eq!(average_since(&acc, 0, U256::ZERO, 90), Ok(U256::from(80)));
        assert_eq!(average_since(&acc, 90, U256::ZERO, 90), Ok(U256::from(40)));
        assert_eq!(
            average_since(&acc, 0, U256::ZERO, 59),
            Err(MathError::Underflow)
        );
    }

    #[test]
    fn matches_the_math_crate_average() {
        let acc = Accumulator {
            start: 1,
            time: 50,
            price: U256::from(7),
            cum: U256::from(12_345),
        };
        let cum_now = twap_accumulate(acc.cum, acc.price, 77).unwrap();
        assert_eq!(
            average_since(&acc, 3, U256::from(99), 127),
            lien_math::twap_average_down(cum_now, U256::from(99), 124)
        );
    }

    #[test]
    fn spacing() {
        assert!(!checkpoint_due(1_000, 1_000 + 7_199, 86_400));
        assert!(checkpoint_due(1_000, 1_000 + 7_200, 86_400));
        assert!(checkpoint_due(5, 6, 1));
    }
}
