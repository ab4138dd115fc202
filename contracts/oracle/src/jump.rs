//! The jump breaker for push reporters: a post that moves more than `max_jump_bps` against
//! the reporter's last accepted value is held back until a consistent post confirms it.

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

/// Decides a post of `price` at `now` by a reporter whose accepted value is `accepted`
/// (zero = none yet) and whose held-back value is `pending` (zero = none) since
/// `pending_since`.
///
/// 1. No accepted value yet, or `price` within `max_jump_bps` of it: [`Decision::Accept`].
/// 2. A held-back value exists and `price` is within `max_jump_bps` of it: [`Decision::Confirm`]
///    once `now ≥ pending_since + confirm_delay`, else [`Decision::Hold`] keeping `pending_since`.
/// 3. Otherwise a new episode starts: [`Decision::Hold`] with `since = now`.
pub fn decide(
    accepted: U256,
    pending: U256,
    pending_since: u64,
    price: U256,
    now: u64,
    max_jump_bps: u16,
    confirm_delay: u64,
) -> Decision {
    if accepted.is_zero() || within(price, accepted, max_jump_bps) {
        return Decision::Accept;
    }
    if !pending.is_zero() && within(price, pending, max_jump_bps) {
        if now >= pending_since.saturating_add(confirm_delay) {
            return Decision::Confirm;
        }
        return Decision::Hold {
            since: pending_since,
        };
    }
    Decision::Hold { since: now }
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
        assert_eq!(
            decide(U256::ZERO, U256::ZERO, 0, u(500), 10, 2_000, 60),
            Decision::Accept
        );
        assert_eq!(
            decide(u(100), U256::ZERO, 0, u(119), 10, 2_000, 60),
            Decision::Accept
        );
        assert_eq!(
            decide(u(100), U256::ZERO, 0, u(150), 10, 2_000, 60),
            Decision::Hold { since: 10 }
        );
        assert_eq!(
            decide(u(100), u(150), 10, u(155), 69, 2_000, 60),
            Decision::Hold { since: 10 }
        );
        assert_eq!(
            decide(u(100), u(150), 10, u(155), 70, 2_000, 60),
            Decision::Confirm
        );
        assert_eq!(
            decide(u(100), u(150), 10, u(300), 70, 2_000, 60),
            Decision::Hold { since: 70 }
        );
        assert_eq!(
            decide(u(100), u(150), 10, u(101), 70, 2_000, 60),
            Decision::Accept
        );
    }
}
