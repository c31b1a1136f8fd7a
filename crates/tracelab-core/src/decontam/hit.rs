//! What a check reports: one [`Hit`] per (session, check, benchmark, instance), with the
//! evidence a reviewer needs to agree or overrule it.

use serde::{Deserialize, Serialize};

use super::instance::Instance;

/// The checks, in the order they are reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// An exact benchmark identifier in the trace: instance id, issue or PR URL, base commit,
    /// SWE-bench image name.
    Identifier,
    /// The session ran on a benchmark repository (or a fork of one, matched by name).
    RepoScope,
    /// The trace holds much of a benchmark problem statement.
    ProblemStatement,
    /// The trace's edits hold much of a benchmark gold patch.
    GoldPatch,
    /// The trace's edits hold much of a benchmark test patch.
    TestPatch,
    /// The session edited the files the gold patch edits, on the same repository.
    FilesTouched,
    /// The session ran on a benchmark repository in the window where it could have met the
    /// benchmark's issues (see `Options::after`).
    TimeCutoff,
    /// The environment showed the agent the future: commits after the task, or the gold patch
    /// in a tool result before the agent wrote it.
    InTraceLeak,
}

impl Check {
    /// Every check, in report order.
    pub const ALL: [Check; 8] = [
        Check::Identifier,
        Check::RepoScope,
        Check::ProblemStatement,
        Check::GoldPatch,
        Check::TestPatch,
        Check::FilesTouched,
        Check::TimeCutoff,
        Check::InTraceLeak,
    ];

    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Identifier => "identifier",
            Check::RepoScope => "repo_scope",
            Check::ProblemStatement => "problem_statement",
            Check::GoldPatch => "gold_patch",
            Check::TestPatch => "test_patch",
            Check::FilesTouched => "files_touched",
            Check::TimeCutoff => "time_cutoff",
            Check::InTraceLeak => "in_trace_leak",
        }
    }

    /// What a hit of this check does to its session by default: checks that prove benchmark
    /// text is in the trace drop it; checks that only say the session was near a benchmark
    /// warn, and drop in strict mode. (A gold patch shown in a tool result drops whatever the
    /// mode; the checks set that themselves.)
    pub fn severity(self, strict: bool) -> Severity {
        match self {
            Check::Identifier | Check::ProblemStatement | Check::GoldPatch | Check::TestPatch => {
                Severity::Drop
            }
            Check::RepoScope | Check::FilesTouched | Check::TimeCutoff | Check::InTraceLeak => {
                if strict {
                    Severity::Drop
                } else {
                    Severity::Warn
                }
            }
        }
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What to do with a session that has a hit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Keep it, but show the hit.
    Warn,
    /// Leave it out of exported training data.
    Drop,
}

/// Why a hit was reported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// What matched, as it appears in the trace (an identifier, the longest matched span, a
    /// patch line, a `git log` line), cut to at most [`Evidence::MAX_MATCHED`] bytes.
    pub matched: String,
    /// One sentence saying what the match is and how much of the benchmark item it covers.
    pub detail: String,
    /// Which of the session's texts holds the match (index into `TraceView::texts`).
    pub text_index: Option<usize>,
    /// The byte range of the match in that text, when the match is literal text of it (not of
    /// JSON decoded from it).
    pub span: Option<[usize; 2]>,
}

impl Evidence {
    /// The longest `matched` text kept.
    pub const MAX_MATCHED: usize = 400;

    /// Evidence with a detail and the matched text (cut to size).
    pub fn new(matched: &str, detail: String) -> Self {
        Evidence {
            matched: clip(matched, Self::MAX_MATCHED),
            detail,
            text_index: None,
            span: None,
        }
    }

    /// Evidence located in text `text_index` at bytes `start..end`, which it quotes.
    pub fn located(
        text: &str,
        text_index: usize,
        start: usize,
        end: usize,
        detail: String,
    ) -> Self {
        Evidence {
            text_index: Some(text_index),
            span: Some([start, end]),
            ..Evidence::new(text.get(start..end).unwrap_or(""), detail)
        }
    }
}

/// `text` cut to at most `max` bytes on a character boundary, with `…` when cut.
pub(super) fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// One finding: this session, by this check, matches this benchmark instance (or, for
/// `repo_scope`, and `time_cutoff` on instances without `created_at`, this benchmark's
/// repository, with `instance_id` null). One per check, benchmark and instance (or
/// repository) in a session. Serialises to one JSONL row of the CLI's report: `session_id`, `check`,
/// `benchmark`, `instance_id`, `score`, `evidence`, `severity`, `never_chosen`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub session_id: String,
    pub check: Check,
    pub benchmark: String,
    pub instance_id: Option<String>,
    /// In [0, 1]: the share of the benchmark item found (n-grams, lines, files), 1 for exact
    /// identifiers and same-repository matches, 0.5 for a fork matched by name only.
    pub score: f64,
    pub evidence: Evidence,
    pub severity: Severity,
    /// The session saw something it should not have; it may never be the `chosen` side of a
    /// preference pair, even when it is kept.
    pub never_chosen: bool,
}

impl Hit {
    /// A hit of `check` on one instance, with the check's default severity.
    pub(super) fn on_instance(
        session_id: &str,
        check: Check,
        instance: &Instance,
        score: f64,
        evidence: Evidence,
        strict: bool,
    ) -> Hit {
        Hit {
            instance_id: Some(instance.instance_id.clone()),
            ..Hit::on_benchmark(
                session_id,
                check,
                &instance.benchmark,
                score,
                evidence,
                strict,
            )
        }
    }

    /// A hit of `check` on a benchmark as a whole (its repository), with no instance.
    pub(super) fn on_benchmark(
        session_id: &str,
        check: Check,
        benchmark: &str,
        score: f64,
        evidence: Evidence,
        strict: bool,
    ) -> Hit {
        Hit {
            session_id: session_id.to_string(),
            check,
            benchmark: benchmark.to_string(),
            instance_id: None,
            score: score.clamp(0.0, 1.0),
            evidence,
            severity: check.severity(strict),
            never_chosen: check == Check::InTraceLeak,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_to_the_cli_contract() {
        let hit = Hit {
            session_id: "s1".into(),
            check: Check::RepoScope,
            benchmark: "SWE-bench_Verified".into(),
            instance_id: None,
            score: 0.5,
            evidence: Evidence::located("on myorg/django", 0, 3, 15, "fork".into()),
            severity: Check::RepoScope.severity(false),
            never_chosen: false,
        };
        let json = serde_json::to_value(&hit).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        for key in [
            "session_id",
            "check",
            "benchmark",
            "instance_id",
            "score",
            "evidence",
        ] {
            assert!(keys.contains(&key), "{key} missing from {json}");
        }
        assert_eq!(json["check"], "repo_scope");
        assert_eq!(json["severity"], "warn");
        assert_eq!(json["evidence"]["matched"], "myorg/django");
        assert_eq!(json["evidence"]["span"], serde_json::json!([3, 15]));
        let back: Hit = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, hit);
        let names: Vec<String> = Check::ALL.iter().map(|c| c.to_string()).collect();
        assert_eq!(names[7], "in_trace_leak");
        assert_eq!(Check::RepoScope.severity(true), Severity::Drop);
    }

    #[test]
    fn clip_keeps_char_boundaries() {
        assert_eq!(clip("héllo", 2), "h…");
        assert_eq!(clip("short", 10), "short");
    }
}
