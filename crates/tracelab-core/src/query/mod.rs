//! Slicing an archive with DataFusion: one [`QueryEngine`] (a `SessionContext`) per open
//! archive, with the `sessions`, `events` and `labels` tables over exactly the Parquet parts
//! the manifest lists, and a `tool_calls` view. Views ask it for facet counts, pages of
//! sessions and one session's steps under a typed [`Filter`]; the SQL console goes through
//! [`QueryEngine::sql`], which refuses anything but reading.
//!
//! ```no_run
//! # async fn demo() -> tracelab_core::Result<()> {
//! use tracelab_core::{archive::Archive, query::{Filter, QueryEngine}};
//! let engine = QueryEngine::open(&Archive::open("sample-data/archive")?).await?;
//! let failing: Filter = "outcome=failure slice=ide".parse().unwrap();
//! let facets = engine.facets(&failing, 10).await?;
//! println!("{} failing ide sessions", facets.total);
//! # Ok(()) }
//! ```

mod engine;
mod facets;
mod filter;
mod session_index;
mod sql;
mod sql_output;
mod trajectory;
mod utc_date_trunc;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use arrow::array::{RecordBatch, StringArray};
use arrow::compute::concat_batches;
use arrow::datatypes::{DataType, SchemaRef};
use datafusion::catalog::view::ViewTable;
use datafusion::common::DFSchema;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::error::DataFusionError;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::execution::SessionStateBuilder;
use datafusion::logical_expr::{col, lit, EmptyRelation, Expr, LogicalPlan, SortExpr};
use datafusion::prelude::{DataFrame, SessionConfig, SessionContext};

pub use engine::{Engine, DEFAULT_SCHEDULER_PORT};
pub use facets::{Dimension, FacetCount, Facets, NONE};
pub use filter::{Filter, FilterError};
pub use sql::{SqlResult, DEFAULT_ROW_LIMIT};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::schema::Table;
use crate::storage::{Location, StoreRegistry};

/// The `tool_calls` view: each tool call with its result, as analysts ask for it.
const TOOL_CALLS_VIEW: &str = "CREATE VIEW tool_calls AS \
    SELECT c.session_id, c.seq, c.timestamp, c.tool_name, c.tool_call_id, c.tool_input, \
           c.model, c.latency_ms AS call_latency_ms, r.seq AS result_seq, \
           r.content AS output, coalesce(r.is_error, false) AS is_error, \
           r.latency_ms AS run_ms \
    FROM events c LEFT JOIN events r \
      ON r.session_id = c.session_id AND r.tool_call_id = c.tool_call_id AND r.kind = 'tool_result' \
    WHERE c.kind = 'tool_call'";

/// How a page of sessions is ordered.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sort {
    /// A `sessions` column.
    pub column: String,
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            column: "started_at".into(),
            descending: true,
        }
    }
}

/// A DataFusion context over one archive.
pub struct QueryEngine {
    /// Scans, aggregations and the SQL console.
    ctx: SessionContext,
    /// Point lookups of one session's events, with predicates pushed into the Parquet reader.
    lookup: SessionContext,
    /// The archive folder; `None` for an archive on object storage.
    root: Option<PathBuf>,
    engine: Engine,
    /// Built on the first facet request: the archive does not change while it is open.
    session_index: tokio::sync::OnceCell<session_index::SessionIndex>,
}

/// Turns a DataFusion error into one of ours, keeping its message (with any SQL position).
pub(crate) fn query_error(e: DataFusionError) -> Error {
    let message = match e {
        DataFusionError::Context(_, inner) => inner.strip_backtrace(),
        other => other.strip_backtrace(),
    };
    Error::Query { message }
}

/// Registers `table` over exactly these part URLs. A table with no parts is an empty view of
/// its schema, which (unlike an in-memory table) a Ballista cluster can also plan.
fn register(
    ctx: &SessionContext,
    table: Table,
    schema: SchemaRef,
    urls: Vec<url::Url>,
) -> Result<()> {
    let provider: Arc<dyn datafusion::catalog::TableProvider> = if urls.is_empty() {
        let schema = DFSchema::try_from(schema.as_ref().clone()).map_err(query_error)?;
        Arc::new(ViewTable::new(
            LogicalPlan::EmptyRelation(EmptyRelation {
                produce_one_row: false,
                schema: Arc::new(schema),
            }),
            None,
        ))
    } else {
        let urls = urls
            .iter()
            .map(|u| ListingTableUrl::parse(u.as_str()).map_err(query_error))
            .collect::<Result<Vec<_>>>()?;
        let options =
            ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension(".parquet");
        let config = ListingTableConfig::new_with_multi_paths(urls)
            .with_listing_options(options)
            .with_schema(read_schema(&schema));
        Arc::new(ListingTable::try_new(config).map_err(query_error)?)
    };
    ctx.register_table(table.name(), provider)
        .map_err(query_error)?;
    Ok(())
}

/// The types DataFusion reads a table as: top-level strings as `Utf8View`. Decoding a
/// dictionary-encoded Parquet column into views copies no string bytes, which is most of the
/// cost of a scan that groups or filters by `kind`, `tool_name` or `model`.
fn read_schema(schema: &SchemaRef) -> SchemaRef {
    let fields: Vec<_> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8 => Arc::new(f.as_ref().clone().with_data_type(DataType::Utf8View)),
            _ => f.clone(),
        })
        .collect();
    Arc::new(arrow::datatypes::Schema::new_with_metadata(
        fields,
        schema.metadata().clone(),
    ))
}

/// `batch` with its string views turned back into plain strings: the archive's own types,
/// for code and clients that read results by them.
pub fn plain_strings(batch: &RecordBatch) -> Result<RecordBatch> {
    let schema = batch.schema();
    if !schema
        .fields()
        .iter()
        .any(|f| f.data_type() == &DataType::Utf8View)
    {
        return Ok(batch.clone());
    }
    let fields: Vec<_> = schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Utf8View => Arc::new(f.as_ref().clone().with_data_type(DataType::Utf8)),
            _ => f.clone(),
        })
        .collect();
    let columns = batch
        .columns()
        .iter()
        .zip(&fields)
        .map(|(c, f)| arrow::compute::cast(c, f.data_type()))
        .collect::<std::result::Result<Vec<_>, _>>();
    columns
        .and_then(|columns| {
            RecordBatch::try_new(
                Arc::new(arrow::datatypes::Schema::new_with_metadata(
                    fields,
                    schema.metadata().clone(),
                )),
                columns,
            )
        })
        .map_err(|e| Error::Query {
            message: e.to_string(),
        })
}

/// Registers `sessions`, `events` and `labels` over the parts `manifest` lists at `location`.
pub(crate) fn register_tables(
    ctx: &SessionContext,
    location: &Location,
    manifest: &crate::archive::Manifest,
) -> Result<()> {
    for table in Table::ALL {
        let urls = manifest
            .part_files(table)
            .into_iter()
            .map(|relative| location.join(relative))
            .collect::<Result<Vec<_>>>()?;
        register(ctx, table, table.schema(), urls)?;
    }
    Ok(())
}

impl QueryEngine {
    /// Registers the archive's tables (only the parts its manifest lists) and views, run by
    /// DataFusion in this process.
    pub async fn open(archive: &Archive) -> Result<QueryEngine> {
        let location = Location::Folder(archive.root().to_path_buf());
        Self::build(
            &location,
            archive.manifest(),
            &Engine::Local,
            StoreRegistry::new(),
        )
        .await
    }

    /// Opens the archive at `location` (a folder or an object store URL) with its queries run
    /// by `engine`.
    pub async fn open_at(location: &Location, engine: &Engine) -> Result<QueryEngine> {
        engine.check_reachable().await?;
        let stores = StoreRegistry::new();
        let manifest = location.manifest(&stores).await?;
        Self::build(location, &manifest, engine, stores).await
    }

    async fn build(
        location: &Location,
        manifest: &crate::archive::Manifest,
        engine: &Engine,
        stores: Arc<StoreRegistry>,
    ) -> Result<QueryEngine> {
        let mut config = SessionConfig::new()
            .with_information_schema(true)
            .with_target_partitions(std::thread::available_parallelism().map_or(2, |n| n.get()));
        config.options_mut().execution.parquet.enable_page_index = true;
        let runtime = RuntimeEnvBuilder::new()
            .with_object_store_registry(stores)
            .build_arc()
            .map_err(query_error)?;
        // Scans decode whole columns and filter after: pushing a predicate into the Parquet
        // decoder splits each page into fragments and made the tool-error query 1.8× slower.
        // A point lookup is the opposite case: events are sorted by session_id, and with
        // pushed-down predicates and page indexes it reads a few pages instead of every
        // row group that could hold the id (45 ms rather than 400 for one session on 1 M).
        let mut lookup_config = config.clone();
        let parquet = &mut lookup_config.options_mut().execution.parquet;
        parquet.pushdown_filters = true;
        parquet.reorder_filters = true;
        let context = |config: SessionConfig| -> Result<SessionContext> {
            let mut state = SessionStateBuilder::new()
                .with_default_features()
                .with_config(config)
                .with_runtime_env(runtime.clone())
                .build();
            if let Some(scheduler) = engine.scheduler_url() {
                use ballista_core::extension::SessionStateExt;
                state = state.upgrade_for_ballista(scheduler).map_err(query_error)?;
            }
            let ctx = SessionContext::new_with_state(state);
            ctx.register_udf(utc_date_trunc::udf());
            register_tables(&ctx, location, manifest)?;
            Ok(ctx)
        };
        let ctx = context(config)?;
        ctx.sql(TOOL_CALLS_VIEW).await.map_err(query_error)?;
        let lookup = context(lookup_config)?;
        Ok(QueryEngine {
            ctx,
            lookup,
            root: match location {
                Location::Folder(root) => Some(root.clone()),
                Location::Url(_) => None,
            },
            engine: engine.clone(),
            session_index: tokio::sync::OnceCell::new(),
        })
    }

    /// The DataFusion context, for callers that build their own plans.
    pub fn context(&self) -> &SessionContext {
        &self.ctx
    }

    /// The archive folder, or `None` for an archive read from object storage.
    pub fn root(&self) -> Option<&std::path::Path> {
        self.root.as_deref()
    }

    /// Which engine runs this archive's queries.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// `sessions` restricted by `filter`, with label and id-set conditions resolved.
    pub(crate) async fn filtered_sessions(
        &self,
        filter: &Filter,
        session_ids: Option<&[String]>,
    ) -> Result<DataFrame> {
        self.filtered_sessions_in(&self.ctx, filter, session_ids)
            .await
    }

    async fn filtered_sessions_in(
        &self,
        ctx: &SessionContext,
        filter: &Filter,
        session_ids: Option<&[String]>,
    ) -> Result<DataFrame> {
        let mut df = ctx.table("sessions").await.map_err(query_error)?;
        if let Some(expr) = filter.to_expr() {
            df = df.filter(expr).map_err(query_error)?;
        }
        if let Some(name) = &filter.label {
            let labelled = self.label_session_ids(name).await?;
            df = df.filter(in_ids(&labelled)).map_err(query_error)?;
        }
        if let Some(ids) = session_ids {
            df = df.filter(in_ids(ids)).map_err(query_error)?;
        }
        Ok(df)
    }

    /// The in-memory session index, read on first use.
    async fn session_index(&self) -> Result<&session_index::SessionIndex> {
        self.session_index
            .get_or_try_init(|| session_index::SessionIndex::build(self))
            .await
    }

    /// The ids of the sessions carrying `filter.label`, when it names one.
    async fn labelled(&self, filter: &Filter) -> Result<Option<Vec<String>>> {
        match &filter.label {
            Some(name) => Ok(Some(self.label_session_ids(name).await?)),
            None => Ok(None),
        }
    }

    async fn label_session_ids(&self, name: &str) -> Result<Vec<String>> {
        let df = self
            .ctx
            .table("labels")
            .await
            .and_then(|t| t.filter(col("name").eq(lit(name))))
            .and_then(|t| t.select(vec![col("session_id")]))
            .and_then(|t| t.distinct())
            .map_err(query_error)?;
        strings(df.collect().await.map_err(query_error)?, 0)
    }

    /// The ids of the sessions `filter` selects (text queries excluded: see the search module).
    pub async fn session_ids(&self, filter: &Filter) -> Result<Vec<String>> {
        let df = self
            .filtered_sessions(filter, None)
            .await?
            .select(vec![col("session_id")])
            .map_err(query_error)?;
        strings(df.collect().await.map_err(query_error)?, 0)
    }

    /// Rows `[offset, offset + limit)` of the filtered sessions in `sort` order, with the
    /// `columns` asked for (all when empty). `session_ids` further restricts (search hits).
    pub async fn sessions_page(
        &self,
        filter: &Filter,
        session_ids: Option<&[String]>,
        sort: &Sort,
        offset: usize,
        limit: usize,
        columns: &[&str],
    ) -> Result<RecordBatch> {
        let schema = crate::schema::sessions();
        if schema.index_of(&sort.column).is_err() {
            return Err(Error::Query {
                message: format!("cannot sort by `{}`: no such sessions column", sort.column),
            });
        }
        if let Some(index) = self.session_index.get() {
            if index.holds(sort, columns) {
                let labelled = self.labelled(filter).await?;
                let ids = id_set(session_ids, labelled.as_deref());
                let selected = index.selection(self, filter, ids.as_ref())?;
                return plain_strings(&index.page(selected, sort, offset, limit, columns)?);
            }
        }
        let mut df = self
            .filtered_sessions_in(&self.lookup, filter, session_ids)
            .await?;
        df = df
            .sort(vec![
                SortExpr::new(col(sort.column.as_str()), !sort.descending, false),
                SortExpr::new(col("session_id"), true, false),
            ])
            .and_then(|d| d.limit(offset, Some(limit)))
            .map_err(query_error)?;
        if !columns.is_empty() {
            df = df.select_columns(columns).map_err(query_error)?;
        }
        let out_schema: SchemaRef = Arc::new(df.schema().as_arrow().clone());
        let batches = df.collect().await.map_err(query_error)?;
        let batch = concat_batches(&out_schema, &batches).map_err(|e| Error::Query {
            message: e.to_string(),
        })?;
        plain_strings(&batch)
    }

    /// One session's steps in order.
    pub async fn session_events(&self, session_id: &str) -> Result<RecordBatch> {
        let df = self
            .lookup
            .table("events")
            .await
            .and_then(|t| t.filter(col("session_id").eq(lit(session_id))))
            .and_then(|t| t.sort(vec![SortExpr::new(col("seq"), true, false)]))
            .map_err(query_error)?;
        let batches = df.collect().await.map_err(query_error)?;
        let batch =
            concat_batches(&read_schema(&crate::schema::events()), &batches).map_err(|e| {
                Error::Query {
                    message: e.to_string(),
                }
            })?;
        plain_strings(&batch)
    }
}

/// The sessions both id lists allow (`None`: no restriction).
pub(crate) fn id_set<'a>(
    a: Option<&'a [String]>,
    b: Option<&'a [String]>,
) -> Option<HashSet<&'a str>> {
    let set = |ids: &'a [String]| ids.iter().map(String::as_str).collect::<HashSet<_>>();
    match (a, b) {
        (None, None) => None,
        (Some(one), None) | (None, Some(one)) => Some(set(one)),
        (Some(a), Some(b)) => {
            let b = set(b);
            Some(set(a).into_iter().filter(|id| b.contains(id)).collect())
        }
    }
}

/// `session_id IN (ids)`; an empty list selects nothing.
pub(crate) fn in_ids(ids: &[String]) -> Expr {
    if ids.is_empty() {
        return lit(false);
    }
    col("session_id").in_list(ids.iter().map(|id| lit(id.as_str())).collect(), false)
}

/// Column `index` of every batch, as strings (nulls skipped).
pub(crate) fn strings(batches: Vec<RecordBatch>, index: usize) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for batch in batches {
        let column = arrow::compute::cast(batch.column(index), &arrow::datatypes::DataType::Utf8)
            .map_err(|e| Error::Query {
            message: e.to_string(),
        })?;
        let column = column
            .as_any()
            .downcast_ref::<StringArray>()
            .expect("cast to utf8");
        out.extend(column.iter().flatten().map(str::to_string));
    }
    Ok(out)
}
