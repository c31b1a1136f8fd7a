//! The sessions view's commands: facet counts, pages of the filtered and sorted session list
//! (Arrow IPC), full-text search, and one session's trajectory. Each resolves the view (a
//! filter plus an optional search query) the same way, through the archive's one engine.

use std::sync::Arc;

use serde::Deserialize;
use tauri::ipc::Response;
use tauri::State;
use tracelab_core::ipc::{to_stream_bytes, SESSION_LIST_COLUMNS};
use tracelab_core::query::{Facets, Filter, QueryEngine, Sort};
use tracelab_core::record::Trajectory;
use tracelab_core::search::{SearchResult, Searcher};

use crate::error::{AppError, AppResult};
use crate::launch_page;
use crate::state::AppState;

/// What the sessions view shows: the facet filter and the search box.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct View {
    filter: Filter,
    text: Option<String>,
}

/// Values per facet in the sidebar.
const FACET_VALUES: usize = 12;

/// The open archive's engine, opened on first use. Callers that come at once (the first
/// page, the facets and the labels ask together) wait for one opening rather than each
/// making their own.
pub(crate) async fn engine(state: &AppState) -> AppResult<Arc<QueryEngine>> {
    if let Some(engine) = state.engine() {
        return Ok(engine);
    }
    static OPENING: tauri::async_runtime::Mutex<()> = tauri::async_runtime::Mutex::const_new(());
    let _one_at_a_time = OPENING.lock().await;
    if let Some(engine) = state.engine() {
        return Ok(engine);
    }
    let archive = state.archive()?;
    let engine = Arc::new(QueryEngine::open(&archive).await?);
    state.set_engine(engine.clone());
    Ok(engine)
}

/// The archive's search index, built or brought up to date on first use (off the UI thread).
async fn searcher(state: &AppState) -> AppResult<Arc<Searcher>> {
    if let Some(searcher) = state.searcher() {
        return Ok(searcher);
    }
    let archive = state.archive()?;
    // The first search may build the index; concurrent first searches (facets and the page
    // ask at once) must not build it twice in one folder.
    static BUILDING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let searcher = tauri::async_runtime::spawn_blocking(move || {
        let _one_at_a_time = BUILDING
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        Searcher::open(&archive)
    })
    .await
    .map_err(|e| AppError::internal(e.to_string()))??;
    let searcher = Arc::new(searcher);
    state.set_searcher(searcher.clone());
    Ok(searcher)
}

impl View {
    fn query(&self) -> Option<&str> {
        self.text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
    }

    /// The search, restricted to the filter's sessions, when the view has a query.
    async fn search(&self, state: &AppState, limit: usize) -> AppResult<Option<SearchResult>> {
        let Some(text) = self.query() else {
            return Ok(None);
        };
        let engine = engine(state).await?;
        let within = if self.filter.is_empty() {
            None
        } else {
            Some(engine.session_ids(&self.filter).await?)
        };
        let searcher = searcher(state).await?;
        let text = text.to_string();
        let result = tauri::async_runtime::spawn_blocking(move || {
            searcher.search(&text, within.as_deref(), limit)
        })
        .await
        .map_err(|e| AppError::internal(e.to_string()))??;
        Ok(Some(result))
    }

    /// The sessions the search matched, when the view has a query. The table asks for a
    /// page at a time with the same view: the last answer is kept, so a query runs once.
    async fn session_ids(&self, state: &AppState) -> AppResult<Option<Arc<Vec<String>>>> {
        let Some(text) = self.query() else {
            return Ok(None);
        };
        let key = serde_json::to_string(&(text, &self.filter)).unwrap_or_default();
        if let Some(ids) = state.search_hits(&key) {
            return Ok(Some(ids));
        }
        let Some(result) = self.search(state, 1).await? else {
            return Ok(None);
        };
        let ids = Arc::new(result.sessions.session_ids());
        state.set_search_hits(key, ids.clone());
        Ok(Some(ids))
    }
}

/// Counts of every dimension's values under the view; `total` is the sessions it selects.
#[tauri::command]
pub async fn facets(view: View, state: State<'_, AppState>) -> AppResult<Facets> {
    let ids = view.session_ids(&state).await?;
    let engine = engine(&state).await?;
    Ok(engine
        .facets_within(
            &view.filter,
            ids.as_deref().map(Vec::as_slice),
            FACET_VALUES,
        )
        .await?)
}

/// Rows `[offset, offset + limit)` of the view's sessions in `sort` order, as Arrow IPC.
#[tauri::command]
pub async fn sessions_page(
    view: View,
    sort: Sort,
    offset: usize,
    limit: usize,
    state: State<'_, AppState>,
) -> AppResult<Response> {
    let everything = view.filter == Filter::default() && view.query().is_none();
    if launch_page::is_launch_page(everything, &sort, offset, limit) {
        if let Some(page) = launch_page::take(&state).await {
            return Ok(Response::new(page?));
        }
    }
    let ids = view.session_ids(&state).await?;
    let engine = engine(&state).await?;
    let batch = engine
        .sessions_page(
            &view.filter,
            ids.as_deref().map(Vec::as_slice),
            &sort,
            offset,
            limit.min(10_000),
            SESSION_LIST_COLUMNS,
        )
        .await?;
    Ok(Response::new(to_stream_bytes(&batch)?))
}

/// The best matching steps of the view's search, with snippets and highlight ranges.
#[tauri::command]
pub async fn search_hits(
    view: View,
    limit: usize,
    state: State<'_, AppState>,
) -> AppResult<Option<SearchResult>> {
    view.search(&state, limit.min(1_000)).await
}

/// One session and its steps; `null` when the archive has no such session.
#[tauri::command]
pub async fn trajectory(
    session_id: String,
    state: State<'_, AppState>,
) -> AppResult<Option<Trajectory>> {
    Ok(engine(&state).await?.trajectory(&session_id).await?)
}
