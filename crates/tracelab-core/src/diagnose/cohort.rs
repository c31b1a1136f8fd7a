//! A cohort: the sessions a [`Filter`] selects, as the facts the statistics need (outcome,
//! task, and the per-session metrics), read with one DataFusion scan of `sessions`.

use arrow::datatypes::DataType;
use datafusion::logical_expr::{cast, col, lit, when, Expr};
use serde::Serialize;

use super::collect::Columns;
use crate::archive::Archive;
use crate::error::Result;
use crate::query::{query_error, Filter, QueryEngine};
use crate::search::Searcher;

/// Outcomes that count in a success rate; `unknown` and missing outcomes do not.
pub const KNOWN_OUTCOMES: [&str; 4] = ["success", "failure", "error", "timeout"];

/// A per-session number compared between cohorts and plotted over time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// `input_tokens + output_tokens`.
    Tokens,
    /// `cost_usd`.
    Cost,
    /// `n_events`: steps in the trajectory.
    Steps,
    /// `ended_at - started_at` in seconds.
    Duration,
    /// `n_tool_errors / n_tool_calls`, for sessions that made tool calls.
    ToolErrorRate,
}

impl Metric {
    pub const ALL: [Metric; 5] = [
        Metric::Tokens,
        Metric::Cost,
        Metric::Steps,
        Metric::Duration,
        Metric::ToolErrorRate,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Metric::Tokens => "tokens",
            Metric::Cost => "cost",
            Metric::Steps => "steps",
            Metric::Duration => "duration",
            Metric::ToolErrorRate => "tool_error_rate",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Metric::Tokens => "tokens",
            Metric::Cost => "USD",
            Metric::Steps => "steps",
            Metric::Duration => "s",
            Metric::ToolErrorRate => "fraction",
        }
    }

    pub fn parse(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }

    /// The metric as an expression over `sessions` (null where it does not apply).
    pub(crate) fn expr(self) -> Expr {
        let micros = |c: &str| cast(col(c), DataType::Int64);
        let f = |e: Expr| cast(e, DataType::Float64);
        match self {
            Metric::Tokens => f(col("input_tokens") + col("output_tokens")),
            Metric::Cost => col("cost_usd"),
            Metric::Steps => f(col("n_events")),
            Metric::Duration => f(micros("ended_at") - micros("started_at")) / lit(1e6),
            Metric::ToolErrorRate => when(
                col("n_tool_calls").gt(lit(0i64)),
                f(col("n_tool_errors")) / f(col("n_tool_calls")),
            )
            .end()
            .expect("a CASE with one branch is valid"),
        }
    }
}

/// `outcome = 'success'`, null when the outcome is not one of [`KNOWN_OUTCOMES`].
pub(crate) fn success_expr() -> Expr {
    when(
        col("outcome").in_list(KNOWN_OUTCOMES.iter().map(|o| lit(*o)).collect(), false),
        col("outcome").eq(lit("success")),
    )
    .end()
    .expect("a CASE with one branch is valid")
}

/// The sessions of one cohort.
pub(crate) struct Cohort {
    pub sessions: u64,
    /// Per session: `Some(success)` when the outcome is known.
    pub success: Vec<Option<bool>>,
    pub task_id: Vec<Option<String>>,
    /// Per metric (in [`Metric::ALL`] order), per session.
    pub metrics: Vec<Vec<Option<f64>>>,
}

impl Cohort {
    pub fn with_outcome(&self) -> u64 {
        self.success.iter().flatten().count() as u64
    }

    pub fn successes(&self) -> u64 {
        self.success.iter().flatten().filter(|s| **s).count() as u64
    }

    /// The known values of one metric.
    pub fn values(&self, metric: Metric) -> Vec<f64> {
        let i = Metric::ALL
            .iter()
            .position(|m| *m == metric)
            .expect("listed");
        self.metrics[i]
            .iter()
            .flatten()
            .copied()
            .filter(|v| v.is_finite())
            .collect()
    }
}

/// The session ids a filter's `text:` query matches, when it has one.
pub(crate) fn text_matches(engine: &QueryEngine, filter: &Filter) -> Result<Option<Vec<String>>> {
    let Some(text) = &filter.text else {
        return Ok(None);
    };
    let root = engine.root().ok_or_else(|| crate::Error::Query {
        message: "a `text:` filter needs the archive's search index, which only a local archive folder has".into(),
    })?;
    let searcher = Searcher::open(&Archive::open(root)?)?;
    let result = searcher.search(text, None, 1)?;
    Ok(Some(result.sessions.session_ids()))
}

/// Reads the cohort `filter` selects.
pub(crate) async fn load(engine: &QueryEngine, filter: &Filter) -> Result<Cohort> {
    let ids = text_matches(engine, filter)?;
    let mut select = vec![success_expr().alias("success"), col("task_id")];
    select.extend(Metric::ALL.iter().map(|m| m.expr().alias(m.name())));
    let df = engine
        .filtered_sessions(filter, ids.as_deref())
        .await?
        .select(select)
        .map_err(query_error)?;
    let columns = Columns::collect(df).await?;
    let known = columns.f64s("success")?;
    Ok(Cohort {
        sessions: columns.rows() as u64,
        success: known.iter().map(|v| v.map(|s| s > 0.5)).collect(),
        task_id: columns.strings("task_id")?,
        metrics: Metric::ALL
            .iter()
            .map(|m| columns.f64s(m.name()))
            .collect::<Result<_>>()?,
    })
}
