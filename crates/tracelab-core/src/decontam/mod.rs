//! Decontamination: finding the sessions of a trace archive that hold benchmark material
//! (SWE-bench and the like), so they stay out of training data.
//!
//! A [`Corpus`] holds every instance of the benchmark files given; [`check`] runs every check
//! over one session ([`TraceView`]) and returns a [`Hit`] per finding, each with its
//! [`Evidence`], a score and a [`Severity`]. [`Summary`] counts them. Each check is one file:
//!
//! | check | finds | file | severity |
//! | --- | --- | --- | --- |
//! | `identifier` | instance ids, issue/PR URLs, base commits, image names | `identifier.rs` | drop |
//! | `repo_scope` | a session on a benchmark repository, or a fork by name | `scope.rs` | warn |
//! | `problem_statement` | word 13-grams of a problem statement | `statement.rs` | drop |
//! | `gold_patch`, `test_patch` | the patch's added lines and token 10-grams in edits | `gold.rs` | drop |
//! | `files_touched` | edits to the gold patch's files on its repository | `scope.rs` | warn |
//! | `time_cutoff` | a session on a benchmark repository in the exposure window | `scope.rs` | warn |
//! | `in_trace_leak` | future commits, or the patch shown by a tool before it was written | `leak.rs` | warn / drop; never chosen |
//!
//! Strict mode turns every warning into a drop. The indexes are built once per corpus
//! (`corpus.rs`, `ngram.rs`); each session is then one pass over its words (`tokens.rs`,
//! `fingerprint.rs`) plus one over the code its edits add (`patch.rs`).
//!
//! ```
//! use tracelab_core::decontam::{check, Corpus, Options, Summary, TextKind, TraceView};
//! let jsonl = concat!(
//!     r#"{"instance_id": "psf__requests-2317", "repo": "psf/requests", "#,
//!     r#""base_commit": "091991be0da19de9108dbe5e3752917fea3d7fdc", "#,
//!     r#""problem_statement": "method = builtin_str(method) turns b'GET' into a literal", "#,
//!     r#""patch": "diff --git a/requests/sessions.py b/requests/sessions.py"}"#,
//! );
//! let corpus = Corpus::from_jsonl("swebench_lite", jsonl)?;
//! let mut trace = TraceView::new("session-1");
//! trace.repo = Some("https://github.com/myorg/requests");
//! trace.push(TextKind::ToolResult, "Cloning into /runs/psf__requests-2317 ...");
//! let hits = check(&corpus, &trace, &Options::default());
//! let checks: Vec<&str> = hits.iter().map(|h| h.check.as_str()).collect();
//! assert_eq!(checks, ["identifier", "repo_scope"]);
//! let mut summary = Summary::default();
//! summary.add_session(&hits);
//! println!("{}", serde_json::json!({"summary": summary.hits, "hits": hits}));
//! # Ok::<(), tracelab_core::decontam::CorpusError>(())
//! ```

mod corpus;
mod fingerprint;
mod gold;
mod hit;
mod identifier;
mod instance;
mod leak;
mod ngram;
mod patch;
mod scan;
mod scope;
mod statement;
mod summary;
mod tokens;
mod trace;

#[cfg(test)]
mod evaluation;
#[cfg(test)]
mod plants;

use chrono::{DateTime, Utc};

pub use corpus::Corpus;
pub use hit::{Check, Evidence, Hit, Severity};
pub use instance::{CorpusError, Instance};
pub use scan::{builtin, load_benchmarks, scan, view, BUILTIN};
pub use summary::Summary;
pub use trace::{TextKind, TraceText, TraceView};

use patch::Added;

/// How the checks decide.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// Words per n-gram for `problem_statement` (13). Smaller finds shorter quotes and more
    /// coincidences; 0 is taken as 1.
    pub ngram: usize,
    /// Code tokens per n-gram for `gold_patch` and `test_patch` (10).
    pub patch_ngram: usize,
    /// The share of a benchmark item (n-grams, lines, files) that makes a hit (0.5).
    pub threshold: f64,
    /// Drop sessions on warnings too (`repo_scope`, `files_touched`, `time_cutoff`, future
    /// commits).
    pub strict: bool,
    /// The cutoff of `time_cutoff` (`--after DATE`): sessions started at or after it are
    /// trusted as collected once the benchmark was settled (a training cutoff, the date
    /// collection was frozen). A session on a benchmark repository (or a fork) is flagged
    /// when it started before the cutoff and, for instances with `created_at`, after the
    /// instance's pull request was opened, so it may have met the issue or its fix. Without
    /// a cutoff only `created_at` bounds the window; with neither the check is silent.
    pub after: Option<DateTime<Utc>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            ngram: 13,
            patch_ngram: 10,
            threshold: 0.5,
            strict: false,
            after: None,
        }
    }
}

/// Runs every check over one session. Hits come ordered by check (in [`Check::ALL`] order),
/// then by corpus order. Builds the corpus's indexes for `options`' n-gram sizes on first use.
pub fn check(corpus: &Corpus, trace: &TraceView<'_>, options: &Options) -> Vec<Hit> {
    let indexes = corpus.indexes(options);
    let instances = corpus.instances();
    let mut hits = Vec::new();

    let (named_hits, named) =
        identifier::find(&indexes.identifiers, instances, trace, options.strict);
    hits.extend(named_hits);

    let repos = trace
        .repo
        .map(|repo| indexes.repos.matches(repo))
        .unwrap_or_default();
    hits.extend(scope::repo_scope(&repos, instances, trace, options.strict));

    let (quoted_hits, quoted) = statement::find(&indexes.statements, instances, trace, options);
    hits.extend(quoted_hits);

    let added: Vec<(usize, Added<'_>)> = trace
        .texts
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == TextKind::Edit)
        .map(|(i, t)| (i, Added::of(t.text, indexes.patch_ngram)))
        .collect();
    let edits: Vec<(usize, &Added<'_>)> = added.iter().map(|(i, a)| (*i, a)).collect();
    hits.extend(gold::find(
        &indexes.gold,
        Check::GoldPatch,
        instances,
        &edits,
        trace,
        options,
    ));
    hits.extend(gold::find(
        &indexes.tests,
        Check::TestPatch,
        instances,
        &edits,
        trace,
        options,
    ));

    let edited: Vec<String> = added
        .iter()
        .flat_map(|(_, a)| a.paths.iter().cloned())
        .collect();
    hits.extend(scope::files_touched(
        &repos,
        instances,
        &indexes.gold_files,
        &edited,
        trace,
        options,
    ));
    hits.extend(scope::time_cutoff(&repos, instances, trace, options));

    let mut candidates: Vec<u32> = named.into_iter().chain(quoted).collect();
    candidates.sort_unstable();
    candidates.dedup();
    hits.extend(leak::find(
        &indexes,
        instances,
        &candidates,
        trace,
        &edits,
        options,
    ));

    hits.sort_by_key(|h| h.check);
    hits
}
