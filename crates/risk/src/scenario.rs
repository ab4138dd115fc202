//! Named stress scenarios, applied on top of the fitted model's paths (docs/RISK.md,
//! "Scenarios").

use serde::Serialize;

/// A window of hours `[start, start + len)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Window {
    /// First hour.
    pub start: usize,
    /// Length in hours.
    pub len: usize,
}

impl Window {
    /// Whether `hour` is inside.
    pub fn contains(&self, hour: usize) -> bool {
        hour >= self.start && hour < self.start + self.len
    }
}

/// A crash: the log floor falls linearly by `ln(1 − fraction)` over `hours`, and stays down.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Crash {
    /// First hour of the fall.
    pub start: usize,
    /// Hours the fall takes.
    pub hours: usize,
    /// Share of the price lost (0.6 = −60 %).
    pub fraction: f64,
    /// Whether every collection falls (`true`) or only the first one.
    pub all_collections: bool,
}

/// What a scenario changes in the simulated world.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Stress {
    /// A deterministic fall added to the model's paths.
    pub crash: Option<Crash>,
    /// No bidder shows up in this window (liquidity freeze).
    pub no_bids: Option<Window>,
    /// The oracle's sources stop posting in this window.
    pub oracle_down: Option<Window>,
    /// The sequencer is down in this window: no posts, no bids, no keeper; the oracle reports
    /// SequencerDown until its grace period has passed after recovery.
    pub sequencer_down: Option<Window>,
    /// Correlation of the collections' diffusion shocks.
    pub correlation: f64,
}

/// The named scenarios.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Scenario {
    /// The fitted model alone.
    Base,
    /// The first collection loses 60 % in 24 h.
    Crash60,
    /// A 30 % fall over 48 h and a week without bidders from its start.
    NoBids,
    /// The oracle's sources are silent for 24 h while the floor falls 40 %.
    OracleOutage,
    /// The sequencer is down 6 h while the floor falls 30 %.
    SequencerOutage,
    /// Every collection loses 50 % in 24 h, with correlated day-to-day moves (ρ = 0.8).
    CorrelatedCrash,
}

/// Every named scenario, in report order.
pub const ALL: [Scenario; 6] = [
    Scenario::Base,
    Scenario::Crash60,
    Scenario::NoBids,
    Scenario::OracleOutage,
    Scenario::SequencerOutage,
    Scenario::CorrelatedCrash,
];

impl Scenario {
    /// Command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Base => "base",
            Scenario::Crash60 => "crash-60",
            Scenario::NoBids => "no-bids-week",
            Scenario::OracleOutage => "oracle-outage",
            Scenario::SequencerOutage => "sequencer-outage-6h",
            Scenario::CorrelatedCrash => "correlated-crash",
        }
    }

    /// One-line description for the report.
    pub fn describe(self) -> &'static str {
        match self {
            Scenario::Base => "the fitted jump-diffusion alone",
            Scenario::Crash60 => "the floor falls 60 % within 24 h (first collection)",
            Scenario::NoBids => "30 % fall over 48 h, and no bidder for 7 days from its start",
            Scenario::OracleOutage => "oracle sources silent for 24 h while the floor falls 40 %",
            Scenario::SequencerOutage => {
                "sequencer down 6 h (no posts, keepers or bids) while the floor falls 30 %"
            }
            Scenario::CorrelatedCrash => {
                "every collection falls 50 % in 24 h; shocks correlated 0.8"
            }
        }
    }

    /// Parses a command-line name.
    pub fn parse(name: &str) -> Option<Self> {
        ALL.into_iter().find(|s| s.name() == name)
    }

    /// The stress, with the event starting at hour `at`.
    pub fn stress(self, at: usize) -> Stress {
        let crash = |fraction, hours, all| {
            Some(Crash {
                start: at,
                hours,
                fraction,
                all_collections: all,
            })
        };
        let window = |len| Some(Window { start: at, len });
        let base = Stress {
            correlation: 0.5,
            ..Stress::default()
        };
        match self {
            Scenario::Base => base,
            Scenario::Crash60 => Stress {
                crash: crash(0.6, 24, false),
                ..base
            },
            Scenario::NoBids => Stress {
                crash: crash(0.3, 48, true),
                no_bids: window(7 * 24),
                ..base
            },
            Scenario::OracleOutage => Stress {
                crash: crash(0.4, 24, true),
                oracle_down: window(24),
                ..base
            },
            Scenario::SequencerOutage => Stress {
                crash: crash(0.3, 6, true),
                sequencer_down: window(6),
                ..base
            },
            Scenario::CorrelatedCrash => Stress {
                crash: crash(0.5, 24, true),
                correlation: 0.8,
                ..base
            },
        }
    }
}

/// Applies a crash to a path of hourly floors (index = hour).
pub fn apply_crash(path: &mut [f64], crash: &Crash) {
    let total = (1.0 - crash.fraction).max(1e-9).ln();
    for (h, p) in path.iter_mut().enumerate().skip(crash.start) {
        let done = ((h - crash.start) as f64 / crash.hours.max(1) as f64).min(1.0);
        *p *= (total * done).exp();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crash_reaches_its_depth_and_stays() {
        let mut p = vec![10.0; 60];
        apply_crash(
            &mut p,
            &Crash {
                start: 10,
                hours: 24,
                fraction: 0.6,
                all_collections: true,
            },
        );
        assert_eq!(p[10], 10.0);
        assert!((p[34] - 4.0).abs() < 1e-9);
        assert!((p[59] - 4.0).abs() < 1e-9);
        assert!(p[20] < 10.0 && p[20] > 4.0);
        for s in ALL {
            assert_eq!(Scenario::parse(s.name()), Some(s));
        }
    }
}
