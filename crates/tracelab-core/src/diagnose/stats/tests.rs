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
