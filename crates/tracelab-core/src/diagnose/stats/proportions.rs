//! Intervals and tests for proportions: Wilson, Newcombe, the two-proportion z test, Fisher's
//! exact test, McNemar, and Holm's correction across p-values.

use super::*;

/// Wilson score interval for `successes / n`, clipped to [0, 1]; None when n is 0, successes
/// exceed n, or the confidence is outside (0, 1). Matches statsmodels
/// `proportion_confint(successes, n, alpha=1-confidence, method="wilson")`.
pub fn wilson(successes: u64, n: u64, confidence: f64) -> Option<Interval> {
    if n == 0 || successes > n {
        return None;
    }
    let z = two_sided_z(confidence)?;
    let (nf, p) = (n as f64, successes as f64 / n as f64);
    let z2 = z * z;
    let denom = 1.0 + z2 / nf;
    let center = (p + z2 / (2.0 * nf)) / denom;
    let half = z * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    Some(Interval {
        low: (center - half).clamp(0.0, 1.0),
        high: (center + half).clamp(0.0, 1.0),
    })
}

/// Newcombe's hybrid score interval (his method 10) for p_b − p_a, as fractions; None when
/// either Wilson interval is. Matches statsmodels `confint_proportions_2indep(count1=s_b,
/// nobs1=n_b, count2=s_a, nobs2=n_a, method="newcomb", compare="diff")`.
pub fn newcombe_difference(
    successes_a: u64,
    n_a: u64,
    successes_b: u64,
    n_b: u64,
    confidence: f64,
) -> Option<Interval> {
    let wa = wilson(successes_a, n_a, confidence)?;
    let wb = wilson(successes_b, n_b, confidence)?;
    let (pa, pb) = (
        successes_a as f64 / n_a as f64,
        successes_b as f64 / n_b as f64,
    );
    let diff = pb - pa;
    Some(Interval {
        low: diff - ((pb - wb.low).powi(2) + (wa.high - pa).powi(2)).sqrt(),
        high: diff + ((pa - wa.low).powi(2) + (wb.high - pb).powi(2)).sqrt(),
    })
}

/// Two-sided p-value of the pooled two-proportion z test; None when a sample is empty,
/// successes exceed n, or every session (or none) succeeded, where the test is undefined.
/// Matches statsmodels `proportions_ztest([s_a, s_b], [n_a, n_b])`.
pub fn two_proportion_z_test(
    successes_a: u64,
    n_a: u64,
    successes_b: u64,
    n_b: u64,
) -> Option<f64> {
    if n_a == 0 || n_b == 0 || successes_a > n_a || successes_b > n_b {
        return None;
    }
    let (na, nb) = (n_a as f64, n_b as f64);
    let pooled = (successes_a + successes_b) as f64 / (na + nb);
    if pooled <= 0.0 || pooled >= 1.0 {
        return None;
    }
    let se = (pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb)).sqrt();
    let z = (successes_a as f64 / na - successes_b as f64 / nb) / se;
    Some((2.0 * normal_cdf(-z.abs())).min(1.0))
}

/// Relative tolerance under which two tables count as equally likely. SciPy uses 1e-14; the
/// log-factorials here carry up to ~1e-10 relative error at counts near 10⁶, so R's 1e-7
/// keeps mathematically tied tables tied (which matters: a tie adds a whole tail).
pub(super) const FISHER_TIE: f64 = 1e-7;

/// Two-sided p-value of Fisher's exact test for the table [[a, b], [c, d]]: the probability,
/// under the hypergeometric null with fixed margins, of every table no more likely than the
/// observed one. 1 when a row or column is empty. Matches `scipy.stats.fisher_exact` (see
/// [`FISHER_TIE`] on ties); works in log space, so large counts cost O(√N) terms at most.
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let (row1, row2, col1) = (a + b, c + d, a + c);
    if row1 == 0 || row2 == 0 || col1 == 0 || b + d == 0 {
        return 1.0;
    }
    // `a` ~ Hypergeometric(population row1 + row2, row1 marked, col1 drawn), as in SciPy.
    let (lo, hi) = (col1.saturating_sub(row2), col1.min(row1));
    // ln C(n, k) = −ln(n + 1) − ln B(k + 1, n − k + 1).
    let ln_choose =
        |n: u64, k: u64| -(n as f64).ln_1p() - ln_beta(k as f64 + 1.0, (n - k) as f64 + 1.0);
    let ln_total = ln_choose(row1 + row2, col1);
    let ln_pmf = |x: u64| ln_choose(row1, x) + ln_choose(row2, col1 - x) - ln_total;
    let mode =
        ((u128::from(col1) + 1) * (u128::from(row1) + 1) / (u128::from(row1 + row2) + 2)) as u64;
    let threshold = ln_pmf(a) + FISHER_TIE.ln_1p();
    if ln_pmf(mode) <= threshold {
        return 1.0;
    }
    // The pmf rises to the mode and falls after it, so the tables no more likely than `a` are
    // the observed tail plus a tail on the other side that starts where the pmf first drops to
    // the observed level.
    let p = if a < mode {
        let other = first_at_or_below(mode, hi, true, &ln_pmf, threshold);
        tail_sum(a, lo, &ln_pmf) + other.map_or(0.0, |x| tail_sum(x, hi, &ln_pmf))
    } else {
        let other = first_at_or_below(mode, lo, false, &ln_pmf, threshold);
        tail_sum(a, hi, &ln_pmf) + other.map_or(0.0, |x| tail_sum(x, lo, &ln_pmf))
    };
    p.min(1.0)
}

/// The x nearest `from` (walking toward `to`) with ln_pmf(x) ≤ threshold, by bisection over a
/// stretch where ln_pmf only falls; None if even `to` is above the threshold.
pub(super) fn first_at_or_below(
    from: u64,
    to: u64,
    upward: bool,
    ln_pmf: &dyn Fn(u64) -> f64,
    threshold: f64,
) -> Option<u64> {
    if ln_pmf(to) > threshold {
        return None;
    }
    // Invariant: `near` is above the threshold, `far` at or below it.
    let (mut near, mut far) = (from, to);
    while near.abs_diff(far) > 1 {
        let mid = if upward {
            near + (far - near) / 2
        } else {
            far + (near - far) / 2
        };
        if ln_pmf(mid) <= threshold {
            far = mid;
        } else {
            near = mid;
        }
    }
    Some(far)
}

/// Σ pmf(x) from `start` outward to `end`; terms only shrink outward, so stop once they no
/// longer change the sum.
pub(super) fn tail_sum(start: u64, end: u64, ln_pmf: &dyn Fn(u64) -> f64) -> f64 {
    let mut sum = 0.0;
    let mut x = start;
    loop {
        let term = ln_pmf(x).exp();
        sum += term;
        if x == end || term <= sum * 1e-17 {
            return sum;
        }
        x = if end > start { x + 1 } else { x - 1 };
    }
}

/// McNemar's test on the discordant pairs of a paired comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct McNemar {
    pub discordant_a_only: u64,
    pub discordant_b_only: u64,
    /// min(a_only, b_only) for the exact test; the corrected chi-square statistic otherwise.
    pub statistic: f64,
    pub p_value: f64,
    /// Whether the exact binomial test was used.
    pub exact: bool,
}

/// McNemar's test: exact two-sided binomial (min(1, 2 × tail)) when fewer than 25 pairs are
/// discordant, else chi-square with continuity correction. Matches statsmodels
/// `mcnemar([[_, a_only], [b_only, _]], exact=a_only + b_only < 25, correction=True)`.
pub fn mcnemar(a_only: u64, b_only: u64) -> McNemar {
    let total = a_only + b_only;
    let (statistic, p_value, exact) = if total < 25 {
        let k = a_only.min(b_only);
        // Binomial(total, ½) tail, exact in integers: C(24, 12) is far below 2⁵³.
        let mut choose = 1u64;
        let mut tail = 0u64;
        for i in 0..=k {
            tail += choose;
            choose = choose * (total - i) / (i + 1);
        }
        let p = 2.0 * tail as f64 / 2f64.powi(total as i32);
        (k as f64, p.min(1.0), true)
    } else {
        let diff = a_only.abs_diff(b_only) as f64;
        let statistic = (diff - 1.0).powi(2) / total as f64;
        (statistic, chi2_sf(statistic, 1.0), false)
    };
    McNemar {
        discordant_a_only: a_only,
        discordant_b_only: b_only,
        statistic,
        p_value,
        exact,
    }
}

/// Holm's step-down adjusted p-values, in input order, capped at 1; a NaN stays NaN. Matches
/// statsmodels `multipletests(p_values, method="holm")[1]`.
pub fn holm(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| {
        let (x, y) = (p_values[i], p_values[j]);
        x.partial_cmp(&y)
            .unwrap_or_else(|| x.is_nan().cmp(&y.is_nan()))
    });
    let mut adjusted = vec![f64::NAN; m];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        if p_values[i].is_nan() {
            continue;
        }
        running = running.max(p_values[i] * (m - rank) as f64);
        adjusted[i] = running.min(1.0);
    }
    adjusted
}
