//! Rollout detection: for the harness version, the model and every `config` knob, per traffic
//! slice, when a new value first appeared and when it became the majority. This is the change
//! timeline the analyst lays over the time series, and the list of suspects attribution
//! weighs.
//!
//! A value counts as *new* in a slice when it is absent on the slice's first day of traffic;
//! it *rolls out* on the first day it holds more than half of the slice's sessions, provided it
//! keeps the majority for [`PERSISTENCE_DAYS`] days with traffic (or until the data ends), so
//! a noisy day in a stable mix is not taken for a change.

use std::collections::{BTreeMap, HashMap};

use arrow::datatypes::DataType;
use chrono::{DateTime, Utc};
use datafusion::functions_aggregate::expr_fn::{count, min};
use datafusion::logical_expr::{cast, col, lit};
use serde::Serialize;

use super::collect::Columns;
use super::timeseries::{bucket_expr, group_expr, Bucket};
use crate::error::Result;
use crate::query::{query_error, Dimension, Filter, QueryEngine};

/// Days a new majority must hold to count as a rollout.
pub const PERSISTENCE_DAYS: usize = 3;
/// Dimensions with more distinct values than this (per-session hashes, ids) are not knobs.
pub const MAX_KNOB_VALUES: usize = 24;

/// One value taking over one slice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollout {
    /// `harness_version`, `model` or `config.KEY`.
    pub dimension: String,
    pub slice: String,
    /// The majority value before.
    pub from: String,
    pub to: String,
    /// The first session with the new value in this slice.
    pub first_seen: DateTime<Utc>,
    /// The first day on which the new value held the majority.
    pub majority_at: DateTime<Utc>,
}

/// One change (a dimension moving from one value to another), over every slice it reached.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub dimension: String,
    pub from: String,
    pub to: String,
    pub first_seen: DateTime<Utc>,
    pub slices: Vec<String>,
    pub rollouts: Vec<Rollout>,
}

/// The dimensions that can roll out: harness version, model, and each `config` key with at
/// most [`MAX_KNOB_VALUES`] values. `only` restricts them by name.
pub async fn candidate_dimensions(
    engine: &QueryEngine,
    filter: &Filter,
    only: &[String],
) -> Result<Vec<Dimension>> {
    let mut all = vec![
        Dimension::Column("harness_version"),
        Dimension::Column("model"),
    ];
    for key in engine.config_keys().await? {
        let d = Dimension::Config(key);
        if engine.distinct(&d, filter).await?.len() <= MAX_KNOB_VALUES {
            all.push(d);
        }
    }
    if only.is_empty() {
        return Ok(all);
    }
    only.iter().map(|name| Dimension::parse(name)).collect()
}

/// Daily session counts per (slice, value) of one dimension, and each value's first session.
struct Daily {
    /// slice → day → value → sessions.
    counts: BTreeMap<String, BTreeMap<i64, HashMap<String, u64>>>,
    /// (slice, value) → first session start, µs.
    first_seen: HashMap<(String, String), i64>,
}

async fn daily(engine: &QueryEngine, filter: &Filter, d: &Dimension) -> Result<Daily> {
    let value = group_expr(Some(d))?;
    let df = engine
        .filtered_sessions(filter, None)
        .await?
        .filter(col("started_at").is_not_null())
        .and_then(|t| {
            t.aggregate(
                vec![
                    col("slice").alias("slice"),
                    bucket_expr(Bucket::Day).alias("day"),
                    value.alias("value"),
                ],
                vec![
                    count(lit(1)).alias("n"),
                    cast(min(col("started_at")), DataType::Int64).alias("first"),
                ],
            )
        })
        .map_err(query_error)?;
    let c = Columns::collect(df).await?;
    let (slices, days, values) = (c.strings("slice")?, c.f64s("day")?, c.strings("value")?);
    let n = c.f64s("n")?;
    let first = c.f64s("first")?;
    let mut out = Daily {
        counts: BTreeMap::new(),
        first_seen: HashMap::new(),
    };
    for i in 0..c.rows() {
        let slice = slices[i].clone().unwrap_or_else(|| "(none)".into());
        let value = values[i].clone().unwrap_or_else(|| "(none)".into());
        let day = days[i].unwrap_or(0.0) as i64;
        *out.counts
            .entry(slice.clone())
            .or_default()
            .entry(day)
            .or_default()
            .entry(value.clone())
            .or_default() += n[i].unwrap_or(0.0) as u64;
        let f = first[i].unwrap_or(0.0) as i64;
        out.first_seen
            .entry((slice, value))
            .and_modify(|e| *e = (*e).min(f))
            .or_insert(f);
    }
    Ok(out)
}

fn instant(micros: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(micros).unwrap_or_default()
}

/// The rollouts in one slice's daily counts.
fn slice_rollouts(
    dimension: &str,
    slice: &str,
    days: &BTreeMap<i64, HashMap<String, u64>>,
    first_seen: &HashMap<(String, String), i64>,
) -> Vec<Rollout> {
    let majority: Vec<(i64, Option<&str>)> = days
        .iter()
        .map(|(day, values)| {
            let total: u64 = values.values().sum();
            let top = values
                .iter()
                .filter(|(_, n)| 2 * **n > total)
                .map(|(v, _)| v.as_str())
                .next();
            (*day, top)
        })
        .collect();
    let Some(first_day) = days.values().next() else {
        return Vec::new();
    };
    let mut current: Option<&str> = majority.iter().find_map(|(_, m)| *m);
    let mut out = Vec::new();
    for (i, (day, m)) in majority.iter().enumerate() {
        let Some(v) = m else { continue };
        if Some(*v) == current || first_day.get(*v).is_some_and(|n| *n > 0) {
            continue;
        }
        let held = majority[i..]
            .iter()
            .take(PERSISTENCE_DAYS)
            .all(|(_, later)| *later == Some(*v));
        if !held {
            continue;
        }
        out.push(Rollout {
            dimension: dimension.to_string(),
            slice: slice.to_string(),
            from: current.unwrap_or("(none)").to_string(),
            to: v.to_string(),
            first_seen: instant(first_seen[&(slice.to_string(), v.to_string())]),
            majority_at: instant(*day),
        });
        current = Some(v);
    }
    out
}

/// Every rollout of every candidate dimension (see [`candidate_dimensions`]).
pub async fn rollouts(
    engine: &QueryEngine,
    filter: &Filter,
    dimensions: &[Dimension],
) -> Result<Vec<Rollout>> {
    let mut out = Vec::new();
    for d in dimensions {
        let daily = daily(engine, filter, d).await?;
        for (slice, days) in &daily.counts {
            out.extend(slice_rollouts(&d.name(), slice, days, &daily.first_seen));
        }
    }
    out.sort_by(|a, b| (a.first_seen, &a.dimension).cmp(&(b.first_seen, &b.dimension)));
    Ok(out)
}

/// Rollouts grouped into changes: the same dimension moving between the same values.
pub fn changes(rollouts: &[Rollout]) -> Vec<Change> {
    let mut by_change: BTreeMap<(String, String, String), Vec<Rollout>> = BTreeMap::new();
    for r in rollouts {
        by_change
            .entry((r.dimension.clone(), r.from.clone(), r.to.clone()))
            .or_default()
            .push(r.clone());
    }
    let mut out: Vec<Change> = by_change
        .into_iter()
        .map(|((dimension, from, to), rollouts)| Change {
            dimension,
            from,
            to,
            first_seen: rollouts.iter().map(|r| r.first_seen).min().expect("one"),
            slices: rollouts.iter().map(|r| r.slice.clone()).collect(),
            rollouts,
        })
        .collect();
    out.sort_by(|a, b| (a.first_seen, &a.dimension).cmp(&(b.first_seen, &b.dimension)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(values: &[(&str, u64)]) -> HashMap<String, u64> {
        values.iter().map(|(v, n)| (v.to_string(), *n)).collect()
    }

    #[test]
    fn a_new_value_that_keeps_the_majority_is_a_rollout() {
        let mut days = BTreeMap::new();
        for d in 0..10 {
            let new = if d >= 5 {
                9
            } else if d == 4 {
                2
            } else {
                0
            };
            days.insert(d * 86_400_000_000, day(&[("old", 10 - new), ("new", new)]));
        }
        let first = HashMap::from([
            (("s".to_string(), "old".to_string()), 0),
            (("s".to_string(), "new".to_string()), 4 * 86_400_000_000 + 5),
        ]);
        let r = slice_rollouts("config.k", "s", &days, &first);
        assert_eq!(r.len(), 1);
        assert_eq!((r[0].from.as_str(), r[0].to.as_str()), ("old", "new"));
        assert_eq!(r[0].majority_at.timestamp(), 5 * 86_400);
        assert_eq!(r[0].first_seen.timestamp_micros(), 4 * 86_400_000_000 + 5);
    }

    #[test]
    fn a_value_present_from_the_start_or_a_one_day_blip_is_not() {
        let mut days = BTreeMap::new();
        for d in 0..10 {
            let b = if d == 6 { 8 } else { 4 };
            days.insert(d, day(&[("a", 10 - b), ("b", b)]));
        }
        days.insert(3, day(&[("a", 2), ("c", 8)]));
        let first = HashMap::from([
            (("s".to_string(), "a".to_string()), 0),
            (("s".to_string(), "b".to_string()), 0),
            (("s".to_string(), "c".to_string()), 3),
        ]);
        assert!(slice_rollouts("model", "s", &days, &first).is_empty());
    }
}
