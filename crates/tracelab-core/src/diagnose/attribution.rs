//! Attribution: which harness change cost what, holding the others fixed.
//!
//! **Method.** A linear probability model of success on every detected change, with traffic
//! slice, day and model fixed effects:
//!
//! `success = Σ_c effect_c · [session runs the new value of c] + slice + day + model + ε`
//!
//! Changes rolled out to different slices on different days are separated the way a
//! staggered difference-in-differences separates them: a slice that has not switched yet is
//! the control for one that has, on the same day. Because every regressor is categorical the
//! model is fitted on cells (slice × day × model × knob values), which gives exactly the
//! individual-level least squares estimates. Standard errors are clustered by task (CR1, as
//! statsmodels' `cov_type="cluster"`): attempts at one task share its difficulty, so treating
//! them as independent would make intervals too narrow. Effects are in percentage points of
//! success probability with 95% intervals.
//!
//! **Confounded changes.** Changes whose indicators agree on at least 99% of sessions (same
//! slices, same time) cannot be told apart: they get one joint effect, reported with
//! `confounded_with`, never split credit. A change the fixed effects already explain (rolled
//! out everywhere at once, say) gets no effect and says so.
//!
//! **Subgroups.** For each change and each candidate split (every tag carried by 5–95% of
//! sessions, every model), an interaction term tests whether the effect differs inside the
//! split; the p-values are Holm-corrected together. An effect whose interval excludes zero
//! inside the split but covers zero outside it is reported as subgroup-only, with the effect
//! inside.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use arrow::datatypes::DataType;
use chrono::{DateTime, Utc};
use datafusion::functions_aggregate::expr_fn::{count, sum};
use datafusion::functions_nested::expr_fn::array_has;
use datafusion::logical_expr::{cast, col, lit, Expr};
use serde::Serialize;

use super::cohort::success_expr;
use super::collect::Columns;
use super::compare::CONFIDENCE;
use super::ols::{self, ClusterPart, GroupedBinary};
use super::rollout::{self, Change, Rollout};
use super::stats;
use super::timeseries::{bucket_expr, group_expr, Bucket};
use crate::error::{Error, Result};
use crate::query::{query_error, Dimension, Filter, QueryEngine};

/// Indicators agreeing on at least this share of sessions are confounded.
const CONFOUNDED_AGREEMENT: f64 = 0.99;
/// A tag is a candidate subgroup when this share of sessions, or more, carries it (and at
/// most `1 -` it).
const SUBGROUP_MIN_SHARE: f64 = 0.05;
/// Days per time fixed effect. Days (rather than weeks) keep a shock on one day from being
/// blamed on a change that went out that week; 7 would give Monday-aligned weeks.
const TIME_EFFECT_DAYS: i64 = 1;
/// Fewer sessions with a known outcome than this and no model is fitted.
pub const MIN_SESSIONS: u64 = 30;

pub const METHOD: &str = "linear probability model: success on change indicators with slice, day and model fixed effects, least squares on cells, 95% intervals from standard errors clustered by task (CR1); changes agreeing on 99% of sessions are confounded; subgroups by change x split interactions, Holm-corrected";

/// Where an effect lives, when it lives only in part of the traffic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubgroupEffect {
    /// `tag=long`, `model=gemini-2.5-pro`.
    pub split: String,
    pub inside_pp: f64,
    pub inside_ci_low_pp: f64,
    pub inside_ci_high_pp: f64,
    pub outside_pp: f64,
    pub outside_ci_low_pp: f64,
    pub outside_ci_high_pp: f64,
    /// The interaction's p-value after Holm's correction.
    pub interaction_p_holm: f64,
    /// True when the effect is clear inside the split and indistinguishable from zero outside.
    pub only_inside: bool,
}

/// One suspect.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Effect {
    pub dimension: String,
    pub from: String,
    pub to: String,
    /// Effect on success probability in percentage points (inside the subgroup when the
    /// effect is subgroup-only); null when it cannot be separated from the fixed effects.
    pub effect_pp: Option<f64>,
    pub ci_low_pp: Option<f64>,
    pub ci_high_pp: Option<f64>,
    pub p_value: Option<f64>,
    /// The effect averaged over all sessions that ran the new value.
    pub average_effect_pp: Option<f64>,
    /// Sessions that ran the new value.
    pub sessions: u64,
    pub first_seen: DateTime<Utc>,
    pub slices: Vec<String>,
    /// Other changes this one cannot be told apart from (`dimension: from -> to`).
    pub confounded_with: Vec<String>,
    /// `null`, or where the effect lives (`only in tag=long: ...`).
    pub subgroup: Option<String>,
    pub subgroup_detail: Option<SubgroupEffect>,
    pub note: Option<String>,
}

/// The ranked suspects and what they rest on; `attribute --json` prints it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attribution {
    pub method: &'static str,
    pub sessions: u64,
    pub sessions_with_outcome: u64,
    pub rollouts: Vec<Rollout>,
    /// Ordered: effects whose interval excludes zero first, each group by size.
    pub effects: Vec<Effect>,
    pub notes: Vec<String>,
}

/// One cell: sessions sharing every regressor.
struct Cell {
    slice: String,
    day: i64,
    model: String,
    /// Values of the change dimensions, in `dimensions` order.
    values: Vec<String>,
    /// Membership of each candidate tag split.
    tags: Vec<bool>,
    sessions: f64,
    n: f64,
    successes: f64,
}

/// A change group: one or more changes that cannot be told apart.
struct Suspect {
    changes: Vec<Change>,
    /// Per cell: runs the new value.
    indicator: Vec<bool>,
}

/// The values at or after `to` along the change edges of one dimension.
fn reach(changes: &[Change], dimension: &str, to: &str) -> BTreeSet<String> {
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

fn label(c: &Change) -> String {
    format!("{}: {} -> {}", c.dimension, c.from, c.to)
}

async fn candidate_tags(engine: &QueryEngine, filter: &Filter, total: u64) -> Result<Vec<String>> {
    let tags = engine.distinct(&Dimension::Tag, filter).await?;
    Ok(tags
        .into_iter()
        .filter(|t| t.value != crate::query::NONE)
        .filter(|t| {
            let share = t.count as f64 / total.max(1) as f64;
            (SUBGROUP_MIN_SHARE..=1.0 - SUBGROUP_MIN_SHARE).contains(&share)
        })
        .take(4)
        .map(|t| t.value)
        .collect())
}

/// What makes a cell: slice, day, model, the change dimensions' values, the tag splits.
type CellKey<'a> = (&'a str, i64, &'a str, Vec<&'a str>, Vec<bool>);

/// The cells, and how each task's sessions spread over them (for task-clustered errors).
struct Observations {
    cells: Vec<Cell>,
    parts: Vec<ClusterPart>,
    clusters: usize,
}

async fn observe(
    engine: &QueryEngine,
    filter: &Filter,
    dimensions: &[Dimension],
    tags: &[String],
) -> Result<Observations> {
    let mut keys: Vec<Expr> = vec![
        col("slice").alias("slice"),
        bucket_expr(Bucket::Day).alias("day"),
        col("model").alias("model"),
    ];
    for (i, d) in dimensions.iter().enumerate() {
        keys.push(group_expr(Some(d))?.alias(format!("d{i}")));
    }
    for (i, t) in tags.iter().enumerate() {
        keys.push(array_has(col("tags"), lit(t.as_str())).alias(format!("t{i}")));
    }
    keys.push(col("task_id").alias("task"));
    let success = cast(success_expr(), DataType::Float64);
    let df = engine
        .filtered_sessions(filter, None)
        .await?
        .filter(col("started_at").is_not_null())
        .and_then(|t| {
            t.aggregate(
                keys,
                vec![
                    count(lit(1)).alias("sessions"),
                    count(success.clone()).alias("n"),
                    sum(success).alias("s"),
                ],
            )
        })
        .map_err(query_error)?;
    let c = Columns::collect(df).await?;
    let text = |name: &str| -> Result<Vec<String>> {
        Ok(c.strings(name)?
            .into_iter()
            .map(|v| v.unwrap_or_else(|| crate::query::NONE.into()))
            .collect())
    };
    let (slices, models) = (text("slice")?, text("model")?);
    let days = c.f64s("day")?;
    let values: Vec<Vec<String>> = (0..dimensions.len())
        .map(|i| text(&format!("d{i}")))
        .collect::<Result<_>>()?;
    let flags: Vec<Vec<bool>> = (0..tags.len())
        .map(|i| c.bools(&format!("t{i}")))
        .collect::<Result<_>>()?;
    let tasks = c.strings("task")?;
    let (sessions, n, s) = (c.f64s("sessions")?, c.f64s("n")?, c.f64s("s")?);
    let mut out = Observations {
        cells: Vec::new(),
        parts: Vec::with_capacity(c.rows()),
        clusters: 0,
    };
    let mut cell_index: HashMap<CellKey, usize> = HashMap::new();
    let mut task_index: HashMap<&str, usize> = HashMap::new();
    for i in 0..c.rows() {
        let day = days[i].unwrap_or(0.0) as i64;
        let key = (
            slices[i].as_str(),
            day,
            models[i].as_str(),
            values.iter().map(|v| v[i].as_str()).collect::<Vec<_>>(),
            flags.iter().map(|f| f[i]).collect::<Vec<_>>(),
        );
        let next = out.cells.len();
        let cell = *cell_index.entry(key).or_insert(next);
        if cell == next {
            out.cells.push(Cell {
                slice: slices[i].clone(),
                day,
                model: models[i].clone(),
                values: values.iter().map(|v| v[i].clone()).collect(),
                tags: flags.iter().map(|f| f[i]).collect(),
                sessions: 0.0,
                n: 0.0,
                successes: 0.0,
            });
        }
        let (ni, si) = (n[i].unwrap_or(0.0), s[i].unwrap_or(0.0));
        let target = &mut out.cells[cell];
        target.sessions += sessions[i].unwrap_or(0.0);
        target.n += ni;
        target.successes += si;
        // Sessions without a task id each form their own cluster; a row of several such
        // sessions counts as one, which overstates their variance a little (conservative).
        let cluster = match &tasks[i] {
            Some(t) => {
                let next = task_index.len() + out.clusters;
                *task_index.entry(t.as_str()).or_insert(next)
            }
            None => {
                out.clusters += 1;
                task_index.len() + out.clusters - 1
            }
        };
        out.parts.push(ClusterPart {
            cluster,
            cell,
            n: ni,
            successes: si,
        });
    }
    out.clusters += task_index.len();
    Ok(out)
}

/// Groups changes whose indicators agree on ≥ 99% of sessions (union by agreement).
fn suspects(changes: &[Change], dimensions: &[Dimension], cells: &[Cell]) -> Vec<Suspect> {
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
struct Controls {
    slices: Vec<String>,
    /// Days per time fixed effect: 1 or 7 (Monday-aligned weeks).
    days_per_period: i64,
    periods: Vec<i64>,
    models: Vec<String>,
}

const DAY_MICROS: i64 = 86_400_000_000;

/// The period a day (as µs since the epoch) falls in; 1970-01-01 was a Thursday.
fn period(day: i64, days_per_period: i64) -> i64 {
    (day.div_euclid(DAY_MICROS) + if days_per_period == 7 { 3 } else { 0 })
        .div_euclid(days_per_period)
}

impl Controls {
    fn new(cells: &[Cell], with_model: bool, days_per_period: i64) -> Controls {
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
enum Split {
    Tag(usize, String),
    Model(String),
}

impl Split {
    fn name(&self) -> String {
        match self {
            Split::Tag(_, t) => format!("tag={t}"),
            Split::Model(m) => format!("model={m}"),
        }
    }

    fn contains(&self, cell: &Cell) -> bool {
        match self {
            Split::Tag(i, _) => cell.tags[*i],
            Split::Model(m) => cell.model == *m,
        }
    }
}

/// Fits the model with every suspect; with a `split`, also the split and every suspect's
/// interaction with it (all at once, so one change's subgroup effect cannot leak into another's
/// interaction). With `clusters`, the suspects' and interactions' covariance is clustered by task.
fn fit(
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
struct Clusters {
    parts: Vec<ClusterPart>,
    count: usize,
}

/// The cells as regression rows: suspects, then (with a split) the split and each suspect ×
/// split, then the controls.
fn design(
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

fn pp(x: f64) -> f64 {
    100.0 * x
}

/// Estimates each detected change's effect on the success rate of the sessions `filter`
/// selects; `only` restricts the dimensions considered (`harness_version`, `config.KEY`).
pub async fn attribute(
    engine: &QueryEngine,
    filter: &Filter,
    only: &[String],
) -> Result<Attribution> {
    let dimensions = rollout::candidate_dimensions(engine, filter, only).await?;
    let rollouts = rollout::rollouts(engine, filter, &dimensions).await?;
    let changes = rollout::changes(&rollouts);
    let changed: Vec<Dimension> = dimensions
        .iter()
        .filter(|d| changes.iter().any(|c| c.dimension == d.name()))
        .cloned()
        .collect();
    let total = engine
        .filtered_sessions(filter, None)
        .await?
        .count()
        .await
        .map_err(query_error)? as u64;
    let tags = candidate_tags(engine, filter, total).await?;
    let o = observe(engine, filter, &changed, &tags).await?;
    let clusters = Clusters {
        parts: o.parts,
        count: o.clusters,
    };
    Ok(estimate(
        o.cells,
        Some(&clusters),
        changes,
        &changed,
        &tags,
        rollouts,
    ))
}

fn estimate(
    cells: Vec<Cell>,
    clusters: Option<&Clusters>,
    changes: Vec<Change>,
    dimensions: &[Dimension],
    tags: &[String],
    rollouts: Vec<Rollout>,
) -> Attribution {
    let sessions = cells.iter().map(|c| c.sessions).sum::<f64>() as u64;
    let with_outcome = cells.iter().map(|c| c.n).sum::<f64>() as u64;
    let mut out = Attribution {
        method: METHOD,
        sessions,
        sessions_with_outcome: with_outcome,
        rollouts,
        effects: Vec::new(),
        notes: Vec::new(),
    };
    if changes.is_empty() {
        out.notes.push("no rollout detected: no harness version, model or config knob took over a slice during the period, so there is nothing to attribute".into());
        return out;
    }
    if with_outcome < MIN_SESSIONS {
        out.notes.push(format!(
            "too few sessions with a known outcome ({with_outcome}; at least {MIN_SESSIONS} needed) to estimate effects; attach outcomes with `tracelab import --outcomes FILE`"
        ));
        return out;
    }
    let model_changed = changes.iter().any(|c| c.dimension == "model");
    let controls = Controls::new(&cells, !model_changed, TIME_EFFECT_DAYS);
    let suspects = suspects(&changes, dimensions, &cells);
    let main = match fit(&cells, &controls, &suspects, None, clusters) {
        Ok(f) => f,
        Err(e) => {
            out.notes
                .push(format!("the model could not be fitted: {e}"));
            return out;
        }
    };
    let mut splits: Vec<Split> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| Split::Tag(i, t.clone()))
        .collect();
    if !model_changed {
        let models: BTreeSet<&str> = cells.iter().map(|c| c.model.as_str()).collect();
        if models.len() > 1 {
            splits.extend(models.into_iter().map(|m| Split::Model(m.to_string())));
        }
    }
    // Interaction tests: one fit per split with every suspect's interaction; the p-values of
    // all (suspect, split) pairs are Holm-corrected together.
    let mut tests: Vec<(usize, usize, std::rc::Rc<ols::Fit>)> = Vec::new();
    for (j, split) in splits.iter().enumerate() {
        let Ok(f) = fit(&cells, &controls, &suspects, Some(split), clusters) else {
            continue;
        };
        let f = std::rc::Rc::new(f);
        for (i, s) in suspects.iter().enumerate() {
            let inside: f64 = cells
                .iter()
                .enumerate()
                .filter(|(k, c)| s.indicator[*k] && split.contains(c))
                .map(|(_, c)| c.n)
                .sum();
            let term = suspects.len() + 1 + i;
            if inside >= MIN_SESSIONS as f64
                && !main.dropped.contains(&i)
                && !f.dropped.contains(&term)
            {
                tests.push((i, j, f.clone()));
            }
        }
    }
    let adjusted = stats::holm(
        &tests
            .iter()
            .map(|(i, _, f)| f.p_value(suspects.len() + 1 + i))
            .collect::<Vec<_>>(),
    );
    for (i, s) in suspects.iter().enumerate() {
        let first = &s.changes[0];
        let treated: f64 = cells
            .iter()
            .enumerate()
            .filter(|(k, _)| s.indicator[*k])
            .map(|(_, c)| c.sessions)
            .sum();
        let mut effect = Effect {
            dimension: first.dimension.clone(),
            from: first.from.clone(),
            to: first.to.clone(),
            effect_pp: None,
            ci_low_pp: None,
            ci_high_pp: None,
            p_value: None,
            average_effect_pp: None,
            sessions: treated as u64,
            first_seen: s.changes.iter().map(|c| c.first_seen).min().expect("one"),
            slices: s
                .changes
                .iter()
                .flat_map(|c| c.slices.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            confounded_with: s.changes[1..].iter().map(label).collect(),
            subgroup: None,
            subgroup_detail: None,
            note: None,
        };
        if main.dropped.contains(&i) {
            effect.note = Some("cannot be separated from the slice and day effects (it changed everywhere at once, or in one slice for the whole period): no estimate".into());
            effect
                .confounded_with
                .push("slice and day fixed effects".into());
            out.effects.push(effect);
            continue;
        }
        let ci = main.interval(i, CONFIDENCE);
        effect.effect_pp = Some(pp(main.coefficients[i]));
        effect.average_effect_pp = effect.effect_pp;
        effect.ci_low_pp = Some(pp(ci.low));
        effect.ci_high_pp = Some(pp(ci.high));
        effect.p_value = Some(main.p_value(i));
        // The strongest significant interaction of this suspect, if any.
        let best = tests
            .iter()
            .zip(&adjusted)
            .filter(|((si, _, _), p)| *si == i && **p < 1.0 - CONFIDENCE)
            .min_by(|a, b| a.1.total_cmp(b.1));
        if let Some(((_, j, f), p)) = best {
            let detail = subgroup_effect(f, i, suspects.len(), &splits[*j], *p);
            if detail.only_inside {
                effect.effect_pp = Some(detail.inside_pp);
                effect.ci_low_pp = Some(detail.inside_ci_low_pp);
                effect.ci_high_pp = Some(detail.inside_ci_high_pp);
                effect.subgroup = Some(format!(
                    "only in {}: {:+.1} pp inside, {:+.1} pp [{:+.1}, {:+.1}] outside",
                    detail.split,
                    detail.inside_pp,
                    detail.outside_pp,
                    detail.outside_ci_low_pp,
                    detail.outside_ci_high_pp
                ));
            } else {
                effect.subgroup = Some(format!(
                    "differs in {}: {:+.1} pp inside, {:+.1} pp outside",
                    detail.split, detail.inside_pp, detail.outside_pp
                ));
            }
            effect.subgroup_detail = Some(detail);
        }
        out.effects.push(effect);
    }
    out.effects.sort_by(|a, b| rank(a).total_cmp(&rank(b)));
    out
}

/// Sort key: clear effects (interval excludes zero) first, larger first; unestimated last.
fn rank(e: &Effect) -> f64 {
    match (e.effect_pp, e.ci_low_pp, e.ci_high_pp) {
        (Some(x), Some(lo), Some(hi)) if lo > 0.0 || hi < 0.0 => -1e6 - x.abs(),
        (Some(x), _, _) => -x.abs(),
        _ => f64::INFINITY,
    }
}

fn subgroup_effect(
    f: &ols::Fit,
    i: usize,
    n_suspects: usize,
    split: &Split,
    p: f64,
) -> SubgroupEffect {
    let term = n_suspects + 1 + i;
    let z = stats::normal_quantile(0.5 + CONFIDENCE / 2.0);
    let outside = f.coefficients[i];
    let outside_se = f.standard_error(i);
    let inside = outside + f.coefficients[term];
    let inside_var = f.covariance[i][i] + f.covariance[term][term] + 2.0 * f.covariance[i][term];
    let inside_se = inside_var.max(0.0).sqrt();
    let (in_lo, in_hi) = (inside - z * inside_se, inside + z * inside_se);
    let (out_lo, out_hi) = (outside - z * outside_se, outside + z * outside_se);
    SubgroupEffect {
        split: split.name(),
        inside_pp: pp(inside),
        inside_ci_low_pp: pp(in_lo),
        inside_ci_high_pp: pp(in_hi),
        outside_pp: pp(outside),
        outside_ci_low_pp: pp(out_lo),
        outside_ci_high_pp: pp(out_hi),
        interaction_p_holm: p,
        only_inside: (in_hi < 0.0 || in_lo > 0.0) && out_lo <= 0.0 && out_hi >= 0.0,
    }
}

/// Checks that a dimension list names real dimensions before any work starts.
pub fn check_dimensions(only: &[String]) -> Result<()> {
    for name in only {
        if Dimension::parse(name)? == Dimension::Tag {
            return Err(Error::Query {
                message:
                    "`tag` is not a knob that rolls out; name harness_version, model or config.KEY"
                        .into(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// splitmix64: a tiny deterministic generator for the simulations below.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn change(dimension: &str, slices: &[&str]) -> Change {
        Change {
            dimension: dimension.into(),
            from: "old".into(),
            to: "new".into(),
            first_seen: DateTime::default(),
            slices: slices.iter().map(|s| s.to_string()).collect(),
            rollouts: Vec::new(),
        }
    }

    /// Three slices over six weeks; `x` switches on slice a at day 10, `y` on b at day 20,
    /// `z` everywhere, staggered over days 30–34. `effects` are the true effects of x, y, z.
    /// Each session attempts one of 150 tasks whose difficulty shifts success by up to ±18
    /// pp, as in the sample generator, so attempts at one task are correlated.
    fn simulate_tasks(rng: &mut Rng, effects: [f64; 3], per_cell: u64) -> (Vec<Cell>, Clusters) {
        let tasks: Vec<f64> = (0..150).map(|_| 0.36 * rng.next() - 0.18).collect();
        let mut cells = Vec::new();
        let mut parts = Vec::new();
        for (si, slice) in ["a", "b", "c"].iter().enumerate() {
            for day in 0..42i64 {
                let on = [
                    *slice == "a" && day >= 10,
                    *slice == "b" && day >= 20,
                    day >= 30 + 2 * si as i64,
                ];
                let p = 0.5
                    + 0.05 * si as f64
                    + 0.05 * (day as f64 / 6.0).sin()
                    + on.iter()
                        .zip(effects)
                        .filter(|(o, _)| **o)
                        .map(|(_, e)| e)
                        .sum::<f64>();
                let mut by_task: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
                for _ in 0..per_cell {
                    let task = (rng.next() * tasks.len() as f64) as usize;
                    let success = rng.next() < p + tasks[task];
                    let e = by_task.entry(task).or_default();
                    e.0 += 1.0;
                    e.1 += f64::from(u8::from(success));
                }
                let cell = cells.len();
                parts.extend(by_task.iter().map(|(task, (n, s))| ClusterPart {
                    cluster: *task,
                    cell,
                    n: *n,
                    successes: *s,
                }));
                cells.push(Cell {
                    slice: slice.to_string(),
                    day: day * DAY_MICROS,
                    model: "m".into(),
                    values: on
                        .iter()
                        .map(|o| if *o { "new" } else { "old" }.to_string())
                        .collect(),
                    tags: Vec::new(),
                    sessions: per_cell as f64,
                    n: per_cell as f64,
                    successes: by_task.values().map(|(_, s)| s).sum(),
                });
            }
        }
        (
            cells,
            Clusters {
                parts,
                count: tasks.len(),
            },
        )
    }

    fn simulate(rng: &mut Rng, effects: [f64; 3], per_cell: u64) -> Vec<Cell> {
        simulate_tasks(rng, effects, per_cell).0
    }

    fn changes() -> Vec<Change> {
        vec![
            change("config.x", &["a"]),
            change("config.y", &["b"]),
            change("config.z", &["a", "b", "c"]),
        ]
    }

    fn dims() -> Vec<Dimension> {
        ["x", "y", "z"]
            .iter()
            .map(|k| Dimension::Config(k.to_string()))
            .collect()
    }

    fn run(cells: Vec<Cell>) -> Attribution {
        estimate(cells, None, changes(), &dims(), &[], Vec::new())
    }

    /// The simulation check: 300 archives with no effect at all, three changes each. With
    /// task-clustered errors the intervals cover zero about 95% of the time; the printed
    /// HC1 figure shows what ignoring the tasks would give.
    #[test]
    fn under_no_effect_the_intervals_cover_zero_about_95_percent_of_the_time() {
        let mut rng = Rng(42);
        let (mut clustered, mut robust, mut total) = (0, 0, 0);
        let covers = |e: &Effect| e.ci_low_pp.unwrap() <= 0.0 && e.ci_high_pp.unwrap() >= 0.0;
        for _ in 0..300 {
            let (cells, clusters) = simulate_tasks(&mut rng, [0.0; 3], 30);
            let tasks = estimate(cells, Some(&clusters), changes(), &dims(), &[], Vec::new());
            total += tasks.effects.len();
            clustered += tasks.effects.iter().filter(|e| covers(e)).count();
            let (cells, _) = simulate_tasks(&mut rng, [0.0; 3], 30);
            robust += run(cells).effects.iter().filter(|e| covers(e)).count();
        }
        let coverage = clustered as f64 / total as f64;
        eprintln!(
            "null coverage over {total} intervals: clustered by task {coverage:.3}, HC1 {:.3}",
            robust as f64 / total as f64
        );
        assert_eq!(total, 900);
        assert!((0.925..=0.975).contains(&coverage), "coverage {coverage}");
    }

    #[test]
    fn planted_effects_are_recovered_and_ranked() {
        let mut rng = Rng(7);
        let a = run(simulate(&mut rng, [-0.10, -0.05, 0.0], 200));
        let by = |d: &str| a.effects.iter().find(|e| e.dimension == d).unwrap();
        let (x, y, z) = (by("config.x"), by("config.y"), by("config.z"));
        assert!(
            x.ci_low_pp.unwrap() <= -10.0 && -10.0 <= x.ci_high_pp.unwrap(),
            "{x:?}"
        );
        assert!(
            y.ci_low_pp.unwrap() <= -5.0 && -5.0 <= y.ci_high_pp.unwrap(),
            "{y:?}"
        );
        assert!(
            z.ci_low_pp.unwrap() <= 0.0 && 0.0 <= z.ci_high_pp.unwrap(),
            "{z:?}"
        );
        assert_eq!(a.effects[0].dimension, "config.x");
    }

    #[test]
    fn changes_on_the_same_slices_at_the_same_time_are_confounded() {
        let mut rng = Rng(3);
        let mut cells = simulate(&mut rng, [-0.1, 0.0, 0.0], 50);
        // A fourth knob that moves exactly with x.
        for c in &mut cells {
            let v = c.values[0].clone();
            c.values.push(v);
        }
        let dims: Vec<Dimension> = ["x", "y", "z", "w"]
            .iter()
            .map(|k| Dimension::Config(k.to_string()))
            .collect();
        let changes = vec![
            change("config.x", &["a"]),
            change("config.y", &["b"]),
            change("config.z", &["a", "b", "c"]),
            change("config.w", &["a"]),
        ];
        let a = estimate(cells, None, changes, &dims, &[], Vec::new());
        assert_eq!(a.effects.len(), 3, "x and w share one effect");
        let x = a
            .effects
            .iter()
            .find(|e| e.dimension == "config.x")
            .unwrap();
        assert_eq!(x.confounded_with, ["config.w: old -> new"]);
    }

    #[test]
    fn too_few_sessions_or_no_change_is_said_not_estimated() {
        let a = estimate(Vec::new(), None, Vec::new(), &[], &[], Vec::new());
        assert!(a.effects.is_empty() && a.notes[0].contains("no rollout"));
        let mut rng = Rng(1);
        let tiny = simulate(&mut rng, [0.0; 3], 0);
        let a = run(tiny);
        assert!(a.effects.is_empty() && a.notes[0].contains("too few sessions"));
    }
}
