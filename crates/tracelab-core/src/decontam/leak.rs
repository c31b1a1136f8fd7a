//! The `in_trace_leak` check: the environment showed the agent what it should not have seen
//! while working on a benchmark task. Such a session may never be the `chosen` side of a
//! preference pair: its success is not its own.
//!
//! Only instances the trace is known to work on are considered (named by an identifier, or
//! whose problem statement it holds): an ordinary session on Django reads code that contains
//! every merged fix, and that is not a leak.
//!
//! - Future commits: a tool result holding `git log` output (default, `--pretty=fuller`, or
//!   one line per commit with an ISO date) that lists, above the base commit if it is listed
//!   (below it is its own history), a commit dated after the instance's `created_at`, or,
//!   when that is unknown, after the base commit's own date. Warns (drops in strict mode).
//! - The fix itself: a tool result holding the gold (or test) patch at the threshold, before
//!   the agent's own edits had written it. Always drops: benchmark solution text is in the
//!   trace.

use chrono::{DateTime, NaiveDate, Utc};

use super::corpus::Indexes;
use super::gold::{score, PatchIndex};
use super::hit::{Check, Evidence, Hit, Severity};
use super::instance::Instance;
use super::patch::Added;
use super::trace::{TextKind, TraceView};
use super::Options;

/// One commit with a date in `git log` output.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Logged<'a> {
    pub sha: &'a str,
    pub date: DateTime<Utc>,
    /// The byte range of the line holding the date.
    pub start: usize,
    pub end: usize,
}

/// The dated commits listed in `text`, in order.
pub(super) fn logged_commits(text: &str) -> Vec<Logged<'_>> {
    let mut found = Vec::new();
    let mut current: Option<&str> = None;
    let mut offset = 0;
    for raw in text.split('\n') {
        let (start, end) = (offset, offset + raw.trim_end().len());
        offset += raw.len() + 1;
        let line = raw.trim();
        if let Some(rest) = line.strip_prefix("commit ") {
            current = hex_prefix(rest);
            continue;
        }
        let dated = ["Date:", "AuthorDate:", "CommitDate:"]
            .iter()
            .find_map(|label| line.strip_prefix(label));
        if let Some(rest) = dated {
            if let (Some(sha), Some(date)) = (current, git_date(rest)) {
                found.push(Logged {
                    sha,
                    date,
                    start,
                    end,
                });
            }
            continue;
        }
        // One line per commit: `<sha> <date> ...` (`--format='%h %ci %s'` and the like).
        if let Some(sha) = hex_prefix(line) {
            let rest = line[sha.len()..]
                .trim_start()
                .trim_start_matches(['(', '[']);
            let words: Vec<&str> = rest.split_whitespace().take(3).collect();
            let date = (1..=words.len())
                .rev()
                .find_map(|k| git_date(words[..k].join(" ").trim_end_matches([')', ']', ','])));
            if let Some(date) = date {
                found.push(Logged {
                    sha,
                    date,
                    start,
                    end,
                });
            }
        }
    }
    found
}

/// The leading run of 7 to 40 hex digits of `text`, followed by the end or a space.
fn hex_prefix(text: &str) -> Option<&str> {
    let digits = text.bytes().take_while(u8::is_ascii_hexdigit).count();
    let boundary = text[digits..]
        .chars()
        .next()
        .is_none_or(char::is_whitespace);
    ((7..=40).contains(&digits) && boundary).then(|| &text[..digits])
}

/// A date as `git log` prints it: default (`Mon Jan 6 14:25:36 2020 +0100`), ISO
/// (`2020-01-06 14:25:36 +0100`), strict ISO, RFC 2822, or a bare `YYYY-MM-DD`.
pub(super) fn git_date(text: &str) -> Option<DateTime<Utc>> {
    // The weekday is dropped: it adds nothing to the date, and chrono rejects a date whose
    // weekday disagrees, which would hide the commit.
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let weekday = words.first().is_some_and(|w| {
        let w = w.trim_end_matches(',');
        w.len() == 3 && w.bytes().all(|b| b.is_ascii_alphabetic())
    });
    if weekday {
        words.remove(0);
    }
    let text = words.join(" ");
    for format in [
        "%b %e %H:%M:%S %Y %z",
        "%Y-%m-%d %H:%M:%S %z",
        "%d %b %Y %H:%M:%S %z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(&text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(&text) {
        return Some(t.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok()?;
    Some(date.and_hms_opt(0, 0, 0)?.and_utc())
}

/// Runs the check for the instances in `candidates`; `edits` are what the trace's edit texts
/// add, in trace order.
pub(super) fn find(
    indexes: &Indexes,
    instances: &[Instance],
    candidates: &[u32],
    trace: &TraceView<'_>,
    edits: &[(usize, &Added<'_>)],
    options: &Options,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    if candidates.is_empty() {
        return hits;
    }
    let results: Vec<(usize, &str)> = trace
        .texts
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind == TextKind::ToolResult)
        .map(|(i, t)| (i, t.text))
        .collect();
    for &(text_index, text) in &results {
        let logged = logged_commits(text);
        if logged.is_empty() {
            continue;
        }
        for &c in candidates {
            if hits.iter().any(|h| names(h, &instances[c as usize])) {
                continue;
            }
            if let Some(hit) = future_commit(
                &instances[c as usize],
                &logged,
                text,
                text_index,
                trace,
                options,
            ) {
                hits.push(hit);
            }
        }
    }
    let n = indexes.patch_ngram;
    let shown: Vec<(usize, Added<'_>)> = results
        .iter()
        .map(|&(i, text)| (i, Added::of(text, n)))
        .collect();
    for (index, what) in [
        (&indexes.gold, "gold patch"),
        (&indexes.tests, "test patch"),
    ] {
        let written = first_written(index, candidates, edits, n, options.threshold);
        for (text_index, shown) in &shown {
            let text_index = *text_index;
            for found in score(index, &[(text_index, shown)], n, options.threshold) {
                let Ok(at) = candidates.binary_search(&found.instance) else {
                    continue;
                };
                if written[at].is_some_and(|edit| edit < text_index) {
                    continue;
                }
                let instance = &instances[found.instance as usize];
                if hits
                    .iter()
                    .any(|h| names(h, instance) && h.severity == Severity::Drop)
                {
                    continue;
                }
                // The fix on screen is the stronger evidence: it replaces a future-commit hit.
                hits.retain(|h| !names(h, instance));
                let mut evidence = found.evidence;
                evidence.detail = format!(
                    "a tool result shows {} of the {what} of {} before the agent's edits wrote it",
                    found.detail, instance.instance_id
                );
                let mut hit = Hit::on_instance(
                    trace.session_id,
                    Check::InTraceLeak,
                    instance,
                    found.score,
                    evidence,
                    options.strict,
                );
                hit.severity = Severity::Drop;
                hits.push(hit);
            }
        }
    }
    hits
}

/// Whether `hit` is about `instance` (of its benchmark: one instance may be in two).
fn names(hit: &Hit, instance: &Instance) -> bool {
    hit.benchmark == instance.benchmark && hit.instance_id.as_deref() == Some(&instance.instance_id)
}

/// For each candidate (in order), the index of the trace text whose edit, with the edits before
/// it, first adds the patch at the threshold.
fn first_written(
    index: &PatchIndex,
    candidates: &[u32],
    edits: &[(usize, &Added<'_>)],
    n: usize,
    threshold: f64,
) -> Vec<Option<usize>> {
    let mut written = vec![None; candidates.len()];
    for end in 1..=edits.len() {
        for found in score(index, &edits[..end], n, threshold) {
            if let Ok(at) = candidates.binary_search(&found.instance) {
                written[at].get_or_insert(edits[end - 1].0);
            }
        }
        if written.iter().all(Option::is_some) {
            break;
        }
    }
    written
}

/// A hit when `logged` lists a commit after the instance's snapshot.
fn future_commit(
    instance: &Instance,
    logged: &[Logged<'_>],
    text: &str,
    text_index: usize,
    trace: &TraceView<'_>,
    options: &Options,
) -> Option<Hit> {
    let is_base = |sha: &str| instance.base_commit.starts_with(&sha.to_ascii_lowercase());
    // `git log` lists newest first: what comes below the base commit is its history, however
    // its author dates fall (a patch written after the base but merged before it is no leak).
    let base_at = logged.iter().position(|l| is_base(l.sha));
    let above_base = &logged[..base_at.unwrap_or(logged.len())];
    let (cutoff, what) = match (instance.created_at, base_at) {
        (Some(created), _) => (created, format!("{} was opened", instance.instance_id)),
        (None, Some(at)) => {
            let short = &instance.base_commit[..12.min(instance.base_commit.len())];
            (
                logged[at].date,
                format!("base commit {short} of {}", instance.instance_id),
            )
        }
        (None, None) => return None,
    };
    let future: Vec<&Logged<'_>> = above_base.iter().filter(|l| l.date > cutoff).collect();
    let later = future.iter().max_by_key(|l| l.date)?;
    let count = future.len();
    let detail = format!(
        "git log lists {count} commit(s) dated after {what} ({}), latest {} on {}",
        cutoff.format("%Y-%m-%d"),
        later.sha,
        later.date.format("%Y-%m-%d")
    );
    let evidence = Evidence::located(text, text_index, later.start, later.end, detail);
    Some(Hit::on_instance(
        trace.session_id,
        Check::InTraceLeak,
        instance,
        1.0,
        evidence,
        options.strict,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "commit 0123456789abcdef0123456789abcdef01234567 (origin/main)\n\
        Author: Dev <dev@example.com>\nDate:   Tue Mar 3 10:00:00 2020 +0100\n\n    Later fix\n\n\
        commit d16bfe05a744909de4b27f5875fe0d4ed41ce607\nAuthor: Dev <dev@example.com>\n\
        Date:   Mon Jan 6 14:25:36 2020 +0100\n\n    The task's base\n";

    #[test]
    fn reads_dates_in_git_formats() {
        let expected = git_date("2020-01-06 13:25:36 +0000");
        assert!(expected.is_some());
        assert_eq!(git_date("Mon Jan 6 14:25:36 2020 +0100"), expected);
        assert_eq!(git_date("Mon  Jan  6 14:25:36 2020 +0100"), expected);
        assert_eq!(git_date("2020-01-06T14:25:36+01:00"), expected);
        assert_eq!(git_date("Mon, 6 Jan 2020 14:25:36 +0100"), expected);
        assert_eq!(git_date("Fri Jan 6 14:25:36 2020 +0100"), expected);
        assert!(git_date("3 days ago").is_none());
    }

    #[test]
    fn lists_commits_of_full_and_one_line_logs() {
        let logged = logged_commits(LOG);
        assert_eq!(logged.len(), 2);
        assert_eq!(logged[0].sha, "0123456789abcdef0123456789abcdef01234567");
        assert_eq!(
            &LOG[logged[1].start..logged[1].end],
            "Date:   Mon Jan 6 14:25:36 2020 +0100"
        );
        let oneline = logged_commits("a1b2c3d 2021-05-01 12:00:00 +0000 Fix it\nd16bfe0 (2020-01-06) base\nnot a commit 2020-01-01");
        assert_eq!(
            oneline.iter().map(|l| l.sha).collect::<Vec<_>>(),
            ["a1b2c3d", "d16bfe0"]
        );
    }

    #[test]
    fn commits_after_the_base_commit_are_future() {
        let mut instance = Instance {
            benchmark: "b".into(),
            instance_id: "django__django-11099".into(),
            repo: "django/django".into(),
            base_commit: "d16bfe05a744909de4b27f5875fe0d4ed41ce607".into(),
            problem_statement: String::new(),
            patch: String::new(),
            test_patch: None,
            fail_to_pass: None,
            created_at: None,
        };
        let trace = TraceView::new("s");
        let options = Options::default();
        let logged = logged_commits(LOG);
        let hit = future_commit(&instance, &logged, LOG, 3, &trace, &options).unwrap();
        assert!(hit.never_chosen);
        assert!(
            hit.evidence
                .detail
                .contains("after base commit d16bfe05a744"),
            "{}",
            hit.evidence.detail
        );
        assert_eq!(
            hit.evidence.matched,
            "Date:   Tue Mar 3 10:00:00 2020 +0100"
        );

        // History below the base commit is never the future, whatever its dates.
        let reordered = format!(
            "{}\n{}",
            &LOG[LOG.find("commit d16b").unwrap()..],
            &LOG[..LOG.find("commit d16b").unwrap()]
        );
        let below = logged_commits(&reordered);
        assert!(future_commit(&instance, &below, &reordered, 3, &trace, &options).is_none());

        instance.created_at = git_date("2020-04-01");
        assert!(future_commit(&instance, &logged, LOG, 3, &trace, &options).is_none());
        assert!(future_commit(&instance, &logged[1..], LOG, 3, &trace, &options).is_none());
    }
}
