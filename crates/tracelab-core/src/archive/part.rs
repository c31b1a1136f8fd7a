//! Writing one Parquet part: zstd, written under a hidden temporary name and given its
//! final name only when the append that made it commits.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use parquet::schema::types::ColumnPath;

use crate::error::{Error, Result};

/// Rows per Parquet row group: small enough to skip row groups when reading a window of rows.
const ROW_GROUP_ROWS: usize = 64 * 1024;

/// The column every point lookup names (opening a session reads its row and its events).
/// Each part holds sessions from the whole id range, so min/max statistics cannot rule a part
/// out; a bloom filter per row group can, and a lookup then reads one part instead of all.
const LOOKUP_COLUMN: &str = "session_id";
/// The bloom filters' false-positive rate: one part in a hundred read for nothing.
const LOOKUP_FPP: f64 = 0.01;

/// A part being written. Call [`PartWriter::finish`] to close it; dropping it removes the file.
pub struct PartWriter {
    tmp_path: PathBuf,
    final_path: PathBuf,
    relative: String,
    writer: Option<ArrowWriter<File>>,
    rows: u64,
}

/// A part written in full, waiting for its append to commit.
#[derive(Debug)]
pub struct StagedPart {
    pub(crate) tmp_path: PathBuf,
    pub(crate) final_path: PathBuf,
    pub(crate) relative: String,
    pub(crate) rows: u64,
}

impl PartWriter {
    /// Starts `<root>/<folder>/part-<number>.parquet` (the folder is the table's, or a
    /// partition inside it), written as `.part-<number>.parquet.tmp`.
    pub(crate) fn create(
        root: &Path,
        folder: &str,
        number: u64,
        schema: SchemaRef,
    ) -> Result<Self> {
        let dir = root.join(folder);
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        let name = format!("part-{number:06}.parquet");
        let tmp_path = dir.join(format!(".{name}.tmp"));
        let final_path = dir.join(&name);
        let file = File::create(&tmp_path).map_err(|e| Error::io(&tmp_path, e))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(
                ZstdLevel::try_new(3).expect("valid level"),
            ))
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_column_bloom_filter_enabled(ColumnPath::from(LOOKUP_COLUMN), true)
            .set_column_bloom_filter_fpp(ColumnPath::from(LOOKUP_COLUMN), LOOKUP_FPP)
            .set_created_by(format!("tracelab {}", env!("CARGO_PKG_VERSION")))
            .build();
        let writer = ArrowWriter::try_new(file, schema, Some(props))
            .map_err(|e| Error::parquet(&tmp_path, e))?;
        Ok(PartWriter {
            tmp_path,
            final_path,
            relative: format!("{folder}/{name}"),
            writer: Some(writer),
            rows: 0,
        })
    }

    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        let writer = self.writer.as_mut().expect("writer is open until finish");
        writer
            .write(batch)
            .map_err(|e| Error::parquet(&self.tmp_path, e))?;
        self.rows += batch.num_rows() as u64;
        Ok(())
    }

    /// Closes the file and makes its bytes durable.
    pub fn finish(mut self) -> Result<StagedPart> {
        let writer = self.writer.take().expect("finish is called once");
        let file = writer
            .into_inner()
            .map_err(|e| Error::parquet(&self.tmp_path, e))?;
        file.sync_all().map_err(|e| Error::io(&self.tmp_path, e))?;
        Ok(StagedPart {
            tmp_path: std::mem::take(&mut self.tmp_path),
            final_path: std::mem::take(&mut self.final_path),
            relative: std::mem::take(&mut self.relative),
            rows: self.rows,
        })
    }
}

impl Drop for PartWriter {
    fn drop(&mut self) {
        if !self.tmp_path.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.tmp_path);
        }
    }
}

impl StagedPart {
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Gives the part its final name. Before the manifest lists it, readers still ignore it.
    pub(crate) fn publish(&mut self) -> Result<()> {
        fs::rename(&self.tmp_path, &self.final_path).map_err(|e| Error::io(&self.final_path, e))?;
        self.tmp_path = PathBuf::new();
        Ok(())
    }
}

impl Drop for StagedPart {
    fn drop(&mut self) {
        if !self.tmp_path.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.tmp_path);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field, Schema};
    use parquet::file::properties::ReaderProperties;
    use parquet::file::reader::FileReader;
    use parquet::file::serialized_reader::{ReadOptionsBuilder, SerializedFileReader};

    use super::*;

    #[test]
    fn parts_carry_a_bloom_filter_on_the_session_id() {
        let dir = tempfile::tempdir().unwrap();
        let schema = Arc::new(Schema::new(vec![
            Field::new("session_id", DataType::Utf8, false),
            Field::new("seq", DataType::Int64, false),
        ]));
        let ids: Vec<String> = (0..1000).map(|i| format!("session-{i:04}")).collect();
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(StringArray::from(ids.clone())),
                Arc::new(Int64Array::from_iter_values(0..1000)),
            ],
        )
        .unwrap();
        let mut writer = PartWriter::create(dir.path(), "sessions", 1, schema).unwrap();
        writer.write(&batch).unwrap();
        let mut part = writer.finish().unwrap();
        part.publish().unwrap();

        let options = ReadOptionsBuilder::new()
            .with_reader_properties(
                ReaderProperties::builder()
                    .set_read_bloom_filter(true)
                    .build(),
            )
            .build();
        let file = File::open(dir.path().join("sessions/part-000001.parquet")).unwrap();
        let reader = SerializedFileReader::new_with_options(file, options).unwrap();
        let row_group = reader.get_row_group(0).unwrap();
        let filter = row_group
            .get_column_bloom_filter(0)
            .expect("a bloom filter on session_id");
        assert!(ids.iter().all(|id| filter.check(id.as_str())));
        let absent = (0..1000)
            .filter(|i| filter.check(format!("other-{i}").as_str()))
            .count();
        assert!(absent < 50, "{absent} of 1,000 absent ids pass the filter");
        assert!(
            row_group.get_column_bloom_filter(1).is_none(),
            "only the lookup column has one"
        );
    }
}
