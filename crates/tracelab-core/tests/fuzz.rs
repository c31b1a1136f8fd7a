//! Property tests: every parser (and format detection) takes arbitrary bytes, and mangled
//! copies of real fixtures, without panicking; whatever it reads is imported or quarantined.
//! `PROPTEST_CASES=100000 cargo test --test fuzz` runs a longer campaign.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use tracelab_core::import::{detect::detect, parse_bytes, Format};

fn real(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/traces")
        .join(rel)
}

/// A real file of each format, to mangle.
fn seeds() -> Vec<(Format, &'static str, Vec<u8>)> {
    let read = |rel: &str| std::fs::read(real(rel)).unwrap_or_default();
    let synthetic = |rel: &str| {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(rel),
        )
        .unwrap_or_default()
    };
    vec![
        (Format::ClaudeCode, "s.jsonl", read("claude-code/sessions/-path-to-Demo/5c0375b4-57a5-4f26-b12d-d022ee4e51b7.jsonl")),
        (Format::Codex, "r.jsonl", read("codex-cli/rollout-2025-12-28-019b64e5-truncated-sample.jsonl")),
        (Format::SweAgent, "a/x.traj", read("swe-agent/trajectories/demonstrations/function_calling_simple.traj")),
        (Format::MiniSweAgent, "a/x.traj.json", synthetic("mini-swe-agent/gpt5-mini-run/astropy__astropy-12907/astropy__astropy-12907.traj.json")),
        (Format::OpenHands, "o.json", read("openhands/v0_event_stream/basic.json")),
        (Format::OpenHands, "o.jsonl", read("openhands/v0_eval_output/resolver_output.jsonl")),
        (Format::Inspect, "l.json", read("inspect-ai/log_tool_call_error.json")),
        (Format::Inspect, "l.eval", read("inspect-ai/log_read_sample.eval")),
        (Format::Otel, "s.json", read("otel-openinference/vercel-ai-v6-captured-spans/ai-generateText.json")),
        (Format::TauBench, "t.json", synthetic("tau-bench/gpt-4o-airline.json")),
        (Format::Canonical, "c.jsonl", br#"{"session_id":"a","events":[{"role":"user","content":"hi"}]}"#.to_vec()),
    ]
}

/// Every parser of bytes (the archive reader is Parquet's, not ours).
fn parsers() -> impl Iterator<Item = Format> {
    Format::ALL.into_iter().filter(|f| *f != Format::Parquet)
}

fn check(format: Format, name: &str, bytes: Vec<u8>) {
    let _ = detect(Path::new(name), &bytes);
    let parsed = parse_bytes(format, Path::new(name), bytes);
    for t in &parsed.trajectories {
        assert_eq!(t.session.n_events as usize, t.events.len());
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        for format in parsers() {
            check(format, "x.json", bytes.clone());
        }
    }

    #[test]
    fn json_shaped_noise_never_panics(text in r#"[\[\]{}",:0-9a-z_ .\n\\-]{0,400}"#) {
        for format in parsers() {
            check(format, "x.jsonl", text.clone().into_bytes());
        }
    }

    #[test]
    fn mangled_fixtures_never_panic(
        which in 0usize..11,
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let seeds = seeds();
        let (format, name, mut bytes) = seeds[which % seeds.len()].clone();
        for (at, b) in flips {
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
        }
        if !bytes.is_empty() {
            bytes.truncate(cut.index(bytes.len() + 1));
        }
        check(format, name, bytes);
    }
}
