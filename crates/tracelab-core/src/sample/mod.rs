//! The deterministic sample-data generator behind `tracelab gen-sample`: realistic coding
//! agent sessions over eight weeks, with the regression story of [`story`] planted in them.
//! Session `i` depends only on `(seed, i)` and the archive size, so a seed always gives
//! the same archive. Sessions are written segment by segment, so memory stays bounded
//! whatever the size.

mod rng;
pub mod story;
mod trajectory;
pub mod world;

use std::path::Path;

use crate::archive::{Archive, Counts, SourceRecord};
use crate::error::{Error, Result};
use crate::progress::{CancelToken, Progress};

/// Sessions per segment (one sessions part and one events part).
const SEGMENT_SESSIONS: u64 = 20_000;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct SampleOptions {
    pub sessions: u64,
    pub seed: u64,
}

impl Default for SampleOptions {
    fn default() -> Self {
        SampleOptions {
            sessions: 10_000,
            seed: 7,
        }
    }
}

/// Generates a sample archive into `out`, which must be new or empty.
pub fn generate(
    out: &Path,
    options: SampleOptions,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Result<Counts> {
    if out.join(crate::archive::manifest::MANIFEST_FILE).exists() {
        return Err(Error::BadInput {
            path: out.to_path_buf(),
            reason: "already holds an archive; gen-sample writes a new one (remove it or choose another folder)".into(),
        });
    }
    let mut archive = Archive::open_or_create(out)?;
    let tasks = world::tasks(options.seed, options.sessions);
    let mut append = archive.append()?;
    progress.begin("generating sessions", Some(options.sessions));
    // One thread generates the next segment while this one writes the last: both cores busy,
    // and at most two segments in memory.
    let written = std::thread::scope(|scope| -> Result<()> {
        let (sender, receiver) = std::sync::mpsc::sync_channel(0);
        let tasks = &tasks;
        scope.spawn(move || {
            let mut start = 0;
            while start < options.sessions && !cancel.is_cancelled() {
                let end = (start + SEGMENT_SESSIONS).min(options.sessions);
                let segment: Vec<_> = (start..end)
                    .map(|i| trajectory::session(options.seed, i, tasks))
                    .collect();
                if sender.send(segment).is_err() {
                    return;
                }
                start = end;
            }
        });
        for segment in receiver {
            let n = segment.len() as u64;
            append.write_segment(segment)?;
            progress.advance(n);
        }
        Ok(())
    });
    written?;
    if cancel.is_cancelled() {
        return Err(Error::Cancelled);
    }
    progress.finish();
    append.add_source(
        SourceRecord {
            uri: format!(
                "tracelab gen-sample --sessions {} --seed {}",
                options.sessions, options.seed
            ),
            sha256: None,
            format: "sample".into(),
            records_read: options.sessions,
            imported: options.sessions,
            quarantined: 0,
            quarantine_file: None,
            imported_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        },
        None,
    );
    append.commit()
}
