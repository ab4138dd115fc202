//! The report's charts, drawn by plotters into SVG strings (no files, no network).

use plotters::prelude::*;

use crate::recommend::Point;
use crate::sim::SamplePath;

const W: u32 = 720;
const H: u32 = 360;

fn finish(svg: String, result: Result<(), String>) -> String {
    match result {
        Ok(()) => svg,
        Err(e) => format!("<p>chart not drawn: {e}</p>"),
    }
}

/// Histogram of per-path losses (bad debt as % of principal).
pub fn loss_distribution(losses_pct: &[f64], title: &str) -> String {
    let mut svg = String::new();
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let max = losses_pct.iter().copied().fold(0.0f64, f64::max).max(0.01);
        let bins = 30usize;
        let width = max / bins as f64;
        let mut counts = vec![0u32; bins];
        for &x in losses_pct {
            counts[((x / width) as usize).min(bins - 1)] += 1;
        }
        let top = counts.iter().copied().max().unwrap_or(1).max(1);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0.0..max * 1.02, 0u32..top + top / 10 + 1)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("bad debt, % of principal lent (per simulated year)")
            .y_desc("paths")
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(counts.iter().enumerate().map(|(i, &c)| {
                let x0 = i as f64 * width;
                Rectangle::new([(x0, 0), (x0 + width * 0.95, c)], RED.mix(0.6).filled())
            }))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())
    })();
    finish(svg, r)
}

/// A sample path: floor and TWAP, with the liquidations marked.
pub fn price_path(sample: &SamplePath, title: &str) -> String {
    let mut svg = String::new();
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let n = sample.floor.len().max(2);
        let days = |h: usize| h as f64 / 24.0;
        let hi = sample.floor.iter().copied().fold(0.0f64, f64::max) * 1.05;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0.0..days(n), 0.0..hi.max(1e-9))
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("day")
            .y_desc("price")
            .draw()
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(
                sample.floor.iter().enumerate().map(|(h, &p)| (days(h), p)),
                BLUE,
            ))
            .map_err(|e| e.to_string())?
            .label("floor")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 15, y)], BLUE));
        chart
            .draw_series(LineSeries::new(
                sample
                    .twap
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.is_finite())
                    .map(|(h, &p)| (days(h), p)),
                GREEN,
            ))
            .map_err(|e| e.to_string())?
            .label("oracle TWAP (liquidation price)")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 15, y)], GREEN));
        chart
            .draw_series(
                sample
                    .liquidations
                    .iter()
                    .map(|&(h, p)| Cross::new((days(h), p), 4, RED.stroke_width(2))),
            )
            .map_err(|e| e.to_string())?
            .label("liquidation")
            .legend(|(x, y)| Cross::new((x + 7, y), 4, RED));
        chart
            .configure_series_labels()
            .border_style(BLACK)
            .background_style(WHITE.mix(0.8))
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())
    })();
    finish(svg, r)
}

/// Max LTV against the per-loan probability of bad debt, with the target.
pub fn ltv_curve(points: &[Point], target: f64, title: &str) -> String {
    let mut svg = String::new();
    let r = (|| -> Result<(), String> {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let pct = |p: &Point| p.summary.p_bad_debt_loan * 100.0;
        let top = points.iter().map(pct).fold(target * 100.0, f64::max) * 1.1 + 0.01;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(40)
            .y_label_area_size(50)
            .build_cartesian_2d(0.0..82.0, 0.0..top)
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("max LTV %")
            .y_desc("P(bad debt) per loan, %")
            .draw()
            .map_err(|e| e.to_string())?;
        let xy: Vec<(f64, f64)> = points
            .iter()
            .map(|p| (f64::from(p.params.max_ltv_bps) / 100.0, pct(p)))
            .collect();
        chart
            .draw_series(LineSeries::new(xy.clone(), BLUE))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(xy.iter().map(|&c| Circle::new(c, 3, BLUE.filled())))
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(LineSeries::new(
                vec![(0.0, target * 100.0), (82.0, target * 100.0)],
                RED.stroke_width(1),
            ))
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())
    })();
    finish(svg, r)
}
