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

use std::f64::consts::PI;

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

// ---------------------------------------------------------------------------------------------
// Special functions and distributions
// ---------------------------------------------------------------------------------------------

const LANCZOS_G: f64 = 7.0;
#[allow(clippy::excessive_precision)]
const LANCZOS: [f64; 9] = [
    0.999_999_999_999_809_9,
    676.520_368_121_885_1,
    -1_259.139_216_722_402_8,
    771.323_428_777_653_1,
    -176.615_029_162_140_6,
    12.507_343_278_686_905,
    -0.138_571_095_265_720_12,
    9.984_369_578_019_572e-6,
    1.505_632_735_149_311_6e-7,
];

/// ln Γ(x) (Lanczos, g = 7): relative error about 1e-15 for x > 0, +∞ at 0 and the negative
/// integers, ln |Γ(x)| elsewhere below ½ (by reflection).
pub fn ln_gamma(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 && x == x.floor() {
        return f64::INFINITY;
    }
    if x < 0.5 {
        // The series is accurate only from ½ up: Γ(x)Γ(1−x) = π / sin(πx).
        return (PI / (PI * x).sin().abs()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + LANCZOS_G + 0.5;
    let series = LANCZOS[1..]
        .iter()
        .enumerate()
        .fold(LANCZOS[0], |acc, (i, c)| acc + c / (x + (i + 1) as f64));
    0.5 * (2.0 * PI).ln() + (x + 0.5) * t.ln() - t + series.ln()
}

/// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b) for a, b > 0, without the cancellation of
/// that sum when an argument is large (as R's `lbeta` does): the Stirling terms that cancel are
/// taken out analytically and only their small corrections are added.
pub fn ln_beta(a: f64, b: f64) -> f64 {
    let (p, q) = (a.min(b), a.max(b));
    let ln_sqrt_2pi = 0.5 * (2.0 * PI).ln();
    if p >= 10.0 {
        let corr = stirling_correction(p) + stirling_correction(q) - stirling_correction(p + q);
        -0.5 * q.ln()
            + ln_sqrt_2pi
            + corr
            + (p - 0.5) * (p / (p + q)).ln()
            + q * (-p / (p + q)).ln_1p()
    } else if q >= 10.0 {
        let corr = stirling_correction(q) - stirling_correction(p + q);
        ln_gamma(p) + corr + p - p * (p + q).ln() + (q - 0.5) * (-p / (p + q)).ln_1p()
    } else {
        ln_gamma(p) + ln_gamma(q) - ln_gamma(p + q)
    }
}

/// ln Γ(x) − [(x − ½) ln x − x + ln √(2π)] for x ≥ 10, by the Stirling series (error < 1e-16).
fn stirling_correction(x: f64) -> f64 {
    let r = 1.0 / (x * x);
    (1.0 / 12.0
        - r * (1.0 / 360.0
            - r * (1.0 / 1260.0 - r * (1.0 / 1680.0 - r * (1.0 / 1188.0 - r * 691.0 / 360_360.0)))))
        / x
}

/// Below this, a continued-fraction denominator counts as zero (Lentz's method).
const TINY: f64 = 1e-300;
/// Iteration cap of the series and continued fractions; they need about √(shape) terms.
const MAX_TERMS: usize = 100_000;

/// Regularized incomplete gamma (P(a, x), Q(a, x)), each computed directly in its own tail.
fn incomplete_gamma(a: f64, x: f64) -> (f64, f64) {
    if x <= 0.0 {
        return (0.0, 1.0);
    }
    if x.is_infinite() {
        return (1.0, 0.0);
    }
    let front = (-x + a * x.ln() - ln_gamma(a)).exp();
    if x < a + 1.0 {
        let (mut term, mut sum, mut ap) = (1.0 / a, 1.0 / a, a);
        for _ in 0..MAX_TERMS {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if term.abs() < sum.abs() * f64::EPSILON {
                break;
            }
        }
        let p = sum * front;
        (p, 1.0 - p)
    } else {
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / TINY;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..MAX_TERMS {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < TINY {
                d = TINY;
            }
            c = b + an / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            let delta = d * c;
            h *= delta;
            if (delta - 1.0).abs() < f64::EPSILON {
                break;
            }
        }
        let q = front * h;
        (1.0 - q, q)
    }
}

/// Regularized incomplete beta I_x(a, b); `y` is 1 − x, passed in so callers keep the
/// precision of whichever of the two is small.
fn incomplete_beta(a: f64, b: f64, x: f64, y: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if y <= 0.0 {
        return 1.0;
    }
    let ln_x = if x > 0.5 { (-y).ln_1p() } else { x.ln() };
    let ln_y = if y > 0.5 { (-x).ln_1p() } else { y.ln() };
    let ln_front = a * ln_x + b * ln_y - ln_beta(a, b);
    // The continued fraction converges fast only below the mean; above it, use the symmetry
    // I_x(a, b) = 1 − I_{1−x}(b, a).
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * beta_continued_fraction(a, b, x) / a
    } else {
        1.0 - ln_front.exp() * beta_continued_fraction(b, a, y) / b
    }
}

fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
    let clamp = |v: f64| if v.abs() < TINY { TINY } else { v };
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 / clamp(1.0 - qab * x / qap);
    let mut h = d;
    for m in 1..MAX_TERMS {
        let m = m as f64;
        let m2 = 2.0 * m;
        let even = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 / clamp(1.0 + even * d);
        c = clamp(1.0 + even / c);
        h *= d * c;
        let odd = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 / clamp(1.0 + odd * d);
        c = clamp(1.0 + odd / c);
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < f64::EPSILON {
            break;
        }
    }
    h
}

/// Standard normal CDF Φ(x), with full relative precision in both tails.
pub fn normal_cdf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    // Φ(x) = ½ erfc(−x/√2) and erfc(u) = Q(½, u²).
    let (p, q) = incomplete_gamma(0.5, 0.5 * x * x);
    if x < 0.0 {
        0.5 * q
    } else {
        0.5 + 0.5 * p
    }
}

/// Standard normal quantile Φ⁻¹(p) (Wichura's AS 241, about 1e-16 relative); −∞ at 0, +∞ at 1,
/// NaN outside [0, 1].
pub fn normal_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let poly = |c: &[f64; 8], r: f64| c.iter().rev().fold(0.0, |acc, &k| acc * r + k);
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * poly(&AS241_A, r) / poly(&AS241_B, r);
    }
    let r = (-(if q < 0.0 { p } else { 1.0 - p }).ln()).sqrt();
    let magnitude = if r <= 5.0 {
        poly(&AS241_C, r - 1.6) / poly(&AS241_D, r - 1.6)
    } else {
        poly(&AS241_E, r - 5.0) / poly(&AS241_F, r - 5.0)
    };
    if q < 0.0 {
        -magnitude
    } else {
        magnitude
    }
}

// AS 241 (Wichura 1988) coefficients, lowest degree first, with the paper's digits so they
// can be checked against it.
#[allow(clippy::excessive_precision)]
const AS241_A: [f64; 8] = [
    3.387_132_872_796_366_608,
    1.331_416_678_917_843_774_5e2,
    1.971_590_950_306_551_442_7e3,
    1.373_169_376_550_946_112_5e4,
    4.592_195_393_154_987_145_7e4,
    6.726_577_092_700_870_085_3e4,
    3.343_057_558_358_812_810_5e4,
    2.509_080_928_730_122_672_7e3,
];
#[allow(clippy::excessive_precision)]
const AS241_B: [f64; 8] = [
    1.0,
    4.231_333_070_160_091_125_2e1,
    6.871_870_074_920_579_083e2,
    5.394_196_021_424_751_107_7e3,
    2.121_379_430_158_659_586_7e4,
    3.930_789_580_009_271_061e4,
    2.872_908_573_572_194_267_4e4,
    5.226_495_278_852_854_561e3,
];
#[allow(clippy::excessive_precision)]
const AS241_C: [f64; 8] = [
    1.423_437_110_749_683_577_34,
    4.630_337_846_156_545_295_9,
    5.769_497_221_460_691_405_5,
    3.647_848_324_763_204_605_04,
    1.270_458_252_452_368_382_58,
    2.417_807_251_774_506_117_7e-1,
    2.272_384_498_926_918_458_33e-2,
    7.745_450_142_783_414_076_4e-4,
];
#[allow(clippy::excessive_precision)]
const AS241_D: [f64; 8] = [
    1.0,
    2.053_191_626_637_758_821_87,
    1.676_384_830_183_803_849_4,
    6.897_673_349_851_000_045_5e-1,
    1.481_039_764_274_800_745_9e-1,
    1.519_866_656_361_645_719_66e-2,
    5.475_938_084_995_344_946e-4,
    1.050_750_071_644_416_843_24e-9,
];
#[allow(clippy::excessive_precision)]
const AS241_E: [f64; 8] = [
    6.657_904_643_501_103_777_2,
    5.463_784_911_164_114_369_9,
    1.784_826_539_917_291_335_8,
    2.965_605_718_285_048_912_3e-1,
    2.653_218_952_657_612_309_3e-2,
    1.242_660_947_388_078_438_6e-3,
    2.711_555_568_743_487_578_15e-5,
    2.010_334_399_292_288_132_65e-7,
];
#[allow(clippy::excessive_precision)]
const AS241_F: [f64; 8] = [
    1.0,
    5.998_322_065_558_879_376_9e-1,
    1.369_298_809_227_358_053_1e-1,
    1.487_536_129_085_061_485_25e-2,
    7.868_691_311_456_132_591e-4,
    1.846_318_317_510_054_681_8e-5,
    1.421_511_758_316_445_888_7e-7,
    2.044_263_103_389_939_785_64e-15,
];

/// Student's t CDF with `df` > 0 degrees of freedom (non-integer allowed; ∞ gives Φ).
pub fn student_t_cdf(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if df.is_infinite() {
        return normal_cdf(t);
    }
    let t2 = t * t;
    // x = df / (df + t²) and y = 1 − x, written so neither overflows nor cancels.
    let (x, y) = if t2 < df {
        (df / (df + t2), t2 / (df + t2))
    } else {
        let r = df / t2;
        (r / (1.0 + r), 1.0 / (1.0 + r))
    };
    let tail = 0.5 * incomplete_beta(0.5 * df, 0.5, x, y);
    if t < 0.0 {
        tail
    } else {
        1.0 - tail
    }
}

fn student_t_pdf(t: f64, df: f64) -> f64 {
    let ln_norm = -ln_beta(0.5 * df, 0.5) - 0.5 * df.ln();
    (ln_norm - 0.5 * (df + 1.0) * (t * t / df).ln_1p()).exp()
}

/// Student's t quantile: the `t` with `student_t_cdf(t, df) == p`, to about 1e-14 relative.
/// −∞ at 0, +∞ at 1, NaN for p outside [0, 1] or df ≤ 0.
pub fn student_t_quantile(p: f64, df: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if df.is_infinite() {
        return normal_quantile(p);
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    if p == 0.5 {
        return 0.0;
    }
    // Solve in the lower tail, where the CDF keeps its relative precision, then mirror.
    let (q, sign) = if p < 0.5 { (p, -1.0) } else { (1.0 - p, 1.0) };
    let x = if df == 1.0 {
        -1.0 / (PI * q).tan()
    } else if df == 2.0 {
        (2.0 * q - 1.0) / (2.0 * q * (1.0 - q)).sqrt()
    } else {
        lower_t_quantile(q, df)
    };
    sign * x.abs()
}

/// Newton's method on the lower tail (q < ½), kept inside a bracket and falling back to
/// bisection when a step would leave it.
fn lower_t_quantile(q: f64, df: f64) -> f64 {
    // Cornish–Fisher start: good for moderate df, and Newton fixes the rest.
    let z = normal_quantile(q);
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    let mut x = z
        + (z3 + z) / (4.0 * df)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * df * df)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * df.powi(3));
    if x >= 0.0 || !x.is_finite() {
        x = -1.0;
    }
    let mut lo = x.min(-1.0);
    while student_t_cdf(lo, df) > q {
        lo *= 2.0;
    }
    let mut hi = 0.0;
    for _ in 0..200 {
        let f = student_t_cdf(x, df) - q;
        if f == 0.0 {
            break;
        }
        if f < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let mut next = x - f / student_t_pdf(x, df);
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        let done = (next - x).abs() <= 4.0 * f64::EPSILON * next.abs();
        x = next;
        if done || hi - lo <= 4.0 * f64::EPSILON * x.abs() {
            break;
        }
    }
    x
}

/// Chi-square survival function P(X > x) with `df` degrees of freedom (SciPy `chi2.sf`).
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    incomplete_gamma(0.5 * df, 0.5 * x.max(0.0)).1
}

/// The two-sided critical value z with Φ(z) = ½ + confidence/2, or None outside (0, 1).
fn two_sided_z(confidence: f64) -> Option<f64> {
    (confidence > 0.0 && confidence < 1.0).then(|| -normal_quantile(0.5 * (1.0 - confidence)))
}

// ---------------------------------------------------------------------------------------------
// Proportions
// ---------------------------------------------------------------------------------------------

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
const FISHER_TIE: f64 = 1e-7;

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
fn first_at_or_below(
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
fn tail_sum(start: u64, end: u64, ln_pmf: &dyn Fn(u64) -> f64) -> f64 {
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

// ---------------------------------------------------------------------------------------------
// Samples: Mann-Whitney, means, medians
// ---------------------------------------------------------------------------------------------

fn all_finite(values: &[f64]) -> bool {
    values.iter().all(|v| v.is_finite())
}

/// Two-sided Mann-Whitney U p-value, normal approximation with tie and continuity
/// corrections; None when a sample is empty or holds a NaN. Matches
/// `scipy.stats.mannwhitneyu(a, b, alternative="two-sided", method="asymptotic")` (including
/// p = 1 when every value is tied). O(n log n): two sorts and a merge.
pub fn mann_whitney_u(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.is_empty() || b.is_empty() || a.iter().chain(b).any(|v| v.is_nan()) {
        return None;
    }
    let mut xs = a.to_vec();
    let mut ys = b.to_vec();
    xs.sort_unstable_by(f64::total_cmp);
    ys.sort_unstable_by(f64::total_cmp);
    let (n1, n2) = (xs.len(), ys.len());
    // Walk both sorted samples at once; each run of equal values shares its average rank.
    let (mut i, mut j, mut ranked) = (0usize, 0usize, 0usize);
    let (mut rank_sum_a, mut tie_term) = (0.0f64, 0.0f64);
    while i < n1 || j < n2 {
        let v = if j == n2 || (i < n1 && xs[i] <= ys[j]) {
            xs[i]
        } else {
            ys[j]
        };
        let in_a = xs[i..].iter().take_while(|&&x| x == v).count();
        let in_b = ys[j..].iter().take_while(|&&y| y == v).count();
        let t = (in_a + in_b) as f64;
        rank_sum_a += in_a as f64 * (ranked as f64 + (t + 1.0) / 2.0);
        tie_term += t * t * t - t;
        ranked += in_a + in_b;
        i += in_a;
        j += in_b;
    }
    let (n1, n2) = (n1 as f64, n2 as f64);
    let u1 = rank_sum_a - n1 * (n1 + 1.0) / 2.0;
    let u = u1.max(n1 * n2 - u1);
    let n = n1 + n2;
    let sd = (n1 * n2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)))).sqrt();
    if sd.is_nan() || sd <= 0.0 {
        // All values tied: SciPy's z is −∞ here, so its p-value clips to 1.
        return Some(1.0);
    }
    let z = (u - n1 * n2 / 2.0 - 0.5) / sd;
    Some((2.0 * normal_cdf(-z)).clamp(0.0, 1.0))
}

/// The mean and its Student-t interval; None for fewer than 2 values, a non-finite value or a
/// confidence outside (0, 1).
pub fn mean_interval(values: &[f64], confidence: f64) -> Option<(f64, Interval)> {
    let n = values.len();
    if n < 2 || !all_finite(values) || !(confidence > 0.0 && confidence < 1.0) {
        return None;
    }
    let nf = n as f64;
    let mean = values.iter().sum::<f64>() / nf;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (nf - 1.0);
    let half = -student_t_quantile(0.5 * (1.0 - confidence), nf - 1.0) * (variance / nf).sqrt();
    let interval = Interval {
        low: mean - half,
        high: mean + half,
    };
    (mean.is_finite() && interval.low.is_finite() && interval.high.is_finite())
        .then_some((mean, interval))
}

/// The median, averaging the two middle values for an even count (as NumPy does); None when
/// empty or a value is not finite. O(n).
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() || !all_finite(values) {
        return None;
    }
    Some(median_in_place(&mut values.to_vec()))
}

fn median_in_place(v: &mut [f64]) -> f64 {
    let (n, mid) = (v.len(), v.len() / 2);
    let (left, upper, _) = v.select_nth_unstable_by(mid, f64::total_cmp);
    if n % 2 == 1 {
        *upper
    } else {
        let lower = left.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lower + *upper) / 2.0
    }
}

/// A median (or difference of medians) with its interval and how the interval was made.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MedianEstimate {
    pub median: f64,
    pub interval: Interval,
    /// "bootstrap" or "order-statistic".
    pub method: &'static str,
}

/// Samples up to this size get a bootstrap interval; above it the bootstrap's
/// B × n draws cost too much and the order-statistic interval is used.
pub const BOOTSTRAP_MAX_VALUES: usize = 20_000;
/// Bootstrap resamples per interval.
pub const BOOTSTRAP_RESAMPLES: usize = 1_000;

/// The median with a confidence interval: a percentile bootstrap (1,000 resamples, seeded by
/// `seed`, so the same input and seed give the same interval) up to
/// [`BOOTSTRAP_MAX_VALUES`] values, else the distribution-free binomial order-statistic
/// interval. None when empty, a value is not finite, or the confidence is outside (0, 1).
pub fn median_interval(values: &[f64], confidence: f64, seed: u64) -> Option<MedianEstimate> {
    let z = two_sided_z(confidence)?;
    if values.is_empty() || !all_finite(values) {
        return None;
    }
    let estimate = if values.len() <= BOOTSTRAP_MAX_VALUES {
        let mut resample = Resampler::new(values);
        let mut rng = SplitMix64(seed);
        let mut medians: Vec<f64> = (0..BOOTSTRAP_RESAMPLES)
            .map(|_| resample.median(&mut rng))
            .collect();
        MedianEstimate {
            median: median_in_place(&mut values.to_vec()),
            interval: percentile_interval(&mut medians, confidence),
            method: "bootstrap",
        }
    } else {
        let (median, interval) = order_statistic_interval(&mut values.to_vec(), z);
        MedianEstimate {
            median,
            interval,
            method: "order-statistic",
        }
    };
    finite(estimate)
}

/// median(b) − median(a) with a confidence interval: a percentile bootstrap resampling both
/// samples (as [`median_interval`]) when each has at most [`BOOTSTRAP_MAX_VALUES`] values;
/// otherwise each median's order-statistic interval is read as a normal one (se = width / 2z)
/// and the two standard errors are added in quadrature. None as for [`median_interval`].
pub fn median_difference_interval(
    a: &[f64],
    b: &[f64],
    confidence: f64,
    seed: u64,
) -> Option<MedianEstimate> {
    let z = two_sided_z(confidence)?;
    if a.is_empty() || b.is_empty() || !all_finite(a) || !all_finite(b) {
        return None;
    }
    let estimate = if a.len() <= BOOTSTRAP_MAX_VALUES && b.len() <= BOOTSTRAP_MAX_VALUES {
        let (mut ra, mut rb) = (Resampler::new(a), Resampler::new(b));
        let mut rng = SplitMix64(seed);
        let mut differences: Vec<f64> = (0..BOOTSTRAP_RESAMPLES)
            .map(|_| {
                let ma = ra.median(&mut rng);
                rb.median(&mut rng) - ma
            })
            .collect();
        MedianEstimate {
            median: median_in_place(&mut b.to_vec()) - median_in_place(&mut a.to_vec()),
            interval: percentile_interval(&mut differences, confidence),
            method: "bootstrap",
        }
    } else {
        let (ma, ia) = order_statistic_interval(&mut a.to_vec(), z);
        let (mb, ib) = order_statistic_interval(&mut b.to_vec(), z);
        let se = |i: Interval| (i.high - i.low) / (2.0 * z);
        let half = z * se(ia).hypot(se(ib));
        let median = mb - ma;
        MedianEstimate {
            median,
            interval: Interval {
                low: median - half,
                high: median + half,
            },
            method: "order-statistic",
        }
    };
    finite(estimate)
}

fn finite(e: MedianEstimate) -> Option<MedianEstimate> {
    (e.median.is_finite() && e.interval.low.is_finite() && e.interval.high.is_finite()).then_some(e)
}

/// The sample median and [x₍ᵣ₎, x₍ₙ₊₁₋ᵣ₎] with r = ⌊(n + 1 − z√n) / 2⌋ (1-based, at least 1):
/// the number of values below the true median is Binomial(n, ½), and r is its α/2 quantile
/// by the continuity-corrected normal approximation, which is exact to within one rank at the
/// sizes this is used for. Three selections, O(n); reorders `v`.
fn order_statistic_interval(v: &mut [f64], z: f64) -> (f64, Interval) {
    let n = v.len();
    let nf = n as f64;
    let r = (((nf + 1.0 - z * nf.sqrt()) / 2.0).floor() as usize).clamp(1, n.div_ceil(2));
    let (low_index, high_index) = (r - 1, n - r);
    let median = median_in_place(v);
    // After the median's selection everything left of `mid` is ≤ it and everything right is
    // ≥ it, so each bound is a selection within one side.
    let mid = n / 2;
    let low = if low_index < mid {
        *v[..mid].select_nth_unstable_by(low_index, f64::total_cmp).1
    } else {
        v[mid]
    };
    let high = if high_index > mid {
        *v[mid + 1..]
            .select_nth_unstable_by(high_index - mid - 1, f64::total_cmp)
            .1
    } else {
        v[mid]
    };
    (median, Interval { low, high })
}

/// The central `confidence` share of `draws`, by NumPy's default (linear) percentile.
fn percentile_interval(draws: &mut [f64], confidence: f64) -> Interval {
    draws.sort_unstable_by(f64::total_cmp);
    let at = |q: f64| {
        let h = (draws.len() - 1) as f64 * q;
        let i = h.floor() as usize;
        let next = draws[(i + 1).min(draws.len() - 1)];
        draws[i] + (h - i as f64) * (next - draws[i])
    };
    let alpha = 1.0 - confidence;
    Interval {
        low: at(alpha / 2.0),
        high: at(1.0 - alpha / 2.0),
    }
}

/// Draws bootstrap resamples of one sample and returns their medians. The sample is sorted
/// once; a resample is then just a count per sorted position, and its median is found by a
/// walk over the counts: O(n) per resample with no sorting or selection.
struct Resampler {
    sorted: Vec<f64>,
    counts: Vec<u32>,
}

impl Resampler {
    fn new(values: &[f64]) -> Self {
        let mut sorted = values.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        let counts = vec![0; sorted.len()];
        Resampler { sorted, counts }
    }

    fn median(&mut self, rng: &mut SplitMix64) -> f64 {
        let n = self.sorted.len();
        self.counts.fill(0);
        for _ in 0..n {
            self.counts[rng.below(n)] += 1;
        }
        // 0-based ranks of the two middle draws (equal for odd n).
        let (lower_rank, upper_rank) = ((n - 1) / 2, n / 2);
        let (mut seen, mut lower) = (0usize, None);
        for (value, &count) in self.sorted.iter().zip(&self.counts) {
            seen += count as usize;
            if lower.is_none() && seen > lower_rank {
                lower = Some(*value);
            }
            if seen > upper_rank {
                return (lower.unwrap_or(*value) + value) / 2.0;
            }
        }
        unreachable!("a resample has n draws, so the walk reaches rank n/2")
    }
}

/// SplitMix64 (Steele, Lea and Flood): tiny, fast and statistically sound for resampling;
/// written out so the bootstrap is reproducible without a crate.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in 0..n by Lemire's multiply-shift; its bias (≤ n / 2⁶⁴) is far below anything
    /// a 1,000-resample bootstrap can see.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}

#[cfg(test)]
mod tests {
    //! Expected values are SciPy 1.17.1 / statsmodels 0.15.0 output, pasted as literals.
    use super::*;

    #[track_caller]
    fn close(got: f64, want: f64, rel: f64) {
        assert!(
            (got - want).abs() <= rel * want.abs() + 1e-15,
            "got {got:e}, want {want:e} (relative tolerance {rel:e})"
        );
    }

    #[track_caller]
    fn close_interval(got: Interval, low: f64, high: f64, rel: f64) {
        close(got.low, low, rel);
        close(got.high, high, rel);
    }

    #[test]
    fn normal_cdf_and_quantile_match_scipy() {
        close(normal_cdf(-1.96), 0.024997895148220435, 1e-13);
        close(normal_cdf(-20.0), 2.7536241186061556e-89, 1e-12);
        close(normal_cdf(0.3), 0.6179114221889526, 1e-14);
        close(normal_cdf(7.0), 0.9999999999987201, 1e-15);
        close(normal_quantile(0.975), 1.959963984540054, 1e-14);
        close(normal_quantile(1e-10), -6.361340902404056, 1e-14);
        close(normal_quantile(0.3), -0.5244005127080409, 1e-14);
        close(normal_quantile(0.999), 3.090232306167813, 1e-14);
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert!(normal_quantile(1.5).is_nan());
    }

    #[test]
    fn student_t_matches_scipy() {
        close(student_t_quantile(0.975, 4.0), 2.7764451051977934, 1e-12);
        close(student_t_quantile(0.995, 29.0), 2.756385903670605, 1e-12);
        close(student_t_quantile(0.025, 2.5), -3.5746548420036834, 1e-12);
        close(student_t_quantile(0.9, 1.0), 3.0776835371752544, 1e-12);
        close(student_t_quantile(1e-6, 7.0), -14.241469651981445, 1e-12);
        close(student_t_quantile(0.975, 1e5), 1.9599877075346095, 1e-11);
        close(student_t_cdf(2.0, 5.0), 0.9490302605850708, 1e-13);
        close(student_t_cdf(-3.5, 12.0), 0.002190934715874077, 1e-12);
        close(student_t_cdf(0.4, 1.5), 0.630639530998568, 1e-13);
        // The quantile inverts the CDF.
        close(
            student_t_cdf(student_t_quantile(0.01, 3.3), 3.3),
            0.01,
            1e-12,
        );
    }

    #[test]
    fn chi2_sf_and_ln_gamma_match_scipy() {
        close(chi2_sf(3.84, 1.0), 0.05004352124870519, 1e-13);
        close(chi2_sf(10.0, 3.0), 0.01856613546304325, 1e-13);
        close(chi2_sf(0.5, 7.5), 0.9997263409091075, 1e-13);
        close(chi2_sf(100.0, 50.0), 3.454931382984871e-05, 1e-12);
        assert_eq!(chi2_sf(0.0, 2.0), 1.0);
        close(ln_gamma(0.5), 0.5723649429247, 1e-14);
        close(ln_gamma(100.0), 359.1342053695754, 1e-14);
        close(ln_gamma(3.7), 1.428072326665388, 1e-14);
        close(ln_gamma(0.1), 2.252712651734206, 1e-14);
    }

    #[test]
    fn wilson_matches_statsmodels_including_the_edges() {
        close_interval(wilson(0, 10, 0.95).unwrap(), 0.0, 0.2775327998628892, 1e-12);
        close_interval(
            wilson(10, 10, 0.95).unwrap(),
            0.7224672001371107,
            0.9999999999999999,
            1e-12,
        );
        close_interval(
            wilson(7, 20, 0.95).unwrap(),
            0.18119182410108206,
            0.5671457233147638,
            1e-12,
        );
        close_interval(
            wilson(45, 50, 0.9).unwrap(),
            0.8084624858484291,
            0.950470965522555,
            1e-12,
        );
        assert_eq!(wilson(0, 0, 0.95), None);
        assert_eq!(wilson(3, 2, 0.95), None);
        assert_eq!(wilson(1, 2, 1.0), None);
    }

    #[test]
    fn newcombe_matches_statsmodels() {
        // statsmodels: confint_proportions_2indep(count1=s_b, nobs1=n_b, count2=s_a, nobs2=n_a).
        close_interval(
            newcombe_difference(30, 100, 45, 110, 0.95).unwrap(),
            -0.020556446255100835,
            0.23278267762770347,
            1e-12,
        );
        close_interval(
            newcombe_difference(0, 20, 3, 25, 0.95).unwrap(),
            -0.05915689189369627,
            0.2995579392092733,
            1e-12,
        );
        close_interval(
            newcombe_difference(10, 10, 5, 12, 0.95).unwrap(),
            -0.8067396863412435,
            -0.20041491689169266,
            1e-12,
        );
        assert_eq!(newcombe_difference(0, 0, 1, 2, 0.95), None);
    }

    #[test]
    fn z_test_matches_statsmodels_and_refuses_undefined_cases() {
        close(
            two_proportion_z_test(30, 100, 45, 110).unwrap(),
            0.09939953216165574,
            1e-12,
        );
        close(
            two_proportion_z_test(0, 50, 5, 40).unwrap(),
            0.010097314647507202,
            1e-12,
        );
        assert_eq!(two_proportion_z_test(0, 10, 0, 20), None);
        assert_eq!(two_proportion_z_test(10, 10, 5, 5), None);
        assert_eq!(two_proportion_z_test(0, 0, 5, 5), None);
    }

    #[test]
    fn fisher_matches_scipy_on_small_tied_and_large_tables() {
        close(fisher_exact(8, 2, 1, 5), 0.034965034965034975, 1e-12);
        // Mirror-image tables: both tails count, through the tie tolerance.
        close(fisher_exact(3, 7, 7, 3), 0.1788954079975752, 1e-12);
        close(fisher_exact(10, 0, 0, 10), 1.082508822446903e-05, 1e-12);
        close(fisher_exact(1, 9, 11, 3), 0.0027594561852200836, 1e-12);
        assert_eq!(fisher_exact(0, 5, 0, 5), 1.0);
        assert_eq!(fisher_exact(0, 0, 0, 0), 1.0);
        close(
            fisher_exact(520, 480, 470, 530),
            0.028393696370678335,
            1e-10,
        );
        close(
            fisher_exact(12000, 11800, 11900, 12100),
            0.06869310498001373,
            1e-10,
        );
        close(fisher_exact(2, 40000, 9, 39000), 0.03634734164486265, 1e-10);
    }

    #[test]
    fn mcnemar_is_exact_below_25_discordant_pairs_and_chi_square_above() {
        let m = mcnemar(3, 10);
        assert!(m.exact);
        assert_eq!(m.statistic, 3.0);
        close(m.p_value, 0.09228515625, 1e-14);
        assert_eq!(mcnemar(5, 5).p_value, 1.0);
        assert_eq!(mcnemar(0, 0).p_value, 1.0);
        close(mcnemar(0, 24).p_value, 1.1920928955078125e-07, 1e-14);
        let m = mcnemar(20, 35);
        assert!(!m.exact);
        close(m.statistic, 3.5636363636363635, 1e-14);
        close(m.p_value, 0.059058229090536506, 1e-12);
        let m = mcnemar(30, 10);
        close(m.statistic, 9.025, 1e-14);
        close(m.p_value, 0.002663119259138558, 1e-12);
    }

    #[test]
    fn holm_matches_statsmodels_with_ties_and_unsorted_input() {
        let got = holm(&[0.04, 0.01, 0.03, 0.01, 0.5, 0.2]);
        for (g, w) in got.iter().zip([0.12, 0.06, 0.12, 0.06, 0.5, 0.4]) {
            close(*g, w, 1e-14);
        }
        for g in holm(&[0.3, 0.3, 0.3]) {
            close(g, 0.8999999999999999, 1e-14);
        }
        assert_eq!(holm(&[0.6, 0.5]), vec![1.0, 1.0]);
        assert!(holm(&[]).is_empty());
        let with_nan = holm(&[f64::NAN, 0.01]);
        assert!(with_nan[0].is_nan());
        close(with_nan[1], 0.02, 1e-14);
    }

    #[test]
    fn mann_whitney_matches_scipy_with_ties() {
        let a = [1.0, 2.0, 2.0, 3.0, 5.0, 5.0, 5.0, 8.0];
        let b = [2.0, 3.0, 3.0, 4.0, 6.0, 6.0, 9.0, 10.0, 10.0];
        close(mann_whitney_u(&a, &b).unwrap(), 0.1593121985343413, 1e-12);
        close(mann_whitney_u(&b, &a).unwrap(), 0.1593121985343413, 1e-12);
        close(
            mann_whitney_u(&[3.5, 1.0, 2.0], &[0.5]).unwrap(),
            0.37109336952269756,
            1e-12,
        );
        assert_eq!(mann_whitney_u(&[1.0, 1.0], &[1.0]), Some(1.0));
        // −0 and +0 are one tie group, as NumPy's ranking has them.
        assert_eq!(
            mann_whitney_u(&[-0.0, 1.0], &[0.0, 1.0]),
            mann_whitney_u(&[0.0, 1.0], &[0.0, 1.0])
        );
        assert_eq!(mann_whitney_u(&[], &[1.0]), None);
        assert_eq!(mann_whitney_u(&[f64::NAN], &[1.0]), None);
    }

    #[test]
    fn mean_interval_is_the_t_interval() {
        let (mean, ci) = mean_interval(&[1.0, 2.0, 4.0, 7.0, 11.0], 0.95).unwrap();
        close(mean, 5.0, 1e-15);
        close_interval(ci, -0.04366300353060826, 10.043663003530607, 1e-12);
        assert_eq!(mean_interval(&[1.0], 0.95), None);
        assert_eq!(
            mean_interval(&[2.0, 2.0], 0.95),
            Some((
                2.0,
                Interval {
                    low: 2.0,
                    high: 2.0
                }
            ))
        );
    }

    #[test]
    fn median_averages_the_middle_pair_like_numpy() {
        assert_eq!(median(&[5.0, 1.0, 4.0, 2.0]), Some(3.0));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f64::INFINITY]), None);
    }

    /// 0, 1, …, n−1 in a scrambled order (7919 is prime, so this is a permutation for n not a
    /// multiple of it).
    fn scrambled(n: usize) -> Vec<f64> {
        (0..n).map(|i| ((i * 7919) % n) as f64).collect()
    }

    #[test]
    fn bootstrap_median_interval_is_deterministic_and_covers_the_median() {
        let values = scrambled(1000);
        let e = median_interval(&values, 0.95, 42).unwrap();
        assert_eq!(e.method, "bootstrap");
        assert_eq!(e.median, 499.5);
        assert!(e.interval.contains(499.5), "{e:?}");
        // The sample median's standard error here is about 1.25 · 1000 / (2√1000) ≈ 20.
        assert!(
            e.interval.high - e.interval.low > 40.0 && e.interval.high - e.interval.low < 160.0,
            "{e:?}"
        );
        assert_eq!(median_interval(&values, 0.95, 42), Some(e));
        assert_ne!(median_interval(&values, 0.95, 43), Some(e));

        let shifted: Vec<f64> = values.iter().map(|v| v + 100.0).collect();
        let d = median_difference_interval(&values, &shifted, 0.95, 7).unwrap();
        assert_eq!((d.method, d.median), ("bootstrap", 100.0));
        assert!(
            d.interval.contains(100.0) && !d.interval.contains(0.0),
            "{d:?}"
        );
        assert_eq!(
            median_difference_interval(&values, &shifted, 0.95, 7),
            Some(d)
        );

        let one = median_interval(&[3.0], 0.95, 1).unwrap();
        assert_eq!(
            (one.median, one.interval),
            (
                3.0,
                Interval {
                    low: 3.0,
                    high: 3.0
                }
            )
        );
        assert_eq!(median_interval(&[], 0.95, 1), None);
        assert_eq!(median_difference_interval(&[1.0], &[], 0.95, 1), None);
        assert_eq!(median_interval(&[1.0, f64::NAN], 0.95, 1), None);
    }

    #[test]
    fn large_samples_use_the_order_statistic_interval() {
        let n = 30_001;
        let values = scrambled(n);
        let e = median_interval(&values, 0.95, 0).unwrap();
        assert_eq!(e.method, "order-statistic");
        assert_eq!(e.median, 15_000.0);
        // Ranks 14,831 and 15,171 (1-based); 14,831 is also SciPy's binom.ppf(0.025, n, ½).
        assert_eq!(
            e.interval,
            Interval {
                low: 14_830.0,
                high: 15_170.0
            }
        );

        let shifted: Vec<f64> = values.iter().map(|v| v + 50.0).collect();
        let d = median_difference_interval(&values, &shifted, 0.95, 0).unwrap();
        assert_eq!((d.method, d.median), ("order-statistic", 50.0));
        // Each interval is 340 wide, so se = 340 / 2z per sample and the half-width is 170·√2.
        close_interval(
            d.interval,
            50.0 - 170.0 * 2f64.sqrt(),
            50.0 + 170.0 * 2f64.sqrt(),
            1e-12,
        );
    }
}
