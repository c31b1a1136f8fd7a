//! A curation on disk: one Hugging Face dataset folder per format, `report.json` (what every
//! step kept and removed), `decontam.jsonl` (one row per hit) and `manifest.json`: the input
//! hashes, every option, and the hash of every file written. Feeding that manifest back as the
//! config reproduces the export byte for byte: nothing in it depends on the clock or the
//! machine.

use std::io::Read;
use std::path::Path;

use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::card::Provenance;
use super::hub::{self, sha256_hex, Written};
use crate::archive::Archive;
use crate::curate::Curation;
use crate::decontam;
use crate::error::{Error, Result};
use crate::progress::Progress;
use crate::schema::Table;

/// The tool and version written into cards and manifests.
pub const TOOL: &str = concat!("tracelab ", env!("CARGO_PKG_VERSION"));

/// What an export wrote.
#[derive(Clone, Debug, Serialize)]
pub struct Export {
    /// The archive's content hash (every part's path and SHA-256).
    pub archive_sha256: String,
    pub files: Vec<Written>,
}

fn file_sha256(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buffer).map_err(|e| Error::io(path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Every part the archive's manifest lists, with its hash, and one hash over all of them.
pub fn archive_hash(
    archive: &Archive,
    progress: &dyn Progress,
) -> Result<(String, Vec<serde_json::Value>)> {
    let paths: Vec<_> = Table::ALL
        .iter()
        .flat_map(|t| archive.part_paths(*t))
        .collect();
    let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
    progress.begin(
        "hashing the archive",
        Some(paths.iter().map(|p| size(p)).sum()),
    );
    let mut parts = Vec::new();
    let mut listing = String::new();
    {
        for path in paths {
            let relative = path
                .strip_prefix(archive.root())
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            let sha = file_sha256(&path)?;
            listing.push_str(&format!("{relative} {sha}\n"));
            parts.push(json!({"path": relative, "sha256": sha}));
            progress.advance(size(&path));
        }
    }
    progress.finish();
    Ok((sha256_hex(listing.as_bytes()), parts))
}

fn benchmark_hashes(curation: &Curation) -> Result<Vec<serde_json::Value>> {
    curation
        .config
        .decontam
        .benchmarks
        .iter()
        .map(|path| {
            let name = path.to_string_lossy();
            match decontam::builtin(&name).filter(|_| !path.exists()) {
                Some(text) => Ok(
                    json!({"name": name, "builtin": true, "sha256": sha256_hex(text.as_bytes())}),
                ),
                None => Ok(json!({"path": name, "sha256": file_sha256(path)?})),
            }
        })
        .collect()
}

/// Writes `curation` into `out`, which must not exist or be empty. `archive_label` is how the
/// archive is named in the card and manifest (the path the user gave). `progress` hears of
/// the archive's bytes hashed, then of each file set written.
pub fn write(
    archive: &Archive,
    archive_label: &str,
    curation: &Curation,
    out: &Path,
    progress: &dyn Progress,
) -> Result<Export> {
    if out.exists() {
        let mut entries = std::fs::read_dir(out).map_err(|e| Error::io(out, e))?;
        if entries.next().is_some() {
            return Err(Error::BadInput {
                path: out.to_path_buf(),
                reason: "the output folder is not empty; name a new one".into(),
            });
        }
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
    let (archive_sha256, parts) = archive_hash(archive, progress)?;
    let provenance = Provenance {
        archive: archive_label,
        archive_sha256: &archive_sha256,
        tool: TOOL,
    };
    let formats = &curation.config.export.formats;
    progress.begin("writing the dataset", Some(formats.len() as u64 + 1));
    let mut files = Vec::new();
    for &format in formats {
        files.extend(hub::write_format(out, curation, format, &provenance)?);
        progress.advance(1);
    }
    let mut report = serde_json::to_vec_pretty(&curation.report).expect("the report serialises");
    report.push(b'\n');
    files.push(hub::write_file(out, "report.json", &report, None)?);
    let mut hits = Vec::new();
    for hit in &curation.hits {
        serde_json::to_writer(&mut hits, hit).expect("hits serialise");
        hits.push(b'\n');
    }
    files.push(hub::write_file(
        out,
        "decontam.jsonl",
        &hits,
        Some(curation.hits.len()),
    )?);
    let manifest = json!({
        "tool": TOOL,
        "archive": {"path": archive_label, "sha256": archive_sha256, "parts": parts},
        "benchmarks": benchmark_hashes(curation)?,
        "config": curation.config,
        "seed": curation.config.seed,
        "intake": curation.report.intake,
        "decontam": curation.report.decontam,
        "scrubbed": curation.report.scrubbed,
        "files": files,
    });
    let mut bytes = serde_json::to_vec_pretty(&manifest).expect("the manifest serialises");
    bytes.push(b'\n');
    hub::write_file(out, "manifest.json", &bytes, None)?;
    progress.advance(1);
    progress.finish();
    Ok(Export {
        archive_sha256,
        files,
    })
}
