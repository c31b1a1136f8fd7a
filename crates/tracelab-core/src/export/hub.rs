//! One format as a Hugging Face dataset folder: `data/<split>-00000-of-00001.parquet`, the
//! same rows as `jsonl/<split>.jsonl`, and a `README.md` card. Output is deterministic: the
//! same rows give the same bytes.

use std::io::Write;
use std::path::Path;

use arrow::json::ReaderBuilder;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::card;
use super::rows;
use crate::curate::{Curation, Format, Split};
use crate::error::{Error, Result};

/// A file written, relative to the export folder, with its hash: the manifest lists them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Written {
    pub path: String,
    pub rows: Option<usize>,
    pub bytes: u64,
    pub sha256: String,
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes `bytes` to `out/relative` and describes it.
pub(crate) fn write_file(
    out: &Path,
    relative: &str,
    bytes: &[u8],
    rows: Option<usize>,
) -> Result<Written> {
    let path = out.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
    file.write_all(bytes).map_err(|e| Error::io(&path, e))?;
    Ok(Written {
        path: relative.to_string(),
        rows,
        bytes: bytes.len() as u64,
        sha256: sha256_hex(bytes),
    })
}

/// The split's Parquet file, and the size of its rows in Arrow memory (the card's `num_bytes`).
fn parquet_bytes(format: Format, rows: &[&Value]) -> Result<(Vec<u8>, usize)> {
    let schema = rows::schema(format);
    let internal = |e: arrow::error::ArrowError| Error::Query {
        message: format!(
            "internal: {} rows do not fit their schema: {e}",
            format.name()
        ),
    };
    let mut decoder = ReaderBuilder::new(schema.clone())
        .with_batch_size(rows.len().max(1))
        .build_decoder()
        .map_err(internal)?;
    decoder.serialize(rows).map_err(internal)?;
    let batch = decoder
        .flush()
        .map_err(internal)?
        .unwrap_or_else(|| RecordBatch::new_empty(schema.clone()));
    let properties = WriterProperties::builder()
        .set_compression(Compression::ZSTD(ZstdLevel::default()))
        .build();
    let arrow_bytes = batch.get_array_memory_size();
    let mut bytes = Vec::new();
    let mut writer = ArrowWriter::try_new(&mut bytes, schema, Some(properties))
        .map_err(|e| Error::parquet(format.name(), e))?;
    writer
        .write(&batch)
        .map_err(|e| Error::parquet(format.name(), e))?;
    writer
        .close()
        .map_err(|e| Error::parquet(format.name(), e))?;
    Ok((bytes, arrow_bytes))
}

/// Writes `format` under `out/<format>/`; splits without rows get no files.
pub fn write_format(
    out: &Path,
    curation: &Curation,
    format: Format,
    provenance: &card::Provenance<'_>,
) -> Result<Vec<Written>> {
    let all = rows::rows(curation, format);
    let dir = format.name();
    let mut written = Vec::new();
    let mut counts = Vec::new();
    for split in Split::ALL {
        let rows: Vec<&Value> = all
            .iter()
            .filter(|(s, _)| *s == split)
            .map(|(_, r)| r)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let (parquet, arrow_bytes) = parquet_bytes(format, &rows)?;
        counts.push(card::SplitSize {
            split,
            rows: rows.len(),
            bytes: arrow_bytes,
        });
        written.push(write_file(
            out,
            &format!("{dir}/data/{}-00000-of-00001.parquet", split.name()),
            &parquet,
            Some(rows.len()),
        )?);
        if curation.config.export.jsonl {
            let mut jsonl = Vec::new();
            for row in &rows {
                serde_json::to_writer(&mut jsonl, row).expect("JSON values serialise");
                jsonl.push(b'\n');
            }
            written.push(write_file(
                out,
                &format!("{dir}/jsonl/{}.jsonl", split.name()),
                &jsonl,
                Some(rows.len()),
            )?);
        }
    }
    if counts.is_empty() {
        return Ok(written);
    }
    let text = card::render(curation, format, &rows::schema(format), &counts, provenance);
    written.push(write_file(
        out,
        &format!("{dir}/README.md"),
        text.as_bytes(),
        None,
    )?);
    Ok(written)
}
