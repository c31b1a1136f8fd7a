//! End-to-end tests of the `tracelab` binary: what a user types, what they see, exit codes.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use tracelab_tests::{repo_root, sample_archive, tracelab, tracelab_bin, tracelab_json};

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn info_json_has_the_keys_scripts_rely_on() {
    let info = tracelab_json(&["info", s(&sample_archive()), "--json"]);
    for key in [
        "sessions",
        "events",
        "quarantined",
        "by_outcome",
        "by_source_format",
        "by_harness_version",
        "by_model",
    ] {
        assert!(info.get(key).is_some(), "missing {key}: {info}");
    }
    let sessions = info["sessions"].as_u64().unwrap();
    assert_eq!(sessions, 10_000);
    let by_outcome: u64 = info["by_outcome"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by_outcome, sessions);
    assert_eq!(info["by_source_format"]["sample"].as_u64(), Some(sessions));
}

#[test]
fn the_committed_sample_is_what_gen_sample_writes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fresh");
    let run = tracelab(&["gen-sample", "--out", s(&out)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let fresh = tracelab_json(&["info", s(&out), "--json"]);
    let committed = tracelab_json(&["info", s(&sample_archive()), "--json"]);
    for key in [
        "sessions",
        "events",
        "by_outcome",
        "by_model",
        "by_harness_version",
    ] {
        assert_eq!(fresh[key], committed[key], "{key}");
    }
    for part in ["sessions/part-000001.parquet", "events/part-000002.parquet"] {
        assert_eq!(
            fs::read(out.join(part)).unwrap(),
            fs::read(sample_archive().join(part)).unwrap(),
            "{part}"
        );
    }
}

#[test]
fn info_prints_readable_counts() {
    let run = tracelab(&["info", s(&sample_archive())]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("Sessions     10,000"), "{}", run.stdout);
    assert!(run.stdout.contains("By harness version"));
    assert!(run.stdout.contains("claude-sonnet-4-5"));
}

#[test]
fn missing_paths_and_non_archives_fail_with_one_line_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    let run = tracelab(&["info", s(&missing)]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(s(&missing)) && run.stderr.contains("no such file"),
        "{}",
        run.stderr
    );

    let run = tracelab(&["query", s(&missing), "SELECT 1"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains(s(&missing)) && run.stderr.contains("no such file"),
        "{}",
        run.stderr
    );

    let run = tracelab(&["info", s(dir.path())]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("not a Tracelab archive"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.trim().lines().count(), 1);

    let run = tracelab(&["import", s(&missing), "--into", s(&dir.path().join("a"))]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains(s(&missing)), "{}", run.stderr);
    assert!(
        !dir.path().join("a").exists(),
        "nothing is created for a bad input"
    );
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(tracelab(&["info"]).code, 2);
    assert_eq!(tracelab(&["frobnicate"]).code, 2);
    assert_eq!(
        tracelab(&["import", "x", "--into", "y", "--format", "nonsense"]).code,
        2
    );
}

#[test]
fn every_verb_has_help() {
    for verb in ["import", "export", "info", "gen-sample"] {
        let run = tracelab(&[verb, "--help"]);
        assert_eq!(run.code, 0, "{verb}");
        assert!(
            run.stdout.contains("Usage: tracelab"),
            "{verb}: {}",
            run.stdout
        );
    }
}

#[test]
fn canonical_import_quarantines_bad_records_and_reconciles() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let mut f = fs::File::create(&input).unwrap();
    f.write_all(b"{\"session_id\":\"a\",\"outcome\":\"success\"}\n{not json}\n{\"repo\":\"x/y\"}\n{\"session_id\":\"\xc3\x28\"}\n{\"session_id\":\"b\"").unwrap();
    drop(f);
    let archive = dir.path().join("arch");
    let summary = tracelab_json(&[
        "import",
        s(&input),
        "--into",
        s(&archive),
        "--format",
        "canonical",
        "--json",
    ]);
    assert_eq!(summary["records_read"], 5);
    assert_eq!(summary["imported"], 1);
    assert_eq!(summary["quarantined"], 4);
    assert_eq!(summary["quarantined_by_kind"]["truncated_line"], 1);
    let info = tracelab_json(&["info", s(&archive), "--json"]);
    assert_eq!(
        (info["sessions"].as_u64(), info["quarantined"].as_u64()),
        (Some(1), Some(4))
    );
    let text = tracelab(&["import", s(&input), "--into", s(&archive)]);
    assert!(
        text.stdout.contains("5 imported") || text.stdout.contains("0 imported"),
        "{}",
        text.stdout
    );
    // The same file again is a no-op (its sha256 is in the manifest); the summary still
    // points at the quarantine.
    assert!(
        text.stdout.contains("already in the archive"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("quarantine/"), "{}", text.stdout);
    let info = tracelab_json(&["info", s(&archive), "--json"]);
    assert_eq!(info["sessions"].as_u64(), Some(1));
}

#[test]
fn export_then_import_round_trips_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("sample.jsonl");
    let run = tracelab(&["export", s(&sample_archive()), "--out", s(&jsonl)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let copy = dir.path().join("copy");
    tracelab_json(&["import", s(&jsonl), "--into", s(&copy), "--json"]);
    let (a, b) = (
        tracelab_json(&["info", s(&sample_archive()), "--json"]),
        tracelab_json(&["info", s(&copy), "--json"]),
    );
    for key in [
        "sessions",
        "events",
        "by_outcome",
        "by_model",
        "by_harness_version",
        "by_source_format",
    ] {
        assert_eq!(a[key], b[key], "{key}");
    }
}

/// An import killed at a random moment leaves the archive either as it was or fully
/// imported, never half-written, and the archive still reads.
#[test]
fn a_killed_import_leaves_the_archive_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("big.jsonl");
    let sample = dir.path().join("sample");
    assert_eq!(
        tracelab(&[
            "gen-sample",
            "--out",
            s(&sample),
            "--sessions",
            "6000",
            "--seed",
            "9"
        ])
        .code,
        0
    );
    assert_eq!(
        tracelab(&["export", s(&sample), "--out", s(&jsonl)]).code,
        0
    );
    let archive = dir.path().join("target");
    let seed = dir.path().join("seed.jsonl");
    fs::write(&seed, "{\"session_id\":\"first\"}\n").unwrap();
    tracelab_json(&["import", s(&seed), "--into", s(&archive), "--json"]);
    for delay_ms in [30u64, 150, 400] {
        let before = tracelab_json(&["info", s(&archive), "--json"]);
        let mut child = Command::new(tracelab_bin())
            .args(["import", s(&jsonl), "--into", s(&archive), "--json"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let after = tracelab_json(&["info", s(&archive), "--json"]);
        if status.success() {
            // Finished before the kill: all of it is there, or nothing changed because an
            // earlier round already imported this very file.
            let grew = after["sessions"].as_u64().unwrap() - before["sessions"].as_u64().unwrap();
            let q =
                after["quarantined"].as_u64().unwrap() - before["quarantined"].as_u64().unwrap();
            assert!(grew + q == 6000 || before == after, "{before} -> {after}");
        } else {
            assert_eq!(before, after, "killed after {delay_ms} ms");
        }
    }
}

/// The real fixtures of every format through the binary: a table per source format, and the
/// same folder again is a no-op.
#[test]
fn importing_real_agent_traces_prints_a_table_per_format() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures/traces");
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("traces");
    let run = tracelab(&["import", s(&fixtures), "--into", s(&archive)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for needle in [
        "format",
        "claude-code",
        "codex",
        "swe-agent",
        "openhands",
        "inspect-ai",
        "otel",
        "total",
        "quarantine/",
    ] {
        assert!(run.stdout.contains(needle), "{needle}: {}", run.stdout);
    }
    let first = tracelab_json(&["info", s(&archive), "--json"]);
    let again = tracelab_json(&["import", s(&fixtures), "--into", s(&archive), "--json"]);
    assert_eq!(again["sessions"], 0);
    assert_eq!(again["quarantined"], 0);
    assert_eq!(tracelab_json(&["info", s(&archive), "--json"]), first);
}

/// `decontam --json` keeps its contract, and a benchmark file with a missing field is one
/// line naming the file, the line and the field.
#[test]
fn decontam_reports_hits_with_evidence_against_swe_bench() {
    let benchmarks = repo_root().join("crates/tracelab-core/corpora");
    let verified = benchmarks.join("swebench_verified.slim.jsonl");
    let lite = benchmarks.join("swebench_lite.slim.jsonl");
    let json = tracelab_json(&[
        "decontam",
        s(&sample_archive()),
        "--benchmarks",
        s(&verified),
        s(&lite),
        "--json",
    ]);
    let summary = json["summary"].as_object().unwrap();
    for check in [
        "identifier",
        "repo_scope",
        "problem_statement",
        "gold_patch",
        "test_patch",
        "files_touched",
        "time_cutoff",
        "in_trace_leak",
    ] {
        assert!(
            summary.contains_key(check),
            "{check} missing from {summary:?}"
        );
    }
    let hits = json["hits"].as_array().unwrap();
    // The sample works on django, sympy, requests, flask, pytest and scikit-learn: benchmark
    // repositories, so every such session is in repository scope.
    assert!(summary["repo_scope"].as_u64().unwrap() > 1000);
    for hit in hits.iter().take(100) {
        for key in [
            "session_id",
            "check",
            "benchmark",
            "instance_id",
            "score",
            "evidence",
        ] {
            assert!(hit.get(key).is_some(), "{key} missing from {hit}");
        }
    }
    let total: u64 = summary.values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(total, hits.len() as u64);

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    fs::write(&bad, "{\"instance_id\": \"x\"}\n").unwrap();
    let run = tracelab(&["decontam", s(&sample_archive()), "--benchmarks", s(&bad)]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("bad.jsonl")
            && run.stderr.contains("line 1")
            && run.stderr.contains("`repo`")
    );
}

/// `scrub` replaces secrets by typed placeholders, counts them, takes user rules, and names
/// the rule file and the rule when one is wrong.
#[test]
fn scrub_redacts_secrets_and_takes_user_rules() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("export.jsonl");
    let token = concat!("ghp_", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789");
    fs::write(
        &input,
        format!("{{\"content\": \"push with {token} then mail ops@example.com\"}}\n{{\"content\": \"ACME-0042-SECRET\"}}\n"),
    )
    .unwrap();
    let rules = dir.path().join("rules.toml");
    fs::write(
        &rules,
        "disable = [\"email\"]\n[[rule]]\nname = \"acme\"\nkind = \"acme_key\"\npattern = 'ACME-[0-9]{4}-SECRET'\n",
    )
    .unwrap();
    let out = dir.path().join("clean.jsonl");
    let run = tracelab(&[
        "scrub",
        s(&input),
        "--out",
        s(&out),
        "--rules",
        s(&rules),
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let clean = fs::read_to_string(&out).unwrap();
    assert!(!clean.contains(token) && clean.contains("[REDACTED:github_token]"));
    assert!(clean.contains("[REDACTED:acme_key]") && clean.contains("ops@example.com"));
    let counts: serde_json::Value = serde_json::from_str(run.stderr.trim()).unwrap();
    assert_eq!(
        counts,
        serde_json::json!({"acme_key": 1, "github_token": 1})
    );

    fs::write(
        &rules,
        "[[rule]]\nname = \"broken\"\nkind = \"x\"\npattern = '(unclosed'\n",
    )
    .unwrap();
    let run = tracelab(&["scrub", s(&input), "--rules", s(&rules)]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("rules.toml") && run.stderr.contains("broken"),
        "{}",
        run.stderr
    );
}

/// `curate` writes every format with a card, reproduces itself from its manifest, and says
/// in one line why when the config is wrong or nothing would be exported.
#[test]
fn curate_exports_reproducibly_and_refuses_empty_results() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("a");
    assert_eq!(
        tracelab(&["gen-sample", "--out", s(&archive), "--sessions", "300"]).code,
        0
    );
    let init = tracelab(&["curate", "--init"]);
    assert_eq!(init.code, 0);
    let config = dir.path().join("curate.toml");
    std::fs::write(
        &config,
        init.stdout.replace("by = \"repo\"", "by = \"task\""),
    )
    .unwrap();
    let out = dir.path().join("out");
    let json = tracelab_json(&[
        "curate",
        s(&archive),
        "--config",
        s(&config),
        "--out",
        s(&out),
        "--json",
    ]);
    assert_eq!(json["report"]["intake"]["read"], 300);
    assert!(json["report"]["pairs"]["rows"].as_u64().unwrap() > 0);
    for format in [
        "trl_preference",
        "trl_unpaired",
        "trl_sft",
        "openai_preference",
        "openrlhf",
        "verl",
    ] {
        assert!(out.join(format).join("README.md").is_file(), "{format}");
        assert!(
            out.join(format)
                .join("data/train-00000-of-00001.parquet")
                .is_file(),
            "{format}"
        );
    }
    let again = dir.path().join("again");
    let run = tracelab(&[
        "curate",
        s(&archive),
        "--config",
        s(&out.join("manifest.json")),
        "--out",
        s(&again),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("Wrote"), "{}", run.stdout);
    for file in [
        "manifest.json",
        "trl_preference/data/train-00000-of-00001.parquet",
    ] {
        assert!(
            std::fs::read(out.join(file)).unwrap() == std::fs::read(again.join(file)).unwrap(),
            "{file} differs on a rerun from the manifest"
        );
    }

    std::fs::write(&config, "[pairs]\nmax_per_tsak = 2\n").unwrap();
    let run = tracelab(&[
        "curate",
        s(&archive),
        "--config",
        s(&config),
        "--out",
        s(&dir.path().join("x")),
    ]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr.trim().lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("curate.toml") && run.stderr.contains("max_per_tsak"),
        "{}",
        run.stderr
    );

    std::fs::write(
        &config,
        "where = \"outcome=success\"\n[export]\nformats = [\"trl_preference\"]\n",
    )
    .unwrap();
    let empty = dir.path().join("empty");
    let run = tracelab(&[
        "curate",
        s(&archive),
        "--config",
        s(&config),
        "--out",
        s(&empty),
    ]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("nothing to export"), "{}", run.stderr);
    assert!(!empty.exists(), "no empty dataset is written");
}

#[test]
fn search_json_has_the_keys_scripts_rely_on_and_a_closed_pipe_ends_it_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("small");
    let made = tracelab(&["gen-sample", "--out", s(&archive), "--sessions", "300"]);
    assert_eq!(made.code, 0, "{}", made.stderr);

    let r = tracelab_json(&["search", s(&archive), "test", "--json", "--limit", "5"]);
    let hits = r["hits"].as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 5, "{r}");
    for hit in hits {
        for key in ["session_id", "seq", "snippet"] {
            assert!(hit.get(key).is_some(), "hit without {key}: {hit}");
        }
    }
    let sessions = r["sessions"].as_array().unwrap();
    assert_eq!(sessions.len() as u64, r["total_sessions"].as_u64().unwrap());
    let hits_in_sessions: u64 = sessions.iter().map(|x| x["hits"].as_u64().unwrap()).sum();
    assert_eq!(hits_in_sessions, r["total_hits"].as_u64().unwrap());
    assert!(sessions.iter().all(|x| x["session_id"].is_string()));

    // A reader that stops early (`| head`): no panic, no error, exit 0.
    let mut child = Command::new(tracelab_bin())
        .args(["search", s(&archive), "test", "--json", "--limit", "1000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}
