//! The engine's integration tests: archives, canonical JSONL, quarantine, the sample story.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use arrow::array::RecordBatch;
use arrow::compute::{concat_batches, lexsort_to_indices, take_record_batch, SortColumn};
use tracelab_core::archive::Archive;
use tracelab_core::export::canonical as export;
use tracelab_core::import::{import, Format};
use tracelab_core::progress::{CancelToken, Silent};
use tracelab_core::record::Trajectory;
use tracelab_core::sample::{generate, story, SampleOptions};
use tracelab_core::schema::Table;

fn sample(dir: &Path, sessions: u64, seed: u64) -> Archive {
    let out = dir.join(format!("sample-{sessions}-{seed}"));
    generate(
        &out,
        SampleOptions { sessions, seed },
        &Silent,
        &CancelToken::new(),
    )
    .unwrap();
    Archive::open(out).unwrap()
}

/// A whole table, in a canonical row order, so archives written in different parts compare.
fn table(archive: &Archive, t: Table) -> RecordBatch {
    let batches: Vec<RecordBatch> = archive.scan(t, None).unwrap().map(Result::unwrap).collect();
    let batch = concat_batches(&t.schema(), &batches).unwrap();
    let mut keys = vec![SortColumn {
        values: batch.column(0).clone(),
        options: None,
    }];
    if t == Table::Events {
        keys.push(SortColumn {
            values: batch.column(1).clone(),
            options: None,
        });
    }
    let order = lexsort_to_indices(&keys, None).unwrap();
    take_record_batch(&batch, &order).unwrap()
}

fn export_to(archive: &Archive, path: &Path) -> u64 {
    let mut out = fs::File::create(path).unwrap();
    export::export(archive, &mut out, path, &Silent, &CancelToken::new()).unwrap()
}

fn import_into(archive: &mut Archive, inputs: &[PathBuf]) -> tracelab_core::import::ImportSummary {
    import(
        archive,
        inputs,
        Format::Canonical,
        &Silent,
        &CancelToken::new(),
    )
    .unwrap()
}

#[test]
fn export_then_import_gives_identical_tables() {
    let dir = tempfile::tempdir().unwrap();
    let original = sample(dir.path(), 300, 11);
    let jsonl = dir.path().join("export.jsonl");
    assert_eq!(export_to(&original, &jsonl), 300);

    let mut copy = Archive::open_or_create(dir.path().join("copy")).unwrap();
    let summary = import_into(&mut copy, &[jsonl]);
    assert_eq!(
        (summary.records_read, summary.imported, summary.quarantined),
        (300, 300, 0)
    );
    for t in [Table::Sessions, Table::Events] {
        let (a, b) = (table(&original, t), table(&copy, t));
        assert_eq!(a.schema(), b.schema(), "{t:?} schema");
        assert_eq!(a, b, "{t:?} rows");
    }
    assert_eq!(
        original.manifest().counts.events,
        copy.manifest().counts.events
    );
}

#[test]
fn parts_have_the_design_schemas_and_sorted_events() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 200, 3);
    for t in [Table::Sessions, Table::Events] {
        for path in archive.part_paths(t) {
            let file = fs::File::open(&path).unwrap();
            let reader =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
                    .unwrap();
            assert_eq!(
                reader.schema().fields(),
                t.schema().fields(),
                "{}",
                path.display()
            );
            let meta = reader.metadata().row_group(0).column(0).compression();
            assert!(
                matches!(meta, parquet::basic::Compression::ZSTD(_)),
                "{meta:?}"
            );
        }
    }
    let events = archive
        .trajectories()
        .flat_map(Result::unwrap)
        .collect::<Vec<Trajectory>>();
    let keys: Vec<(String, i64)> = archive
        .scan(Table::Events, Some(&["session_id", "seq"]))
        .unwrap()
        .flat_map(|b| {
            let b = b.unwrap();
            let ids = b
                .column(0)
                .as_any()
                .downcast_ref::<arrow::array::StringArray>()
                .unwrap()
                .clone();
            let seqs = b
                .column(1)
                .as_any()
                .downcast_ref::<arrow::array::Int64Array>()
                .unwrap()
                .clone();
            (0..b.num_rows())
                .map(move |i| (ids.value(i).to_string(), seqs.value(i)))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "events sorted by (session_id, seq)"
    );
    assert_eq!(keys.len() as u64, archive.manifest().counts.events);
    assert!(events
        .iter()
        .all(|t| t.events.len() as i64 == t.session.n_events));
}

#[test]
fn an_append_that_never_commits_leaves_the_archive_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = sample(dir.path(), 50, 5);
    let before = fs::read(archive.root().join("manifest.json")).unwrap();
    let extra = sample(dir.path(), 20, 6)
        .trajectories()
        .next()
        .unwrap()
        .unwrap();
    {
        let mut append = archive.append().unwrap();
        append.write_segment(extra).unwrap();
        // Dropped here: as if the process were killed before the manifest was replaced.
    }
    let reopened = Archive::open(archive.root()).unwrap();
    assert_eq!(
        fs::read(archive.root().join("manifest.json")).unwrap(),
        before
    );
    assert_eq!(reopened.manifest().counts.sessions, 50);
    let leftovers: Vec<_> = fs::read_dir(archive.root().join("sessions"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers.len(), 1, "{leftovers:?}");
}

#[test]
fn readers_open_only_listed_parts_and_appends_remove_strays() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = sample(dir.path(), 40, 8);
    let stray = archive.root().join("sessions/part-999999.parquet");
    fs::copy(&archive.part_paths(Table::Sessions)[0], &stray).unwrap();
    let rows: usize = archive
        .scan(Table::Sessions, None)
        .unwrap()
        .map(|b| b.unwrap().num_rows())
        .sum();
    assert_eq!(rows, 40);
    drop(archive.append().unwrap());
    assert!(!stray.exists());
}

#[test]
fn appending_adds_parts_and_keeps_existing_rows() {
    let dir = tempfile::tempdir().unwrap();
    let first = sample(dir.path(), 30, 1);
    let second = sample(dir.path(), 30, 2);
    let (a, b) = (dir.path().join("a.jsonl"), dir.path().join("b.jsonl"));
    export_to(&first, &a);
    export_to(&second, &b);
    let mut archive = Archive::open_or_create(dir.path().join("merged")).unwrap();
    import_into(&mut archive, std::slice::from_ref(&a));
    let parts_after_first = archive.manifest().segments.len();
    let summary = import_into(&mut archive, &[b]);
    assert_eq!(summary.archive.sessions, 60);
    assert!(archive.manifest().segments.len() > parts_after_first);
    assert_eq!(archive.manifest().sources.len(), 2);
    // The same file again: its sha256 is in the manifest, so nothing happens.
    let again = import_into(&mut archive, std::slice::from_ref(&a));
    assert_eq!(
        (again.records_read, again.imported, again.quarantined),
        (0, 0, 0)
    );
    assert_eq!(again.skipped.len(), 1);
    assert_eq!(again.skipped[0].reason, "already_imported");
    assert_eq!(archive.manifest().sources.len(), 2);
    assert_eq!(again.archive.sessions, 60);
    // New bytes holding ids already in the archive: every session is a duplicate,
    // quarantined, none lost.
    let copy = dir.path().join("a-again.jsonl");
    let mut text = fs::read(&a).unwrap();
    text.extend_from_slice(b"\n");
    fs::write(&copy, text).unwrap();
    let dup = import_into(&mut archive, &[copy]);
    assert_eq!((dup.imported, dup.quarantined), (0, 30));
    assert_eq!(
        dup.quarantined_by_kind.get("duplicate_session_id"),
        Some(&30)
    );
}

#[test]
fn bad_lines_go_to_quarantine_and_counts_reconcile() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mixed.jsonl");
    let mut f = fs::File::create(&path).unwrap();
    f.write_all(b"{\"session_id\":\"ok-1\",\"events\":[{\"role\":\"user\",\"content\":\"hi\"}]}\n")
        .unwrap();
    f.write_all(b"{\"session_id\": \"broken\", \n").unwrap();
    f.write_all(b"{\"task_id\":\"no-id\"}\n").unwrap();
    f.write_all(b"{\"session_id\":\"bad-\xff\xfe\"}\n").unwrap();
    f.write_all(b"\n   \n").unwrap();
    f.write_all(b"{\"session_id\":\"ok-2\"}\r\n").unwrap();
    f.write_all(b"{\"session_id\":\"cut-off\",\"events\":[{\"ro")
        .unwrap();
    drop(f);

    let mut archive = Archive::open_or_create(dir.path().join("a")).unwrap();
    let s = import_into(&mut archive, &[path]);
    assert_eq!(s.records_read, 6);
    assert_eq!((s.imported, s.quarantined), (2, 4));
    assert_eq!(s.records_read, s.imported + s.quarantined);
    let kinds: HashMap<&str, u64> = s
        .quarantined_by_kind
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        kinds,
        HashMap::from([
            ("malformed_json", 1),
            ("missing_session_id", 1),
            ("invalid_utf8", 1),
            ("truncated_line", 1)
        ])
    );
    let records = tracelab_core::quarantine::read_all(archive.root()).unwrap();
    assert_eq!(records.len(), 4);
    assert_eq!(
        records.iter().map(|r| r.line.unwrap()).collect::<Vec<_>>(),
        vec![2, 3, 4, 8]
    );
    let invalid = records.iter().find(|r| r.kind == "invalid_utf8").unwrap();
    assert!(invalid.raw.is_none() && invalid.raw_base64.is_some());
    assert_eq!(archive.manifest().counts.quarantined, 4);
    assert_eq!(
        archive.manifest().sources[0].quarantine_file.as_deref(),
        Some("quarantine/source-000001.jsonl")
    );
}

#[test]
fn the_sample_is_deterministic_for_a_seed() {
    let dir = tempfile::tempdir().unwrap();
    let a = sample(dir.path(), 120, 42);
    let b = Archive::open({
        let out = dir.path().join("again");
        generate(
            &out,
            SampleOptions {
                sessions: 120,
                seed: 42,
            },
            &Silent,
            &CancelToken::new(),
        )
        .unwrap();
        out
    })
    .unwrap();
    let c = sample(dir.path(), 120, 43);
    for t in [Table::Sessions, Table::Events] {
        assert_eq!(table(&a, t), table(&b, t));
        for (pa, pb) in a.part_paths(t).iter().zip(b.part_paths(t)) {
            assert_eq!(
                fs::read(pa).unwrap(),
                fs::read(pb).unwrap(),
                "parquet bytes"
            );
        }
    }
    assert_ne!(table(&a, Table::Sessions), table(&c, Table::Sessions));
}

/// The planted effects show up in the data: a crude before/after on each change's slice,
/// compared with the same window on the other slices, lands near the planted value.
#[test]
fn the_planted_regressions_are_visible_in_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 40_000, 7);
    let sessions: Vec<_> = archive
        .trajectories()
        .flat_map(Result::unwrap)
        .map(|t| t.session)
        .collect();
    for change in story::CHANGES
        .iter()
        .filter(|c| c.dimension != "harness_version")
    {
        let (slice, when) = change.rollout[0];
        let when = chrono::DateTime::parse_from_rfc3339(when)
            .unwrap()
            .with_timezone(&chrono::Utc);
        let long_only = change.reach == story::Reach::LongSessions;
        // Difference in differences against the other slices, within two weeks each side.
        let rate = |on_slice: bool, after: bool| {
            let picked: Vec<_> = sessions
                .iter()
                .filter(|s| (s.slice.as_deref() == Some(slice)) == on_slice)
                .filter(|s| !long_only || s.n_tool_calls >= story::LONG_SESSION_TOOL_CALLS)
                .filter(|s| {
                    let t = s.started_at.unwrap();
                    let days = (t - when).num_seconds() as f64 / 86_400.0;
                    if after {
                        (0.0..14.0).contains(&days)
                    } else {
                        (-14.0..0.0).contains(&days)
                    }
                })
                .collect();
            picked
                .iter()
                .filter(|s| s.outcome.as_deref() == Some("success"))
                .count() as f64
                / picked.len() as f64
        };
        let did = (rate(true, true) - rate(true, false)) - (rate(false, true) - rate(false, false));
        assert!(
            (did * 100.0 - change.effect_pp).abs() < 5.0,
            "{}: measured {:.1} pp, planted {} pp",
            change.name,
            did * 100.0,
            change.effect_pp
        );
    }
}

mod curate;
mod diagnose;
mod query;
mod search;
