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

mod cells;
mod design;
#[cfg(test)]
mod tests;

use cells::*;
use design::*;

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
