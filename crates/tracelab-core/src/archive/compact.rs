//! Compaction: rewrites an archive's segments into one segment per UTC day of `started_at`,
//! in hive-style folders (`sessions/date=2026-08-19/part-000123.parquet`, and the events of
//! exactly those sessions under `events/date=2026-08-19/`). A cluster then gets one file per
//! day to hand to its executors, and a time filter skips whole files by their statistics.
//!
//! Nothing is lost: the rewrite is two sorted DataFusion scans (spilling to disk past a
//! memory budget), the row counts must match the manifest before anything is published, and
//! the new manifest replaces the old atomically before the old parts are deleted.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::{Array, RecordBatch, StringArray};
use datafusion::execution::memory_pool::FairSpillPool;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use futures::StreamExt;

use super::manifest::Segment;
use super::part::{PartWriter, StagedPart};
use super::Archive;
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::query::{query_error, register_tables};
use crate::schema::Table;
use crate::storage::Location;

/// Memory the sorts may hold before spilling to the temporary folder.
const MEMORY_BUDGET: usize = 2 << 30;

/// What a compaction did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Compaction {
    pub sessions: u64,
    pub events: u64,
    pub segments_before: usize,
    /// One per day.
    pub segments_after: usize,
}

/// Day of each row's session, as the partition value (`unknown` without a start time);
/// `__day` is the last column.
const SESSIONS_BY_DAY: &str =
    "SELECT *, coalesce(to_char(started_at, '%Y-%m-%d'), 'unknown') AS __day \
     FROM sessions ORDER BY __day, session_id";
const EVENTS_BY_DAY: &str = "SELECT e.*, coalesce(to_char(s.started_at, '%Y-%m-%d'), 'unknown') AS __day \
     FROM events e LEFT JOIN (SELECT session_id, started_at FROM sessions) s ON e.session_id = s.session_id \
     ORDER BY __day, e.session_id, e.seq";

impl Archive {
    /// Rewrites the archive one segment per day; see the module docs.
    pub async fn compact(&mut self, progress: &dyn Progress) -> Result<Compaction> {
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_pool(Arc::new(FairSpillPool::new(MEMORY_BUDGET)))
            .build_arc()
            .map_err(query_error)?;
        let ctx = SessionContext::new_with_config_rt(
            SessionConfig::new().with_target_partitions(
                std::thread::available_parallelism().map_or(2, |n| n.get()),
            ),
            runtime,
        );
        register_tables(
            &ctx,
            &Location::Folder(self.root().to_path_buf()),
            &self.manifest,
        )?;
        let mut next_part = self.manifest.next_part;
        progress.begin("sessions", Some(self.manifest.counts.sessions));
        let sessions = self
            .write_by_day(
                &ctx,
                SESSIONS_BY_DAY,
                Table::Sessions,
                &mut next_part,
                progress,
            )
            .await?;
        progress.finish();
        progress.begin("events", Some(self.manifest.counts.events));
        let events = self
            .write_by_day(&ctx, EVENTS_BY_DAY, Table::Events, &mut next_part, progress)
            .await?;
        progress.finish();
        self.publish(sessions, events, next_part)
    }

    /// Streams `sql` (sorted by its last column, the day) into one part per day.
    async fn write_by_day(
        &self,
        ctx: &SessionContext,
        sql: &str,
        table: Table,
        next_part: &mut u64,
        progress: &dyn Progress,
    ) -> Result<BTreeMap<String, StagedPart>> {
        let schema = table.schema();
        let df = ctx.sql(sql).await.map_err(query_error)?;
        let mut stream = df.execute_stream().await.map_err(query_error)?;
        let mut done = BTreeMap::new();
        let mut current: Option<(String, PartWriter)> = None;
        while let Some(batch) = stream.next().await {
            let batch = crate::query::plain_strings(&batch.map_err(query_error)?)?;
            let days = batch
                .column(batch.num_columns() - 1)
                .as_any()
                .downcast_ref::<StringArray>()
                .expect("__day is a string")
                .clone();
            let columns = batch.columns()[..batch.num_columns() - 1].to_vec();
            let rows = RecordBatch::try_new(schema.clone(), columns).map_err(|e| Error::Query {
                message: format!(
                    "compaction produced rows unlike table {}: {e}",
                    table.name()
                ),
            })?;
            let mut start = 0;
            while start < rows.num_rows() {
                let day = days.value(start);
                let mut end = start + 1;
                while end < rows.num_rows() && days.value(end) == day {
                    end += 1;
                }
                if current.as_ref().is_none_or(|(d, _)| d != day) {
                    if let Some((d, writer)) = current.take() {
                        done.insert(d, writer.finish()?);
                    }
                    current = Some((day.to_string(), self.day_part(table, day, next_part)?));
                }
                let (_, writer) = current.as_mut().expect("set above");
                writer.write(&rows.slice(start, end - start))?;
                progress.advance((end - start) as u64);
                start = end;
            }
            debug_assert_eq!(days.null_count(), 0);
        }
        if let Some((d, writer)) = current.take() {
            done.insert(d, writer.finish()?);
        }
        Ok(done)
    }

    fn day_part(&self, table: Table, day: &str, next_part: &mut u64) -> Result<PartWriter> {
        let number = *next_part;
        *next_part += 1;
        let folder = format!("{}/date={day}", table.name());
        PartWriter::create(self.root(), &folder, number, table.schema())
    }

    /// Checks the counts, pairs each day's sessions and events into a segment, publishes the
    /// parts, replaces the manifest and only then deletes the old parts.
    fn publish(
        &mut self,
        mut sessions: BTreeMap<String, StagedPart>,
        mut events: BTreeMap<String, StagedPart>,
        mut next_part: u64,
    ) -> Result<Compaction> {
        let counts = self.manifest.counts;
        let written = (
            sessions.values().map(|p| p.rows).sum::<u64>(),
            events.values().map(|p| p.rows).sum::<u64>(),
        );
        if written != (counts.sessions, counts.events) {
            return Err(Error::Corrupt {
                path: self.root().to_path_buf(),
                reason: format!(
                    "compaction wrote {} sessions and {} events but the manifest lists {} and {}; nothing was changed",
                    written.0, written.1, counts.sessions, counts.events
                ),
            });
        }
        let days: Vec<String> = sessions.keys().chain(events.keys()).cloned().collect();
        for day in days {
            for (table, parts) in [
                (Table::Sessions, &mut sessions),
                (Table::Events, &mut events),
            ] {
                if !parts.contains_key(&day) {
                    let empty = self.day_part(table, &day, &mut next_part)?.finish()?;
                    parts.insert(day.clone(), empty);
                }
            }
        }
        let mut segments = Vec::with_capacity(sessions.len());
        for ((_, mut s), (_, mut e)) in sessions.into_iter().zip(events) {
            s.publish()?;
            e.publish()?;
            segments.push(Segment {
                sessions: s.relative.clone(),
                events: e.relative.clone(),
                sessions_rows: s.rows,
                events_rows: e.rows,
            });
        }
        let old = std::mem::take(&mut self.manifest.segments);
        let mut manifest = self.manifest.clone();
        manifest.segments = segments;
        manifest.next_part = next_part;
        if let Err(e) = manifest.write_atomically(self.root()) {
            self.manifest.segments = old;
            return Err(e);
        }
        let report = Compaction {
            sessions: counts.sessions,
            events: counts.events,
            segments_before: old.len(),
            segments_after: manifest.segments.len(),
        };
        let new_events = manifest.segments.iter().map(|s| s.events.clone()).collect();
        self.manifest = manifest;
        for segment in &old {
            for relative in [&segment.sessions, &segment.events] {
                let path = self.root().join(relative);
                std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            }
        }
        let old_events: Vec<String> = old.into_iter().map(|s| s.events).collect();
        crate::search::parts_moved(self.root(), &old_events, new_events)?;
        Ok(report)
    }
}
