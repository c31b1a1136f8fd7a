//! What is in an archive at a glance: the counts of `tracelab info` and of the app's top bar.

use std::collections::BTreeMap;

use arrow::array::{Array, StringArray};
use serde::Serialize;

use crate::archive::Archive;
use crate::error::Result;
use crate::query::{Filter, QueryEngine};
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

/// The archive's counts from its manifest, read at once; the breakdowns are left empty.
pub fn overview(archive: &Archive) -> ArchiveSummary {
    let counts = archive.manifest().counts;
    ArchiveSummary {
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
    }
}

/// The columns the summary counts sessions by, in the order of [`ArchiveSummary::tally`].
const BREAKDOWN_COLUMNS: [&str; 4] = ["outcome", "source_format", "harness_version", "model"];

impl ArchiveSummary {
    /// Adds `n` sessions with `value` (none: `None`) in `column`, one of [`BREAKDOWN_COLUMNS`];
    /// other columns are ignored.
    fn tally(&mut self, column: &str, value: Option<&str>, n: u64) {
        let (map, missing) = match column {
            "outcome" => (&mut self.by_outcome, "unknown"),
            "source_format" => (&mut self.by_source_format, NONE),
            "harness_version" => (&mut self.by_harness_version, NONE),
            "model" => (&mut self.by_model, NONE),
            _ => return,
        };
        *map.entry(value.unwrap_or(missing).to_string()).or_default() += n;
    }
}

/// Summarises an archive: its counts, and the breakdowns from a scan of the four columns
/// they count by.
pub fn summarize(archive: &Archive) -> Result<ArchiveSummary> {
    let mut summary = overview(archive);
    for batch in archive.scan(Table::Sessions, Some(&BREAKDOWN_COLUMNS))? {
        let batch = batch?;
        for (i, column) in BREAKDOWN_COLUMNS.iter().enumerate() {
            let values = batch
                .column(i)
                .as_any()
                .downcast_ref::<StringArray>()
                .expect("summary columns are utf8");
            for value in values.iter() {
                summary.tally(column, value, 1);
            }
        }
    }
    Ok(summary)
}

/// The same summary from the engine's facet counts: with the session index in memory (the
/// app holds one for its facets), it costs no scan of its own.
pub async fn summarize_from(engine: &QueryEngine, archive: &Archive) -> Result<ArchiveSummary> {
    let mut summary = overview(archive);
    let facets = engine.facets(&Filter::default(), usize::MAX).await?;
    for facet in facets.facets {
        for value in facet.values {
            let named = Some(value.value.as_str()).filter(|v| *v != crate::query::NONE);
            summary.tally(&facet.dimension, named, value.count);
        }
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{CancelToken, Silent};
    use crate::sample::{generate, SampleOptions};

    #[test]
    fn the_overview_has_the_summary_counts_without_a_scan() {
        let dir = tempfile::tempdir().unwrap();
        let options = SampleOptions {
            sessions: 60,
            seed: 5,
        };
        generate(dir.path(), options, &Silent, &CancelToken::new()).unwrap();
        let archive = Archive::open(dir.path()).unwrap();
        let full = summarize(&archive).unwrap();
        let quick = overview(&archive);
        assert_eq!(
            (quick.sessions, quick.events, quick.labels, quick.sources),
            (full.sessions, full.events, full.labels, full.sources)
        );
        assert_eq!(quick.sessions, 60);
        assert!(quick.by_outcome.is_empty() && quick.by_model.is_empty());
        assert_eq!(full.by_outcome.values().sum::<u64>(), 60);
        assert_eq!(full.by_model.values().sum::<u64>(), 60);

        let rt = tokio::runtime::Runtime::new().unwrap();
        let engine = rt.block_on(QueryEngine::open(&archive)).unwrap();
        let from_index = rt.block_on(summarize_from(&engine, &archive)).unwrap();
        assert_eq!(from_index, full);
    }
}
