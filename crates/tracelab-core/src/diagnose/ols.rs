//! Least squares on grouped binary outcomes with HC1 (heteroskedasticity-robust) covariance:
//! the linear probability model behind attribution.
//!
//! Sessions that share a regressor row form a *cell* (row, sessions, successes). Fitting on
//! cells gives exactly what statsmodels `OLS(y, X).fit(cov_type="HC1")` gives on the expanded
//! session-level data with y ∈ {0, 1}: X'X = Σ n·x x', X'y = Σ s·x, and each cell's share of
//! the HC1 "meat" uses the exact sum of its sessions' squared residuals. Cost is one pass over
//! the cells for X'X and one for the meat, O(cells · k²) at worst and much less for the sparse
//! rows that dummy-coded designs make, plus O(k³) for the solve.
//!
//! Columns that are linearly dependent on earlier columns are dropped (coefficient 0, zero
//! covariance row and column) and listed in [`Fit::dropped`]; statsmodels would instead spread
//! the effect over the collinear columns (pseudo-inverse), so it agrees with this fit when
//! given the design without the dropped columns.

use std::fmt;

use super::stats::{normal_cdf, normal_quantile, Interval};

/// Cells of a grouped binary outcome: cell `c` is `n[c]` sessions with regressor row
/// `rows[c]` (every row the same width), of which `successes[c]` succeeded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupedBinary {
    pub rows: Vec<Vec<f64>>,
    pub n: Vec<f64>,
    pub successes: Vec<f64>,
}

impl GroupedBinary {
    /// Appends one cell.
    pub fn push(&mut self, row: Vec<f64>, n: f64, successes: f64) {
        self.rows.push(row);
        self.n.push(n);
        self.successes.push(successes);
    }
}

/// A fitted model: one entry per column of the design, dropped columns included as zeros.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub coefficients: Vec<f64>,
    /// HC1 covariance of the coefficients, k × k.
    pub covariance: Vec<Vec<f64>>,
    /// Sessions fitted: Σ n.
    pub sessions: f64,
    /// Columns dropped as linearly dependent on earlier columns, in column order.
    pub dropped: Vec<usize>,
    /// (X'WX)⁻¹ over all k columns (zeros for dropped ones), row-major: the sandwich's bread.
    bread: Vec<f64>,
}

/// The sessions of one cluster (a task, say) that fall in one cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClusterPart {
    pub cluster: usize,
    /// Index of the cell in the fitted [`GroupedBinary`].
    pub cell: usize,
    pub n: f64,
    pub successes: f64,
}

impl Fit {
    /// HC1 standard error of coefficient `j` (0 for a dropped column).
    pub fn standard_error(&self, j: usize) -> f64 {
        self.covariance[j][j].max(0.0).sqrt()
    }

    /// Normal (z) interval for coefficient `j`, as statsmodels' `conf_int()` gives for
    /// `cov_type="HC1"`, whose default is `use_t=False`.
    pub fn interval(&self, j: usize, confidence: f64) -> Interval {
        let half = -normal_quantile(0.5 * (1.0 - confidence)) * self.standard_error(j);
        Interval {
            low: self.coefficients[j] - half,
            high: self.coefficients[j] + half,
        }
    }

    /// Replaces the covariance among `columns` by the cluster-robust (CR1) estimate, as
    /// statsmodels' `cov_type="cluster"` computes it: sessions of one cluster (attempts at one
    /// task) may be correlated, so their scores are summed before squaring, and the result is
    /// scaled by G/(G−1) · (N−1)/(N−k). Only the covariances among `columns` are computed
    /// (each is Σ_g (a_i·s_g)(a_j·s_g) with a_i a row of the bread), which keeps a million
    /// sessions in 100,000 clusters cheap; the rest of the matrix keeps its HC1 values.
    /// `parts` must cover every session of `data`, each cluster id below `clusters`.
    pub fn cluster_robust(
        &mut self,
        data: &GroupedBinary,
        parts: &[ClusterPart],
        clusters: usize,
        columns: &[usize],
    ) {
        let k = self.coefficients.len();
        let fitted: Vec<f64> = data
            .rows
            .iter()
            .map(|row| row.iter().zip(&self.coefficients).map(|(x, b)| x * b).sum())
            .collect();
        // a_j · x_c for every cell and column of interest.
        let projection: Vec<Vec<f64>> = data
            .rows
            .iter()
            .map(|row| {
                columns
                    .iter()
                    .map(|&j| {
                        let a = &self.bread[j * k..(j + 1) * k];
                        row.iter().zip(a).map(|(x, a)| x * a).sum()
                    })
                    .collect()
            })
            .collect();
        let width = columns.len();
        let mut scores = vec![0.0; clusters * width];
        for part in parts {
            let residual = part.successes - part.n * fitted[part.cell];
            let u = &mut scores[part.cluster * width..(part.cluster + 1) * width];
            for (u, p) in u.iter_mut().zip(&projection[part.cell]) {
                *u += p * residual;
            }
        }
        let g = clusters as f64;
        let kept = (k - self.dropped.len()) as f64;
        let scale = g / (g - 1.0).max(1.0) * (self.sessions - 1.0) / (self.sessions - kept);
        for (a, &ja) in columns.iter().enumerate() {
            for (b, &jb) in columns.iter().enumerate() {
                let v: f64 = scores.chunks_exact(width).map(|u| u[a] * u[b]).sum();
                self.covariance[ja][jb] =
                    if self.dropped.contains(&ja) || self.dropped.contains(&jb) {
                        0.0
                    } else {
                        scale * v
                    };
            }
        }
    }

    /// Two-sided normal p-value of coefficient `j` against 0, as statsmodels' `pvalues` for
    /// HC1. Where the standard error is 0 (a dropped column, or a perfectly fitted one) this
    /// returns 1 for a zero coefficient and 0 otherwise, where statsmodels would give NaN.
    pub fn p_value(&self, j: usize) -> f64 {
        let (b, se) = (self.coefficients[j], self.standard_error(j));
        if se == 0.0 {
            return if b == 0.0 { 1.0 } else { 0.0 };
        }
        2.0 * normal_cdf(-(b / se).abs())
    }
}

/// Why a model could not be fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum OlsError {
    /// `rows`, `n` and `successes` differ in length.
    MismatchedLengths {
        rows: usize,
        n: usize,
        successes: usize,
    },
    /// A row's width differs from the first row's.
    RaggedRow {
        cell: usize,
        width: usize,
        expected: usize,
    },
    /// A cell has a non-finite value, negative sessions, or successes outside 0..=n.
    InvalidCell { cell: usize },
    /// No column survives (no cells, no columns, or every column is zero).
    NoColumns,
    /// Not more sessions than the parameters left after dropping dependent columns.
    TooFewSessions { sessions: f64, parameters: usize },
    /// Every session has the same outcome, so there is no variation to attribute.
    NoVariance,
}

impl fmt::Display for OlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OlsError::MismatchedLengths { rows, n, successes } => write!(
                f,
                "the model's cells disagree in length ({rows} rows, {n} session counts, {successes} success counts); this is a bug in the caller"
            ),
            OlsError::RaggedRow { cell, width, expected } => write!(
                f,
                "cell {cell} has {width} regressors where the first has {expected}; this is a bug in the caller"
            ),
            OlsError::InvalidCell { cell } => write!(
                f,
                "cell {cell} has a non-finite value, negative sessions or successes outside 0..=sessions"
            ),
            OlsError::NoColumns => write!(f, "the model has no usable regressor: no cells, or every column is zero"),
            OlsError::TooFewSessions { sessions, parameters } => write!(
                f,
                "{sessions} sessions cannot fit {parameters} parameters; widen the filter or name fewer dimensions"
            ),
            OlsError::NoVariance => write!(
                f,
                "every session has the same outcome, so no change can be credited with a difference; widen the filter"
            ),
        }
    }
}

impl std::error::Error for OlsError {}

/// A column whose squared norm, after projecting out the earlier kept columns, is below this
/// share of its own squared norm counts as dependent on them.
const DEPENDENCE_TOLERANCE: f64 = 1e-9;

/// Fits the linear probability model by least squares on the cells, with HC1 covariance
/// (the sandwich (X'X)⁻¹ M (X'X)⁻¹ scaled by N / (N − k), k the columns kept).
pub fn fit(data: &GroupedBinary) -> Result<Fit, OlsError> {
    let cells = data.rows.len();
    if data.n.len() != cells || data.successes.len() != cells {
        return Err(OlsError::MismatchedLengths {
            rows: cells,
            n: data.n.len(),
            successes: data.successes.len(),
        });
    }
    let k = data.rows.first().map_or(0, Vec::len);
    if k == 0 {
        return Err(OlsError::NoColumns);
    }
    for (cell, row) in data.rows.iter().enumerate() {
        if row.len() != k {
            return Err(OlsError::RaggedRow {
                cell,
                width: row.len(),
                expected: k,
            });
        }
        let (n, s) = (data.n[cell], data.successes[cell]);
        let valid = n.is_finite() && s.is_finite() && n >= 0.0 && (0.0..=n).contains(&s);
        if !valid || !row.iter().all(|x| x.is_finite()) {
            return Err(OlsError::InvalidCell { cell });
        }
    }
    let sessions: f64 = data.n.iter().sum();
    let successes: f64 = data.successes.iter().sum();
    if sessions <= 0.0 {
        return Err(OlsError::TooFewSessions {
            sessions,
            parameters: k,
        });
    }
    if successes <= 0.0 || successes >= sessions {
        return Err(OlsError::NoVariance);
    }

    // X'WX (upper triangle, row-major) and X'Wy in one pass.
    let mut xtx = vec![0.0; k * k];
    let mut xty = vec![0.0; k];
    for ((row, &n), &s) in data.rows.iter().zip(&data.n).zip(&data.successes) {
        add_outer(&mut xtx, k, row, n);
        for (t, &x) in xty.iter_mut().zip(row) {
            *t += s * x;
        }
    }

    let (kept, chol) = cholesky_dropping_dependent(&xtx, k);
    let m = kept.len();
    if m == 0 {
        return Err(OlsError::NoColumns);
    }
    if sessions <= m as f64 {
        return Err(OlsError::TooFewSessions {
            sessions,
            parameters: m,
        });
    }
    let rhs: Vec<f64> = kept.iter().map(|&j| xty[j]).collect();
    let beta_kept = cholesky_solve(&chol, m, &rhs);
    let mut coefficients = vec![0.0; k];
    for (&j, &b) in kept.iter().zip(&beta_kept) {
        coefficients[j] = b;
    }

    // The meat, Σ x x' · (the cell's sessions' squared residuals), in a second pass.
    let mut meat = vec![0.0; k * k];
    for ((row, &n), &s) in data.rows.iter().zip(&data.n).zip(&data.successes) {
        let fitted: f64 = row.iter().zip(&coefficients).map(|(x, b)| x * b).sum();
        let squared_residuals = s * (1.0 - fitted).powi(2) + (n - s) * fitted * fitted;
        add_outer(&mut meat, k, row, squared_residuals);
    }

    let bread = cholesky_inverse(&chol, m);
    let meat_kept: Vec<f64> = (0..m * m)
        .map(|idx| {
            let (a, b) = (kept[idx / m], kept[idx % m]);
            meat[a.min(b) * k + a.max(b)]
        })
        .collect();
    let scale = sessions / (sessions - m as f64);
    let sandwich = multiply(&multiply(&bread, &meat_kept, m), &bread, m);
    let mut covariance = vec![vec![0.0; k]; k];
    let mut full_bread = vec![0.0; k * k];
    for (a, &ja) in kept.iter().enumerate() {
        for (b, &jb) in kept.iter().enumerate() {
            covariance[ja][jb] = scale * sandwich[a * m + b];
            full_bread[ja * k + jb] = bread[a * m + b];
        }
    }
    let dropped = (0..k).filter(|j| !kept.contains(j)).collect();
    Ok(Fit {
        coefficients,
        covariance,
        sessions,
        dropped,
        bread: full_bread,
    })
}

/// acc[j][l] += w · x_j · x_l for j ≤ l (upper triangle). Zero entries are skipped, since
/// dummy-coded rows are mostly zeros; the inner loop stays contiguous so it vectorises.
fn add_outer(acc: &mut [f64], k: usize, row: &[f64], w: f64) {
    if w == 0.0 {
        return;
    }
    for (j, &xj) in row.iter().enumerate() {
        if xj == 0.0 {
            continue;
        }
        let f = w * xj;
        for (a, &xl) in acc[j * k + j..(j + 1) * k].iter_mut().zip(&row[j..]) {
            *a += f * xl;
        }
    }
}

/// Cholesky factor of X'WX restricted to the columns kept, taking columns in order and
/// dropping each whose pivot (its squared norm after projecting out the earlier kept
/// columns) is below [`DEPENDENCE_TOLERANCE`] of its diagonal. Returns the kept column
/// indices and the m × m lower factor L (row-major), with L L' = the kept submatrix.
fn cholesky_dropping_dependent(upper: &[f64], k: usize) -> (Vec<usize>, Vec<f64>) {
    let at = |i: usize, j: usize| upper[i.min(j) * k + i.max(j)];
    // Column-by-column over the full k × k, so a dropped column just leaves a zero column.
    let mut l = vec![0.0; k * k];
    let mut kept = Vec::new();
    for j in 0..k {
        let diagonal = at(j, j);
        let pivot = diagonal
            - kept
                .iter()
                .map(|&p| l[j * k + p] * l[j * k + p])
                .sum::<f64>();
        if diagonal <= 0.0 || pivot <= DEPENDENCE_TOLERANCE * diagonal {
            continue;
        }
        let root = pivot.sqrt();
        l[j * k + j] = root;
        for i in j + 1..k {
            let dot: f64 = kept.iter().map(|&p| l[i * k + p] * l[j * k + p]).sum();
            l[i * k + j] = (at(i, j) - dot) / root;
        }
        kept.push(j);
    }
    let m = kept.len();
    let mut compact = vec![0.0; m * m];
    for (a, &ja) in kept.iter().enumerate() {
        for (b, &jb) in kept.iter().enumerate().take(a + 1) {
            compact[a * m + b] = l[ja * k + jb];
        }
    }
    (kept, compact)
}

/// Solves L L' x = rhs.
fn cholesky_solve(l: &[f64], m: usize, rhs: &[f64]) -> Vec<f64> {
    let mut y = rhs.to_vec();
    for i in 0..m {
        let dot: f64 = (0..i).map(|p| l[i * m + p] * y[p]).sum();
        y[i] = (y[i] - dot) / l[i * m + i];
    }
    for i in (0..m).rev() {
        let dot: f64 = (i + 1..m).map(|p| l[p * m + i] * y[p]).sum();
        y[i] = (y[i] - dot) / l[i * m + i];
    }
    y
}

/// (L L')⁻¹ = L'⁻¹ L⁻¹, row-major m × m.
fn cholesky_inverse(l: &[f64], m: usize) -> Vec<f64> {
    // L⁻¹ by forward substitution, column by column.
    let mut inv = vec![0.0; m * m];
    for c in 0..m {
        inv[c * m + c] = 1.0 / l[c * m + c];
        for i in c + 1..m {
            let dot: f64 = (c..i).map(|p| l[i * m + p] * inv[p * m + c]).sum();
            inv[i * m + c] = -dot / l[i * m + i];
        }
    }
    let mut out = vec![0.0; m * m];
    for a in 0..m {
        for b in a..m {
            // (L⁻ᵀ L⁻¹)[a][b] = Σ_p L⁻¹[p][a] · L⁻¹[p][b], nonzero for p ≥ max(a, b) = b.
            let v: f64 = (b..m).map(|p| inv[p * m + a] * inv[p * m + b]).sum();
            out[a * m + b] = v;
            out[b * m + a] = v;
        }
    }
    out
}

/// Product of two m × m row-major matrices.
fn multiply(a: &[f64], b: &[f64], m: usize) -> Vec<f64> {
    let mut out = vec![0.0; m * m];
    for i in 0..m {
        for p in 0..m {
            let f = a[i * m + p];
            if f == 0.0 {
                continue;
            }
            for (o, &x) in out[i * m..(i + 1) * m]
                .iter_mut()
                .zip(&b[p * m..(p + 1) * m])
            {
                *o += f * x;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 24 cells: intercept, A ∈ {0, 1, 2} (two dummies), B ∈ {0, 1, 2, 3} (three dummies),
    /// column 6 = a1 + b2 (collinear with columns 1 and 4), a treatment dummy and a numeric x.
    #[rustfmt::skip]
    const CELLS: [([f64; 9], f64, f64); 24] = [
        ([1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.38], 32.0, 11.0),
        ([1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.67], 59.0, 34.0),
        ([1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.22], 47.0, 15.0),
        ([1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.87], 48.0, 25.0),
        ([1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0, 0.39], 46.0, 16.0),
        ([1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.56], 32.0, 18.0),
        ([1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.58], 16.0, 7.0),
        ([1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 1.19], 28.0, 10.0),
        ([1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.87], 36.0, 14.0),
        ([1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.84], 40.0, 22.0),
        ([1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.69], 22.0, 8.0),
        ([1.0, 1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.39], 53.0, 38.0),
        ([1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 2.0, 0.0, 0.64], 45.0, 24.0),
        ([1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 2.0, 1.0, 0.29], 21.0, 14.0),
        ([1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.93], 56.0, 23.0),
        ([1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.12], 59.0, 30.0),
        ([1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.98], 23.0, 8.0),
        ([1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.06], 8.0, 5.0),
        ([1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.63], 25.0, 9.0),
        ([1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.38], 47.0, 20.0),
        ([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.35], 57.0, 20.0),
        ([1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 0.62], 31.0, 10.0),
        ([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.09], 6.0, 2.0),
        ([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.66], 43.0, 18.0),
    ];

    fn cells() -> GroupedBinary {
        let mut data = GroupedBinary::default();
        for (row, n, s) in CELLS {
            data.push(row.to_vec(), n, s);
        }
        data
    }

    #[track_caller]
    fn close(got: f64, want: f64, rel: f64) {
        assert!(
            (got - want).abs() <= rel * want.abs(),
            "got {got:e}, want {want:e}"
        );
    }

    /// statsmodels 0.15.0: `OLS(y, X[:, [0,1,2,3,4,5,7,8]]).fit(cov_type="HC1")` on the 880
    /// expanded sessions, i.e. the design without the collinear column.
    #[test]
    fn matches_statsmodels_hc1_on_the_design_without_the_collinear_column() {
        let fit = fit(&cells()).unwrap();
        assert_eq!(fit.dropped, vec![6]);
        assert_eq!(fit.sessions, 880.0);
        let kept = [0, 1, 2, 3, 4, 5, 7, 8];
        let coefficients = [
            0.32872326199247304,
            0.09782000316675213,
            -0.054709827867598405,
            0.014929042119758554,
            0.028385499291870384,
            -0.044417750083711294,
            0.13789367665191,
            0.02979108780723188,
        ];
        let standard_errors = [
            0.05996821643621044,
            0.03968466892572212,
            0.042818390702428724,
            0.04870864547584819,
            0.05156314693018687,
            0.05615948216586023,
            0.03601861577423045,
            0.03382112789660635,
        ];
        let p_values = [
            4.214372892671708e-08,
            0.013703932529869385,
            0.2013488816279888,
            0.7592264448376895,
            0.5819766510028941,
            0.42898971596451174,
            0.00012897889934619165,
            0.37840305762995263,
        ];
        for (i, &j) in kept.iter().enumerate() {
            close(fit.coefficients[j], coefficients[i], 1e-9);
            close(fit.standard_error(j), standard_errors[i], 1e-9);
            close(fit.p_value(j), p_values[i], 1e-8);
        }
        // statsmodels' conf_int(alpha=0.1) for the treatment dummy: a z interval.
        let ci = fit.interval(7, 0.9);
        close(ci.low, 0.07864832585789552, 1e-9);
        close(ci.high, 0.19713902744592446, 1e-9);
        // The dropped column reports zeros, and p = 1.
        assert_eq!(fit.coefficients[6], 0.0);
        assert!(fit.covariance[6].iter().all(|&v| v == 0.0));
        assert!(fit.covariance.iter().all(|row| row[6] == 0.0));
        assert_eq!(fit.p_value(6), 1.0);
    }

    #[test]
    fn cells_fit_exactly_as_their_expanded_sessions() {
        let grouped = cells();
        let mut expanded = GroupedBinary::default();
        for ((row, &n), &s) in grouped.rows.iter().zip(&grouped.n).zip(&grouped.successes) {
            for i in 0..n as usize {
                expanded.push(row.clone(), 1.0, f64::from(u8::from((i as f64) < s)));
            }
        }
        let (a, b) = (fit(&grouped).unwrap(), fit(&expanded).unwrap());
        assert_eq!(a.dropped, b.dropped);
        for j in 0..9 {
            assert!((a.coefficients[j] - b.coefficients[j]).abs() < 1e-12);
            for l in 0..9 {
                assert!((a.covariance[j][l] - b.covariance[j][l]).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn an_all_zero_column_is_dropped() {
        let mut data = GroupedBinary::default();
        for (x, n, s) in [(0.0, 10.0, 3.0), (1.0, 12.0, 8.0), (2.0, 9.0, 7.0)] {
            data.push(vec![1.0, 0.0, x], n, s);
        }
        let f = fit(&data).unwrap();
        assert_eq!(f.dropped, vec![1]);
        assert!(f.standard_error(2) > 0.0);
    }

    #[test]
    fn refuses_what_cannot_be_fitted() {
        let mut data = cells();
        data.successes.iter_mut().for_each(|s| *s = 0.0);
        assert_eq!(fit(&data), Err(OlsError::NoVariance));

        let mut data = cells();
        data.rows[3].pop();
        assert_eq!(
            fit(&data),
            Err(OlsError::RaggedRow {
                cell: 3,
                width: 8,
                expected: 9
            })
        );

        let mut data = cells();
        data.successes[2] = 48.0;
        assert_eq!(fit(&data), Err(OlsError::InvalidCell { cell: 2 }));

        let mut data = cells();
        data.n.pop();
        assert!(matches!(
            fit(&data),
            Err(OlsError::MismatchedLengths { .. })
        ));

        assert_eq!(fit(&GroupedBinary::default()), Err(OlsError::NoColumns));

        let mut data = GroupedBinary::default();
        data.push(vec![1.0, 0.0], 1.0, 1.0);
        data.push(vec![1.0, 1.0], 1.0, 0.0);
        assert_eq!(
            fit(&data),
            Err(OlsError::TooFewSessions {
                sessions: 2.0,
                parameters: 2
            })
        );

        let mut data = cells();
        data.n.iter_mut().for_each(|n| *n = 0.0);
        data.successes.iter_mut().for_each(|s| *s = 0.0);
        assert_eq!(
            fit(&data),
            Err(OlsError::TooFewSessions {
                sessions: 0.0,
                parameters: 9
            })
        );

        let message = OlsError::NoVariance.to_string();
        assert!(message.contains("same outcome"), "{message}");
    }
}
