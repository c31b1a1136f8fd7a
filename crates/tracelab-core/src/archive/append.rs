//! An append to an archive: new parts are staged under temporary names and become visible all
//! at once when [`Append::commit`] replaces the manifest. Dropping an `Append` without
//! committing (or killing the process) leaves the archive as it was.

use arrow::array::RecordBatch;

use super::manifest::Counts;
use super::manifest::{LabelPart, Segment, SourceRecord};
use super::part::{PartWriter, StagedPart};
use super::Archive;
use crate::columnar;
use crate::error::Result;
use crate::quarantine::{QuarantineWriter, StagedQuarantine};
use crate::record::{Label, Trajectory};
use crate::schema::Table;

/// Rows per record batch handed to the Parquet writer.
const BATCH_ROWS: usize = 16 * 1024;

/// A pending append; see the module docs.
pub struct Append<'a> {
    archive: &'a mut Archive,
    next_part: u64,
    segments: Vec<(StagedPart, StagedPart)>,
    labels: Vec<StagedPart>,
    quarantines: Vec<StagedQuarantine>,
    sources: Vec<SourceRecord>,
}

impl<'a> Append<'a> {
    pub(super) fn new(archive: &'a mut Archive) -> Self {
        let next_part = archive.manifest.next_part;
        Append {
            archive,
            next_part,
            segments: Vec::new(),
            labels: Vec::new(),
            quarantines: Vec::new(),
            sources: Vec::new(),
        }
    }

    fn part(&mut self, table: Table) -> Result<PartWriter> {
        let number = self.next_part;
        self.next_part += 1;
        PartWriter::create(self.archive.root(), table.name(), number, table.schema())
    }

    /// Writes one segment: these sessions and all their events, sorted by
    /// `(session_id, seq)`. Returns `(sessions, events)` written.
    pub fn write_segment(&mut self, mut trajectories: Vec<Trajectory>) -> Result<(u64, u64)> {
        trajectories.sort_by(|a, b| a.session.session_id.cmp(&b.session.session_id));
        let mut sessions_part = self.part(Table::Sessions)?;
        let mut events_part = self.part(Table::Events)?;
        let mut sessions = Vec::with_capacity(BATCH_ROWS.min(trajectories.len()));
        let mut events = Vec::with_capacity(BATCH_ROWS);
        for mut t in trajectories {
            t.events.sort_by_key(|e| e.seq);
            events.append(&mut t.events);
            sessions.push(t.session);
            if events.len() >= BATCH_ROWS {
                events_part.write(&columnar::events_to_batch(&events))?;
                events.clear();
            }
            if sessions.len() >= BATCH_ROWS {
                sessions_part.write(&columnar::sessions_to_batch(&sessions))?;
                sessions.clear();
            }
        }
        write_rest(&mut sessions_part, columnar::sessions_to_batch(&sessions))?;
        write_rest(&mut events_part, columnar::events_to_batch(&events))?;
        let (s, e) = (sessions_part.finish()?, events_part.finish()?);
        let counts = (s.rows(), e.rows());
        self.segments.push((s, e));
        Ok(counts)
    }

    /// Writes a part of labels.
    pub fn write_labels(&mut self, labels: &[Label]) -> Result<()> {
        let mut part = self.part(Table::Labels)?;
        part.write(&columnar::labels_to_batch(labels))?;
        self.labels.push(part.finish()?);
        Ok(())
    }

    /// Opens the quarantine file for the next source of this append.
    pub fn quarantine(&mut self) -> Result<QuarantineWriter> {
        let number = self.next_part;
        self.next_part += 1;
        QuarantineWriter::create(self.archive.root(), number)
    }

    /// Records an imported source, with its quarantine file if any record went there, and
    /// returns the record as the manifest will hold it.
    pub fn add_source(
        &mut self,
        mut source: SourceRecord,
        quarantine: Option<StagedQuarantine>,
    ) -> SourceRecord {
        if let Some(q) = quarantine {
            source.quarantine_file = Some(q.relative.clone());
            self.quarantines.push(q);
        }
        self.sources.push(source.clone());
        source
    }

    /// Makes everything written visible at once, and returns the archive's new counts.
    pub fn commit(mut self) -> Result<Counts> {
        let mut manifest = self.archive.manifest.clone();
        for (sessions, events) in &mut self.segments {
            sessions.publish()?;
            events.publish()?;
            manifest.counts.sessions += sessions.rows;
            manifest.counts.events += events.rows;
            manifest.segments.push(Segment {
                sessions: sessions.relative.clone(),
                events: events.relative.clone(),
                sessions_rows: sessions.rows,
                events_rows: events.rows,
            });
        }
        for labels in &mut self.labels {
            labels.publish()?;
            manifest.counts.labels += labels.rows;
            manifest.labels.push(LabelPart {
                file: labels.relative.clone(),
                rows: labels.rows,
            });
        }
        for q in &mut self.quarantines {
            q.publish()?;
        }
        for source in &self.sources {
            manifest.counts.quarantined += source.quarantined;
        }
        manifest.sources.append(&mut self.sources);
        manifest.next_part = self.next_part;
        for table in Table::ALL {
            let dir = self.archive.root().join(table.name());
            if dir.exists() {
                super::manifest::sync_dir(&dir)?;
            }
        }
        manifest.write_atomically(self.archive.root())?;
        self.archive.manifest = manifest;
        Ok(self.archive.manifest.counts)
    }
}

fn write_rest(part: &mut PartWriter, batch: RecordBatch) -> Result<()> {
    if batch.num_rows() > 0 {
        part.write(&batch)?;
    }
    Ok(())
}
