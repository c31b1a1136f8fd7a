//! Special functions and the distributions the tests need: ln Γ, ln B, the incomplete gamma
//! and beta functions, and the normal, Student t and chi-square distributions.

use std::f64::consts::PI;

pub(super) const LANCZOS_G: f64 = 7.0;
#[allow(clippy::excessive_precision)]
pub(super) const LANCZOS: [f64; 9] = [
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
pub(super) fn stirling_correction(x: f64) -> f64 {
    let r = 1.0 / (x * x);
    (1.0 / 12.0
        - r * (1.0 / 360.0
            - r * (1.0 / 1260.0 - r * (1.0 / 1680.0 - r * (1.0 / 1188.0 - r * 691.0 / 360_360.0)))))
        / x
}

/// Below this, a continued-fraction denominator counts as zero (Lentz's method).
pub(super) const TINY: f64 = 1e-300;
/// Iteration cap of the series and continued fractions; they need about √(shape) terms.
pub(super) const MAX_TERMS: usize = 100_000;

/// Regularized incomplete gamma (P(a, x), Q(a, x)), each computed directly in its own tail.
pub(super) fn incomplete_gamma(a: f64, x: f64) -> (f64, f64) {
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
pub(super) fn incomplete_beta(a: f64, b: f64, x: f64, y: f64) -> f64 {
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

pub(super) fn beta_continued_fraction(a: f64, b: f64, x: f64) -> f64 {
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
pub(super) const AS241_A: [f64; 8] = [
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
pub(super) const AS241_B: [f64; 8] = [
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
pub(super) const AS241_C: [f64; 8] = [
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
pub(super) const AS241_D: [f64; 8] = [
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
pub(super) const AS241_E: [f64; 8] = [
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
pub(super) const AS241_F: [f64; 8] = [
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

pub(super) fn student_t_pdf(t: f64, df: f64) -> f64 {
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
pub(super) fn lower_t_quantile(q: f64, df: f64) -> f64 {
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
pub(super) fn two_sided_z(confidence: f64) -> Option<f64> {
    (confidence > 0.0 && confidence < 1.0).then(|| -normal_quantile(0.5 * (1.0 - confidence)))
}
