//! File → Import: the same engine import as `tracelab import`, into the open archive, with
//! progress as `import-progress` events and a cancel command. A cancelled or failed import
//! leaves the archive as it was (the engine commits all at once, or not at all).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;
use tauri::{AppHandle, Emitter, State, WebviewWindow};
use tracelab_core::archive::Archive;
use tracelab_core::import::{import_with, ImportOptions, ImportSummary};
use tracelab_core::progress::{CancelToken, Progress};
use tracelab_core::summary::{summarize, ArchiveSummary};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The running import's cancel token, if one is running.
#[derive(Default)]
pub struct ImportJobs {
    running: Mutex<Option<CancelToken>>,
}

/// What an import did, and the archive as it now is.
#[derive(Debug, Serialize)]
pub struct ImportReport {
    pub summary: ImportSummary,
    pub archive: ArchiveSummary,
}

/// `import-progress` payload: bytes done of the total (when known).
#[derive(Debug, Clone, Serialize)]
struct ImportProgress {
    done: u64,
    total: Option<u64>,
}

/// Emits progress at most every 100 ms.
struct Events {
    app: AppHandle,
    done: AtomicU64,
    total: AtomicU64,
    start: Instant,
    last_ms: AtomicU64,
}

impl Events {
    fn emit(&self) {
        let total = self.total.load(Ordering::Relaxed);
        let payload = ImportProgress {
            done: self.done.load(Ordering::Relaxed),
            total: (total > 0).then_some(total),
        };
        let _ = self.app.emit("import-progress", payload);
    }
}

impl Progress for Events {
    fn begin(&self, _phase: &str, total: Option<u64>) {
        self.total.store(total.unwrap_or(0), Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        self.emit();
    }
    fn advance(&self, delta: u64) {
        self.done.fetch_add(delta, Ordering::Relaxed);
        let now = self.start.elapsed().as_millis() as u64;
        let last = self.last_ms.load(Ordering::Relaxed);
        if now >= last + 100
            && self
                .last_ms
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.emit();
        }
    }
    fn finish(&self) {
        self.emit();
    }
}

/// Shows the native dialog for trace files (several may be picked); `[]` when cancelled.
#[tauri::command]
pub async fn choose_import_files(window: WebviewWindow) -> Vec<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Import traces into the archive")
        .set_parent(&window)
        .pick_files()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.path().to_path_buf())
        .collect()
}

/// Shows the native dialog for a folder of traces; `null` when cancelled.
#[tauri::command]
pub async fn choose_import_folder(window: WebviewWindow) -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title("Import a folder of traces into the archive")
        .set_parent(&window)
        .pick_folder()
        .await
        .map(|f| f.path().to_path_buf())
}

/// Imports `paths` (files, folders, bundles) into the open archive.
#[tauri::command]
pub async fn import_traces(
    paths: Vec<PathBuf>,
    app: AppHandle,
    state: State<'_, AppState>,
    jobs: State<'_, ImportJobs>,
) -> AppResult<ImportReport> {
    let root = state.archive()?.root().to_path_buf();
    let cancel = CancelToken::new();
    {
        let mut running = jobs.running.lock().expect("jobs lock");
        if running.is_some() {
            return Err(AppError {
                code: "busy",
                message: "An import is already running; wait for it or cancel it.".into(),
            });
        }
        *running = Some(cancel.clone());
    }
    let events = Events {
        app,
        done: AtomicU64::new(0),
        total: AtomicU64::new(0),
        start: Instant::now(),
        last_ms: AtomicU64::new(0),
    };
    let job_root = root.clone();
    let result = tauri::async_runtime::spawn_blocking(move || {
        let mut archive = Archive::open(&job_root)?;
        import_with(
            &mut archive,
            &paths,
            &ImportOptions::default(),
            &events,
            &cancel,
        )
    })
    .await;
    *jobs.running.lock().expect("jobs lock") = None;
    let summary = result.map_err(|e| AppError {
        code: "internal",
        message: format!("the import stopped unexpectedly: {e}"),
    })??;
    let archive = summarize(&state.open(&root)?)?;
    Ok(ImportReport { summary, archive })
}

/// Cancels the running import, if any; the archive stays as it was.
#[tauri::command]
pub async fn cancel_import(jobs: State<'_, ImportJobs>) -> AppResult<bool> {
    Ok(match jobs.running.lock().expect("jobs lock").as_ref() {
        Some(token) => {
            token.cancel();
            true
        }
        None => false,
    })
}
