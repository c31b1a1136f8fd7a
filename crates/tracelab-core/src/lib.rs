//! The Tracelab engine: trace archives (Parquet parts under an atomic manifest), importers
//! that quarantine what they cannot read, canonical JSONL export, and a deterministic sample
//! generator with a planted regression story. The CLI and the desktop app are thin shells
//! over this crate; it depends on neither Tauri nor clap.
//!
//! ```no_run
//! use tracelab_core::{archive::Archive, summary};
//! let archive = Archive::open("sample-data/archive")?;
//! let s = summary::summarize(&archive)?;
//! println!("{} sessions, {} events", s.sessions, s.events);
//! # Ok::<(), tracelab_core::Error>(())
//! ```

pub mod archive;
pub mod columnar;
pub mod curate;
pub mod decontam;
pub mod diagnose;
mod error;
pub mod export;
pub mod import;
pub mod ipc;
pub mod labels;
pub mod parallel;
pub mod progress;
pub mod quarantine;
pub mod query;
pub mod record;
pub mod sample;
pub mod schema;
pub mod scrub;
pub mod search;
pub mod storage;
pub mod summary;

pub use error::{Error, Result};
