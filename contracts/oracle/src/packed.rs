//! Storage words: small fields packed into the four 64-bit limbs of one `U256` slot.
//!
//! One storage type (`StorageU256`) instead of many small ones keeps the contract small and
//! makes every record one slot read. Each layout is `[limb0, limb1, limb2, limb3]`.

use alloy_primitives::U256;

use crate::params::Params;

fn word(limbs: [u64; 4]) -> U256 {
    U256::from_limbs(limbs)
}

fn limbs(w: U256) -> [u64; 4] {
    *w.as_limbs()
}

/// Flag in limb 3 of the parameter word: the collection has been configured.
const CONFIGURED: u64 = 1 << 48;

/// Parameters: `[max_age, confirm_delay, twap_window, min_sources | decimals << 8 |
/// max_jump_bps << 16 | max_spread_bps << 32 | configured << 48]`.
pub fn pack_params(p: &Params) -> U256 {
    let small = u64::from(p.min_sources)
        | u64::from(p.decimals) << 8
        | u64::from(p.max_jump_bps) << 16
        | u64::from(p.max_spread_bps) << 32
        | CONFIGURED;
    word([p.max_age, p.confirm_delay, p.twap_window, small])
}

/// The external `setParams` word of `p`: the storage layout without the configured flag.
pub fn params_word(p: &Params) -> U256 {
    let [a, b, c, d] = limbs(pack_params(p));
    word([a, b, c, d & !CONFIGURED])
}

/// The parameters in an external `setParams` word; `None` if bits 240–255 are not zero.
pub fn params_from_word(w: U256) -> Option<Params> {
    let [a, b, c, d] = limbs(w);
    if d >> 48 != 0 {
        return None;
    }
    unpack_params(word([a, b, c, d | CONFIGURED]))
}

/// The parameters in a word, or `None` when the collection was never configured.
pub fn unpack_params(w: U256) -> Option<Params> {
    let [max_age, confirm_delay, twap_window, small] = limbs(w);
    if small & CONFIGURED == 0 {
        return None;
    }
    Some(Params {
        min_sources: small as u8,
        decimals: (small >> 8) as u8,
        max_jump_bps: (small >> 16) as u16,
        max_spread_bps: (small >> 32) as u16,
        max_age,
        confirm_delay,
        twap_window,
    })
}

/// Two values below 2^128 in one word: `lo` in limbs 0–1, `hi` in limbs 2–3 (a reporter's
/// `price` slot holds `accepted | anchor`, its `pending` slot `pending | episode`). The callers
/// only store prices ≤ [`crate::scale::MAX_PRICE`], so nothing is cut off.
pub fn pack_pair(lo: U256, hi: U256) -> U256 {
    let [a, b, _, _] = limbs(lo);
    let [c, d, _, _] = limbs(hi);
    word([a, b, c, d])
}

/// `(lo, hi)` from a [`pack_pair`] word.
pub fn unpack_pair(w: U256) -> (U256, U256) {
    let [a, b, c, d] = limbs(w);
    (word([a, b, 0, 0]), word([c, d, 0, 0]))
}

/// A source's small fields: `[updated_at, pending_since, pending_at, kind | feed_decimals << 8
/// | anchor_at << 16]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SourceMeta {
    /// When the accepted price was posted (reporters).
    pub updated_at: u64,
    /// Start of the current held-back episode (reporters).
    pub pending_since: u64,
    /// When the held-back price was last posted (reporters).
    pub pending_at: u64,
    /// `kind::REPORTER`, `kind::FEED` or zero.
    pub kind: u8,
    /// A feed's `decimals()`.
    pub feed_decimals: u8,
    /// Start of the reporter's current band period (when its anchor was set; 48 bits).
    pub anchor_at: u64,
}

impl SourceMeta {
    /// The storage word.
    pub fn pack(&self) -> U256 {
        word([
            self.updated_at,
            self.pending_since,
            self.pending_at,
            u64::from(self.kind) | u64::from(self.feed_decimals) << 8 | self.anchor_at << 16,
        ])
    }

    /// From a storage word.
    pub fn unpack(w: U256) -> Self {
        let [updated_at, pending_since, pending_at, small] = limbs(w);
        Self {
            updated_at,
            pending_since,
            pending_at,
            kind: small as u8,
            feed_decimals: (small >> 8) as u8,
            anchor_at: small >> 16,
        }
    }
}

/// The TWAP's small fields: `[start, time, next checkpoint slot, 0]`.
pub fn pack_twap(start: u64, time: u64, next: u64) -> U256 {
    word([start, time, next, 0])
}

/// `(start, time, next)` from a TWAP word.
pub fn unpack_twap(w: U256) -> (u64, u64, u64) {
    let [start, time, next, _] = limbs(w);
    (start, time, next)
}

/// A checkpoint `[time, cum limb 0, cum limb 1, cum limb 2]`; `None` if `cum` needs more than
/// 192 bits (unreachable: prices ≤ 2^128 for less than 2^64 seconds).
pub fn pack_checkpoint(time: u64, cum: U256) -> Option<U256> {
    let [c0, c1, c2, c3] = limbs(cum);
    (c3 == 0).then(|| word([time, c0, c1, c2]))
}

/// `(time, cum)` from a checkpoint word.
pub fn unpack_checkpoint(w: U256) -> (u64, U256) {
    let [time, c0, c1, c2] = limbs(w);
    (time, word([c0, c1, c2, 0]))
}

/// A multiplier `[bps, expires_at, changed_at, 0]` (`changed_at`: when it was last set).
pub fn pack_multiplier(bps: u32, expires_at: u64, changed_at: u64) -> U256 {
    word([u64::from(bps), expires_at, changed_at, 0])
}

/// When the multiplier in a word was last set (0 = never).
pub fn multiplier_changed_at(w: U256) -> u64 {
    limbs(w)[2]
}

/// `(bps, expires_at)` from a multiplier word.
pub fn unpack_multiplier(w: U256) -> (u32, u64) {
    let [bps, expires_at, _, _] = limbs(w);
    (bps as u32, expires_at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::DEFAULT;

    #[test]
    fn round_trips() {
        assert_eq!(unpack_params(U256::ZERO), None);
        assert_eq!(unpack_params(pack_params(&DEFAULT)), Some(DEFAULT));
        let edge = Params {
            min_sources: 10,
            max_age: u64::MAX,
            max_jump_bps: u16::MAX,
            confirm_delay: 1,
            max_spread_bps: u16::MAX,
            twap_window: 7,
            decimals: 36,
        };
        assert_eq!(unpack_params(pack_params(&edge)), Some(edge));
        let m = SourceMeta {
            updated_at: 1,
            pending_since: u64::MAX,
            pending_at: 3,
            kind: 2,
            feed_decimals: 255,
            anchor_at: (1 << 48) - 1,
        };
        assert_eq!(SourceMeta::unpack(m.pack()), m);
        assert_eq!(unpack_twap(pack_twap(5, 6, 11)), (5, 6, 11));
        let cum = (U256::from(1u64) << 191) + U256::from(9u64);
        assert_eq!(
            pack_checkpoint(4, cum).map(unpack_checkpoint),
            Some((4, cum))
        );
        assert_eq!(pack_checkpoint(4, U256::from(1u64) << 192), None);
        let m = pack_multiplier(20_000, 99, 7);
        assert_eq!(
            (unpack_multiplier(m), multiplier_changed_at(m)),
            ((20_000, 99), 7)
        );
        let (lo, hi) = (U256::from(u128::MAX), U256::from(5u64) << 64);
        assert_eq!(unpack_pair(pack_pair(lo, hi)), (lo, hi));
        assert_eq!(params_from_word(params_word(&edge)), Some(edge));
        assert_eq!(
            params_from_word(params_word(&DEFAULT) | (U256::from(1u64) << 240)),
            None
        );
        // The documented bit positions.
        let w = params_word(&DEFAULT);
        assert_eq!(w & U256::from(u64::MAX), U256::from(DEFAULT.max_age));
        assert_eq!(
            (w >> 64) & U256::from(u64::MAX),
            U256::from(DEFAULT.confirm_delay)
        );
        assert_eq!(
            (w >> 128) & U256::from(u64::MAX),
            U256::from(DEFAULT.twap_window)
        );
        assert_eq!(
            (w >> 192) & U256::from(0xffu64),
            U256::from(DEFAULT.min_sources)
        );
        assert_eq!(
            (w >> 200) & U256::from(0xffu64),
            U256::from(DEFAULT.decimals)
        );
        assert_eq!(
            (w >> 208) & U256::from(0xffffu64),
            U256::from(DEFAULT.max_jump_bps)
        );
        assert_eq!(w >> 224, U256::from(DEFAULT.max_spread_bps));
    }
}
