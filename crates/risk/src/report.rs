//! The analysis a `lien risk` run performs, and its Markdown / HTML report.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::bidders::Bidders;
use crate::charts;
use crate::estimate::Fit;
use crate::metrics::{summarise, summarise_paths, Summary};
use crate::oracle::OracleConfig;
use crate::params::{CollectionParams, ProtocolParams};
use crate::recommend::{search, Recommendation};
use crate::scenario::Scenario;
use crate::sim::{self, Collection, SamplePath, Setup};

/// Hour at which every scenario's event starts (day 120 of the year).
pub const STRESS_HOUR: usize = 120 * 24;

/// What to analyse.
#[derive(Clone, Debug)]
pub struct Input {
    /// Collections: name and fitted model.
    pub collections: Vec<(String, Fit)>,
    /// The parameters under test (the deployment's, or the design defaults).
    pub params: CollectionParams,
    /// Where `params` came from, for the report.
    pub params_source: String,
    /// Protocol parameters.
    pub protocol: ProtocolParams,
    /// Oracle settings.
    pub oracle: OracleConfig,
    /// Loans in the book.
    pub loans: usize,
    /// Paths per scenario.
    pub paths: usize,
    /// Loans and paths of each candidate in the recommendation search.
    pub search_loans: usize,
    /// Paths of each candidate in the search.
    pub search_paths: usize,
    /// Seed.
    pub seed: u64,
    /// Starting reserve in whole units.
    pub reserve0: f64,
    /// Largest acceptable per-loan probability of bad debt.
    pub target: f64,
    /// Threshold above the LTV in the search.
    pub gap_bps: u16,
    /// Scenarios to run.
    pub scenarios: Vec<Scenario>,
    /// The scenario the recommendation must survive.
    pub design_scenario: Scenario,
}

/// One scenario's figures.
#[derive(Clone, Debug, Serialize)]
pub struct ScenarioResult {
    /// Its name.
    pub scenario: &'static str,
    /// What it does.
    pub description: &'static str,
    /// Figures under the tested parameters.
    pub summary: Summary,
    /// The same figures for each collection's loans (same order as the report's collections).
    pub per_collection: Vec<Summary>,
}

/// Everything the report shows (also written as JSON for `lien risk propose`).
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Collections and their fits.
    pub collections: Vec<(String, Fit)>,
    /// Tested parameters.
    pub params: CollectionParams,
    /// Their source.
    pub params_source: String,
    /// Loans, paths, seed.
    pub loans: usize,
    /// Paths per scenario.
    pub paths: usize,
    /// Seed.
    pub seed: u64,
    /// Starting reserve.
    pub reserve0: f64,
    /// Per-scenario figures.
    pub scenarios: Vec<ScenarioResult>,
    /// The recommendation.
    pub recommendation: Recommendation,
    /// The scenario it was designed against.
    pub design_scenario: &'static str,
    /// Sample path of the design scenario.
    #[serde(skip)]
    pub sample: SamplePath,
    /// Per-path loss (% of principal) of the design scenario.
    #[serde(skip)]
    pub losses_pct: Vec<f64>,
}

fn setup(
    input: &Input,
    params: CollectionParams,
    scenario: Scenario,
    loans: usize,
    paths: usize,
) -> Setup {
    Setup {
        collections: input
            .collections
            .iter()
            .map(|(name, fit)| Collection {
                name: name.clone(),
                model: fit.model.martingale(),
                s0: fit.last_floor,
                bidders: Bidders::from_sales(fit.sales_per_day),
                params,
            })
            .collect(),
        protocol: input.protocol,
        oracle: input.oracle,
        loans,
        paths,
        horizon_hours: sim::YEAR_HOURS,
        reserve0: input.reserve0,
        seed: input.seed,
        stress: scenario.stress(STRESS_HOUR),
    }
}

/// Runs every scenario under the tested parameters and searches the recommendation.
pub fn analyse(input: &Input) -> Report {
    let mut scenarios = Vec::new();
    let mut sample = SamplePath::default();
    let mut losses_pct = Vec::new();
    for &sc in &input.scenarios {
        let run = sim::run(&setup(input, input.params, sc, input.loans, input.paths));
        if sc == input.design_scenario {
            sample = run.sample.clone();
            losses_pct = run
                .paths
                .iter()
                .map(|p| {
                    if p.principal > 0.0 {
                        100.0 * p.bad_debt / p.principal
                    } else {
                        0.0
                    }
                })
                .collect();
        }
        scenarios.push(ScenarioResult {
            scenario: sc.name(),
            description: sc.describe(),
            summary: summarise(&run, input.reserve0, 365.0),
            per_collection: run
                .per_collection
                .iter()
                .map(|p| summarise_paths(p, input.reserve0, 365.0))
                .collect(),
        });
    }
    let search_setup = setup(
        input,
        input.params,
        input.design_scenario,
        input.search_loans,
        input.search_paths,
    );
    let recommendation = search(&search_setup, input.params, input.target, input.gap_bps);
    Report {
        collections: input.collections.clone(),
        params: input.params,
        params_source: input.params_source.clone(),
        loans: input.loans,
        paths: input.paths,
        seed: input.seed,
        reserve0: input.reserve0,
        scenarios,
        recommendation,
        design_scenario: input.design_scenario.name(),
        sample,
        losses_pct,
    }
}

fn pct(x: f64) -> String {
    format!("{:.3} %", 100.0 * x)
}

fn days(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.0} days")
    } else {
        "no expected loss".into()
    }
}

fn params_rows(out: &mut String, tested: &CollectionParams, rec: &CollectionParams, source: &str) {
    let _ = writeln!(out, "| parameter | {source} | recommended |\n|---|---|---|");
    let rows: [(&str, u64, u64); 7] = [
        (
            "max LTV (bps)",
            tested.max_ltv_bps.into(),
            rec.max_ltv_bps.into(),
        ),
        (
            "liquidation threshold (bps)",
            tested.liq_threshold_bps.into(),
            rec.liq_threshold_bps.into(),
        ),
        (
            "liquidation penalty (bps)",
            tested.liq_penalty_bps.into(),
            rec.liq_penalty_bps.into(),
        ),
        (
            "auction start (bps of max(price, debt))",
            tested.auction_start_bps.into(),
            rec.auction_start_bps.into(),
        ),
        (
            "auction cut per step (bps kept)",
            tested.auction_cut_bps.into(),
            rec.auction_cut_bps.into(),
        ),
        ("auction step (s)", tested.auction_step, rec.auction_step),
        ("auction tail (s)", tested.auction_tail, rec.auction_tail),
    ];
    for (name, a, b) in rows {
        let mark = if a == b { "" } else { " **←**" };
        let _ = writeln!(out, "| {name} | {a} | {b}{mark} |");
    }
}

/// The report as Markdown; `img` gives the reference of each chart (`loss`, `path`, `ltv`).
fn markdown_body(r: &Report, img: &dyn Fn(&str) -> String) -> String {
    let mut o = String::new();
    let rec = &r.recommendation;
    let _ = writeln!(o, "# Lien risk report\n");
    let _ = writeln!(
        o,
        "{} loans over one year of hourly steps, {} paths per scenario, seed {}, starting reserve {}. \
         Money math is the contracts' own (lien-math, to the wei); see docs/RISK.md.\n",
        r.loans, r.paths, r.seed, r.reserve0
    );
    let _ = writeln!(o, "## Collections and fitted models\n");
    let _ = writeln!(
        o,
        "| collection | last floor | σ (daily) | jumps/day | P(up) | mean up | mean down | annual vol | sales/day |\n|---|---|---|---|---|---|---|---|---|"
    );
    for (name, f) in &r.collections {
        let m = &f.model;
        let _ = writeln!(
            o,
            "| {name} | {:.4} | {:.4} | {:.4} | {:.2} | {:.4} | {:.4} | {:.1} % | {} |",
            f.last_floor,
            m.sigma,
            m.lambda,
            m.p_up,
            m.mean_up,
            m.mean_down,
            100.0 * m.annual_vol(),
            f.sales_per_day.map_or("—".into(), |s| format!("{s:.1}"))
        );
    }
    let _ = writeln!(o, "\n## Recommendation\n");
    let _ = writeln!(
        o,
        "Target: P(bad debt) per loan ≤ {} under **{}**. {}\n",
        pct(rec.target),
        r.design_scenario,
        if rec.meets_target {
            format!(
                "The recommended parameters give {} (expected loss {}, 99 % tail loss {}).",
                pct(rec.summary.p_bad_debt_loan),
                pct(rec.summary.expected_loss),
                pct(rec.summary.tail_loss_99)
            )
        } else {
            format!(
                "**No grid point meets the target**; the safest one is shown ({}). Lower the LTV \
                 further, widen the threshold gap, or do not list the collection.",
                pct(rec.summary.p_bad_debt_loan)
            )
        }
    );
    params_rows(&mut o, &r.params, &rec.params, &r.params_source);
    let _ = writeln!(
        o,
        "\n`lien risk propose --report <dir>/report.json --collection <address>` turns it into a \
         Governance proposal within the OfferBook's bounds and rate limit.\n"
    );
    let _ = writeln!(
        o,
        "## Scenarios under the tested parameters ({})\n",
        r.params_source
    );
    let _ = writeln!(
        o,
        "| scenario | P(bad debt) per loan | P(any bad debt) per year | liquidated | expected loss | 99 % tail loss | ES 99 % | surplus lost | reserve exhausted | reserve covers |\n|---|---|---|---|---|---|---|---|---|---|"
    );
    for s in &r.scenarios {
        let m = &s.summary;
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            s.scenario,
            pct(m.p_bad_debt_loan),
            pct(m.p_bad_debt_book),
            pct(m.p_liquidation),
            pct(m.expected_loss),
            pct(m.tail_loss_99),
            pct(m.expected_shortfall_99),
            pct(m.surplus_lost),
            pct(m.p_reserve_exhausted),
            days(m.reserve_days)
        );
    }
    let _ = writeln!(o);
    for s in &r.scenarios {
        let _ = writeln!(o, "- **{}**: {}", s.scenario, s.description);
    }
    let _ = writeln!(
        o,
        "\n## Per collection\n\n| scenario | collection | P(bad debt) per loan | liquidated | expected loss | 99 % tail loss | surplus lost |\n|---|---|---|---|---|---|---|"
    );
    for s in &r.scenarios {
        for ((name, _), m) in r.collections.iter().zip(&s.per_collection) {
            let _ = writeln!(
                o,
                "| {} | {name} | {} | {} | {} | {} | {} |",
                s.scenario,
                pct(m.p_bad_debt_loan),
                pct(m.p_liquidation),
                pct(m.expected_loss),
                pct(m.tail_loss_99),
                pct(m.surplus_lost)
            );
        }
    }
    let _ = writeln!(
        o,
        "\nLosses are bad debt (lender shortfall the reserve did not cover, and foreclosures where the \
         NFT is worth less than the lender's claim) as a share of the principal lent in the year.\n"
    );
    let _ = writeln!(o, "## Charts ({})\n", r.design_scenario);
    let _ = writeln!(o, "{}\n\n{}\n\n{}\n", img("loss"), img("path"), img("ltv"));
    let _ = writeln!(o, "## LTV vs bad debt\n\n| max LTV | threshold | P(bad debt) per loan | expected loss | surplus lost |\n|---|---|---|---|---|");
    for p in &rec.ltv_curve {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} |",
            p.params.max_ltv_bps,
            p.params.liq_threshold_bps,
            pct(p.summary.p_bad_debt_loan),
            pct(p.summary.expected_loss),
            pct(p.summary.surplus_lost)
        );
    }
    let _ = writeln!(o, "\n## Auction curves tried (at the tested LTV)\n\n| start | cut | step | P(bad debt) per loan | expected loss | surplus lost |\n|---|---|---|---|---|---|");
    for p in &rec.auctions {
        let _ = writeln!(
            o,
            "| {} | {} | {} s | {} | {} | {} |",
            p.params.auction_start_bps,
            p.params.auction_cut_bps,
            p.params.auction_step,
            pct(p.summary.p_bad_debt_loan),
            pct(p.summary.expected_loss),
            pct(p.summary.surplus_lost)
        );
    }
    o
}

/// The three charts as SVG strings: (loss distribution, price path, LTV curve).
pub fn chart_svgs(r: &Report) -> [(&'static str, String); 3] {
    [
        (
            "loss",
            charts::loss_distribution(
                &r.losses_pct,
                &format!("Loss distribution ({})", r.design_scenario),
            ),
        ),
        (
            "path",
            charts::price_path(
                &r.sample,
                &format!("Sample path, {} (x = liquidation)", r.design_scenario),
            ),
        ),
        (
            "ltv",
            charts::ltv_curve(
                &r.recommendation.ltv_curve,
                r.recommendation.target,
                "Max LTV vs P(bad debt)",
            ),
        ),
    ]
}

/// Writes report.md (charts as SVG files beside it), report.html (charts inline) and
/// report.json into `dir`; returns the paths written.
pub fn write(r: &Report, dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let svgs = chart_svgs(r);
    let mut written = Vec::new();
    for (name, svg) in &svgs {
        let p = dir.join(format!("{name}.svg"));
        std::fs::write(&p, svg)?;
        written.push(p);
    }
    let md = markdown_body(r, &|name| format!("![{name}]({name}.svg)"));
    let p = dir.join("report.md");
    std::fs::write(&p, &md)?;
    written.push(p);
    let html = html(r, &svgs);
    let p = dir.join("report.html");
    std::fs::write(&p, html)?;
    written.push(p);
    let p = dir.join("report.json");
    std::fs::write(&p, serde_json::to_string_pretty(r).unwrap_or_default())?;
    written.push(p);
    Ok(written)
}

/// A self-contained HTML page: the Markdown tables converted, the SVG charts inline.
fn html(r: &Report, svgs: &[(&'static str, String); 3]) -> String {
    let md = markdown_body(r, &|name| format!("@@chart:{name}@@"));
    let mut body = String::new();
    let mut in_table = false;
    for line in md.lines() {
        let t = line.trim();
        if t.starts_with('|') {
            if t.starts_with("|---") {
                continue;
            }
            if !in_table {
                body.push_str("<table>\n");
                in_table = true;
            }
            let cells: Vec<&str> = t.trim_matches('|').split('|').map(str::trim).collect();
            body.push_str("<tr>");
            for c in cells {
                let _ = write!(body, "<td>{}</td>", inline(c));
            }
            body.push_str("</tr>\n");
            continue;
        }
        if in_table {
            body.push_str("</table>\n");
            in_table = false;
        }
        if let Some(h) = t.strip_prefix("## ") {
            let _ = writeln!(body, "<h2>{}</h2>", escape(h));
        } else if let Some(h) = t.strip_prefix("# ") {
            let _ = writeln!(body, "<h1>{}</h1>", escape(h));
        } else if let Some(name) = t
            .strip_prefix("@@chart:")
            .and_then(|s| s.strip_suffix("@@"))
        {
            if let Some((_, svg)) = svgs.iter().find(|(n, _)| *n == name) {
                let _ = writeln!(body, "<figure>{svg}</figure>");
            }
        } else if let Some(item) = t.strip_prefix("- ") {
            let _ = writeln!(body, "<p>• {}</p>", inline(item));
        } else if !t.is_empty() {
            let _ = writeln!(body, "<p>{}</p>", inline(t));
        }
    }
    if in_table {
        body.push_str("</table>\n");
    }
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Lien risk report</title>\n<style>\
         body{{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}}\
         table{{border-collapse:collapse;margin:1em 0}}td{{border:1px solid #ccc;padding:4px 8px}}\
         tr:first-child td{{font-weight:bold;background:#f3f3f3}}figure{{margin:1em 0}}</style>\n\
         </head><body>\n{body}</body></html>\n"
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Escapes and renders `**bold**` and `` `code` ``.
fn inline(s: &str) -> String {
    let mut out = String::new();
    let (mut bold, mut code) = (false, false);
    let e = escape(s);
    let mut rest = e.as_str();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("**") {
            out.push_str(if bold { "</b>" } else { "<b>" });
            bold = !bold;
            rest = r;
        } else if let Some(r) = rest.strip_prefix('`') {
            out.push_str(if code { "</code>" } else { "<code>" });
            code = !code;
            rest = r;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::JumpDiffusion;

    #[test]
    fn a_small_analysis_writes_a_report_with_inline_charts() {
        let fit = Fit {
            model: JumpDiffusion {
                mu: 0.0,
                sigma: 0.04,
                lambda: 0.1,
                p_up: 0.3,
                mean_up: 0.05,
                mean_down: 0.1,
            },
            returns: 100,
            jumps: 3,
            days: 100.0,
            last_floor: 10.0,
            sales_per_day: None,
        };
        let input = Input {
            collections: vec![("synthetic".into(), fit)],
            params: CollectionParams::design_defaults(),
            params_source: "design defaults".into(),
            protocol: ProtocolParams::design_defaults(sim::to_wei(5.0)),
            oracle: OracleConfig::default(),
            loans: 60,
            paths: 3,
            search_loans: 30,
            search_paths: 2,
            seed: 1,
            reserve0: 0.0,
            target: 0.01,
            gap_bps: 2_000,
            scenarios: vec![Scenario::Base, Scenario::Crash60],
            design_scenario: Scenario::Crash60,
        };
        let r = analyse(&input);
        assert_eq!(r.scenarios.len(), 2);
        let dir = std::env::temp_dir().join(format!("lien-risk-report-{}", std::process::id()));
        let files = write(&r, &dir).unwrap();
        assert_eq!(files.len(), 6);
        let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
        assert_eq!(html.matches("<svg").count(), 3, "three inline charts");
        assert!(!html.contains("http://") || html.contains("http://www.w3.org/2000/svg"));
        let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
        assert!(md.contains("crash-60") && md.contains("![ltv](ltv.svg)"));
        assert!(
            md.contains("| crash-60 | synthetic |"),
            "per-collection rows"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
