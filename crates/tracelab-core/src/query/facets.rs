//! Facet counts: for every dimension a view slices by (harness, version, model, outcome,
//! slice, repo, task, source, each `config` key, tags), the top values under the current
//! filter with their session counts, plus what the rest add up to.

use arrow::array::Array;
use datafusion::functions::core::expr_fn::get_field;
use datafusion::functions_aggregate::expr_fn::count;
use datafusion::functions_nested::expr_fn::map_keys;
use datafusion::logical_expr::{col, lit, Expr};
use datafusion::prelude::DataFrame;
use serde::Serialize;

use super::{query_error, strings, Filter, QueryEngine};
use crate::error::{Error, Result};

/// Label of sessions with no value in a dimension.
pub const NONE: &str = "(none)";

/// Something sessions can be counted by.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dimension {
    /// One of the plain `sessions` columns in [`Dimension::COLUMNS`].
    Column(&'static str),
    /// A key of the `config` map.
    Config(String),
    /// The `tags` list (a session counts once per tag).
    Tag,
}

impl Dimension {
    pub const COLUMNS: [&'static str; 8] = [
        "harness",
        "harness_version",
        "model",
        "outcome",
        "slice",
        "repo",
        "task_id",
        "source_format",
    ];

    /// The dimension's name as filters and the CLI spell it: `model`, `config.cache_policy`, `tag`.
    pub fn name(&self) -> String {
        match self {
            Dimension::Column(c) => c.to_string(),
            Dimension::Config(k) => format!("config.{k}"),
            Dimension::Tag => "tag".into(),
        }
    }

    pub fn parse(name: &str) -> Result<Dimension> {
        if let Some(c) = Dimension::COLUMNS.iter().find(|c| **c == name) {
            return Ok(Dimension::Column(c));
        }
        match name {
            "tag" | "tags" => Ok(Dimension::Tag),
            n if n.starts_with("config.") && n.len() > 7 => Ok(Dimension::Config(n[7..].into())),
            n => Err(Error::Query {
                message: format!(
                    "unknown dimension `{n}` (known: {}, config.KEY, tag)",
                    Dimension::COLUMNS.join(", ")
                ),
            }),
        }
    }

    pub(crate) fn value_expr(&self) -> Expr {
        match self {
            Dimension::Column(c) => col(*c),
            Dimension::Config(k) => get_field(col("config"), k.as_str()),
            Dimension::Tag => col("tags"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// One dimension's counts: the top values, and the sessions in all other values.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Facet {
    pub dimension: String,
    pub values: Vec<FacetCount>,
    pub other: u64,
    pub distinct: u64,
}

/// Facet counts of every dimension under one filter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Facets {
    /// Sessions the filter selects.
    pub total: u64,
    pub facets: Vec<Facet>,
}

async fn counts(df: DataFrame, dimension: &Dimension) -> Result<Vec<FacetCount>> {
    let mut df = df
        .select(vec![dimension.value_expr().alias("value")])
        .map_err(query_error)?;
    if *dimension == Dimension::Tag {
        df = df.unnest_columns(&["value"]).map_err(query_error)?;
    }
    let df = df
        .aggregate(vec![col("value")], vec![count(lit(1)).alias("n")])
        .map_err(query_error)?;
    let batches = df.collect().await.map_err(query_error)?;
    let mut out = Vec::new();
    for batch in &batches {
        let values = arrow::compute::cast(batch.column(0), &arrow::datatypes::DataType::Utf8)
            .map_err(|e| Error::Query {
                message: e.to_string(),
            })?;
        let values = values
            .as_any()
            .downcast_ref::<arrow::array::StringArray>()
            .expect("utf8");
        let n = batch
            .column(1)
            .as_any()
            .downcast_ref::<arrow::array::Int64Array>()
            .expect("count is int64");
        for i in 0..batch.num_rows() {
            out.push(FacetCount {
                value: if values.is_valid(i) {
                    values.value(i)
                } else {
                    NONE
                }
                .to_string(),
                count: n.value(i) as u64,
            });
        }
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    Ok(out)
}

fn top(dimension: &Dimension, mut all: Vec<FacetCount>, limit: usize) -> Facet {
    let distinct = all.len() as u64;
    let rest = if all.len() > limit {
        all.split_off(limit)
    } else {
        Vec::new()
    };
    Facet {
        dimension: dimension.name(),
        values: all,
        other: rest.iter().map(|c| c.count).sum(),
        distinct,
    }
}

impl QueryEngine {
    /// The `config` keys present in the archive, sorted.
    pub async fn config_keys(&self) -> Result<Vec<String>> {
        let df = self
            .ctx
            .table("sessions")
            .await
            .and_then(|t| t.select(vec![map_keys(col("config")).alias("k")]))
            .and_then(|t| t.unnest_columns(&["k"]))
            .and_then(|t| t.distinct())
            .map_err(query_error)?;
        let mut keys = strings(df.collect().await.map_err(query_error)?, 0)?;
        keys.sort();
        Ok(keys)
    }

    /// Facet counts of every dimension under `filter`, `limit` values each.
    pub async fn facets(&self, filter: &Filter, limit: usize) -> Result<Facets> {
        self.facets_within(filter, None, limit).await
    }

    /// [`Self::facets`] further restricted to `session_ids` (search hits) when given.
    pub async fn facets_within(
        &self,
        filter: &Filter,
        session_ids: Option<&[String]>,
        limit: usize,
    ) -> Result<Facets> {
        let index = self.session_index().await?;
        let labelled = self.labelled(filter).await?;
        let ids = super::id_set(session_ids, labelled.as_deref());
        let selected = index.selection(self, filter, ids.as_ref())?;
        Ok(Facets {
            total: selected.len() as u64,
            facets: index
                .dimensions
                .iter()
                .zip(index.counts(&selected))
                .map(|(d, c)| top(d, c, limit))
                .collect(),
        })
    }

    /// Every value of one dimension under `filter`, with its session count, most common first.
    pub async fn distinct(
        &self,
        dimension: &Dimension,
        filter: &Filter,
    ) -> Result<Vec<FacetCount>> {
        counts(self.filtered_sessions(filter, None).await?, dimension).await
    }
}
