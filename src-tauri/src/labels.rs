//! Labels from the trajectory view: list a session's labels, add one, and count sessions per
//! label for the facet sidebar. Adding commits to the archive and reopens it, so every view
//! (and the `label=` filter) sees the new label at once.

use tauri::State;
use tracelab_core::labels::{self, LabelCount};
use tracelab_core::record::Label;

use crate::error::AppResult;
use crate::explore::engine;
use crate::state::AppState;

#[tauri::command]
pub async fn session_labels(
    session_id: String,
    state: State<'_, AppState>,
) -> AppResult<Vec<Label>> {
    Ok(engine(&state).await?.labels_of(&session_id).await?)
}

#[tauri::command]
pub async fn label_counts(state: State<'_, AppState>) -> AppResult<Vec<LabelCount>> {
    Ok(engine(&state).await?.label_counts().await?)
}

/// Adds `name` (with an optional value and note) to a session, by the current user.
#[tauri::command]
pub async fn add_label(
    session_id: String,
    name: String,
    value: Option<String>,
    note: Option<String>,
    state: State<'_, AppState>,
) -> AppResult<Label> {
    let mut archive = state.archive()?;
    let author = std::env::var("USER").ok();
    let label = labels::add(
        &mut archive,
        &session_id,
        None,
        &name,
        value.as_deref(),
        note.as_deref(),
        author.as_deref(),
    )?;
    state.open(archive.root())?;
    Ok(label)
}
