//! The sessions view's first rows, computed while the window starts.
//!
//! A new window shows every session, newest first. On a large archive that page costs a few
//! hundred milliseconds, about as long as WebKit takes to start and load the UI, so `setup`
//! starts it at once and the first `sessions_page` call that asks for exactly it takes the
//! answer (once: every later call queries the engine as usual). Opening another archive drops
//! it.

use tauri::async_runtime::{self, JoinHandle};
use tauri::{AppHandle, Manager};
use tracelab_core::ipc::{to_stream_bytes, SESSION_LIST_COLUMNS};
use tracelab_core::query::{Filter, Sort};

use crate::error::{AppError, AppResult};
use crate::explore;
use crate::state::AppState;

/// Rows of the first page: the UI's `PAGE_SIZE` (`ui/src/lib/sessions/sessionPages.ts`).
pub const ROWS: usize = 200;

/// The first page as Arrow IPC bytes, on its way.
pub type Pending = JoinHandle<AppResult<Vec<u8>>>;

/// Starts computing the first page of every session in the default order.
pub fn start(app: &AppHandle) {
    let handle = app.clone();
    let page = async_runtime::spawn(async move {
        let state = handle.state::<AppState>();
        let engine = explore::engine(&state).await?;
        let batch = engine
            .sessions_page(
                &Filter::default(),
                None,
                &Sort::default(),
                0,
                ROWS,
                SESSION_LIST_COLUMNS,
            )
            .await?;
        Ok(to_stream_bytes(&batch)?)
    });
    app.state::<AppState>().set_launch_page(page);
}

/// Whether a request is for the page `start` computes.
pub fn is_launch_page(everything: bool, sort: &Sort, offset: usize, limit: usize) -> bool {
    everything && *sort == Sort::default() && offset == 0 && limit == ROWS
}

/// The page `start` computed (waiting for it if need be), once.
pub async fn take(state: &AppState) -> Option<AppResult<Vec<u8>>> {
    let pending = state.take_launch_page()?;
    Some(
        pending
            .await
            .unwrap_or_else(|e| Err(AppError::internal(e.to_string()))),
    )
}
