//! Reading an archive: whole tables as batch streams, windows of session rows, and sessions
//! with their steps, segment by segment. Only the parts the manifest lists are opened.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use arrow::compute::concat_batches;
use arrow::datatypes::SchemaRef;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::arrow::ProjectionMask;

use super::Archive;
use crate::columnar;
use crate::error::{Error, Result};
use crate::record::Trajectory;
use crate::schema::Table;

/// Which columns of a table to read; `None` reads all.
pub type Columns<'a> = Option<&'a [&'a str]>;

/// Which root columns to read, and how to put them back in the order they were asked for
/// (Parquet returns projected columns in file order).
#[derive(Clone)]
struct Projection {
    /// Column indices in file order, for the Parquet projection mask.
    sorted: Vec<usize>,
    /// For each requested column, its position among `sorted`.
    order: Vec<usize>,
}

impl Projection {
    fn reorder(
        &self,
        batch: RecordBatch,
    ) -> std::result::Result<RecordBatch, arrow::error::ArrowError> {
        batch.project(&self.order)
    }
}

fn projected_schema(table: Table, columns: Columns) -> Result<(SchemaRef, Option<Projection>)> {
    let schema = table.schema();
    let Some(columns) = columns else {
        return Ok((schema, None));
    };
    let indices = columns
        .iter()
        .map(|c| {
            schema.index_of(c).map_err(|_| Error::BadInput {
                path: PathBuf::from(table.name()),
                reason: format!("no column `{c}` in table {}", table.name()),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let projected = schema
        .project(&indices)
        .expect("indices come from the schema");
    let mut sorted = indices.clone();
    sorted.sort_unstable();
    sorted.dedup();
    let order = indices
        .iter()
        .map(|i| sorted.binary_search(i).expect("index is in sorted"))
        .collect();
    Ok((
        std::sync::Arc::new(projected),
        Some(Projection { sorted, order }),
    ))
}

/// Reads a part's batches (projected and reordered as asked), from row `offset`, at most `limit`.
fn read_part(
    path: &Path,
    projection: Option<&Projection>,
    offset: usize,
    limit: Option<usize>,
) -> Result<impl Iterator<Item = Result<RecordBatch>>> {
    let reader = open_part(path, projection.map(|p| p.sorted.as_slice()), offset, limit)?;
    let projection = projection.cloned();
    let path = path.to_path_buf();
    Ok(reader.map(move |batch| {
        let batch = batch.map_err(|e| Error::parquet(&path, e))?;
        match &projection {
            Some(p) => p.reorder(batch).map_err(|e| Error::parquet(&path, e)),
            None => Ok(batch),
        }
    }))
}

fn open_part(
    path: &Path,
    indices: Option<&[usize]>,
    offset: usize,
    limit: Option<usize>,
) -> Result<ParquetRecordBatchReader> {
    let file = File::open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Error::Corrupt {
            path: path.to_path_buf(),
            reason: "part listed in manifest.json is missing".into(),
        },
        _ => Error::io(path, e),
    })?;
    let mut builder =
        ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| Error::parquet(path, e))?;
    if let Some(indices) = indices {
        let mask = ProjectionMask::roots(builder.parquet_schema(), indices.iter().copied());
        builder = builder.with_projection(mask);
    }
    if offset > 0 {
        builder = builder.with_offset(offset);
    }
    if let Some(limit) = limit {
        builder = builder.with_limit(limit);
    }
    builder
        .with_batch_size(8192)
        .build()
        .map_err(|e| Error::parquet(path, e))
}

/// A stream of record batches over every part of one table.
pub struct TableScan {
    parts: std::vec::IntoIter<PathBuf>,
    projection: Option<Projection>,
    schema: SchemaRef,
    current: Option<Box<dyn Iterator<Item = Result<RecordBatch>>>>,
}

impl TableScan {
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }
}

impl Iterator for TableScan {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(reader) = &mut self.current {
                match reader.next() {
                    Some(batch) => return Some(batch),
                    None => self.current = None,
                }
            }
            let path = self.parts.next()?;
            match read_part(&path, self.projection.as_ref(), 0, None) {
                Ok(reader) => self.current = Some(Box::new(reader)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

impl Archive {
    /// Streams every row of `table` (only the `columns` asked for), part by part.
    pub fn scan(&self, table: Table, columns: Columns) -> Result<TableScan> {
        let (schema, projection) = projected_schema(table, columns)?;
        Ok(TableScan {
            parts: self.part_paths(table).into_iter(),
            projection,
            schema,
            current: None,
        })
    }

    /// Streams the rows of some parts of `table` (paths relative to the archive, as the
    /// manifest lists them).
    pub fn scan_parts(
        &self,
        table: Table,
        parts: &[String],
        columns: Columns,
    ) -> Result<TableScan> {
        let (schema, projection) = projected_schema(table, columns)?;
        let paths: Vec<PathBuf> = parts.iter().map(|p| self.root.join(p)).collect();
        Ok(TableScan {
            parts: paths.into_iter(),
            projection,
            schema,
            current: None,
        })
    }

    /// Session rows `[start, start + count)` in archive order, reading only the parts and row
    /// groups that hold them.
    pub fn session_window(&self, start: u64, count: u64, columns: Columns) -> Result<RecordBatch> {
        let (schema, projection) = projected_schema(Table::Sessions, columns)?;
        let mut batches = Vec::new();
        let (mut skip, mut want) = (start, count);
        for segment in &self.manifest.segments {
            if want == 0 {
                break;
            }
            if skip >= segment.sessions_rows {
                skip -= segment.sessions_rows;
                continue;
            }
            let take = want.min(segment.sessions_rows - skip);
            let path = self.root.join(&segment.sessions);
            for batch in read_part(
                &path,
                projection.as_ref(),
                skip as usize,
                Some(take as usize),
            )? {
                batches.push(batch?);
            }
            skip = 0;
            want -= take;
        }
        concat_batches(&schema, &batches).map_err(|e| Error::parquet(&self.root, e))
    }

    /// Sessions with their steps, one segment at a time (memory bounded by a segment).
    pub fn trajectories(&self) -> TrajectoryReader<'_> {
        TrajectoryReader {
            archive: self,
            next_segment: 0,
        }
    }
}

/// Yields each segment's sessions, sorted by `session_id`, with their steps in order.
pub struct TrajectoryReader<'a> {
    archive: &'a Archive,
    next_segment: usize,
}

impl TrajectoryReader<'_> {
    fn read_segment(&self, index: usize) -> Result<Vec<Trajectory>> {
        let segment = &self.archive.manifest.segments[index];
        let sessions_path = self.archive.root.join(&segment.sessions);
        let events_path = self.archive.root.join(&segment.events);
        let mut sessions = Vec::new();
        for batch in read_part(&sessions_path, None, 0, None)? {
            let batch = batch?;
            sessions.extend(
                columnar::sessions_from_batch(&batch)
                    .map_err(|e| Error::parquet(&sessions_path, e))?,
            );
        }
        let mut by_session: HashMap<String, Vec<crate::record::Event>> = HashMap::new();
        for batch in read_part(&events_path, None, 0, None)? {
            let batch = batch?;
            for event in
                columnar::events_from_batch(&batch).map_err(|e| Error::parquet(&events_path, e))?
            {
                by_session
                    .entry(event.session_id.clone())
                    .or_default()
                    .push(event);
            }
        }
        sessions.sort_by(|a, b| a.session_id.cmp(&b.session_id));
        Ok(sessions
            .into_iter()
            .map(|session| {
                let mut events = by_session.remove(&session.session_id).unwrap_or_default();
                events.sort_by_key(|e| e.seq);
                Trajectory { session, events }
            })
            .collect())
    }
}

impl Iterator for TrajectoryReader<'_> {
    type Item = Result<Vec<Trajectory>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next_segment >= self.archive.manifest.segments.len() {
            return None;
        }
        let index = self.next_segment;
        self.next_segment += 1;
        Some(self.read_segment(index))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{CancelToken, Silent};
    use crate::sample::{generate, SampleOptions};

    #[test]
    fn projected_columns_come_back_in_the_order_asked() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("a");
        let options = SampleOptions {
            sessions: 30,
            seed: 1,
        };
        generate(&out, options, &Silent, &CancelToken::new()).unwrap();
        let archive = Archive::open(&out).unwrap();
        let asked = ["outcome", "session_id", "model"];
        let scan = archive.scan(Table::Sessions, Some(&asked)).unwrap();
        let names: Vec<String> = scan
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        assert_eq!(names, asked);
        for batch in scan {
            let batch = batch.unwrap();
            assert_eq!(batch.schema().field(0).name(), "outcome");
            assert_eq!(batch.num_columns(), 3);
        }
        let window = archive.session_window(10, 5, Some(&asked)).unwrap();
        assert_eq!(window.num_rows(), 5);
        assert_eq!(window.schema().field(2).name(), "model");
        assert_eq!(archive.session_window(28, 10, None).unwrap().num_rows(), 2);
    }
}
