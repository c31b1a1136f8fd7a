//! The query engine against counts computed independently, by walking the archive's
//! sessions in Rust (no DataFusion involved).

use std::collections::BTreeMap;

use tracelab_core::archive::Archive;
use tracelab_core::progress::CancelToken;
use tracelab_core::query::{Dimension, Filter, QueryEngine, Sort};
use tracelab_core::record::{Label, Session};
use tracelab_core::Error;

use super::sample;

fn sessions(archive: &Archive) -> Vec<Session> {
    archive
        .trajectories()
        .flat_map(Result::unwrap)
        .map(|t| t.session)
        .collect()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn count_by(
    sessions: &[&Session],
    value: impl Fn(&Session) -> Vec<String>,
) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for s in sessions {
        for v in value(s) {
            *out.entry(v).or_default() += 1;
        }
    }
    out
}

fn none(v: &Option<String>) -> Vec<String> {
    vec![v.clone().unwrap_or_else(|| "(none)".into())]
}

#[test]
fn facets_match_independent_counts_for_every_dimension() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 600, 21);
    let all = sessions(&archive);
    let rt = rt();
    let engine = rt.block_on(QueryEngine::open(&archive)).unwrap();
    for text in [
        "",
        "model=gpt-5-codex,gemini-2.5-pro outcome=failure slice!=api",
    ] {
        let filter: Filter = text.parse().unwrap();
        let picked: Vec<&Session> = all
            .iter()
            .filter(|s| {
                text.is_empty()
                    || (matches!(s.model.as_deref(), Some("gpt-5-codex" | "gemini-2.5-pro"))
                        && s.outcome.as_deref() == Some("failure")
                        && s.slice.as_deref() != Some("api"))
            })
            .collect();
        let facets = rt.block_on(engine.facets(&filter, 1000)).unwrap();
        assert_eq!(facets.total, picked.len() as u64, "{text}");
        let expected: Vec<(&str, BTreeMap<String, u64>)> = vec![
            ("harness", count_by(&picked, |s| none(&s.harness))),
            (
                "harness_version",
                count_by(&picked, |s| none(&s.harness_version)),
            ),
            ("model", count_by(&picked, |s| none(&s.model))),
            ("outcome", count_by(&picked, |s| none(&s.outcome))),
            ("slice", count_by(&picked, |s| none(&s.slice))),
            ("repo", count_by(&picked, |s| none(&s.repo))),
            ("task_id", count_by(&picked, |s| none(&s.task_id))),
            (
                "source_format",
                count_by(&picked, |s| none(&s.source_format)),
            ),
            (
                "config.cache_policy",
                count_by(&picked, |s| vec![s.config["cache_policy"].clone()]),
            ),
            (
                "config.reasoning_effort",
                count_by(&picked, |s| vec![s.config["reasoning_effort"].clone()]),
            ),
            (
                "config.system_prompt_hash",
                count_by(&picked, |s| vec![s.config["system_prompt_hash"].clone()]),
            ),
            ("tag", count_by(&picked, |s| s.tags.clone())),
        ];
        for (dimension, counts) in expected {
            let facet = facets
                .facets
                .iter()
                .find(|f| f.dimension == dimension)
                .unwrap_or_else(|| panic!("no facet {dimension}"));
            let got: BTreeMap<String, u64> = facet
                .values
                .iter()
                .map(|v| (v.value.clone(), v.count))
                .collect();
            assert_eq!(got, counts, "{dimension} under {text:?}");
        }
    }
    // "top N plus other": the cut values are summed, nothing lost.
    let facets = rt.block_on(engine.facets(&Filter::default(), 3)).unwrap();
    let task = facets
        .facets
        .iter()
        .find(|f| f.dimension == "task_id")
        .unwrap();
    assert_eq!(task.values.len(), 3);
    assert_eq!(
        task.values.iter().map(|v| v.count).sum::<u64>() + task.other,
        600
    );
    let distinct = rt
        .block_on(engine.distinct(&Dimension::parse("repo").unwrap(), &Filter::default()))
        .unwrap();
    assert_eq!(distinct.iter().map(|v| v.count).sum::<u64>(), 600);
}

#[test]
fn every_filter_kind_selects_what_a_scan_selects() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = sample(dir.path(), 500, 4);
    let all = sessions(&archive);
    let labelled: Vec<String> = all
        .iter()
        .step_by(7)
        .map(|s| s.session_id.clone())
        .collect();
    let labels: Vec<Label> = labelled
        .iter()
        .enumerate()
        .map(|(i, id)| Label {
            label_id: format!("l{i}"),
            session_id: id.clone(),
            name: "reviewed".into(),
            ..Label::default()
        })
        .collect();
    let mut append = archive.append().unwrap();
    append.write_labels(&labels).unwrap();
    append.commit().unwrap();

    let t = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    type Pred = Box<dyn Fn(&Session) -> bool>;
    let cases: Vec<(&str, Pred)> = vec![
        (
            "harness=atlas-agent",
            Box::new(|s| s.harness.as_deref() == Some("atlas-agent")),
        ),
        (
            "harness_version=2.4.0",
            Box::new(|s| s.harness_version.as_deref() == Some("2.4.0")),
        ),
        (
            "model=gpt-5-codex",
            Box::new(|s| s.model.as_deref() == Some("gpt-5-codex")),
        ),
        (
            "outcome=error,timeout",
            Box::new(|s| matches!(s.outcome.as_deref(), Some("error" | "timeout"))),
        ),
        ("slice=ide", Box::new(|s| s.slice.as_deref() == Some("ide"))),
        (
            "repo=django/django",
            Box::new(|s| s.repo.as_deref() == Some("django/django")),
        ),
        ("source_format=sample", Box::new(|_| true)),
        (
            "model!=gpt-5-codex",
            Box::new(|s| s.model.as_deref() != Some("gpt-5-codex")),
        ),
        (
            "config.cache_policy=evict-stale-thinking",
            Box::new(|s| s.config["cache_policy"] == "evict-stale-thinking"),
        ),
        ("config.reasoning_effort=high,medium", Box::new(|_| true)),
        (
            "tag=long",
            Box::new(|s| s.tags.contains(&"long".to_string())),
        ),
        (
            "started>=2026-09-01 started<2026-09-15",
            Box::new(move |s| {
                let at = s.started_at.unwrap();
                at >= t("2026-09-01T00:00:00Z") && at < t("2026-09-15T00:00:00Z")
            }),
        ),
        (
            "score>=0.5 score<=0.9",
            Box::new(|s| s.score.is_some_and(|v| (0.5..=0.9).contains(&v))),
        ),
        (
            "tokens>=20000",
            Box::new(|s| s.input_tokens.unwrap() + s.output_tokens.unwrap() >= 20_000),
        ),
        ("cost<0.1", Box::new(|s| s.cost_usd.unwrap() <= 0.1)),
        ("has_tool_error", Box::new(|s| s.n_tool_errors > 0)),
        ("!has_tool_error", Box::new(|s| s.n_tool_errors == 0)),
        (
            "label=reviewed",
            Box::new(move |s| labelled.contains(&s.session_id)),
        ),
        ("label=nobody-made-this", Box::new(|_| false)),
        ("config.nobody_has_this=x", Box::new(|_| false)),
        ("tag=nobody-tagged-this", Box::new(|_| false)),
        (
            "config.cache_policy!=evict-stale-thinking config.nobody_has_this!=x",
            Box::new(|s| s.config["cache_policy"] != "evict-stale-thinking"),
        ),
    ];
    let rt = rt();
    let engine = rt.block_on(QueryEngine::open(&archive)).unwrap();
    for (text, pred) in cases {
        let filter: Filter = text.parse().unwrap();
        let want = all.iter().filter(|s| pred(s)).count() as u64;
        let got = rt.block_on(engine.facets(&filter, 5)).unwrap().total;
        assert_eq!(got, want, "{text}");
        assert!(
            want > 0 || text.contains("nobody") && !text.contains("!="),
            "{text} selects nothing: a weak test"
        );
        assert_eq!(
            rt.block_on(engine.session_ids(&filter)).unwrap().len() as u64,
            want,
            "{text}"
        );
    }
    let task = all[0].task_id.clone().unwrap();
    let filter: Filter = format!("task_id={task}").parse().unwrap();
    let want = all
        .iter()
        .filter(|s| s.task_id.as_deref() == Some(&task))
        .count() as u64;
    assert_eq!(rt.block_on(engine.facets(&filter, 5)).unwrap().total, want);
}

#[test]
fn pages_are_sorted_and_a_session_opens_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 300, 9);
    let mut all = sessions(&archive);
    let rt = rt();
    let engine = rt.block_on(QueryEngine::open(&archive)).unwrap();
    let filter: Filter = "slice=cli".parse().unwrap();
    let sort = Sort {
        column: "cost_usd".into(),
        descending: true,
    };
    let page = rt
        .block_on(engine.sessions_page(&filter, None, &sort, 5, 10, &["session_id", "cost_usd"]))
        .unwrap();
    all.retain(|s| s.slice.as_deref() == Some("cli"));
    all.sort_by(|a, b| {
        b.cost_usd
            .partial_cmp(&a.cost_usd)
            .unwrap()
            .then(a.session_id.cmp(&b.session_id))
    });
    let ids = page
        .column(0)
        .as_any()
        .downcast_ref::<arrow::array::StringArray>()
        .unwrap();
    let want: Vec<&str> = all[5..15].iter().map(|s| s.session_id.as_str()).collect();
    assert_eq!(ids.iter().flatten().collect::<Vec<_>>(), want);
    assert_eq!(page.schema().field(1).name(), "cost_usd");

    let bad = Sort {
        column: "nope".into(),
        descending: false,
    };
    assert!(rt
        .block_on(engine.sessions_page(&filter, None, &bad, 0, 1, &[]))
        .is_err());

    let longest = all.iter().max_by_key(|s| s.n_events).unwrap();
    let events = rt
        .block_on(engine.session_events(&longest.session_id))
        .unwrap();
    assert_eq!(events.num_rows() as i64, longest.n_events);
    let seq = events
        .column(1)
        .as_any()
        .downcast_ref::<arrow::array::Int64Array>()
        .unwrap();
    assert!(seq.values().windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn a_trajectory_read_through_the_engine_is_the_one_in_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 120, 3);
    let want = archive
        .trajectories()
        .flat_map(Result::unwrap)
        .max_by_key(|t| t.events.len())
        .unwrap();
    let rt = rt();
    let engine = rt.block_on(QueryEngine::open(&archive)).unwrap();
    let got = rt
        .block_on(engine.trajectory(&want.session.session_id))
        .unwrap()
        .unwrap();
    assert_eq!(got, want);
    assert!(rt
        .block_on(engine.trajectory("no-such-session"))
        .unwrap()
        .is_none());
}

/// Once the session index is built, pages come from memory; they must be the pages the SQL
/// path gives, for every kind of sort column, filter and id restriction.
#[test]
fn pages_from_the_session_index_equal_pages_from_sql() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 400, 5);
    let all = sessions(&archive);
    let some_ids: Vec<String> = all
        .iter()
        .step_by(3)
        .map(|s| s.session_id.clone())
        .collect();
    let rt = rt();
    let by_sql = rt.block_on(QueryEngine::open(&archive)).unwrap();
    let by_index = rt.block_on(QueryEngine::open(&archive)).unwrap();
    rt.block_on(by_index.facets(&Filter::default(), 1)).unwrap();
    let columns = tracelab_core::ipc::SESSION_LIST_COLUMNS;
    for text in [
        "",
        "slice=cli outcome=failure,error",
        "tag=long model!=gpt-5-codex",
        "cost<0.2 config.cache_policy=evict-stale-thinking",
    ] {
        let filter: Filter = text.parse().unwrap();
        for column in ["started_at", "cost_usd", "model", "n_events", "session_id"] {
            for descending in [false, true] {
                let sort = Sort {
                    column: column.into(),
                    descending,
                };
                for (ids, offset) in [(None, 0), (None, 7), (Some(some_ids.as_slice()), 3)] {
                    let page = |engine: &QueryEngine| {
                        rt.block_on(engine.sessions_page(&filter, ids, &sort, offset, 25, columns))
                            .unwrap()
                    };
                    let (want, got) = (page(&by_sql), page(&by_index));
                    assert!(want.num_rows() > 0, "{text}: a weak test");
                    assert_eq!(got, want, "{text}, {sort:?}, offset {offset}");
                }
            }
        }
    }
    // Past the end: an empty page, not an error.
    let sort = Sort::default();
    let past = rt
        .block_on(by_index.sessions_page(&Filter::default(), None, &sort, 10_000, 10, columns))
        .unwrap();
    assert_eq!(past.num_rows(), 0);
}

#[test]
fn the_sql_console_reads_and_refuses_every_kind_of_write() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 120, 2);
    let rt = rt();
    let engine = rt.block_on(QueryEngine::open(&archive)).unwrap();
    let cancel = CancelToken::new();
    let ok = rt
        .block_on(engine.sql(
            "SELECT tool_name, count(*) AS n FROM tool_calls GROUP BY tool_name ORDER BY n DESC",
            100,
            &cancel,
        ))
        .unwrap();
    assert!(ok.rows >= 4 && !ok.truncated);
    let capped = rt
        .block_on(engine.sql("SELECT * FROM events", 50, &cancel))
        .unwrap();
    assert_eq!((capped.rows, capped.truncated), (50, true));

    let outside = dir.path().join("stolen.csv");
    let refused = [
        "CREATE TABLE t AS SELECT 1".to_string(),
        "CREATE VIEW v AS SELECT * FROM sessions".into(),
        "DROP TABLE sessions".into(),
        "INSERT INTO labels VALUES ('a','b',NULL,'n',NULL,NULL,NULL,NULL)".into(),
        "DELETE FROM sessions".into(),
        "UPDATE sessions SET outcome = 'success'".into(),
        format!("COPY sessions TO '{}'", outside.display()),
        format!(
            "CREATE EXTERNAL TABLE x STORED AS CSV LOCATION '{}'",
            outside.display()
        ),
        "SET datafusion.execution.batch_size = 1".into(),
    ];
    for sql in &refused {
        match rt.block_on(engine.sql(sql, 10, &cancel)) {
            Err(Error::Refused { message }) => {
                assert!(message.contains("read-only"), "{sql}: {message}")
            }
            // UPDATE/DELETE may be rejected by the planner before the read-only check;
            // either way nothing runs.
            Err(Error::Query { message })
                if sql.starts_with("UPDATE") || sql.starts_with("DELETE") =>
            {
                assert!(!message.is_empty())
            }
            other => panic!("{sql}: expected a refusal, got {other:?}"),
        }
    }
    assert!(!outside.exists(), "COPY must not write");
    let from_file = rt.block_on(engine.sql(
        &format!("SELECT * FROM '{}'", outside.display()),
        10,
        &cancel,
    ));
    assert!(from_file.is_err(), "queries cannot read files by path");

    let Err(Error::Query { message }) = rt.block_on(engine.sql("SELEC 1", 10, &cancel)) else {
        panic!()
    };
    assert!(message.contains("Line: 1, Column"), "{message}");
    let Err(Error::Query { message }) =
        rt.block_on(engine.sql("SELECT no_such_column FROM sessions", 10, &cancel))
    else {
        panic!()
    };
    assert!(message.contains("no_such_column"), "{message}");
    let Err(Error::Query { .. }) =
        rt.block_on(engine.sql("SELECT outcome + 1 FROM sessions", 10, &cancel))
    else {
        panic!()
    };

    let empty = Archive::open_or_create(dir.path().join("empty")).unwrap();
    let engine = rt.block_on(QueryEngine::open(&empty)).unwrap();
    let none = rt
        .block_on(engine.sql("SELECT count(*) FROM sessions", 10, &cancel))
        .unwrap();
    assert_eq!(none.rows, 1);
    assert_eq!(
        rt.block_on(engine.facets(&Filter::default(), 10))
            .unwrap()
            .total,
        0
    );
}
