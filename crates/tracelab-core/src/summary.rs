//! What is in an archive at a glance: the counts of `tracelab info` and of the app's top bar.

use std::collections::BTreeMap;

use arrow::array::{Array, StringArray};
use serde::Serialize;

use crate::archive::Archive;
use crate::error::Result;
use crate::schema::Table;

/// Counts of an archive, and sessions by source format, harness version, model and outcome.
/// Sessions without a value count under `(none)` (`unknown` for outcomes).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArchiveSummary {
    pub path: String,
    pub sessions: u64,
    pub events: u64,
    pub labels: u64,
    pub quarantined: u64,
    pub sources: u64,
    pub by_outcome: BTreeMap<String, u64>,
    pub by_source_format: BTreeMap<String, u64>,
    pub by_harness_version: BTreeMap<String, u64>,
    pub by_model: BTreeMap<String, u64>,
}

const NONE: &str = "(none)";

/// Summarises an archive, reading only the four columns it counts by.
pub fn summarize(archive: &Archive) -> Result<ArchiveSummary> {
    let counts = archive.manifest().counts;
    let mut summary = ArchiveSummary {
        path: archive.root().display().to_string(),
        sessions: counts.sessions,
        events: counts.events,
        labels: counts.labels,
        quarantined: counts.quarantined,
        sources: archive.manifest().sources.len() as u64,
        by_outcome: BTreeMap::new(),
        by_source_format: BTreeMap::new(),
        by_harness_version: BTreeMap::new(),
        by_model: BTreeMap::new(),
    };
    let columns = ["outcome", "source_format", "harness_version", "model"];
    for batch in archive.scan(Table::Sessions, Some(&columns))? {
        let batch = batch?;
        let maps = [
            (&mut summary.by_outcome, "unknown"),
            (&mut summary.by_source_format, NONE),
            (&mut summary.by_harness_version, NONE),
            (&mut summary.by_model, NONE),
        ];
        for (i, (map, missing)) in maps.into_iter().enumerate() {
            let col = batch
                .column(i)
                .as_any()
                .downcast_ref::<StringArray>()
                .expect("summary columns are utf8");
            for value in col.iter() {
                *map.entry(value.unwrap_or(missing).to_string()).or_default() += 1;
            }
        }
    }
    Ok(summary)
}
