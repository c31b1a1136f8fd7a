//! The engine's [`Progress`] as window events, for the long jobs that report it (import,
//! curation export): `{phase, done, total}` at most every 100 ms, and at each phase's start
//! and end.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use serde::Serialize;
use tauri::{AppHandle, Emitter};
use tracelab_core::progress::Progress;

/// The payload of a progress event: units done of the total (when known) in this phase.
#[derive(Debug, Clone, Serialize)]
struct Payload {
    phase: String,
    done: u64,
    total: Option<u64>,
}

pub struct ProgressEvents {
    app: AppHandle,
    event: &'static str,
    phase: Mutex<String>,
    done: AtomicU64,
    total: AtomicU64,
    start: Instant,
    last_ms: AtomicU64,
}

impl ProgressEvents {
    /// Progress sent to the window as `event`.
    pub fn new(app: AppHandle, event: &'static str) -> ProgressEvents {
        ProgressEvents {
            app,
            event,
            phase: Mutex::new(String::new()),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }

    fn emit(&self) {
        let total = self.total.load(Ordering::Relaxed);
        let payload = Payload {
            phase: self.phase.lock().expect("phase lock").clone(),
            done: self.done.load(Ordering::Relaxed),
            total: (total > 0).then_some(total),
        };
        let _ = self.app.emit(self.event, payload);
    }
}

impl Progress for ProgressEvents {
    fn begin(&self, phase: &str, total: Option<u64>) {
        *self.phase.lock().expect("phase lock") = phase.to_string();
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
