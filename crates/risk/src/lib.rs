//! Lien's risk lab: stress tests, scenario analysis and parameter calibration on the
//! protocol's own rules.
//!
//! * [`data`] reads a floor-price history (CSV), [`estimate`] fits a jump-diffusion to it
//!   ([`model`]).
//! * [`sim`] runs loan books along simulated price paths through the oracle's TWAP
//!   ([`oracle`]), the LoanBook's liquidation trigger, the Liquidator's Dutch auction with a
//!   bidder model ([`bidders`]), the settlement waterfall and the reserve ([`rules`]), all in
//!   integer money on lien-math; [`scenario`] names the stresses.
//! * [`recommend`] searches the parameters that keep the probability of bad debt under a
//!   target; [`params`] holds the OfferBook's bounds and rate limit; [`report`] writes the
//!   Markdown/HTML report with SVG charts ([`charts`]).
#![forbid(unsafe_code)]

pub mod bidders;
pub mod charts;
pub mod data;
pub mod estimate;
pub mod metrics;
pub mod model;
pub mod oracle;
pub mod params;
pub mod recommend;
pub mod report;
pub mod rules;
pub mod scenario;
pub mod sim;
