//! Tables as Arrow IPC stream bytes: how windows of rows cross to the desktop UI (decoded
//! there by `apache-arrow`), never as JSON arrays of row objects.

use arrow::array::RecordBatch;
use arrow::ipc::writer::StreamWriter;

use crate::error::{Error, Result};

/// The columns of the sessions table view, in display order.
pub const SESSION_LIST_COLUMNS: &[&str] = &[
    "session_id",
    "started_at",
    "repo",
    "task_id",
    "harness_version",
    "model",
    "slice",
    "outcome",
    "n_events",
    "n_tool_calls",
    "n_tool_errors",
    "input_tokens",
    "output_tokens",
    "cost_usd",
];

/// Encodes a batch as an Arrow IPC stream (schema message, one batch, end marker).
pub fn to_stream_bytes(batch: &RecordBatch) -> Result<Vec<u8>> {
    // Plain strings: every Arrow reader knows them, not all know string views.
    let batch = &crate::query::plain_strings(batch)?;
    let mut bytes = Vec::new();
    let mut writer = StreamWriter::try_new(&mut bytes, &batch.schema())
        .map_err(|e| Error::parquet("<arrow ipc>", e))?;
    writer
        .write(batch)
        .map_err(|e| Error::parquet("<arrow ipc>", e))?;
    writer
        .finish()
        .map_err(|e| Error::parquet("<arrow ipc>", e))?;
    drop(writer);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::ipc::reader::StreamReader;

    #[test]
    fn stream_bytes_decode_to_the_same_batch() {
        let batch = crate::columnar::sessions_to_batch(&[crate::record::Session {
            session_id: "s".into(),
            ..Default::default()
        }]);
        let bytes = to_stream_bytes(&batch).unwrap();
        let decoded: Vec<RecordBatch> = StreamReader::try_new(&bytes[..], None)
            .unwrap()
            .collect::<std::result::Result<_, _>>()
            .unwrap();
        assert_eq!(decoded, vec![batch]);
    }
}
