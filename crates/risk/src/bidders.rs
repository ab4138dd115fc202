//! The bidder model: when a bid arrives in a Dutch auction.
//!
//! Each auction draws one reservation discount `D` (exponential with mean `mean_discount`,
//! capped at 95 %): a bidder pays at most `floor × (1 − D)`, with the floor of the hour. In
//! each hour of the auction a bidder is watching with probability `presence`; the bid lands
//! at the first auction step whose price is at or below the reservation value while a bidder
//! watches (docs/RISK.md, "Bidders").

use serde::Serialize;

/// Bidder parameters of a collection.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Bidders {
    /// Probability that a bidder watches the auction in a given hour.
    pub presence: f64,
    /// Mean reservation discount to the floor.
    pub mean_discount: f64,
}

impl Default for Bidders {
    /// Always watched, 10 % mean discount to the floor.
    fn default() -> Self {
        Self {
            presence: 1.0,
            mean_discount: 0.10,
        }
    }
}

impl Bidders {
    /// From the history's liquidity: with `s` sales a day, a buyer watches an hour with
    /// probability `1 − e^(−s/24)`; with no volume column, always. Thin books (fewer than 2
    /// sales a day) double the mean discount.
    pub fn from_sales(sales_per_day: Option<f64>) -> Self {
        match sales_per_day {
            None => Self::default(),
            Some(s) => Self {
                presence: 1.0 - (-s / 24.0).exp(),
                mean_discount: if s < 2.0 { 0.2 } else { 0.1 },
            },
        }
    }

    /// The discount for a uniform draw `u` in [0, 1).
    pub fn discount(&self, u: f64) -> f64 {
        (-self.mean_discount * (1.0 - u).ln()).min(0.95)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discount_has_the_stated_mean_and_cap() {
        let b = Bidders::default();
        let n = 100_000;
        let mean: f64 = (0..n)
            .map(|i| b.discount((i as f64 + 0.5) / n as f64))
            .sum::<f64>()
            / n as f64;
        assert!((mean - 0.1).abs() < 0.002, "{mean}");
        assert_eq!(b.discount(0.999_999_999), 0.95);
        let thin = Bidders::from_sales(Some(1.0));
        assert!(thin.presence > 0.04 && thin.presence < 0.05);
    }
}
