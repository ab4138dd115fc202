//! The PriceOracle's TWAP and status, as the LoanBook sees them through `liquidationPrice`
//! (docs/contracts/oracle.md, "The pipeline, exactly").
//!
//! The simulator feeds it one aggregate (the lower median of the fresh sources; with the
//! sources reporting the floor, the floor itself) per post. Rolls, the 12-checkpoint ring
//! spaced `twapWindow / 12` apart, the choice of the start checkpoint and the rounding follow
//! the contract, with lien-math's `twap_accumulate` and `twap_average_down`.

use lien_math::{twap_accumulate, twap_average_down, MathResult, U256};

use crate::rules::OracleStatus;

/// Size of the checkpoint ring.
pub const CHECKPOINTS: usize = 12;

/// Oracle settings of one collection that the simulation uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OracleConfig {
    /// TWAP window in seconds.
    pub twap_window: u64,
    /// A source older than this is not fresh (`maxAge`).
    pub max_age: u64,
    /// The sequencer feed's grace period after recovery.
    pub sequencer_grace: u64,
}

impl Default for OracleConfig {
    /// The oracle's defaults: 24 h TWAP, 1 h max age, and Chainlink's 1 h sequencer grace.
    fn default() -> Self {
        Self {
            twap_window: 86_400,
            max_age: 3_600,
            sequencer_grace: 3_600,
        }
    }
}

/// The TWAP accumulator and checkpoint ring of one collection.
#[derive(Clone, Debug)]
pub struct Twap {
    window: u64,
    start: u64,
    time: u64,
    price: U256,
    cum: U256,
    ring: [(u64, U256); CHECKPOINTS],
    next: usize,
}

impl Twap {
    /// An empty history for a `window`-second TWAP.
    pub fn new(window: u64) -> Self {
        Self {
            window,
            start: 0,
            time: 0,
            price: U256::ZERO,
            cum: U256::ZERO,
            ring: [(0, U256::ZERO); CHECKPOINTS],
            next: 0,
        }
    }

    /// A roll at `now` with the new aggregate (`None` without quorum: the previous one stays).
    pub fn roll(&mut self, now: u64, aggregate: Option<U256>) -> MathResult<()> {
        let newest = self.ring[(self.next + CHECKPOINTS - 1) % CHECKPOINTS].0;
        if self.start == 0 {
            let Some(p) = aggregate else { return Ok(()) };
            self.start = now;
            self.time = now;
            self.price = p;
            self.cum = U256::ZERO;
        } else {
            self.cum = twap_accumulate(self.cum, self.price, now.saturating_sub(self.time))?;
            self.time = now;
            if let Some(p) = aggregate {
                self.price = p;
            }
        }
        let spacing = (self.window / CHECKPOINTS as u64).max(1);
        if newest == 0 || now.saturating_sub(newest) >= spacing {
            self.ring[self.next] = (now, self.cum);
            self.next = (self.next + 1) % CHECKPOINTS;
        }
        Ok(())
    }

    /// `(TWAP, young)` at `now`, or `None` without history.
    pub fn read(&self, now: u64) -> MathResult<Option<(U256, bool)>> {
        let target = now.saturating_sub(self.window);
        let mut best: Option<(u64, U256)> = None;
        let mut oldest: Option<(u64, U256)> = None;
        for &(t, c) in &self.ring {
            if t == 0 || t > now {
                continue;
            }
            if t <= target && best.is_none_or(|(b, _)| t > b) {
                best = Some((t, c));
            }
            if oldest.is_none_or(|(o, _)| t < o) {
                oldest = Some((t, c));
            }
        }
        let Some((cp_t, cp_cum)) = best.or(oldest) else {
            return Ok(None);
        };
        let young = now.saturating_sub(self.start) < self.window;
        let span = now - cp_t;
        if span == 0 {
            return Ok(Some((self.price, young)));
        }
        let cum_now = twap_accumulate(self.cum, self.price, now - self.time)?;
        Ok(Some((twap_average_down(cum_now, cp_cum, span)?, young)))
    }
}

/// The status `liquidationPrice` reports, for a collection whose sources all posted last at
/// `last_post` (one aggregate; no dispersion) and a sequencer that is `sequencer_up` with its
/// grace period passed.
pub fn status(
    cfg: &OracleConfig,
    last_post: Option<u64>,
    sequencer_ok: bool,
    young: Option<bool>,
    now: u64,
) -> OracleStatus {
    if !sequencer_ok {
        return OracleStatus::SequencerDown;
    }
    match last_post {
        None => return OracleStatus::NoQuorum,
        Some(t) if now.saturating_sub(t) > cfg.max_age => return OracleStatus::Stale,
        Some(_) => {}
    }
    match young {
        None => OracleStatus::NoQuorum,
        Some(true) => OracleStatus::Uncertain,
        Some(false) => OracleStatus::Ok,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(x: u64) -> U256 {
        U256::from(x)
    }

    #[test]
    fn averages_two_levels_and_turns_from_young_to_ok() {
        let mut t = Twap::new(3_600);
        assert_eq!(t.read(10).unwrap(), None);
        t.roll(1_000, Some(u(100))).unwrap();
        assert_eq!(t.read(1_000).unwrap(), Some((u(100), true)));
        t.roll(2_800, Some(u(40))).unwrap();
        // 100 for 1_800 s, then 40 for 1_800 s, from the oldest checkpoint (1_000).
        assert_eq!(t.read(4_600).unwrap(), Some((u(70), false)));
        // later: the newest checkpoint at or before now − window is 2_800.
        assert_eq!(t.read(8_000).unwrap(), Some((u(40), false)));
    }

    #[test]
    fn a_roll_without_quorum_keeps_the_price() {
        let mut t = Twap::new(600);
        t.roll(100, None).unwrap();
        assert_eq!(t.read(200).unwrap(), None);
        t.roll(200, Some(u(9))).unwrap();
        t.roll(900, None).unwrap();
        assert_eq!(t.read(1_500).unwrap(), Some((u(9), false)));
    }

    #[test]
    fn status_order() {
        let cfg = OracleConfig::default();
        assert_eq!(
            status(&cfg, Some(0), false, Some(false), 1),
            OracleStatus::SequencerDown
        );
        assert_eq!(status(&cfg, None, true, None, 1), OracleStatus::NoQuorum);
        assert_eq!(
            status(&cfg, Some(0), true, Some(false), 3_601),
            OracleStatus::Stale
        );
        assert_eq!(
            status(&cfg, Some(0), true, Some(true), 3_600),
            OracleStatus::Uncertain
        );
        assert_eq!(
            status(&cfg, Some(0), true, Some(false), 5),
            OracleStatus::Ok
        );
    }
}
