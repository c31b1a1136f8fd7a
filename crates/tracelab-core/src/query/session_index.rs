//! The session index: the columns of `sessions` that filters name and the session list shows,
//! held in memory, with every dimension as a dictionary code per session.
//!
//! Counting every dimension with one DataFusion aggregation each costs a Parquet scan per
//! dimension (about 0.6 s for a million sessions on two cores), and a sorted page of a filtered
//! list costs a scan of every listed column. The sessions table never changes while an engine
//! is open, so the first facet request reads those columns once. From then on:
//! - a filter's dimension terms (`model=…`, `config.KEY=…`, `tag=…`, `!=`) compare codes;
//! - the rest (ranges, `has_tool_error`) are DataFusion's own physical expressions evaluated
//!   on the held columns, so they mean exactly what they mean in SQL;
//! - facets count codes in one pass over the selected sessions;
//! - a page of the session list is a top-k sort of the selected rows and a `take`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, BooleanArray, DictionaryArray, ListArray, RecordBatch, StringArray,
    UInt32Array,
};
use arrow::compute::{concat_batches, lexsort_to_indices, take, SortColumn, SortOptions};
use arrow::datatypes::{DataType, UInt32Type};
use datafusion::common::DFSchema;
use datafusion::logical_expr::col;
use datafusion::physical_expr::PhysicalExpr;

use super::facets::{Dimension, FacetCount, NONE};
use super::{query_error, Filter, QueryEngine, Sort};
use crate::error::{Error, Result};

/// Columns a [`Filter`] can name besides the dimension columns; the rest of `sessions`
/// (attributes, text) stays on disk.
const OTHER_FILTER_COLUMNS: [&str; 8] = [
    "config",
    "tags",
    "started_at",
    "score",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "n_tool_errors",
];

/// Every held column: the dimension columns, the other filter columns, then the rest of the
/// session list's columns.
fn held_columns() -> Vec<&'static str> {
    let mut columns: Vec<&'static str> = Dimension::COLUMNS
        .iter()
        .chain(OTHER_FILTER_COLUMNS.iter())
        .copied()
        .collect();
    for c in crate::ipc::SESSION_LIST_COLUMNS {
        if !columns.contains(c) {
            columns.push(c);
        }
    }
    columns
}

/// One dimension's values, and each session's code (`NO_VALUE` when it has none).
struct Codes {
    values: Vec<String>,
    /// Single-valued dimensions: one code per session. Tags: every tag of every session,
    /// with `offsets` marking where each session's tags start.
    codes: Vec<u32>,
    offsets: Option<Vec<u32>>,
}

impl Codes {
    fn code_of(&self, value: &str) -> Option<u32> {
        self.values
            .iter()
            .position(|v| v == value)
            .map(|i| i as u32)
    }

    /// Keeps the sessions whose value is one of `wanted` (none when no value is known).
    fn keep_any_of(&self, wanted: &[String], keep: &mut [bool]) {
        let allowed: Vec<u32> = wanted.iter().filter_map(|v| self.code_of(v)).collect();
        for (k, code) in keep.iter_mut().zip(&self.codes) {
            *k = *k && allowed.contains(code);
        }
    }

    /// Keeps the sessions whose value is not `value` (sessions without a value stay).
    fn keep_not(&self, value: &str, keep: &mut [bool]) {
        if let Some(excluded) = self.code_of(value) {
            for (k, code) in keep.iter_mut().zip(&self.codes) {
                *k = *k && *code != excluded;
            }
        }
    }

    /// Keeps the sessions whose tag list holds `tag`.
    fn keep_tagged(&self, tag: &str, keep: &mut [bool]) {
        let offsets = self.offsets.as_deref().expect("a list dimension");
        let Some(wanted) = self.code_of(tag) else {
            keep.fill(false);
            return;
        };
        for (row, k) in keep.iter_mut().enumerate() {
            let (from, to) = (offsets[row] as usize, offsets[row + 1] as usize);
            *k = *k && self.codes[from..to].contains(&wanted);
        }
    }
}

const NO_VALUE: u32 = u32::MAX;

/// The in-memory copy of the held session columns, and every dimension as codes.
pub(crate) struct SessionIndex {
    /// Every session, one row each, in archive order.
    batch: RecordBatch,
    schema: DFSchema,
    pub(crate) dimensions: Vec<Dimension>,
    codes: Vec<Codes>,
}

fn arrow_error(e: arrow::error::ArrowError) -> Error {
    Error::Query {
        message: e.to_string(),
    }
}

fn as_strings(array: &ArrayRef) -> Result<StringArray> {
    let cast = arrow::compute::cast(array, &DataType::Utf8).map_err(arrow_error)?;
    Ok(cast
        .as_any()
        .downcast_ref::<StringArray>()
        .expect("cast to utf8")
        .clone())
}

/// Codes of one single-valued dimension: Arrow's dictionary packing does the hashing.
fn encode(column: &ArrayRef) -> Result<Codes> {
    let dictionary_type =
        DataType::Dictionary(Box::new(DataType::UInt32), Box::new(DataType::Utf8));
    let packed =
        arrow::compute::cast(&as_strings(column)?, &dictionary_type).map_err(arrow_error)?;
    let packed = packed
        .as_any()
        .downcast_ref::<DictionaryArray<UInt32Type>>()
        .expect("cast to a dictionary");
    let values = as_strings(packed.values())?
        .iter()
        .map(|v| v.unwrap_or_default().to_string())
        .collect();
    let keys = packed.keys();
    let codes = match keys.nulls() {
        None => keys.values().to_vec(),
        Some(_) => keys.iter().map(|k| k.unwrap_or(NO_VALUE)).collect(),
    };
    Ok(Codes {
        values,
        codes,
        offsets: None,
    })
}

/// Codes of the `tags` lists.
fn encode_tags(column: &ArrayRef) -> Result<Codes> {
    let mut dictionary: HashMap<String, u32> = HashMap::new();
    let (mut values, mut codes, mut offsets) = (Vec::new(), Vec::new(), vec![0u32]);
    let lists = column
        .as_any()
        .downcast_ref::<ListArray>()
        .ok_or_else(|| Error::Query {
            message: "internal: `tags` is not a list".into(),
        })?;
    for i in 0..lists.len() {
        if lists.is_valid(i) {
            for tag in as_strings(&lists.value(i))?.iter().flatten() {
                codes.push(*dictionary.entry(tag.to_string()).or_insert_with(|| {
                    values.push(tag.to_string());
                    values.len() as u32 - 1
                }));
            }
        }
        offsets.push(codes.len() as u32);
    }
    Ok(Codes {
        values,
        codes,
        offsets: Some(offsets),
    })
}

impl SessionIndex {
    /// Reads the held columns of every session and encodes every dimension.
    pub(crate) async fn build(engine: &QueryEngine) -> Result<SessionIndex> {
        let mut dimensions: Vec<Dimension> = Dimension::COLUMNS
            .iter()
            .map(|c| Dimension::Column(c))
            .collect();
        dimensions.extend(
            engine
                .config_keys()
                .await?
                .into_iter()
                .map(Dimension::Config),
        );
        dimensions.push(Dimension::Tag);
        let columns = held_columns();
        let mut select: Vec<_> = columns.iter().map(|c| col(*c)).collect();
        let first_extra = select.len();
        for d in &dimensions {
            if let Dimension::Config(_) = d {
                select.push(d.value_expr().alias(d.name()));
            }
        }
        let df = engine
            .ctx
            .table("sessions")
            .await
            .and_then(|t| t.select(select))
            .map_err(query_error)?;
        let schema = df.schema().clone();
        let batches = df.collect().await.map_err(query_error)?;
        let batch =
            concat_batches(&Arc::new(schema.as_arrow().clone()), &batches).map_err(arrow_error)?;
        drop(batches);
        let mut codes = Vec::with_capacity(dimensions.len());
        let mut extra = first_extra;
        for d in &dimensions {
            codes.push(match d {
                Dimension::Column(c) => {
                    let i = columns.iter().position(|f| f == c).expect("held");
                    encode(batch.column(i))?
                }
                Dimension::Config(_) => {
                    extra += 1;
                    encode(batch.column(extra - 1))?
                }
                Dimension::Tag => {
                    let i = columns.iter().position(|f| *f == "tags").expect("held");
                    encode_tags(batch.column(i))?
                }
            });
        }
        Ok(SessionIndex {
            batch,
            schema,
            dimensions,
            codes,
        })
    }

    fn codes_of(&self, dimension: &Dimension) -> Option<&Codes> {
        let at = self.dimensions.iter().position(|d| d == dimension)?;
        Some(&self.codes[at])
    }

    /// The rows (in archive order) of the sessions `filter` selects, restricted to `ids` when
    /// given. `filter.label` and `filter.text` must already be resolved into `ids`.
    pub(crate) fn selection(
        &self,
        engine: &QueryEngine,
        filter: &Filter,
        ids: Option<&HashSet<&str>>,
    ) -> Result<Vec<u32>> {
        let mut keep = vec![true; self.batch.num_rows()];
        // Terms on dimensions compare codes; what is left goes to DataFusion.
        let mut rest = filter.clone();
        rest.label = None;
        rest.text = None;
        for (column, values) in filter.column_terms() {
            if !values.is_empty() {
                let codes = self.codes_of(&Dimension::Column(column)).expect("a column");
                codes.keep_any_of(values, &mut keep);
            }
        }
        for name in [
            &mut rest.harness,
            &mut rest.harness_version,
            &mut rest.model,
            &mut rest.outcome,
            &mut rest.slice,
            &mut rest.repo,
            &mut rest.task_id,
            &mut rest.source_format,
        ] {
            name.clear();
        }
        for (key, values) in filter.config_terms() {
            let wanted: Vec<String> = values.into_iter().map(str::to_string).collect();
            match self.codes_of(&Dimension::Config(key.to_string())) {
                Some(codes) => codes.keep_any_of(&wanted, &mut keep),
                None => keep.fill(false),
            }
        }
        rest.config.clear();
        let tags = self
            .codes_of(&Dimension::Tag)
            .expect("tags are a dimension");
        for tag in std::mem::take(&mut rest.tags) {
            tags.keep_tagged(&tag, &mut keep);
        }
        rest.exclude.retain(|(dimension, value)| {
            match Dimension::parse(dimension)
                .ok()
                .filter(|d| *d != Dimension::Tag)
            {
                Some(d) => {
                    // A key no session has: every session passes `!=`.
                    if let Some(codes) = self.codes_of(&d) {
                        codes.keep_not(value, &mut keep);
                    }
                    false
                }
                None => true,
            }
        });
        if let Some(expr) = rest.to_expr() {
            let physical: Arc<dyn PhysicalExpr> = engine
                .ctx
                .create_physical_expr(expr, &self.schema)
                .map_err(query_error)?;
            let value = physical
                .evaluate(&self.batch)
                .and_then(|v| v.into_array(self.batch.num_rows()))
                .map_err(query_error)?;
            let mask = value
                .as_any()
                .downcast_ref::<BooleanArray>()
                .ok_or_else(|| Error::Query {
                    message: "internal: a filter that is not a condition".into(),
                })?;
            for (i, k) in keep.iter_mut().enumerate() {
                *k = *k && mask.is_valid(i) && mask.value(i);
            }
        }
        if let Some(ids) = ids {
            let session_ids = self.column("session_id")?;
            let session_ids = as_strings(session_ids)?;
            for (k, id) in keep.iter_mut().zip(session_ids.iter()) {
                *k = *k && id.is_some_and(|id| ids.contains(id));
            }
        }
        Ok(keep
            .iter()
            .enumerate()
            .filter(|(_, k)| **k)
            .map(|(row, _)| row as u32)
            .collect())
    }

    fn column(&self, name: &str) -> Result<&ArrayRef> {
        let at = self.batch.schema().index_of(name).map_err(arrow_error)?;
        Ok(self.batch.column(at))
    }

    /// Whether [`Self::page`] can serve this sort and these columns.
    pub(crate) fn holds(&self, sort: &Sort, columns: &[&str]) -> bool {
        let schema = self.batch.schema();
        !columns.is_empty()
            && std::iter::once(sort.column.as_str())
                .chain(columns.iter().copied())
                .all(|c| schema.index_of(c).is_ok() && !c.starts_with("config."))
    }

    /// Rows `[offset, offset + limit)` of the `selected` sessions in `sort` order (ties by
    /// session id, nulls last, as the SQL path orders them), with `columns`.
    pub(crate) fn page(
        &self,
        selected: Vec<u32>,
        sort: &Sort,
        offset: usize,
        limit: usize,
        columns: &[&str],
    ) -> Result<RecordBatch> {
        let selected = UInt32Array::from(selected);
        let key = |name: &str, descending: bool| -> Result<SortColumn> {
            Ok(SortColumn {
                values: take(self.column(name)?, &selected, None).map_err(arrow_error)?,
                options: Some(SortOptions {
                    descending,
                    nulls_first: false,
                }),
            })
        };
        let order = lexsort_to_indices(
            &[
                key(&sort.column, sort.descending)?,
                key("session_id", false)?,
            ],
            Some(offset + limit),
        )
        .map_err(arrow_error)?;
        let from = offset.min(order.len());
        let order = order.slice(from, order.len() - from);
        let rows = take(&selected, &order, None).map_err(arrow_error)?;
        let arrays = columns
            .iter()
            .map(|c| take(self.column(c)?, &rows, None).map_err(arrow_error))
            .collect::<Result<Vec<_>>>()?;
        let schema = self.batch.schema().project(
            &columns
                .iter()
                .map(|c| self.batch.schema().index_of(c).map_err(arrow_error))
                .collect::<Result<Vec<_>>>()?,
        );
        RecordBatch::try_new(Arc::new(schema.map_err(arrow_error)?), arrays).map_err(arrow_error)
    }

    /// Every dimension's counts among the `selected` sessions.
    pub(crate) fn counts(&self, selected: &[u32]) -> Vec<Vec<FacetCount>> {
        self.codes
            .iter()
            .map(|c| {
                let mut n = vec![0u64; c.values.len() + 1];
                let none = c.values.len();
                match &c.offsets {
                    None => {
                        for &r in selected {
                            let code = c.codes[r as usize];
                            n[if code == NO_VALUE {
                                none
                            } else {
                                code as usize
                            }] += 1;
                        }
                    }
                    Some(offsets) => {
                        for &r in selected {
                            let (from, to) = (offsets[r as usize], offsets[r as usize + 1]);
                            for &code in &c.codes[from as usize..to as usize] {
                                n[code as usize] += 1;
                            }
                        }
                    }
                }
                let mut out: Vec<FacetCount> = n
                    .iter()
                    .enumerate()
                    .filter(|(_, count)| **count > 0)
                    .map(|(i, count)| FacetCount {
                        value: c.values.get(i).map_or(NONE, String::as_str).to_string(),
                        count: *count,
                    })
                    .collect();
                out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                out
            })
            .collect()
    }
}
