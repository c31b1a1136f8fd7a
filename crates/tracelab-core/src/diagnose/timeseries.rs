//! Outcome rate (or any metric) per day or week, split by a dimension, with interval bands:
//! the chart the analyst lays the rollout timeline over.

use arrow::datatypes::DataType;
use chrono::{DateTime, Utc};
use datafusion::functions::expr_fn::date_trunc;
use datafusion::functions_aggregate::expr_fn::{avg, count, stddev, sum};
use datafusion::logical_expr::{cast, col, lit, Expr};
use serde::Serialize;

use super::cohort::{self, success_expr, Metric};
use super::collect::Columns;
use super::compare::CONFIDENCE;
use super::stats;
use crate::error::{Error, Result};
use crate::query::{query_error, Dimension, Filter, QueryEngine};

/// Width of a time bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    Day,
    Week,
}

impl Bucket {
    pub fn parse(name: &str) -> Option<Bucket> {
        match name {
            "day" => Some(Bucket::Day),
            "week" => Some(Bucket::Week),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Bucket::Day => "day",
            Bucket::Week => "week",
        }
    }
}

/// One group in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Point {
    /// The dimension's value (`all` when not split).
    pub group: String,
    /// First instant of the bucket.
    pub start: DateTime<Utc>,
    pub sessions: u64,
    /// Sessions the value rests on: with a known outcome, or with a value of the metric.
    pub n: u64,
    /// The success rate (a fraction) or the metric's mean; null when `n` is 0.
    pub value: Option<f64>,
    /// Wilson interval for rates, t interval for means; null when too few sessions.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
}

/// A metric over time, split by a dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeSeries {
    /// `success_rate` or a metric name.
    pub metric: String,
    pub bucket: Bucket,
    /// The dimension split by, when any.
    pub by: Option<String>,
    pub points: Vec<Point>,
}

/// What a time series plots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    SuccessRate,
    Metric(Metric),
}

impl Measure {
    pub fn parse(name: &str) -> Option<Measure> {
        match name {
            "success_rate" | "success" | "outcome" => Some(Measure::SuccessRate),
            other => Metric::parse(other).map(Measure::Metric),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Measure::SuccessRate => "success_rate",
            Measure::Metric(m) => m.name(),
        }
    }
}

pub(crate) fn group_expr(by: Option<&Dimension>) -> Result<Expr> {
    match by {
        None => Ok(lit("all")),
        Some(Dimension::Tag) => Err(Error::Query {
            message: "a time series cannot be split by tag (a session has several); filter by `tag=NAME` instead".into(),
        }),
        Some(Dimension::Column(c)) => Ok(col(*c)),
        Some(Dimension::Config(k)) => Ok(datafusion::functions::core::expr_fn::get_field(
            col("config"),
            k.as_str(),
        )),
    }
}

pub(crate) fn bucket_expr(bucket: Bucket) -> Expr {
    cast(
        date_trunc(lit(bucket.name()), col("started_at")),
        DataType::Int64,
    )
}

/// `measure` per `bucket` (and per value of `by`) over the sessions `filter` selects.
pub async fn time_series(
    engine: &QueryEngine,
    filter: &Filter,
    measure: Measure,
    bucket: Bucket,
    by: Option<&Dimension>,
) -> Result<TimeSeries> {
    let ids = cohort::text_matches(engine, filter)?;
    let value = match measure {
        Measure::SuccessRate => cast(success_expr(), DataType::Float64),
        Measure::Metric(m) => m.expr(),
    };
    let group = group_expr(by)?;
    let df = engine
        .filtered_sessions(filter, ids.as_deref())
        .await?
        .filter(col("started_at").is_not_null())
        .and_then(|d| {
            d.aggregate(
                vec![bucket_expr(bucket).alias("start"), group.alias("grp")],
                vec![
                    count(lit(1)).alias("sessions"),
                    count(value.clone()).alias("n"),
                    sum(value.clone()).alias("total"),
                    avg(value.clone()).alias("mean"),
                    stddev(value).alias("sd"),
                ],
            )
        })
        .and_then(|d| {
            d.sort(vec![
                col("grp").sort(true, true),
                col("start").sort(true, true),
            ])
        })
        .map_err(query_error)?;
    let c = Columns::collect(df).await?;
    let (starts, groups) = (c.f64s("start")?, c.strings("grp")?);
    let (sessions, ns, totals) = (c.f64s("sessions")?, c.f64s("n")?, c.f64s("total")?);
    let (means, sds) = (c.f64s("mean")?, c.f64s("sd")?);
    let mut points = Vec::with_capacity(c.rows());
    for i in 0..c.rows() {
        let n = ns[i].unwrap_or(0.0) as u64;
        let (value, interval) = match measure {
            Measure::SuccessRate => {
                let s = totals[i].unwrap_or(0.0).round() as u64;
                (
                    (n > 0).then(|| s as f64 / n as f64),
                    stats::wilson(s, n, CONFIDENCE),
                )
            }
            Measure::Metric(_) => (
                means[i].filter(|m| m.is_finite()),
                match (means[i], sds[i]) {
                    (Some(m), Some(sd)) if n >= 2 && sd.is_finite() => {
                        let half =
                            stats::student_t_quantile(0.5 + CONFIDENCE / 2.0, n as f64 - 1.0) * sd
                                / (n as f64).sqrt();
                        Some(stats::Interval {
                            low: m - half,
                            high: m + half,
                        })
                    }
                    _ => None,
                },
            ),
        };
        points.push(Point {
            group: groups[i].clone().unwrap_or_else(|| "(none)".into()),
            start: DateTime::from_timestamp_micros(starts[i].unwrap_or(0.0) as i64)
                .unwrap_or_default(),
            sessions: sessions[i].unwrap_or(0.0) as u64,
            n,
            value,
            ci_low: interval.map(|i| i.low),
            ci_high: interval.map(|i| i.high),
        });
    }
    Ok(TimeSeries {
        metric: measure.name().into(),
        bucket,
        by: by.map(Dimension::name),
        points,
    })
}
