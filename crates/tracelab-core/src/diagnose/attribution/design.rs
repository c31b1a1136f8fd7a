//! The regression design: suspects (changes, or groups of changes that cannot be told apart),
//! the fixed-effect controls, the subgroup splits, and the fit with task-clustered errors.

use super::*;

/// A change group: one or more changes that cannot be told apart.
pub(super) struct Suspect {
    pub(super) changes: Vec<Change>,
    /// Per cell: runs the new value.
    pub(super) indicator: Vec<bool>,
}

/// The values at or after `to` along the change edges of one dimension.
pub(super) fn reach(changes: &[Change], dimension: &str, to: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::from([to.to_string()]);
    let mut frontier = vec![to.to_string()];
    while let Some(v) = frontier.pop() {
        for c in changes
            .iter()
            .filter(|c| c.dimension == dimension && c.from == v)
        {
            if out.insert(c.to.clone()) {
                frontier.push(c.to.clone());
            }
        }
    }
    out
}

pub(super) fn label(c: &Change) -> String {
    format!("{}: {} -> {}", c.dimension, c.from, c.to)
}

/// Groups changes whose indicators agree on ≥ 99% of sessions (union by agreement).
pub(super) fn suspects(
    changes: &[Change],
    dimensions: &[Dimension],
    cells: &[Cell],
) -> Vec<Suspect> {
    let indicators: Vec<Vec<bool>> = changes
        .iter()
        .map(|c| {
            let d = dimensions
                .iter()
                .position(|d| d.name() == c.dimension)
                .expect("every change's dimension is queried");
            let values = reach(changes, &c.dimension, &c.to);
            cells
                .iter()
                .map(|cell| values.contains(&cell.values[d]))
                .collect()
        })
        .collect();
    let weight: f64 = cells.iter().map(|c| c.n).sum();
    let mut group: Vec<usize> = (0..changes.len()).collect();
    for i in 0..changes.len() {
        for j in 0..i {
            let agree: f64 = cells
                .iter()
                .enumerate()
                .filter(|(k, _)| indicators[i][*k] == indicators[j][*k])
                .map(|(_, c)| c.n)
                .sum();
            if weight > 0.0 && agree / weight >= CONFOUNDED_AGREEMENT {
                group[i] = group[j];
                break;
            }
        }
    }
    let mut out: BTreeMap<usize, Suspect> = BTreeMap::new();
    for (i, c) in changes.iter().enumerate() {
        out.entry(group[i])
            .or_insert_with(|| Suspect {
                changes: Vec::new(),
                indicator: indicators[group[i]].clone(),
            })
            .changes
            .push(c.clone());
    }
    out.into_values().collect()
}

/// The fixed-effect part of the design: intercept, slice, day and (optionally) model dummies.
pub(super) struct Controls {
    pub(super) slices: Vec<String>,
    /// Days per time fixed effect: 1 or 7 (Monday-aligned weeks).
    pub(super) days_per_period: i64,
    pub(super) periods: Vec<i64>,
    pub(super) models: Vec<String>,
}

pub(super) const DAY_MICROS: i64 = 86_400_000_000;

/// The period a day (as µs since the epoch) falls in; 1970-01-01 was a Thursday.
pub(super) fn period(day: i64, days_per_period: i64) -> i64 {
    (day.div_euclid(DAY_MICROS) + if days_per_period == 7 { 3 } else { 0 })
        .div_euclid(days_per_period)
}

impl Controls {
    pub(super) fn new(cells: &[Cell], with_model: bool, days_per_period: i64) -> Controls {
        let distinct = |f: &dyn Fn(&Cell) -> String| -> Vec<String> {
            let set: BTreeSet<String> = cells.iter().map(f).collect();
            set.into_iter().skip(1).collect()
        };
        let periods: BTreeSet<i64> = cells
            .iter()
            .map(|c| period(c.day, days_per_period))
            .collect();
        Controls {
            slices: distinct(&|c| c.slice.clone()),
            days_per_period,
            periods: periods.into_iter().skip(1).collect(),
            models: if with_model {
                distinct(&|c| c.model.clone())
            } else {
                Vec::new()
            },
        }
    }

    fn width(&self) -> usize {
        1 + self.slices.len() + self.periods.len() + self.models.len()
    }

    fn row(&self, cell: &Cell, out: &mut Vec<f64>) {
        out.push(1.0);
        out.extend(
            self.slices
                .iter()
                .map(|s| f64::from(u8::from(*s == cell.slice))),
        );
        let p = period(cell.day, self.days_per_period);
        out.extend(self.periods.iter().map(|q| f64::from(u8::from(*q == p))));
        out.extend(
            self.models
                .iter()
                .map(|m| f64::from(u8::from(*m == cell.model))),
        );
    }
}

/// A binary split of the sessions, tested for interaction with each change.
pub(super) enum Split {
    Tag(usize, String),
    Model(String),
}

impl Split {
    pub(super) fn name(&self) -> String {
        match self {
            Split::Tag(_, t) => format!("tag={t}"),
            Split::Model(m) => format!("model={m}"),
        }
    }

    pub(super) fn contains(&self, cell: &Cell) -> bool {
        match self {
            Split::Tag(i, _) => cell.tags[*i],
            Split::Model(m) => cell.model == *m,
        }
    }
}

/// Fits the model with every suspect; with a `split`, also the split and every suspect's
/// interaction with it (all at once, so one change's subgroup effect cannot leak into another's
/// interaction). With `clusters`, the suspects' and interactions' covariance is clustered by task.
pub(super) fn fit(
    cells: &[Cell],
    controls: &Controls,
    suspects: &[Suspect],
    split: Option<&Split>,
    clusters: Option<&Clusters>,
) -> std::result::Result<ols::Fit, ols::OlsError> {
    let data = design(cells, controls, suspects, split);
    let mut fit = ols::fit(&data)?;
    if let Some(c) = clusters {
        let width = suspects.len()
            + if split.is_some() {
                1 + suspects.len()
            } else {
                0
            };
        let columns: Vec<usize> = (0..width).collect();
        fit.cluster_robust(&data, &c.parts, c.count, &columns);
    }
    Ok(fit)
}

/// Which task each cell's sessions belong to.
pub(super) struct Clusters {
    pub(super) parts: Vec<ClusterPart>,
    pub(super) count: usize,
}

/// The cells as regression rows: suspects, then (with a split) the split and each suspect ×
/// split, then the controls.
pub(super) fn design(
    cells: &[Cell],
    controls: &Controls,
    suspects: &[Suspect],
    split: Option<&Split>,
) -> GroupedBinary {
    let mut data = GroupedBinary {
        rows: Vec::with_capacity(cells.len()),
        n: Vec::with_capacity(cells.len()),
        successes: Vec::with_capacity(cells.len()),
    };
    // Every cell, even one with no known outcome (weight 0), so rows keep the cells' indices.
    for (k, cell) in cells.iter().enumerate() {
        let mut row = Vec::with_capacity(controls.width() + suspects.len() + 2);
        row.extend(suspects.iter().map(|s| f64::from(u8::from(s.indicator[k]))));
        if let Some(split) = split {
            let inside = f64::from(u8::from(split.contains(cell)));
            row.push(inside);
            row.extend(
                suspects
                    .iter()
                    .map(|s| inside * f64::from(u8::from(s.indicator[k]))),
            );
        }
        controls.row(cell, &mut row);
        data.rows.push(row);
        data.n.push(cell.n);
        data.successes.push(cell.successes);
    }
    data
}
