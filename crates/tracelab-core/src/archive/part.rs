//! Writing one Parquet part: zstd, written under a hidden temporary name and given its
//! final name only when the append that made it commits.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use crate::error::{Error, Result};

/// Rows per Parquet row group: small enough to skip row groups when reading a window of rows.
const ROW_GROUP_ROWS: usize = 64 * 1024;

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
