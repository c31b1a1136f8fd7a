//! Samples of numbers: the Mann-Whitney U test, t intervals for means, and medians with
//! bootstrap or order-statistic intervals.

use super::*;

pub(super) fn all_finite(values: &[f64]) -> bool {
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

pub(super) fn median_in_place(v: &mut [f64]) -> f64 {
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

pub(super) fn finite(e: MedianEstimate) -> Option<MedianEstimate> {
    (e.median.is_finite() && e.interval.low.is_finite() && e.interval.high.is_finite()).then_some(e)
}

/// The sample median and [x₍ᵣ₎, x₍ₙ₊₁₋ᵣ₎] with r = ⌊(n + 1 − z√n) / 2⌋ (1-based, at least 1):
/// the number of values below the true median is Binomial(n, ½), and r is its α/2 quantile
/// by the continuity-corrected normal approximation, which is exact to within one rank at the
/// sizes this is used for. Three selections, O(n); reorders `v`.
pub(super) fn order_statistic_interval(v: &mut [f64], z: f64) -> (f64, Interval) {
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
pub(super) fn percentile_interval(draws: &mut [f64], confidence: f64) -> Interval {
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
pub(super) struct Resampler {
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
pub(super) struct SplitMix64(u64);

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
