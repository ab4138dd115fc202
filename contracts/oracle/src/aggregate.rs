//! Freshness filter, quorum counts and the robust centre (lower median) of one collection's
//! source values.

use alloy_primitives::U256;
use lien_math::{lower_median, MathError};

use crate::params::MAX_SOURCES;

/// One source's value and the time it was observed (`0` price = no value).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Observation {
    /// Price in the quote currency's smallest unit; zero means "no value".
    pub price: U256,
    /// When the price was observed (seconds).
    pub time: u64,
}

/// The summary of a collection's sources at one instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Aggregate {
    /// Sources with a positive price, not from the future and at most `max_age` old.
    pub fresh: u8,
    /// Sources with a positive price, not from the future (fresh or stale).
    pub reporting: u8,
    /// Lower median of the fresh prices (zero when none).
    pub median: U256,
    /// Lowest fresh price (zero when none).
    pub min: U256,
    /// Highest fresh price (zero when none).
    pub max: U256,
}

/// Accumulates observations (at most [`MAX_SOURCES`]) and summarises them.
#[derive(Default)]
pub struct Collector {
    fresh: [U256; MAX_SOURCES],
    n_fresh: usize,
    reporting: u8,
}

impl Collector {
    /// Adds one source's observation at time `now`. A zero price, a zero or future
    /// timestamp count as no value; an old one counts as reporting but not fresh.
    pub fn push(&mut self, obs: Observation, now: u64, max_age: u64) {
        if obs.price.is_zero() || obs.time == 0 || obs.time > now {
            return;
        }
        self.reporting = self.reporting.saturating_add(1);
        if now - obs.time > max_age {
            return;
        }
        if let Some(slot) = self.fresh.get_mut(self.n_fresh) {
            *slot = obs.price;
            self.n_fresh += 1;
        }
    }

    /// The summary: counts, lower median, min and max of the fresh values.
    pub fn finish(mut self) -> Result<Aggregate, MathError> {
        let n = self.n_fresh;
        let fresh = self.fresh.get_mut(..n).ok_or(MathError::BadLength)?;
        if fresh.is_empty() {
            return Ok(Aggregate {
                reporting: self.reporting,
                ..Aggregate::default()
            });
        }
        let median = lower_median(fresh)?; // sorts `fresh` ascending
        let min = fresh.first().copied().unwrap_or_default();
        let max = fresh.last().copied().unwrap_or_default();
        Ok(Aggregate {
            fresh: n as u8,
            reporting: self.reporting,
            median,
            min,
            max,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obs(p: u64, t: u64) -> Observation {
        Observation {
            price: U256::from(p),
            time: t,
        }
    }

    #[test]
    fn filters_zero_future_and_stale() {
        let mut c = Collector::default();
        for o in [
            obs(100, 1_000),
            obs(0, 1_000),
            obs(90, 1_001),
            obs(80, 0),
            obs(70, 399),
            obs(120, 400),
        ] {
            c.push(o, 1_000, 600);
        }
        let a = c.finish().unwrap();
        assert_eq!((a.fresh, a.reporting), (2, 3));
        assert_eq!(
            (a.median, a.min, a.max),
            (U256::from(100), U256::from(100), U256::from(120))
        );
    }

    #[test]
    fn lower_median_of_even_count_and_empty() {
        let mut c = Collector::default();
        for p in [40, 10, 30, 20] {
            c.push(obs(p, 5), 5, 10);
        }
        let a = c.finish().unwrap();
        assert_eq!(
            (a.median, a.min, a.max, a.fresh),
            (U256::from(20), U256::from(10), U256::from(40), 4)
        );
        assert_eq!(Collector::default().finish().unwrap(), Aggregate::default());
    }
}
