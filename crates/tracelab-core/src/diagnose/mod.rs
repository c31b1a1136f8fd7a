//! Diagnosing harness-change regressions: which change, on which traffic, cost how much.
//!
//! - [`compare`]: two cohorts (filters) side by side: success rates with Wilson intervals,
//!   the difference with a Newcombe interval and a p-value, metrics as medians with
//!   intervals, a paired analysis on shared tasks, Holm's correction across it all.
//! - [`time_series`]: success rate or a metric per day or week, split by a dimension.
//! - [`rollouts`]: per slice, when each new harness version, model or knob value appeared and
//!   when it took over.
//! - [`attribute`]: each detected change's effect, holding the others fixed (the method is
//!   in [`attribution`]'s documentation).
//! - [`report`]: the self-contained HTML report (SVG charts, no network).
//!
//! [`stats`] and [`ols`] hold the statistics, checked against scipy and statsmodels.
//!
//! ```no_run
//! # async fn demo() -> tracelab_core::Result<()> {
//! use tracelab_core::{archive::Archive, diagnose, query::{Filter, QueryEngine}};
//! let engine = QueryEngine::open(&Archive::open("sample-data/archive")?).await?;
//! let attribution = diagnose::attribute(&engine, &Filter::default(), &[]).await?;
//! for e in &attribution.effects {
//!     println!("{} {} -> {}: {:?} pp", e.dimension, e.from, e.to, e.effect_pp);
//! }
//! # Ok(()) }
//! ```

pub mod attribution;
mod cohort;
mod collect;
pub mod compare;
pub mod ols;
pub mod report;
pub mod rollout;
pub mod stats;
pub mod timeseries;

pub use attribution::{attribute, Attribution, Effect};
pub use cohort::{Metric, KNOWN_OUTCOMES};
pub use compare::{compare, Comparison};
pub use rollout::{rollouts, Change, Rollout};
pub use timeseries::{time_series, Bucket, Measure, TimeSeries};
