//! Every importer against the real fixtures in `../shared/fixtures/traces/` (and the
//! synthetic ones in `tests/fixtures/` for formats with no real file): session counts, model,
//! harness version, tool calls and outcome as the sources say them, and a check per fixture
//! that no JSON key of the source is missing from the archive (columns + attributes).

use std::collections::BTreeSet;
use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;
use tracelab_core::archive::Archive;
use tracelab_core::import::{import_with, json::keys_deep, Format, ImportOptions, ImportSummary};
use tracelab_core::progress::{CancelToken, Silent};
use tracelab_core::record::Trajectory;

fn real(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/traces")
        .join(rel)
}

fn synthetic(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Imports `inputs` into a fresh archive; returns the summary and every session.
fn import_all(inputs: &[PathBuf], options: ImportOptions) -> (ImportSummary, Vec<Trajectory>) {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open_or_create(dir.path().join("a")).unwrap();
    let summary = import_with(&mut archive, inputs, &options, &Silent, &CancelToken::new())
        .unwrap_or_else(|e| panic!("{inputs:?}: {e}"));
    for s in &summary.sources {
        assert_eq!(s.records_read, s.imported + s.quarantined, "{}", s.uri);
    }
    let mut all = Vec::new();
    for segment in archive.trajectories() {
        all.extend(segment.unwrap());
    }
    all.sort_by(|a, b| a.session.session_id.cmp(&b.session.session_id));
    (summary, all)
}

fn import(inputs: &[PathBuf]) -> (ImportSummary, Vec<Trajectory>) {
    import_all(inputs, ImportOptions::default())
}

fn one(path: PathBuf) -> Trajectory {
    let (summary, mut all) = import(std::slice::from_ref(&path));
    assert_eq!(all.len(), 1, "{path:?}: {summary:?}");
    assert_eq!(summary.quarantined, 0, "{path:?}: {summary:?}");
    all.remove(0)
}

fn facts(t: &Trajectory) -> (Option<&str>, Option<&str>, i64, Option<&str>) {
    (
        t.session.model.as_deref(),
        t.session.harness_version.as_deref(),
        t.session.n_tool_calls,
        t.session.outcome.as_deref(),
    )
}

#[test]
fn claude_code_session() {
    let t = one(real(
        "claude-code/sessions/-path-to-Demo/5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl",
    ));
    assert_eq!(t.session.session_id, "5c0375b4-57a5-4f26-b12d-d022ee4e51b7");
    assert_eq!(t.session.source_format.as_deref(), Some("claude-code"));
    assert_eq!(
        facts(&t),
        (Some("claude-sonnet-4-20250514"), Some("1.0.108"), 21, None)
    );
    assert_eq!(t.session.repo.as_deref(), Some("Demo"));
    // 28 assistant lines, but fewer API messages: usage is counted once per message.id.
    let with_usage = t
        .events
        .iter()
        .filter(|e| e.output_tokens.is_some())
        .count();
    assert!(with_usage > 0 && with_usage < 28, "{with_usage}");
    assert!(t.session.cache_write_tokens.unwrap() > 0);
}

#[test]
fn claude_code_exemplars_of_every_version() {
    let (summary, all) = import(&[real("claude-code/entry-exemplars")]);
    // 59 one-line files; two hold the very same bytes (skipped, already imported); the
    // pretty-printed `.json` twins are not JSONL and are skipped as not traces.
    let already = summary
        .skipped
        .iter()
        .filter(|s| s.reason == "already_imported")
        .count();
    assert_eq!((all.len(), already), (57, 2));
    assert_eq!(
        summary
            .skipped
            .iter()
            .filter(|s| s.reason == "not_a_trace")
            .count(),
        59
    );
    let by_name = |name: &str| {
        all.iter()
            .find(|t| t.session.session_id == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(by_name("Bash-tool_use").session.n_tool_calls, 1);
    assert_eq!(by_name("Bash-tool_result_error").session.n_tool_errors, 1);
    let image = by_name("image");
    assert!(image
        .events
        .iter()
        .any(|e| e.kind.as_deref() == Some("image")));
    assert_eq!(
        by_name("summary").events[0].content.as_deref(),
        Some("CSS Details Margin Styling")
    );
    assert_eq!(
        by_name("thinking").events[0].kind.as_deref(),
        Some("thinking")
    );
}

#[test]
fn codex_rollout() {
    let t = one(real(
        "codex-cli/rollout-2025-12-28-019b64e5-truncated-sample.jsonl",
    ));
    assert_eq!(t.session.session_id, "019b64e5-57fa-7463-b644-fba7e456f905");
    assert_eq!(facts(&t), (Some("gpt-5.2-codex"), Some("0.77.0"), 0, None));
    assert_eq!(t.session.n_events, 11);
    assert!(t.session.config.contains_key("approval_policy"));
}

#[test]
fn swe_agent_every_layout() {
    let dir = "swe-agent/tests/test_data/trajectories";
    let cases = [
        (
            format!("{dir}/gpt4__swe-agent-test-repo__default_from_url__t-0.00__p-0.95__c-3.00__install-1/6e44b9__sweagenttestrepo-1c2844.traj"),
            Some("gpt4"),
            5,
        ),
        (
            format!("{dir}/gpt4__swe-agent__test-repo__default_from_url__t-0.00__p-0.95__c-3.00__install-1/swe-agent__test-repo-i1.traj"),
            Some("gpt4"),
            5,
        ),
        (
            format!("{dir}/gpt4__swe-bench-dev-easy_first_only__default__t-0.00__p-0.95__c-3.00__install-1/pydicom__pydicom-1458.traj"),
            Some("gpt4"),
            12,
        ),
        ("swe-agent/trajectories/demonstrations/ctf/crypto/katy.traj".into(), None, 18),
        ("swe-agent/trajectories/demonstrations/ctf/web/i_got_id_demo.traj".into(), None, 21),
        ("swe-agent/trajectories/demonstrations/function_calling_simple.traj".into(), None, 5),
        (
            "swe-agent/trajectories/demonstrations/replay__marshmallow-code__marshmallow-1867__xml_sys-env_window100__t-0.20__p-0.95__c-2.00__install-1/marshmallow-code__marshmallow-1867.traj".into(),
            Some("replay"),
            11,
        ),
    ];
    for (path, model, calls) in cases {
        let t = one(real(&path));
        assert_eq!(t.session.model.as_deref(), model, "{path}");
        assert_eq!(t.session.n_tool_calls, calls, "{path}");
        assert_eq!(t.session.harness.as_deref(), Some("swe-agent"));
        assert!(t.session.outcome.is_none(), "{path}");
    }
    // The pydicom run has args.yaml beside it: its temperature is the run's config.
    let t = one(real(&format!("{dir}/gpt4__swe-bench-dev-easy_first_only__default__t-0.00__p-0.95__c-3.00__install-1/pydicom__pydicom-1458.traj")));
    assert_eq!(t.session.task_id.as_deref(), Some("pydicom__pydicom-1458"));
    assert_eq!(t.session.cost_usd, Some(1.26719));
    assert_eq!(t.session.input_tokens, Some(122612));
    // The whole folder: 9 runs (three replays of one instance stay apart), aux files skipped.
    let (summary, all) = import(&[real("swe-agent")]);
    assert_eq!((all.len(), summary.quarantined), (9, 0));
}

#[test]
fn mini_swe_agent_both_formats_with_reports() {
    let (summary, all) = import(&[synthetic("mini-swe-agent")]);
    assert_eq!((all.len(), summary.quarantined), (2, 0));
    let astropy = &all[1];
    assert_eq!(
        astropy.session.session_id,
        "gpt5-mini-run/astropy__astropy-12907"
    );
    assert_eq!(
        facts(astropy),
        (
            Some("openrouter/openai/gpt-5-mini"),
            Some("2.2.4"),
            2,
            Some("failure")
        )
    );
    assert_eq!(astropy.session.n_tool_errors, 1);
    let django = &all[0];
    assert_eq!(
        facts(django),
        (
            Some("gemini/gemini-2.5-pro"),
            Some("1.15.0"),
            3,
            Some("success")
        )
    );
    assert_eq!(django.session.n_tool_errors, 1);
    assert_eq!(django.session.input_tokens, Some(1520 + 1650 + 1800));
    assert_eq!(summary.outcomes_applied, 2);
}

#[test]
fn openhands_every_shape() {
    let t = one(real("openhands/v0_event_stream/basic.json"));
    assert_eq!(t.session.n_tool_calls, 1);
    let t = one(real("openhands/v0_event_stream/basic_interactions.json"));
    assert_eq!(t.session.n_tool_calls, 0);

    let (_, all) = import(&[real(
        "openhands/v0_eval_output/multi_swe_bench_example_output.jsonl",
    )]);
    assert_eq!(all.len(), 3);
    for t in &all {
        assert_eq!(
            t.session.model.as_deref(),
            Some("openai/openrouter-llama-4-maverick")
        );
        assert!(t.session.n_tool_calls > 10);
    }
    let (_, all) = import(&[real("openhands/v0_eval_output/resolver_output.jsonl")]);
    assert_eq!(all.len(), 2);
    let mut calls: Vec<i64> = all.iter().map(|t| t.session.n_tool_calls).collect();
    calls.sort();
    assert_eq!(calls, [3, 21]);
    assert!(all
        .iter()
        .all(|t| t.session.outcome.as_deref() == Some("success")));

    let (_, all) = import(&[real(
        "openhands/v1_eval_output/openagentsafety_gpt-4o_output.jsonl",
    )]);
    assert_eq!(all.len(), 2);
    for t in &all {
        assert_eq!(
            facts(t),
            (
                Some("litellm_proxy/neulab/gpt-4o-2024-08-06"),
                None,
                9,
                Some("failure")
            )
        );
        assert_eq!(t.session.score, Some(0.0));
    }

    // Python-repr history: kept as text, never a failure; eval_<id>.json gives the outcome.
    let (summary, all) = import(&[real(
        "openhands/v1_eval_output/openagentsafety_stringified_samples",
    )]);
    assert_eq!(summary.quarantined, 0);
    let states: Vec<&Trajectory> = all
        .iter()
        .filter(|t| t.events.iter().all(|e| e.kind.as_deref() == Some("repr")))
        .collect();
    assert_eq!(states.len(), 6);
    let adjustments = all
        .iter()
        .find(|t| t.session.task_id.as_deref() == Some("safety-adjustments"))
        .unwrap();
    assert_eq!(adjustments.session.outcome.as_deref(), Some("failure"));

    let (_, all) = import(&[real("openhands/v1_sdk_conversation")]);
    assert_eq!(all.len(), 1);
    let t = &all[0];
    assert_eq!(t.session.model.as_deref(), Some("openai/gpt-4o-mini"));
    assert_eq!(t.session.n_events, 8);
    assert_eq!(t.session.n_tool_calls, 2);
}

#[test]
fn inspect_logs_json_and_eval() {
    let t = one(real(
        "inspect-ai/2024-11-05T13-31-45-05-00_input-task_8zXjbRzCWrL9GXiXo2vus9.json",
    ));
    assert_eq!(
        facts(&t),
        (
            Some("openai/gpt-4o-mini"),
            Some("0.3.43.dev33+g6c96d92d"),
            0,
            Some("success")
        )
    );
    // attachment:// references are replaced by their text.
    assert!(t.events.iter().all(|e| !e
        .content
        .as_deref()
        .unwrap_or("")
        .starts_with("attachment://")));
    let t = one(real("inspect-ai/2025-05-12T20-27-36-04-00_browser.json"));
    assert_eq!(t.session.outcome.as_deref(), Some("success"));
    assert!(t.session.n_tool_calls > 0);
    let t = one(real("inspect-ai/log_tool_call_error.json"));
    assert!(t.session.n_tool_errors >= 8, "{}", t.session.n_tool_errors);
    // The unfinished .eval (no header.json) still imports its ten samples.
    let (summary, all) = import(&[real(
        "inspect-ai/2025-02-11T15-17-00-05-00_popularity_dPiJifoWeEQBrfWsAopzWr.eval",
    )]);
    assert_eq!((all.len(), summary.quarantined), (10, 0));
    assert!(all
        .iter()
        .all(|t| t.session.model.as_deref() == Some("openai/gpt-4o-mini")));
    let t = one(real("inspect-ai/log_read_sample.eval"));
    assert_eq!(t.session.harness.as_deref(), Some("inspect-ai"));
}

#[test]
fn otel_spans_in_every_shape() {
    let (_, all) = import(&[real(
        "otel-openinference/vercel-ai-v6-captured-spans/all-spans.json",
    )]);
    assert_eq!(all.len(), 10);
    assert!(all
        .iter()
        .any(|t| t.session.model.as_deref() == Some("gpt-4o-mini")));
    let t = one(real(
        "otel-openinference/genai-attribute-fixtures/otel_genai_client_span_tool_calls.json",
    ));
    assert_eq!(t.session.model.as_deref(), Some("gpt-4-0613"));
    assert_eq!(t.session.input_tokens, Some(97));
    assert!(t.events.iter().any(|e| e.role.as_deref() == Some("tool")));
    let t = one(real(
        "otel-openinference/genai-attribute-fixtures/openinference_client_span_tool_calls.json",
    ));
    assert!(t.session.model.is_some());
    assert!(t.session.n_tool_calls >= 1);
    let t = one(real(
        "otel-openinference/genai-attribute-fixtures/otel_genai_tool_execution_span.json",
    ));
    assert_eq!(t.session.n_tool_calls, 1);
    assert_eq!(t.events[0].tool_name.as_deref(), Some("get_weather"));
}

#[test]
fn tau_bench_results() {
    let (summary, all) = import(&[synthetic("tau-bench/gpt-4o-airline.json")]);
    assert_eq!((all.len(), summary.quarantined), (2, 0));
    assert_eq!(facts(&all[0]), (Some("gpt-4o"), None, 2, Some("success")));
    assert_eq!(facts(&all[1]), (Some("gpt-4o"), None, 1, Some("failure")));
}

#[test]
fn outcomes_sidecar_csv_and_jsonl() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("outcomes.csv");
    fs::write(
        &csv,
        "task_id,outcome,score\nmarshmallow-code__marshmallow-1867,success,1\n",
    )
    .unwrap();
    let options = ImportOptions {
        outcomes: Some(csv),
        ..ImportOptions::default()
    };
    let (summary, all) = import_all(&[real("swe-agent/trajectories/demonstrations")], options);
    let marshmallow: Vec<_> = all
        .iter()
        .filter(|t| t.session.task_id.as_deref() == Some("marshmallow-code__marshmallow-1867"))
        .collect();
    assert_eq!(marshmallow.len(), 3);
    assert!(marshmallow
        .iter()
        .all(|t| t.session.outcome.as_deref() == Some("success") && t.session.score == Some(1.0)));
    assert_eq!(summary.outcomes_applied, 3);
    let jsonl = dir.path().join("o.jsonl");
    fs::write(
        &jsonl,
        "{\"session_id\":\"5c0375b4-57a5-4f26-b12d-d022ee4e51b7\",\"outcome\":\"failure\"}\n",
    )
    .unwrap();
    let options = ImportOptions {
        outcomes: Some(jsonl),
        format: Format::Auto,
    };
    let (_, all) = import_all(&[real("claude-code/sessions")], options);
    assert_eq!(all[0].session.outcome.as_deref(), Some("failure"));
}

#[test]
fn bundles_gz_zip_tar_gz_and_a_broken_zip_entry() {
    let dir = tempfile::tempdir().unwrap();
    let session =
        real("claude-code/sessions/-path-to-Demo/5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl");
    let bytes = fs::read(&session).unwrap();
    // .gz
    let gz = dir
        .path()
        .join("5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl.gz");
    let mut enc = flate2::write::GzEncoder::new(fs::File::create(&gz).unwrap(), Default::default());
    enc.write_all(&bytes).unwrap();
    enc.finish().unwrap();
    let t = one(gz);
    assert_eq!(t.session.n_tool_calls, 21);
    // .zip with a good entry and one whose bytes are corrupted
    let zip_path = dir.path().join("bundle.zip");
    {
        let mut z = zip::ZipWriter::new(fs::File::create(&zip_path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        z.start_file("tau/gpt-4o-airline.json", opts).unwrap();
        z.write_all(&fs::read(synthetic("tau-bench/gpt-4o-airline.json")).unwrap())
            .unwrap();
        z.start_file("broken/x.jsonl", opts).unwrap();
        z.write_all(b"{\"session_id\":\"zz-broken-entry-marker\"}\n")
            .unwrap();
        z.finish().unwrap();
    }
    let mut raw = fs::read(&zip_path).unwrap();
    let at = raw
        .windows(22)
        .position(|w| w == b"zz-broken-entry-marker")
        .unwrap();
    raw[at] = b'Z'; // the CRC no longer matches
    fs::write(&zip_path, &raw).unwrap();
    let (summary, all) = import(&[zip_path]);
    assert_eq!(all.len(), 2, "{summary:?}");
    assert_eq!(summary.quarantined_by_kind.get("bad_bundle"), Some(&1));
    // .tar.gz
    let tgz = dir.path().join("runs.tar.gz");
    {
        let enc =
            flate2::write::GzEncoder::new(fs::File::create(&tgz).unwrap(), Default::default());
        let mut tar = tar::Builder::new(enc);
        tar.append_path_with_name(
            synthetic("tau-bench/gpt-4o-airline.json"),
            "tau/gpt-4o-airline.json",
        )
        .unwrap();
        tar.append_path_with_name(&session, "claude/5c0375b4.jsonl")
            .unwrap();
        tar.into_inner().unwrap().finish().unwrap();
    }
    let (summary, all) = import(&[tgz]);
    assert_eq!((all.len(), summary.quarantined), (3, 0));
}

#[test]
fn reimporting_a_file_is_a_no_op_and_empty_or_bad_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut archive = Archive::open_or_create(dir.path().join("a")).unwrap();
    let input = [real("codex-cli")];
    let run = |archive: &mut Archive, inputs: &[PathBuf]| {
        import_with(
            archive,
            inputs,
            &ImportOptions::default(),
            &Silent,
            &CancelToken::new(),
        )
        .unwrap()
    };
    assert_eq!(run(&mut archive, &input).sessions, 1);
    let again = run(&mut archive, &input);
    assert_eq!(
        (again.sessions, again.quarantined, again.skipped.len()),
        (0, 0, 1)
    );
    assert_eq!(archive.manifest().sources.len(), 1);
    // An empty file, invalid UTF-8, a cut-off Claude Code line: reported, never a panic.
    let bad = dir.path().join("bad");
    fs::create_dir(&bad).unwrap();
    fs::write(bad.join("empty.jsonl"), b"").unwrap();
    fs::write(
        bad.join("s1.jsonl"),
        b"{\"type\":\"user\",\"uuid\":\"u\",\"sessionId\":\"s1\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}\n\xff\xfe\n{\"type\":\"assistant\",\"uu",
    )
    .unwrap();
    fs::write(bad.join("t.traj"), b"{\"history\": [").unwrap();
    let s = run(&mut archive, &[bad]);
    assert_eq!(s.sessions, 1);
    assert_eq!(s.quarantined_by_kind.get("invalid_utf8"), Some(&1));
    assert_eq!(s.quarantined_by_kind.get("truncated_line"), Some(&1));
    assert_eq!(s.quarantined_by_kind.get("malformed_json"), Some(&1));
}

/// Keys the importer maps to columns, so they need not appear in `attributes`.
fn column_keys(format: &str) -> &'static [&'static str] {
    use tracelab_core::import::*;
    match format {
        "claude-code" => claude_code::COLUMN_KEYS,
        "codex" => codex::COLUMN_KEYS,
        "swe-agent" => swe_agent::COLUMN_KEYS,
        "mini-swe-agent" => mini_swe_agent::COLUMN_KEYS,
        "openhands" => openhands::COLUMN_KEYS,
        "inspect-ai" => inspect::COLUMN_KEYS,
        "otel" => otel::COLUMN_KEYS,
        "tau-bench" => tau_bench::COLUMN_KEYS,
        other => panic!("{other}"),
    }
}

/// Every key of every JSON document in a fixture (JSONL lines, JSON files, zip entries).
fn source_keys(path: &Path) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let mut add = |bytes: &[u8]| {
        if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
            keys_deep(&v, &mut keys);
        } else {
            for line in bytes.split(|&b| b == b'\n') {
                if let Ok(v) = serde_json::from_slice::<Value>(line) {
                    keys_deep(&v, &mut keys);
                }
            }
        }
    };
    if path.is_dir() {
        for entry in walk(path) {
            add(&fs::read(entry).unwrap());
        }
    } else if path.extension().is_some_and(|e| e == "eval") {
        let mut z = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
        for i in 0..z.len() {
            let mut e = z.by_index(i).unwrap();
            let name = e.name().to_string();
            // Summaries repeat what the samples hold; the journal is the header's draft.
            if name.starts_with("samples/") || name == "header.json" || name == "reductions.json" {
                let mut buf = Vec::new();
                e.read_to_end(&mut buf).unwrap();
                add(&buf);
            }
        }
    } else {
        add(&fs::read(path).unwrap());
    }
    keys
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p
            .extension()
            .is_some_and(|x| x == "json" || x == "jsonl" || x == "traj")
        {
            out.push(p);
        }
    }
    out
}

#[test]
fn no_source_key_is_missing_from_the_archive() {
    let fixtures = [
        real("claude-code/sessions"),
        real("claude-code/entry-exemplars/tools/Task-tool_result.jsonl"),
        real("claude-code/entry-exemplars/user/image.jsonl"),
        real("claude-code/entry-exemplars/assistant/thinking.jsonl"),
        real("claude-code/entry-exemplars/system/queue_operation.jsonl"),
        real("claude-code/entry-exemplars/system/file_history_snapshot.jsonl"),
        real("claude-code/entry-exemplars/system/system_info.jsonl"),
        real("codex-cli/rollout-2025-12-28-019b64e5-truncated-sample.jsonl"),
        real("swe-agent/tests/test_data/trajectories/gpt4__swe-bench-dev-easy_first_only__default__t-0.00__p-0.95__c-3.00__install-1/pydicom__pydicom-1458.traj"),
        real("swe-agent/trajectories/demonstrations/replay__marshmallow-code__marshmallow-1867__function_calling_replace_from_source/marshmallow-code__marshmallow-1867.traj"),
        real("swe-agent/trajectories/demonstrations/function_calling_simple.traj"),
        synthetic("mini-swe-agent/gemini-run/django__django-11099/django__django-11099.traj.json"),
        synthetic("mini-swe-agent/gpt5-mini-run/astropy__astropy-12907/astropy__astropy-12907.traj.json"),
        real("openhands/v0_event_stream/basic.json"),
        real("openhands/v0_eval_output/multi_swe_bench_example_output.jsonl"),
        real("openhands/v0_eval_output/resolver_output.jsonl"),
        real("openhands/v1_eval_output/openagentsafety_gpt-4o_output.jsonl"),
        real("openhands/v1_eval_output/openagentsafety_stringified_samples/state_safety-adjustments.json"),
        real("openhands/v1_sdk_conversation"),
        real("inspect-ai/2024-11-05T13-31-45-05-00_input-task_8zXjbRzCWrL9GXiXo2vus9.json"),
        real("inspect-ai/2025-05-12T20-27-36-04-00_browser.json"),
        real("inspect-ai/log_tool_call_error.json"),
        real("inspect-ai/log_read_sample.eval"),
        real("inspect-ai/2025-02-11T15-17-00-05-00_popularity_dPiJifoWeEQBrfWsAopzWr.eval"),
        real("otel-openinference/vercel-ai-v6-captured-spans/all-spans.json"),
        real("otel-openinference/genai-attribute-fixtures/openinference_client_span_tool_calls.json"),
        real("otel-openinference/genai-attribute-fixtures/otel_genai_client_span_tool_calls.json"),
        synthetic("tau-bench/gpt-4o-airline.json"),
    ];
    for path in fixtures {
        let (summary, all) = import(std::slice::from_ref(&path));
        assert!(!all.is_empty(), "{path:?}");
        let format = all[0].session.source_format.clone().unwrap();
        let mut archived = BTreeSet::new();
        for t in &all {
            if let Some(a) = &t.session.attributes {
                keys_deep(a, &mut archived);
            }
            for e in &t.events {
                if let Some(a) = &e.attributes {
                    keys_deep(a, &mut archived);
                }
                // Tool arguments are a column of JSON text: their keys are kept there.
                if let Some(Ok(v)) = e.tool_input.as_deref().map(serde_json::from_str::<Value>) {
                    keys_deep(&v, &mut archived);
                }
            }
        }
        let mapped: BTreeSet<String> = column_keys(&format)
            .iter()
            .chain(tracelab_core::import::steps::CHAT_KEYS)
            .map(|k| k.to_string())
            .collect();
        let missing: Vec<String> = source_keys(&path)
            .into_iter()
            .filter(|k| !archived.contains(k) && !mapped.contains(k))
            .collect();
        assert!(
            missing.is_empty(),
            "{path:?} ({format}, {} sessions): keys lost: {missing:?}",
            summary.sessions
        );
    }
}

#[test]
fn claude_code_sub_agents_join_their_parent_session() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("-w-proj");
    fs::create_dir_all(project.join("S1/subagents")).unwrap();
    let line = |uuid: &str, parent: &str, sidechain: bool, text: &str| {
        format!(
            "{{\"type\":\"user\",\"uuid\":\"{uuid}\",\"parentUuid\":{parent},\"isSidechain\":{sidechain},\"sessionId\":\"S1\",\"version\":\"2.1.0\",\"message\":{{\"role\":\"user\",\"content\":\"{text}\"}}}}\n"
        )
    };
    fs::write(project.join("S1.jsonl"), line("a", "null", false, "main")).unwrap();
    fs::write(
        project.join("S1/subagents/agent-x.jsonl"),
        line("b", "\"a\"", true, "newer sub-agent"),
    )
    .unwrap();
    fs::write(
        project.join("agent-y.jsonl"),
        line("c", "\"a\"", true, "older sub-agent"),
    )
    .unwrap();
    let (summary, all) = import(&[dir.path().to_path_buf()]);
    assert_eq!((all.len(), summary.sources.len()), (1, 1), "{summary:?}");
    let t = &all[0];
    assert_eq!(t.session.session_id, "S1");
    let texts: Vec<&str> = t
        .events
        .iter()
        .filter_map(|e| e.content.as_deref())
        .collect();
    assert_eq!(texts, ["main", "newer sub-agent", "older sub-agent"]);
    assert_eq!(t.events[1].parent_id.as_deref(), Some("a"));
}

#[test]
fn another_archive_imports_segment_by_segment() {
    use tracelab_core::sample::{generate, SampleOptions};
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("source");
    let options = SampleOptions {
        sessions: 50,
        seed: 3,
    };
    generate(&source, options, &Silent, &CancelToken::new()).unwrap();
    let (summary, all) = import(std::slice::from_ref(&source));
    assert_eq!((all.len(), summary.quarantined), (50, 0));
    assert_eq!(summary.by_format["parquet"].files, 1);
    let original = Archive::open(&source).unwrap();
    let mut expected: Vec<Trajectory> = original.trajectories().flat_map(|s| s.unwrap()).collect();
    expected.sort_by(|a, b| a.session.session_id.cmp(&b.session.session_id));
    assert_eq!(all, expected);
}

#[test]
fn lines_of_tens_of_megabytes_import_whole() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(24 << 20);
    let canonical = dir.path().join("big.jsonl");
    fs::write(
        &canonical,
        format!(
            "{{\"session_id\":\"big\",\"events\":[{{\"role\":\"tool\",\"content\":\"{big}\"}}]}}\n{{\"session_id\":\"small\"}}\n"
        ),
    )
    .unwrap();
    let claude = dir.path().join("c1.jsonl");
    fs::write(
        &claude,
        format!("{{\"type\":\"user\",\"uuid\":\"u\",\"sessionId\":\"c1\",\"message\":{{\"role\":\"user\",\"content\":\"{big}\"}}}}\n"),
    )
    .unwrap();
    let (summary, all) = import(&[canonical, claude]);
    assert_eq!((all.len(), summary.quarantined), (3, 0));
    let big_session = all.iter().find(|t| t.session.session_id == "big").unwrap();
    assert_eq!(
        big_session.events[0].content.as_deref().map(str::len),
        Some(24 << 20)
    );
    let c1 = all.iter().find(|t| t.session.session_id == "c1").unwrap();
    assert_eq!(
        c1.events[0].content.as_deref().map(str::len),
        Some(24 << 20)
    );
}
