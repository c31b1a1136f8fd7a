//! A console result written out: CSV (with a header even when empty), Parquet (zstd), or
//! one Arrow IPC stream whose schema metadata says whether rows were cut off (how results
//! reach the desktop console).

use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use arrow::compute::concat_batches;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

use super::SqlResult;
use crate::error::{Error, Result};

fn failed(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Query {
        message: format!("writing the result as {what}: {e}"),
    }
}

impl SqlResult {
    /// CSV with a header line.
    pub fn write_csv(&self, out: &mut impl Write) -> Result<()> {
        if self.batches.is_empty() {
            let names: Vec<&str> = self
                .schema
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect();
            return writeln!(out, "{}", names.join(",")).map_err(|e| failed("CSV", e));
        }
        let mut writer = arrow::csv::WriterBuilder::new()
            .with_header(true)
            .build(out);
        for batch in &self.batches {
            writer.write(batch).map_err(|e| failed("CSV", e))?;
        }
        Ok(())
    }

    /// One Parquet file (zstd).
    pub fn write_parquet(&self, out: impl Write + Send) -> Result<()> {
        let properties = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::default()))
            .build();
        let mut writer = ArrowWriter::try_new(out, self.schema.clone(), Some(properties))
            .map_err(|e| failed("Parquet", e))?;
        for batch in &self.batches {
            writer.write(batch).map_err(|e| failed("Parquet", e))?;
        }
        writer.close().map_err(|e| failed("Parquet", e))?;
        Ok(())
    }

    /// The rows as one Arrow IPC stream; schema metadata `truncated` is `"true"` when the row
    /// cap cut the result.
    pub fn to_ipc(&self) -> Result<Vec<u8>> {
        let metadata = HashMap::from([("truncated".to_string(), self.truncated.to_string())]);
        let schema = Arc::new(self.schema.as_ref().clone().with_metadata(metadata));
        let batch = concat_batches(&self.schema, &self.batches)
            .and_then(|b| b.with_schema(schema))
            .map_err(|e| failed("Arrow IPC", e))?;
        crate::ipc::to_stream_bytes(&batch)
    }
}
