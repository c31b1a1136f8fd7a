//! Plant tests: benchmark material planted in generated traces. Each check must find its
//! plant, and clean traces must raise nothing.
//!
//! These tests use [`FIXTURE`], three hand-made instances with every optional field, so they
//! never depend on files outside the repository. The same planting, at scale and against
//! SWE-bench Verified, is measured in `evaluation`.

use chrono::{DateTime, Utc};

use super::{check, Check, Corpus, Hit, Options, Severity, TextKind, TraceView};

/// Three hand-made instances with `test_patch`, `FAIL_TO_PASS` and `created_at`.
pub(super) const FIXTURE: &str = r#"{"benchmark": "fixture", "instance_id": "acmelib__widgets-101", "repo": "acmelib/widgets", "base_commit": "7c2f0a9e4b1d3c5e6f7a8b9c0d1e2f3a4b5c6d7e", "created_at": "2022-03-01T12:00:00Z", "FAIL_TO_PASS": "[\"tests/test_layout.py::test_nested_grid_spacing\"]", "problem_statement": "Nested grid layouts ignore the spacing of the inner grid\nWhen a `Grid` is placed inside another `Grid`, the inner grid's `spacing` argument is silently replaced by the outer one. I expected each grid to keep its own spacing, since the documentation says spacing is a per-container setting. Minimal example: build an outer grid with spacing four, add an inner grid with spacing twelve, and render both; the inner cells end up four pixels apart instead of twelve.", "patch": "diff --git a/widgets/layout.py b/widgets/layout.py\n--- a/widgets/layout.py\n+++ b/widgets/layout.py\n@@ -40,7 +40,9 @@ class Grid(Container):\n     def arrange(self, parent_spacing=None):\n-        spacing = parent_spacing or self.spacing\n+        spacing = self.spacing if self.spacing is not None else parent_spacing\n+        for child in self.children:\n+            child.arrange(parent_spacing=spacing)\n         return self._place_cells(spacing)\n", "test_patch": "diff --git a/tests/test_layout.py b/tests/test_layout.py\n--- a/tests/test_layout.py\n+++ b/tests/test_layout.py\n@@ -1,3 +1,9 @@\n+def test_nested_grid_spacing():\n+    outer = Grid(spacing=4)\n+    inner = Grid(spacing=12)\n+    outer.add(inner)\n+    outer.arrange()\n+    assert inner.effective_spacing == 12\n"}
{"benchmark": "fixture", "instance_id": "parsekit__parsekit-2047", "repo": "parsekit/parsekit", "base_commit": "e4d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1", "created_at": "2023-07-15T08:30:00Z", "problem_statement": "Tokenizer drops the final line when the input has no trailing newline. Reading a file whose last line lacks a newline character returns one token fewer than expected, because the loop that flushes the pending buffer only runs when it sees the newline. Files written by some editors on Windows never end with a newline, so their last statement is lost without any warning.", "patch": "diff --git a/parsekit/tokenize.py b/parsekit/tokenize.py\n--- a/parsekit/tokenize.py\n+++ b/parsekit/tokenize.py\n@@ -88,6 +88,8 @@ def tokenize(stream):\n             pending.append(char)\n+    if pending:\n+        yield Token(kind='LINE', text=''.join(pending), line=line_number)\n     yield Token(kind='EOF', text='', line=line_number)\n"}
{"benchmark": "fixture", "instance_id": "numcore__numcore-9", "repo": "numcore/numcore", "base_commit": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c", "problem_statement": "The weighted median returns the wrong element for even-length arrays whose weights sum to an odd total, because the cumulative sum is compared with half the total using integer division, which rounds the midpoint down.", "patch": "diff --git a/numcore/stats.py b/numcore/stats.py\n--- a/numcore/stats.py\n+++ b/numcore/stats.py\n@@ -12,4 +12,4 @@ def weighted_median(values, weights):\n-    half = sum(weights) // 2\n+    half = sum(weights) / 2.0\n"}
"#;

/// A generated session that owns its text.
pub(super) struct Plant {
    pub id: String,
    pub repo: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub texts: Vec<(TextKind, String)>,
}

impl Plant {
    pub fn new(id: &str) -> Plant {
        Plant {
            id: id.into(),
            repo: None,
            started_at: None,
            texts: Vec::new(),
        }
    }

    pub fn with(mut self, kind: TextKind, text: impl Into<String>) -> Plant {
        self.texts.push((kind, text.into()));
        self
    }

    pub fn view(&self) -> TraceView<'_> {
        TraceView {
            session_id: &self.id,
            repo: self.repo.as_deref(),
            started_at: self.started_at,
            texts: self
                .texts
                .iter()
                .map(|(k, t)| super::TraceText::new(*k, t))
                .collect(),
        }
    }
}

pub(super) fn date(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// Reindents a patch's `-`/`+` lines into `str_replace` arguments for `path`, with `indent`
/// in front of every line (the agent's own formatting, not the patch's).
pub(super) fn as_edit(path: &str, removed: &[&str], added: &[&str], indent: &str) -> String {
    let join = |lines: &[&str]| -> String {
        lines
            .iter()
            .map(|l| format!("{indent}{}", l.trim_start()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    serde_json::json!({"command": "str_replace", "path": format!("/testbed/{path}"),
        "old_str": join(removed), "new_str": join(added)})
    .to_string()
}

/// Splits a gold patch into two `str_replace` edits with different indentation: the first half
/// of its changed lines re-indented by four spaces, the rest by a tab (each edit names the
/// file of its first line).
pub(super) fn two_edits(patch: &str) -> [String; 2] {
    let mut path = "";
    let mut changes: Vec<(&str, char, &str)> = Vec::new();
    let mut in_header = false;
    for line in patch.lines() {
        if let Some(rest) = line.strip_prefix("diff --git a/") {
            path = rest.split(" b/").next().unwrap_or(rest);
            in_header = true;
        } else if line.starts_with("@@") {
            in_header = false;
        } else if !in_header {
            if let Some(code) = line.strip_prefix('+') {
                changes.push((path, '+', code));
            } else if let Some(code) = line.strip_prefix('-') {
                changes.push((path, '-', code));
            }
        }
    }
    let half = changes.len().div_ceil(2);
    let edit = |part: &[(&str, char, &str)], indent: &str| {
        let path = part.first().map_or("", |c| c.0);
        let pick = |sign| {
            part.iter()
                .filter(|c| c.1 == sign)
                .map(|c| c.2)
                .collect::<Vec<_>>()
        };
        as_edit(path, &pick('-'), &pick('+'), indent)
    };
    [edit(&changes[..half], "    "), edit(&changes[half..], "\t")]
}

/// Generic agent chatter about an unrelated project.
pub(super) fn chatter(seed: u64) -> Vec<(TextKind, String)> {
    const LINES: [&str; 8] = [
        "I'll start by exploring the repository structure to understand the layout.",
        "Let me run the test suite to see what is failing before changing anything.",
        "The configuration loader reads the YAML file and merges environment overrides.",
        "I updated the handler so that empty payloads return a 400 with a helpful message.",
        "All tests pass now; the fix was in how the cache key was built from the request.",
        "Looking at the traceback, the error comes from the serializer's validate method.",
        "Next I will add a regression test that covers the empty list case.",
        "The migration adds an index on the created column to speed up the listing query.",
    ];
    let pick = |k: u64| LINES[((seed.wrapping_mul(31) + k) % LINES.len() as u64) as usize];
    vec![
        (TextKind::Message, pick(0).into()),
        (TextKind::ToolInput, "{\"command\": \"ls -la && python -m pytest -q\"}".into()),
        (TextKind::ToolResult, "README.md\nsetup.py\nsrc/\ntests/\n..........\n42 passed in 3.21s".into()),
        (TextKind::Message, format!("{} {}", pick(1), pick(2))),
        (
            TextKind::Edit,
            "{\"path\": \"/repo/src/app/handlers.py\", \"old_str\": \"    return process(payload)\", \
             \"new_str\": \"    if not payload:\\n        raise BadRequest('empty payload')\\n    return process(payload)\"}"
                .into(),
        ),
        (TextKind::Message, pick(3).into()),
    ]
}

fn hits_of(corpus: &Corpus, plant: &Plant, options: &Options) -> Vec<Hit> {
    check(corpus, &plant.view(), options)
}

fn names(hits: &[Hit], check: Check) -> Vec<String> {
    hits.iter()
        .filter(|h| h.check == check)
        .map(|h| h.instance_id.clone().unwrap_or_else(|| h.benchmark.clone()))
        .collect()
}

fn fixture() -> Corpus {
    Corpus::from_jsonl("fixture", FIXTURE).unwrap()
}

fn widgets() -> super::Instance {
    fixture().instances()[0].clone()
}

#[test]
fn the_fixture_reads_with_every_optional_field() {
    let corpus = fixture();
    assert_eq!(corpus.len(), 3);
    let first = &corpus.instances()[0];
    assert_eq!(
        first.fail_to_pass.as_deref(),
        Some(&["tests/test_layout.py::test_nested_grid_spacing".to_string()][..])
    );
    assert!(first.test_patch.is_some() && first.created_at.is_some());
}

#[test]
fn a_clean_trace_raises_nothing() {
    let mut plant = Plant::new("clean");
    plant.texts = chatter(1);
    plant.repo = Some("acme/widgets-extra".into());
    plant.started_at = Some(date("2023-01-01T00:00:00Z"));
    plant.texts.push((
        TextKind::Message,
        "see https://github.com/acme/widgets/issues/101 and acme__widgets-101".into(),
    ));
    plant.texts.push((
        TextKind::ToolResult,
        "commit 7c2f0a9e4b1 (11 digits)\nDate: Mon Jan 6 14:25:36 2020 +0100".into(),
    ));
    let options = Options {
        after: Some(date("2024-01-01T00:00:00Z")),
        ..Options::default()
    };
    assert_eq!(hits_of(&fixture(), &plant, &options), vec![]);
}

#[test]
fn each_check_finds_its_plant_in_the_fixture() {
    let corpus = fixture();
    let widgets = widgets();
    let options = Options::default();
    let [first, second] = two_edits(&widgets.patch);
    let markdown = format!(
        "## Task\n\n> **{}**",
        widgets
            .problem_statement
            .to_uppercase()
            .replace(". ", ".\n- ")
    );
    let test_edit = as_edit(
        "tests/test_layout.py",
        &[],
        &widgets
            .test_patch
            .as_deref()
            .unwrap()
            .lines()
            .filter_map(|l| l.strip_prefix('+').filter(|l| !l.starts_with("++")))
            .collect::<Vec<_>>(),
        "",
    );
    let cases: Vec<(Check, Plant)> = vec![
        (
            Check::Identifier,
            Plant::new("url").with(
                TextKind::Message,
                "logs at https://ci.example.org/runs/acmelib__widgets-101/trajectory.json",
            ),
        ),
        (
            Check::Identifier,
            Plant::new("log").with(
                TextKind::ToolResult,
                "$ git log -1\ncommit 7c2f0a9e4b1d3c5e6f7a8b9c0d1e2f3a4b5c6d7e\nAuthor: A <a@b.c>",
            ),
        ),
        (
            Check::Identifier,
            Plant::new("image").with(
                TextKind::ToolInput,
                "docker run sweb.eval.x86_64.acmelib_1776_widgets-101:latest",
            ),
        ),
        (
            Check::Identifier,
            Plant::new("pr").with(
                TextKind::Message,
                "Upstream fix: HTTPS://GITHUB.COM/AcmeLib/Widgets/pull/101",
            ),
        ),
        (
            Check::ProblemStatement,
            Plant::new("paste").with(TextKind::Message, markdown),
        ),
        (
            Check::GoldPatch,
            Plant::new("edits")
                .with(TextKind::Edit, first)
                .with(TextKind::Edit, second),
        ),
        (
            Check::TestPatch,
            Plant::new("tests").with(TextKind::Edit, test_edit),
        ),
    ];
    for (expected, plant) in cases {
        let hits = hits_of(&corpus, &plant, &options);
        assert_eq!(
            names(&hits, expected),
            ["acmelib__widgets-101"],
            "{}: {hits:#?}",
            plant.id
        );
    }
}

#[test]
fn repository_checks_and_strict_mode() {
    let corpus = fixture();
    let mut plant = Plant::new("fork").with(
        TextKind::Edit,
        as_edit("widgets/layout.py", &[], &["pass  # tweak"], ""),
    );
    plant.repo = Some("https://github.com/myorg/widgets.git".into());
    plant.started_at = Some(date("2022-06-01T00:00:00Z"));
    let hits = hits_of(&corpus, &plant, &Options::default());
    assert_eq!(names(&hits, Check::RepoScope), ["fixture"]);
    assert_eq!(hits[0].score, 0.5);
    assert_eq!(names(&hits, Check::FilesTouched), ["acmelib__widgets-101"]);
    assert_eq!(names(&hits, Check::TimeCutoff), ["acmelib__widgets-101"]);
    assert!(hits.iter().all(|h| h.severity == Severity::Warn));

    let strict = Options {
        strict: true,
        ..Options::default()
    };
    assert!(hits_of(&corpus, &plant, &strict)
        .iter()
        .all(|h| h.severity == Severity::Drop));

    // Before the issue was opened and with the cutoff before the session: nothing in time.
    plant.started_at = Some(date("2022-01-01T00:00:00Z"));
    assert!(names(
        &hits_of(&corpus, &plant, &Options::default()),
        Check::TimeCutoff
    )
    .is_empty());
    plant.repo = Some("numcore/numcore".into());
    let after = Options {
        after: Some(date("2022-02-01T00:00:00Z")),
        ..Options::default()
    };
    assert_eq!(
        names(&hits_of(&corpus, &plant, &after), Check::TimeCutoff),
        ["fixture"]
    );
    plant.started_at = Some(date("2022-03-01T00:00:00Z"));
    assert!(names(&hits_of(&corpus, &plant, &after), Check::TimeCutoff).is_empty());
}

#[test]
fn leaks_are_future_commits_and_fixes_shown_before_they_are_written() {
    let corpus = fixture();
    let widgets = widgets();
    let options = Options::default();
    let log = "commit 1111111aaaaaaa\nDate:   Tue Mar 8 10:00:00 2022 +0000\n\n    later\n\n\
               commit 7c2f0a9e4b1d3c5e\nDate:   Mon Feb 7 10:00:00 2022 +0000\n";
    let plant = Plant::new("log")
        .with(TextKind::Message, "task acmelib__widgets-101")
        .with(TextKind::ToolResult, log);
    let hits = hits_of(&corpus, &plant, &options);
    let leak: Vec<&Hit> = hits
        .iter()
        .filter(|h| h.check == Check::InTraceLeak)
        .collect();
    assert_eq!(leak.len(), 1, "{hits:#?}");
    assert!(leak[0].never_chosen && leak[0].severity == Severity::Warn);
    assert!(
        leak[0]
            .evidence
            .detail
            .contains("acmelib__widgets-101 was opened"),
        "{}",
        leak[0].evidence.detail
    );

    let [first, second] = two_edits(&widgets.patch);
    let shown_first = Plant::new("peek")
        .with(TextKind::Message, "task acmelib__widgets-101")
        .with(
            TextKind::ToolResult,
            format!("$ git show origin/fix\n{}", widgets.patch),
        )
        .with(TextKind::Edit, first.clone())
        .with(TextKind::Edit, second.clone());
    let hits = hits_of(&corpus, &shown_first, &options);
    let leak: Vec<&Hit> = hits
        .iter()
        .filter(|h| h.check == Check::InTraceLeak)
        .collect();
    assert_eq!(leak.len(), 1, "{hits:#?}");
    assert_eq!(leak[0].severity, Severity::Drop);

    // Both leaks in one session: one hit, the stronger.
    let both = shown_first.with(TextKind::ToolResult, log);
    let hits = hits_of(&corpus, &both, &options);
    let leak: Vec<&Hit> = hits
        .iter()
        .filter(|h| h.check == Check::InTraceLeak)
        .collect();
    assert_eq!(leak.len(), 1, "{hits:#?}");
    assert_eq!(leak[0].severity, Severity::Drop);

    let own_work = Plant::new("diff")
        .with(TextKind::Message, "task acmelib__widgets-101")
        .with(TextKind::Edit, first)
        .with(TextKind::Edit, second)
        .with(
            TextKind::ToolResult,
            format!("$ git diff\n{}", widgets.patch),
        );
    assert!(names(&hits_of(&corpus, &own_work, &options), Check::InTraceLeak).is_empty());
    let unnamed = Plant::new("unnamed").with(TextKind::ToolResult, widgets.patch.clone());
    assert!(hits_of(&corpus, &unnamed, &options).is_empty());
}
