//! The statistics behind cohort comparisons, time series and attribution: distribution
//! functions, intervals for proportions, medians and means, and the tests Tracelab reports
//! (Fisher, two-proportion z, McNemar, Mann-Whitney, Holm's correction).
//!
//! Pure `std`, no crates. Each function whose doc names a SciPy or statsmodels call matches
//! it; the unit tests below pin values computed with SciPy 1.17.1 and statsmodels 0.15.0, and
//! `tests/interop/stats_reference.py` re-checks what the CLI prints against them.
//!
//! Sample-taking functions return `None` rather than a NaN: for empty input, for a value that
//! is not finite, and for a confidence level outside (0, 1).
//!
//! ```ignore
//! use tracelab_core::diagnose::stats::{fisher_exact, wilson};
//! let ci = wilson(45, 50, 0.95).unwrap();
//! assert!(ci.low < 0.9 && 0.9 < ci.high);
//! assert!(fisher_exact(8, 2, 1, 5) < 0.05);
//! ```
//!
//! One file per family: [`distributions`] (special functions, normal, t, chi-square),
//! [`proportions`] (Wilson, Newcombe, z, Fisher, McNemar, Holm) and [`samples`]
//! (Mann-Whitney, means, medians with bootstrap or order-statistic intervals).

mod distributions;
mod proportions;
mod samples;
#[cfg(test)]
mod tests;

pub use distributions::*;
pub use proportions::*;
pub use samples::*;

/// A two-sided confidence interval, `low <= high`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    pub low: f64,
    pub high: f64,
}

impl Interval {
    /// Whether `x` lies in the closed interval.
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}
