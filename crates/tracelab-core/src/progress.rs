//! How long jobs report progress and learn that the user cancelled them. The CLI shows a
//! progress bar; the desktop app emits events; tests pass [`Silent`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Receives progress of a long job. Every method has a do-nothing default.
pub trait Progress: Sync {
    /// A new phase starts; `total` is in the phase's own unit (bytes, sessions) when known.
    fn begin(&self, _phase: &str, _total: Option<u64>) {}
    /// `delta` more units are done.
    fn advance(&self, _delta: u64) {}
    /// The phase is over.
    fn finish(&self) {}
}

/// Progress that goes nowhere.
pub struct Silent;
impl Progress for Silent {}

/// Shared flag a long job checks between units of work.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
