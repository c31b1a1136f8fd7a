//! What the app holds between commands: the open archive (or why it could not be opened)
//! and the list of recently opened archives, kept in the app's config folder.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracelab_core::archive::Archive;
use tracelab_core::curate::{Config, Curation};
use tracelab_core::query::QueryEngine;
use tracelab_core::search::Searcher;

use crate::error::{AppError, AppResult};

/// How many recent archives are remembered.
const RECENT_LIMIT: usize = 10;

#[derive(Default)]
pub struct AppState {
    open: Mutex<Option<Result<Archive, AppError>>>,
    recent_file: Mutex<Option<PathBuf>>,
    /// The open archive's query engine and search index, made on first use.
    engine: Mutex<Option<Arc<QueryEngine>>>,
    /// The SQL console's engine on a Ballista cluster, when its setting names one.
    remote_engine: Mutex<Option<Arc<QueryEngine>>>,
    searcher: Mutex<Option<Arc<Searcher>>>,
    /// The sessions the last search matched, keyed by its query and filter.
    search_hits: Mutex<Option<(String, Arc<Vec<String>>)>>,
    /// The last curation previewed, with its config.
    curation: Mutex<Option<(Config, Curation)>>,
    /// The sessions view's first page, started at launch and not yet asked for.
    launch_page: Mutex<Option<crate::launch_page::Pending>>,
}

impl AppState {
    pub fn set_recent_file(&self, path: PathBuf) {
        *self.recent_file.lock().expect("state lock") = Some(path);
    }

    /// The open archive (a cheap clone of its manifest), or why there is none.
    pub fn archive(&self) -> AppResult<Archive> {
        self.open
            .lock()
            .expect("state lock")
            .clone()
            .unwrap_or_else(|| Err(AppError::no_archive()))
    }

    pub fn has_archive(&self) -> bool {
        self.open.lock().expect("state lock").is_some()
    }

    /// Opens `path`, makes it the current archive and remembers it as the most recent.
    pub fn open(&self, path: &Path) -> AppResult<Archive> {
        let result = Archive::open(path).map_err(AppError::from);
        if result.is_ok() {
            self.remember(path);
        }
        *self.open.lock().expect("state lock") = Some(result.clone());
        *self.engine.lock().expect("state lock") = None;
        *self.remote_engine.lock().expect("state lock") = None;
        *self.searcher.lock().expect("state lock") = None;
        *self.curation.lock().expect("state lock") = None;
        *self.search_hits.lock().expect("state lock") = None;
        *self.launch_page.lock().expect("state lock") = None;
        result
    }

    pub fn set_launch_page(&self, page: crate::launch_page::Pending) {
        *self.launch_page.lock().expect("state lock") = Some(page);
    }

    pub fn take_launch_page(&self) -> Option<crate::launch_page::Pending> {
        self.launch_page.lock().expect("state lock").take()
    }

    pub fn search_hits(&self, key: &str) -> Option<Arc<Vec<String>>> {
        match &*self.search_hits.lock().expect("state lock") {
            Some((k, ids)) if k == key => Some(ids.clone()),
            _ => None,
        }
    }

    pub fn set_search_hits(&self, key: String, ids: Arc<Vec<String>>) {
        *self.search_hits.lock().expect("state lock") = Some((key, ids));
    }

    pub fn set_curation(&self, config: Config, curation: Curation) {
        *self.curation.lock().expect("state lock") = Some((config, curation));
    }

    pub fn has_curation_of(&self, config: &Config) -> bool {
        matches!(&*self.curation.lock().expect("state lock"), Some((c, _)) if c == config)
    }

    /// `f` on the last curation; an error when none was previewed.
    pub fn with_curation<T>(&self, f: impl FnOnce(&Curation) -> T) -> AppResult<T> {
        match &*self.curation.lock().expect("state lock") {
            Some((_, curation)) => Ok(f(curation)),
            None => Err(AppError::internal("no curation has been run yet".into())),
        }
    }

    pub fn engine(&self) -> Option<Arc<QueryEngine>> {
        self.engine.lock().expect("state lock").clone()
    }

    pub fn set_engine(&self, engine: Arc<QueryEngine>) {
        *self.engine.lock().expect("state lock") = Some(engine);
    }

    /// The console's cluster engine, if it is open on `engine`.
    pub fn remote_engine(&self, engine: &tracelab_core::query::Engine) -> Option<Arc<QueryEngine>> {
        self.remote_engine
            .lock()
            .expect("state lock")
            .clone()
            .filter(|e| e.engine() == engine)
    }

    pub fn set_remote_engine(&self, engine: Arc<QueryEngine>) {
        *self.remote_engine.lock().expect("state lock") = Some(engine);
    }

    pub fn searcher(&self) -> Option<Arc<Searcher>> {
        self.searcher.lock().expect("state lock").clone()
    }

    pub fn set_searcher(&self, searcher: Arc<Searcher>) {
        *self.searcher.lock().expect("state lock") = Some(searcher);
    }

    /// Recently opened archives, most recent first.
    pub fn recent(&self) -> Vec<PathBuf> {
        let Some(file) = self.recent_file.lock().expect("state lock").clone() else {
            return Vec::new();
        };
        std::fs::read(&file)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Vec<PathBuf>>(&bytes).ok())
            .unwrap_or_default()
    }

    fn remember(&self, path: &Path) {
        let Some(file) = self.recent_file.lock().expect("state lock").clone() else {
            return;
        };
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let mut recent = self.recent();
        recent.retain(|p| p != &path);
        recent.insert(0, path);
        recent.truncate(RECENT_LIMIT);
        // Remembering is a convenience: failing to write it must not fail the open.
        if let Some(dir) = file.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = std::fs::write(
            &file,
            serde_json::to_vec_pretty(&recent).unwrap_or_default(),
        );
    }
}
