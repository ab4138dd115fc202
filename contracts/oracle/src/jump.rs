//! The jump breaker for push reporters: a post that moves more than `max_jump_bps` against
//! the reporter's **anchor** is held back until a consistent post confirms it.
//!
//! The anchor is a time-based band: it is the reporter's accepted price at the start of the
//! current band period, and a period lasts `confirm_delay`; the first post after a period
//! ends re-bases the anchor on the accepted price then. So repeated posts (in one
//! transaction, one block or one period) cannot walk the accepted price: it stays within
//! `max_jump_bps` of the anchor, i.e. it moves at most one band per period (issue 14, M4).
//! A held-back episode is judged against its first held-back value (`episode`), so its
//! confirmed price cannot be walked either.

use alloy_primitives::U256;
use lien_math::small_div::spread_exceeds_bps;

/// What to do with one post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Take the post as the reporter's accepted value (and drop any held-back value).
    Accept,
    /// The post confirms the held-back value: it becomes the accepted value.
    Confirm,
    /// Hold the post back; `since` is when the current held-back episode started.
    Hold {
        /// Start of the held-back episode (kept across consistent posts).
        since: u64,
        /// The episode's first held-back value, which later posts are judged against.
        episode: U256,
    },
}

/// Whether `price` lies within `bps` of `reference` (`|price − reference| × 10_000 ≤
/// reference × bps`, decided exactly). A zero reference is never "within".
pub fn within(price: U256, reference: U256, bps: u16) -> bool {
    let (lo, hi) = if price < reference {
        (price, reference)
    } else {
        (reference, price)
    };
    !reference.is_zero() && spread_exceeds_bps(lo, hi, reference, bps.into()) == Ok(false)
}

/// The band's reference at `now`: the stored `anchor` while its period (`confirm_delay` from
/// `anchor_at`) lasts; after it, or without an anchor, the `accepted` price with a new period
/// starting `now`. Returns `(reference, period start)`.
pub fn reference(
    accepted: U256,
    anchor: U256,
    anchor_at: u64,
    now: u64,
    confirm_delay: u64,
) -> (U256, u64) {
    if anchor.is_zero() || now >= anchor_at.saturating_add(confirm_delay) {
        (accepted, now)
    } else {
        (anchor, anchor_at)
    }
}

/// Decides a post of `price` at `now` by a reporter whose band reference is `reference`
/// (zero = no accepted price yet; see [`reference`]) and whose held-back value is `pending`
/// (zero = none), in an episode that started at `pending_since` with the value `episode`.
///
/// 1. No reference yet, or `price` within `max_jump_bps` of it: [`Decision::Accept`].
/// 2. A held-back value exists and `price` is within `max_jump_bps` of the episode's first
///    value: [`Decision::Confirm`] once `now ≥ pending_since + confirm_delay`, else
///    [`Decision::Hold`] keeping the episode.
/// 3. Otherwise a new episode starts: [`Decision::Hold`] with `since = now`, `episode = price`.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    reference: U256,
    pending: U256,
    episode: U256,
    pending_since: u64,
    price: U256,
    now: u64,
    max_jump_bps: u16,
    confirm_delay: u64,
) -> Decision {
    if reference.is_zero() || within(price, reference, max_jump_bps) {
        return Decision::Accept;
    }
    if !pending.is_zero() && within(price, episode, max_jump_bps) {
        if now >= pending_since.saturating_add(confirm_delay) {
            return Decision::Confirm;
        }
        return Decision::Hold {
            since: pending_since,
            episode,
        };
    }
    Decision::Hold {
        since: now,
        episode: price,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(x: u64) -> U256 {
        U256::from(x)
    }

    #[test]
    fn within_is_exact_at_the_edge() {
        assert!(within(u(120), u(100), 2_000));
        assert!(!within(u(121), u(100), 2_000));
        assert!(within(u(80), u(100), 2_000));
        assert!(!within(u(79), u(100), 2_000));
        assert!(!within(u(1), U256::ZERO, 10_000));
    }

    #[test]
    fn episodes() {
        let hold = |since, e| Decision::Hold {
            since,
            episode: u(e),
        };
        let z = U256::ZERO;
        assert_eq!(decide(z, z, z, 0, u(500), 10, 2_000, 60), Decision::Accept);
        assert_eq!(
            decide(u(100), z, z, 0, u(119), 10, 2_000, 60),
            Decision::Accept
        );
        assert_eq!(
            decide(u(100), z, z, 0, u(150), 10, 2_000, 60),
            hold(10, 150)
        );
        assert_eq!(
            decide(u(100), u(150), u(150), 10, u(155), 69, 2_000, 60),
            hold(10, 150)
        );
        assert_eq!(
            decide(u(100), u(150), u(150), 10, u(155), 70, 2_000, 60),
            Decision::Confirm
        );
        assert_eq!(
            decide(u(100), u(150), u(150), 10, u(300), 70, 2_000, 60),
            hold(70, 300)
        );
        assert_eq!(
            decide(u(100), u(150), u(150), 10, u(101), 70, 2_000, 60),
            Decision::Accept
        );
        // The episode is judged against its first value, not the latest held-back one.
        assert_eq!(
            decide(u(100), u(170), u(150), 10, u(185), 70, 2_000, 60),
            hold(70, 185)
        );
    }

    #[test]
    fn the_reference_rebases_once_per_period() {
        assert_eq!(reference(u(120), u(100), 10, 69, 60), (u(100), 10));
        assert_eq!(reference(u(120), u(100), 10, 70, 60), (u(120), 70));
        assert_eq!(reference(u(120), U256::ZERO, 0, 5, 60), (u(120), 5));
        assert_eq!(reference(U256::ZERO, U256::ZERO, 0, 5, 60), (U256::ZERO, 5));
    }
}
