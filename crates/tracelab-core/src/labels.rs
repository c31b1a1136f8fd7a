//! Human labels on sessions (good, bad, a custom name, a note), kept in the archive's own
//! `labels` table: an import appends sessions and events and never touches them, so labels
//! survive re-imports. Adding a label appends one small part under the atomic manifest.

use chrono::Utc;
use datafusion::functions_aggregate::expr_fn::count_distinct;
use datafusion::logical_expr::{col, lit, SortExpr};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::archive::Archive;
use crate::columnar;
use crate::error::{Error, Result};
use crate::query::{query_error, QueryEngine};
use crate::record::Label;

/// Adds a label to `session_id` (the whole session when `seq` is `None`) and commits it.
/// Names are trimmed and may not be empty.
pub fn add(
    archive: &mut Archive,
    session_id: &str,
    seq: Option<i64>,
    name: &str,
    value: Option<&str>,
    note: Option<&str>,
    author: Option<&str>,
) -> Result<Label> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::BadInput {
            path: archive.root().to_path_buf(),
            reason: "a label needs a name".into(),
        });
    }
    let created_at = Utc::now();
    let digest = Sha256::digest(format!(
        "{session_id}\u{0}{seq:?}\u{0}{name}\u{0}{}",
        created_at.timestamp_nanos_opt().unwrap_or_default()
    ));
    let label = Label {
        label_id: digest[..12].iter().map(|b| format!("{b:02x}")).collect(),
        session_id: session_id.to_string(),
        seq,
        name: name.to_string(),
        value: value
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string),
        note: note
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string),
        author: author.map(str::to_string),
        created_at: Some(created_at),
    };
    let mut append = archive.append()?;
    append.write_labels(std::slice::from_ref(&label))?;
    append.commit()?;
    Ok(label)
}

/// A label name and how many sessions carry it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelCount {
    pub name: String,
    pub sessions: u64,
}

impl QueryEngine {
    /// The labels of one session, oldest first.
    pub async fn labels_of(&self, session_id: &str) -> Result<Vec<Label>> {
        let batches = self
            .context()
            .table("labels")
            .await
            .and_then(|t| t.filter(col("session_id").eq(lit(session_id))))
            .and_then(|t| t.sort(vec![SortExpr::new(col("created_at"), true, false)]))
            .map_err(query_error)?
            .collect()
            .await
            .map_err(query_error)?;
        let mut out = Vec::new();
        for batch in &batches {
            out.extend(
                columnar::labels_from_batch(&crate::query::plain_strings(batch)?).map_err(|e| {
                    Error::Query {
                        message: e.to_string(),
                    }
                })?,
            );
        }
        Ok(out)
    }

    /// Every label name with the number of sessions carrying it, most used first.
    pub async fn label_counts(&self) -> Result<Vec<LabelCount>> {
        let batches = self
            .context()
            .table("labels")
            .await
            .and_then(|t| {
                t.aggregate(
                    vec![col("name")],
                    vec![count_distinct(col("session_id")).alias("n")],
                )
            })
            .map_err(query_error)?
            .collect()
            .await
            .map_err(query_error)?;
        let mut out = Vec::new();
        for batch in &batches {
            let names = arrow::compute::cast(batch.column(0), &arrow::datatypes::DataType::Utf8)
                .map_err(|e| Error::Query {
                    message: e.to_string(),
                })?;
            let names = names
                .as_any()
                .downcast_ref::<arrow::array::StringArray>()
                .expect("utf8");
            let counts = batch
                .column(1)
                .as_any()
                .downcast_ref::<arrow::array::Int64Array>()
                .expect("count is int64");
            for i in 0..batch.num_rows() {
                out.push(LabelCount {
                    name: names.value(i).to_string(),
                    sessions: counts.value(i) as u64,
                });
            }
        }
        out.sort_by(|a, b| {
            b.sessions
                .cmp(&a.sessions)
                .then_with(|| a.name.cmp(&b.name))
        });
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{import, Format};
    use crate::progress::{CancelToken, Silent};
    use crate::query::Filter;
    use crate::sample::{generate, SampleOptions};

    #[test]
    fn labels_are_stored_filterable_and_survive_a_re_import() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("a");
        generate(
            &root,
            SampleOptions {
                sessions: 40,
                seed: 3,
            },
            &Silent,
            &CancelToken::new(),
        )
        .unwrap();
        let mut archive = Archive::open(&root).unwrap();
        let rt = tokio::runtime::Runtime::new().unwrap();
        let ids = rt.block_on(async {
            QueryEngine::open(&archive)
                .await
                .unwrap()
                .session_ids(&Filter::default())
                .await
                .unwrap()
        });
        add(
            &mut archive,
            &ids[0],
            None,
            "good",
            None,
            Some("clean fix"),
            Some("ana"),
        )
        .unwrap();
        add(
            &mut archive,
            &ids[1],
            Some(3),
            "bad",
            Some("loops"),
            None,
            None,
        )
        .unwrap();
        assert!(add(&mut archive, &ids[1], None, "  ", None, None, None).is_err());

        // Import the same sessions again (canonical JSONL), as a re-import would.
        let jsonl = dir.path().join("again.jsonl");
        let mut out = std::fs::File::create(&jsonl).unwrap();
        crate::export::canonical::export(&archive, &mut out, &jsonl, &Silent, &CancelToken::new())
            .unwrap();
        import(
            &mut archive,
            &[jsonl],
            Format::Canonical,
            &Silent,
            &CancelToken::new(),
        )
        .unwrap();

        let archive = Archive::open(&root).unwrap();
        rt.block_on(async {
            let engine = QueryEngine::open(&archive).await.unwrap();
            let labels = engine.labels_of(&ids[0]).await.unwrap();
            assert_eq!(labels.len(), 1);
            assert_eq!(labels[0].note.as_deref(), Some("clean fix"));
            assert_eq!(engine.labels_of(&ids[1]).await.unwrap()[0].seq, Some(3));
            let counts = engine.label_counts().await.unwrap();
            assert_eq!(counts.len(), 2);
            let filter: Filter = "label=good".parse().unwrap();
            assert_eq!(
                engine.session_ids(&filter).await.unwrap(),
                vec![ids[0].clone()]
            );
        });
    }
}
