//! Cohort comparison: is cohort B's success rate different from cohort A's, by how much, and
//! how sure are we? Rates get Wilson intervals, their difference a Newcombe interval and a
//! p-value (Fisher's exact test when an expected cell is under 5, else the pooled z test);
//! tokens, cost, steps, duration and tool-error rate get medians with intervals and a
//! Mann-Whitney p-value; Holm's correction runs across every p-value shown. When the cohorts
//! ran some of the same tasks, a paired analysis on those tasks (McNemar) sits beside the
//! unpaired one.

use std::collections::HashMap;

use serde::Serialize;

use super::cohort::{self, Cohort, Metric};
use super::stats;
use crate::error::{Error, Result};
use crate::query::{Filter, QueryEngine};

/// Confidence level of every interval.
pub const CONFIDENCE: f64 = 0.95;
/// Seed of the bootstrap resampling, so a comparison is reproducible.
const BOOTSTRAP_SEED: u64 = 0x7261_6365_6c61_6221;

/// One cohort's success rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortRate {
    /// The filter, as written.
    pub filter: String,
    pub sessions: u64,
    /// Sessions with a known outcome (success, failure, error, timeout): the rate's denominator.
    pub with_outcome: u64,
    pub successes: u64,
    /// A fraction in [0, 1]; null when no session has a known outcome.
    pub success_rate: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// The paired analysis over the tasks both cohorts ran.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Paired {
    pub shared_tasks: u64,
    /// Tasks solved (at least half their sessions succeeded) in A but not in B, and vice versa.
    pub solved_in_a_only: u64,
    pub solved_in_b_only: u64,
    pub mcnemar_p: f64,
    /// `exact binomial` or `chi-square, continuity-corrected`.
    pub mcnemar_test: &'static str,
    /// Mean over shared tasks of (B's success rate − A's), in percentage points, t interval.
    pub mean_difference_pp: Option<f64>,
    pub ci_low_pp: Option<f64>,
    pub ci_high_pp: Option<f64>,
}

/// One cohort's summary of one metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricSummary {
    pub n: u64,
    pub median: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub mean: Option<f64>,
}

/// A metric compared between the cohorts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MetricComparison {
    pub metric: &'static str,
    pub unit: &'static str,
    pub a: MetricSummary,
    pub b: MetricSummary,
    /// median(B) − median(A), with its interval.
    pub difference: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// `bootstrap` (1,000 resamples) or `order-statistic` (large cohorts).
    pub interval_method: Option<&'static str>,
    /// Mann-Whitney U, two-sided.
    pub p_value: Option<f64>,
    pub p_value_holm: Option<f64>,
}

/// The whole comparison; `compare --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub a: CohortRate,
    pub b: CohortRate,
    /// B − A in percentage points.
    pub difference_pp: Option<f64>,
    pub ci_low_pp: Option<f64>,
    pub ci_high_pp: Option<f64>,
    pub p_value: Option<f64>,
    /// `fisher exact` or `two-proportion z`.
    pub test: Option<&'static str>,
    /// The outcome p-value after Holm's correction across every p-value shown.
    pub p_value_holm: Option<f64>,
    pub paired: Option<Paired>,
    pub metrics: Vec<MetricComparison>,
    /// What could not be computed and why, in words.
    pub notes: Vec<String>,
}

fn rate(filter: &str, c: &Cohort) -> CohortRate {
    let (s, n) = (c.successes(), c.with_outcome());
    let ci = stats::wilson(s, n, CONFIDENCE);
    CohortRate {
        filter: filter.to_string(),
        sessions: c.sessions,
        with_outcome: n,
        successes: s,
        success_rate: (n > 0).then(|| s as f64 / n as f64),
        ci_low: ci.map(|i| i.low),
        ci_high: ci.map(|i| i.high),
    }
}

/// Fisher when any expected count of the 2×2 table is under 5, else the z test.
fn outcome_test(a: &CohortRate, b: &CohortRate) -> Option<(f64, &'static str)> {
    let (sa, na, sb, nb) = (a.successes, a.with_outcome, b.successes, b.with_outcome);
    if na == 0 || nb == 0 {
        return None;
    }
    let total = (na + nb) as f64;
    let successes = (sa + sb) as f64;
    let smallest_expected = [na as f64, nb as f64]
        .iter()
        .flat_map(|n| [n * successes / total, n * (total - successes) / total])
        .fold(f64::INFINITY, f64::min);
    if smallest_expected < 5.0 {
        return Some((
            stats::fisher_exact(sa, na - sa, sb, nb - sb),
            "fisher exact",
        ));
    }
    stats::two_proportion_z_test(sa, na, sb, nb).map(|p| (p, "two-proportion z"))
}

/// Success rate per task, for tasks with a known outcome.
fn task_rates(c: &Cohort) -> HashMap<&str, (u64, u64)> {
    let mut out: HashMap<&str, (u64, u64)> = HashMap::new();
    for (task, success) in c.task_id.iter().zip(&c.success) {
        if let (Some(task), Some(success)) = (task, success) {
            let e = out.entry(task.as_str()).or_default();
            e.0 += u64::from(*success);
            e.1 += 1;
        }
    }
    out
}

fn paired(a: &Cohort, b: &Cohort) -> Option<Paired> {
    let (ra, rb) = (task_rates(a), task_rates(b));
    let mut differences = Vec::new();
    let (mut a_only, mut b_only) = (0, 0);
    for (task, (sa, na)) in &ra {
        let Some((sb, nb)) = rb.get(task) else {
            continue;
        };
        let (pa, pb) = (*sa as f64 / *na as f64, *sb as f64 / *nb as f64);
        match (pa >= 0.5, pb >= 0.5) {
            (true, false) => a_only += 1,
            (false, true) => b_only += 1,
            _ => {}
        }
        differences.push(100.0 * (pb - pa));
    }
    if differences.is_empty() {
        return None;
    }
    let test = stats::mcnemar(a_only, b_only);
    let mean = stats::mean_interval(&differences, CONFIDENCE);
    Some(Paired {
        shared_tasks: differences.len() as u64,
        solved_in_a_only: a_only,
        solved_in_b_only: b_only,
        mcnemar_p: test.p_value,
        mcnemar_test: if test.exact {
            "exact binomial"
        } else {
            "chi-square, continuity-corrected"
        },
        mean_difference_pp: mean.map(|m| m.0),
        ci_low_pp: mean.map(|m| m.1.low),
        ci_high_pp: mean.map(|m| m.1.high),
    })
}

fn summary(values: &[f64], seed: u64) -> MetricSummary {
    let estimate = stats::median_interval(values, CONFIDENCE, seed);
    MetricSummary {
        n: values.len() as u64,
        // The interval's estimate already holds the median; select it again only without one.
        median: estimate
            .as_ref()
            .map(|e| e.median)
            .or_else(|| stats::median(values)),
        ci_low: estimate.as_ref().map(|e| e.interval.low),
        ci_high: estimate.as_ref().map(|e| e.interval.high),
        mean: (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64),
    }
}

fn metric(m: Metric, a: &Cohort, b: &Cohort, notes: &mut Vec<String>) -> MetricComparison {
    let (va, vb) = (a.values(m), b.values(m));
    let difference = stats::median_difference_interval(&va, &vb, CONFIDENCE, BOOTSTRAP_SEED);
    let p_value = stats::mann_whitney_u(&va, &vb);
    if va.len() < 2 || vb.len() < 2 {
        notes.push(format!(
            "{}: too few sessions with a value for an interval (A: {}, B: {})",
            m.name(),
            va.len(),
            vb.len()
        ));
    }
    MetricComparison {
        metric: m.name(),
        unit: m.unit(),
        a: summary(&va, BOOTSTRAP_SEED),
        b: summary(&vb, BOOTSTRAP_SEED ^ 1),
        difference: difference.as_ref().map(|d| d.median),
        ci_low: difference.as_ref().map(|d| d.interval.low),
        ci_high: difference.as_ref().map(|d| d.interval.high),
        interval_method: difference.as_ref().map(|d| d.method),
        p_value,
        p_value_holm: None,
    }
}

/// Compares the cohorts two filters (in the `--where` syntax) select, B against A.
pub async fn compare(engine: &QueryEngine, a: &str, b: &str) -> Result<Comparison> {
    let parse = |name: &str, text: &str| {
        text.parse::<Filter>().map_err(|e| Error::Query {
            message: format!("cohort {name}: {e}"),
        })
    };
    let (fa, fb) = (parse("A", a)?, parse("B", b)?);
    let (ca, cb) = (
        cohort::load(engine, &fa).await?,
        cohort::load(engine, &fb).await?,
    );
    Ok(compare_cohorts(a, &ca, b, &cb))
}

pub(crate) fn compare_cohorts(
    filter_a: &str,
    a: &Cohort,
    filter_b: &str,
    b: &Cohort,
) -> Comparison {
    let mut notes = Vec::new();
    let (ra, rb) = (rate(filter_a, a), rate(filter_b, b));
    for (name, r) in [("A", &ra), ("B", &rb)] {
        if r.sessions == 0 {
            notes.push(format!(
                "cohort {name} (`{}`) selects no sessions",
                r.filter
            ));
        } else if r.with_outcome == 0 {
            notes.push(format!(
                "cohort {name}: none of its {} sessions has a known outcome; attach outcomes with `tracelab import --outcomes FILE`",
                r.sessions
            ));
        } else if r.successes == 0 || r.successes == r.with_outcome {
            notes.push(format!(
                "cohort {name}: every session has the same outcome ({}); the interval is one-sided",
                if r.successes == 0 {
                    "none succeeded"
                } else {
                    "all succeeded"
                }
            ));
        }
    }
    let difference = stats::newcombe_difference(
        ra.successes,
        ra.with_outcome,
        rb.successes,
        rb.with_outcome,
        CONFIDENCE,
    );
    let test = outcome_test(&ra, &rb);
    let mut metrics: Vec<MetricComparison> = Metric::ALL
        .iter()
        .map(|m| metric(*m, a, b, &mut notes))
        .collect();
    // Holm across every p-value shown: the outcome and each metric.
    let shown: Vec<f64> = test
        .iter()
        .map(|t| t.0)
        .chain(metrics.iter().filter_map(|m| m.p_value))
        .collect();
    let mut adjusted = stats::holm(&shown).into_iter();
    let p_value_holm = test.as_ref().and_then(|_| adjusted.next());
    for m in metrics.iter_mut().filter(|m| m.p_value.is_some()) {
        m.p_value_holm = adjusted.next();
    }
    let both = ra.success_rate.zip(rb.success_rate);
    Comparison {
        difference_pp: both.map(|(pa, pb)| 100.0 * (pb - pa)),
        ci_low_pp: difference.map(|d| 100.0 * d.low),
        ci_high_pp: difference.map(|d| 100.0 * d.high),
        p_value: test.map(|t| t.0),
        test: test.map(|t| t.1),
        p_value_holm,
        paired: paired(a, b),
        a: ra,
        b: rb,
        metrics,
        notes,
    }
}
