//! The price model: a jump-diffusion with double-exponential (Kou) jumps in the log floor
//! price, simulated in hourly steps (docs/RISK.md, "Price model").
//!
//! `d ln S = (μ − σ²/2) dt + σ dW + dJ`, with `J` compound Poisson of intensity `λ` and jump
//! sizes `Y`: with probability `p` up, `Y ~ Exp(mean m_up)`, else down, `−Y ~ Exp(mean m_down)`.
//! Time is in days. Floats are used here only: money is turned into integers where the
//! simulated oracle posts a price.

use rand::Rng;
use rand_distr::{Distribution, Exp, Poisson, StandardNormal};
use serde::{Deserialize, Serialize};

/// Parameters of the jump-diffusion (per day).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct JumpDiffusion {
    /// Drift of the log price per day (μ − σ²/2 is the drift of ln S without jumps).
    pub mu: f64,
    /// Diffusion volatility per √day.
    pub sigma: f64,
    /// Jumps per day.
    pub lambda: f64,
    /// Probability a jump is up.
    pub p_up: f64,
    /// Mean size of an up jump in log price.
    pub mean_up: f64,
    /// Mean size of a down jump in log price (a positive number).
    pub mean_down: f64,
}

impl JumpDiffusion {
    /// `E[e^Y − 1]`: the mean relative move of one jump (needs `mean_up < 1`).
    pub fn jump_mean_rel(&self) -> f64 {
        let up = self.p_up / (1.0 - self.mean_up);
        let down = (1.0 - self.p_up) / (1.0 + self.mean_down);
        up + down - 1.0
    }

    /// The same model with the drift that makes the floor price a martingale
    /// (`E[S_t] = S_0`): the simulator credits no trend to the collateral.
    pub fn martingale(&self) -> Self {
        Self {
            mu: -self.lambda * self.jump_mean_rel(),
            ..*self
        }
    }

    /// Annualised total volatility of the log price (diffusion plus jumps).
    pub fn annual_vol(&self) -> f64 {
        let jump_var = self.p_up * 2.0 * self.mean_up * self.mean_up
            + (1.0 - self.p_up) * 2.0 * self.mean_down * self.mean_down;
        ((self.sigma * self.sigma + self.lambda * jump_var) * 365.0).sqrt()
    }

    /// One log-return over `dt` days, with the diffusion shock `z` (standard normal) given so
    /// several collections can share a common factor.
    pub fn step<R: Rng + ?Sized>(&self, rng: &mut R, dt: f64, z: f64) -> f64 {
        let mut r = (self.mu - 0.5 * self.sigma * self.sigma) * dt + self.sigma * dt.sqrt() * z;
        let expected = self.lambda * dt;
        if expected > 0.0 {
            let n = if expected < 1e-3 {
                // Poisson with a tiny mean: at most one jump, exact to O(λ²dt²).
                u64::from(rng.random::<f64>() < expected)
            } else {
                Poisson::new(expected).map_or(0, |d| d.sample(rng) as u64)
            };
            for _ in 0..n {
                r += self.jump(rng);
            }
        }
        r
    }

    /// One jump size in log price.
    pub fn jump<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let up = rng.random::<f64>() < self.p_up;
        let mean = if up { self.mean_up } else { self.mean_down };
        let size = Exp::new(1.0 / mean.max(1e-12)).map_or(0.0, |d| d.sample(rng));
        if up {
            size
        } else {
            -size
        }
    }

    /// A path of `hours + 1` prices starting at `s0`, hourly.
    pub fn path<R: Rng + ?Sized>(&self, rng: &mut R, s0: f64, hours: usize) -> Vec<f64> {
        let dt = 1.0 / 24.0;
        let mut out = Vec::with_capacity(hours + 1);
        let mut ln = s0.ln();
        out.push(s0);
        for _ in 0..hours {
            let z: f64 = StandardNormal.sample(rng);
            ln += self.step(rng, dt, z);
            out.push(ln.exp());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn martingale_drift_keeps_the_mean_price() {
        let m = JumpDiffusion {
            mu: 0.0,
            sigma: 0.04,
            lambda: 0.2,
            p_up: 0.3,
            mean_up: 0.05,
            mean_down: 0.08,
        }
        .martingale();
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 1_500;
        let mean: f64 = (0..n)
            .map(|_| *m.path(&mut rng, 1.0, 24 * 30).last().unwrap())
            .sum::<f64>()
            / n as f64;
        assert!((mean - 1.0).abs() < 0.04, "mean after 30 days {mean}");
    }
}
