//! The `identifier` check: names that only a benchmark task would put in a trace, matched
//! exactly and case-insensitively anywhere in any text.
//!
//! - instance ids (`django__django-11099`), as words of their own or inside paths and URLs;
//! - SWE-bench image names (`sweb.eval.x86_64.django__django-11099`, and the official images'
//!   spelling `sweb.eval.x86_64.django_1776_django-11099`);
//! - the GitHub issue and pull request URLs derived from the id
//!   (`github.com/django/django/issues/11099`, `/pull/11099`);
//! - base commits: a run of 12 to 40 hex digits that is a prefix of an instance's base commit.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::hit::{Check, Evidence, Hit};
use super::instance::Instance;
use super::trace::TraceView;

/// Shorter hex runs are too likely to be something else (a colour, a short hash of another
/// repository); 12 digits is what `git log --abbrev=12` and most tools print.
const MIN_COMMIT_DIGITS: usize = 12;

/// The identifiers of every instance, lower-case.
pub(super) struct IdentifierIndex {
    ids: HashMap<String, Vec<u32>>,
    /// `owner/name` → issue or PR number → instances.
    threads: HashMap<String, HashMap<u64, Vec<u32>>>,
    /// The first 12 hex digits of a base commit, as a number → instances.
    commits: HashMap<u64, Vec<u32>>,
    base_commits: Vec<String>,
}

impl IdentifierIndex {
    pub(super) fn build(instances: &[Instance]) -> IdentifierIndex {
        let mut index = IdentifierIndex {
            ids: HashMap::new(),
            threads: HashMap::new(),
            commits: HashMap::new(),
            base_commits: Vec::new(),
        };
        for (i, instance) in instances.iter().enumerate() {
            let i = i as u32;
            let id = instance.instance_id.to_ascii_lowercase();
            index.ids.entry(id).or_default().push(i);
            if let Some(number) = instance.number() {
                let repo = instance.repo.to_ascii_lowercase();
                let numbers = index.threads.entry(repo).or_default();
                numbers.entry(number).or_default().push(i);
            }
            let commit = instance.base_commit.to_ascii_lowercase();
            if let Some(key) = commit_key(&commit) {
                index.commits.entry(key).or_default().push(i);
            }
            index.base_commits.push(commit);
        }
        index
    }

    /// Calls `found(instances, kind, start, end)` for every identifier in `lowered` (a text
    /// with ASCII letters lower-cased, so byte offsets are the original's).
    fn scan(&self, lowered: &str, mut found: impl FnMut(&[u32], &'static str, usize, usize)) {
        let bytes = lowered.as_bytes();
        let mut key = String::new();
        for separator in ["__", "_1776_"] {
            for (at, _) in lowered.match_indices(separator) {
                let owner_start = at - run_before(&bytes[..at], is_owner_byte);
                if owner_start == at {
                    continue;
                }
                let rest_start = at + separator.len();
                let rest_len = bytes[rest_start..]
                    .iter()
                    .take_while(|&&b| is_owner_byte(b) || b == b'_' || b == b'.')
                    .count();
                let rest = &lowered[rest_start..rest_start + rest_len];
                for end in number_ends(rest) {
                    key.clear();
                    key.push_str(&lowered[owner_start..at]);
                    key.push_str("__");
                    key.push_str(&rest[..end]);
                    if let Some(hits) = self.ids.get(&key) {
                        let before = &lowered[owner_start.saturating_sub(24)..owner_start];
                        let image = separator != "__" || before.contains("sweb.eval.");
                        let kind = if image {
                            "SWE-bench image name"
                        } else {
                            "instance id"
                        };
                        found(hits, kind, owner_start, rest_start + end);
                        break;
                    }
                }
            }
        }
        for (at, _) in lowered.match_indices("github.com/") {
            if let Some((repo, kind, number, end)) = thread_url(&lowered[at + 11..]) {
                let hits = self.threads.get(repo).and_then(|n| n.get(&number));
                if let Some(hits) = hits {
                    let start = url_start(lowered, at);
                    found(hits, kind, start, at + 11 + end);
                }
            }
        }
        hex_runs(bytes, |start, end| {
            let run = &lowered[start..end];
            let hits = commit_key(run).and_then(|k| self.commits.get(&k));
            for &instance in hits.into_iter().flatten() {
                if self.base_commits[instance as usize].starts_with(run) {
                    found(&[instance], "base commit", start, end);
                }
            }
        });
    }
}

/// Calls `found(start, end)` for every word of `MIN_COMMIT_DIGITS` to 40 lower-case hex
/// digits in `bytes`. Looks at one byte in twelve where there is no hex: a byte that is not a
/// hex digit cannot be inside a 12-digit run, so the next run must start after it.
fn hex_runs(bytes: &[u8], mut found: impl FnMut(usize, usize)) {
    let is_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let mut i = 0;
    while i + MIN_COMMIT_DIGITS <= bytes.len() {
        let probe = i + MIN_COMMIT_DIGITS - 1;
        if !is_hex(bytes[probe]) {
            i = probe + 1;
            continue;
        }
        // Everything before `i` is behind a non-hex byte, so the run starts at `i` or later.
        let mut start = probe;
        while start > i && is_hex(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = probe + 1;
        while end < bytes.len() && is_hex(bytes[end]) {
            end += 1;
        }
        let alone = (start == 0 || !bytes[start - 1].is_ascii_alphanumeric())
            && bytes.get(end).is_none_or(|b| !b.is_ascii_alphanumeric());
        if alone && (MIN_COMMIT_DIGITS..=40).contains(&(end - start)) {
            found(start, end);
        }
        i = end + 1;
    }
}

/// The first 12 hex digits of `text` as a number, if they are all hex digits (the rest is
/// checked against the full commit).
fn commit_key(text: &str) -> Option<u64> {
    let head = text.get(..MIN_COMMIT_DIGITS)?;
    if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(head, 16).ok()
}

fn is_owner_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn run_before(bytes: &[u8], keep: impl Fn(u8) -> bool) -> usize {
    bytes.iter().rev().take_while(|&&b| keep(b)).count()
}

/// The ends of each `-<digits>` in `rest` that is followed by no further digit, shortest
/// first: the places an instance id could end.
fn number_ends(rest: &str) -> impl Iterator<Item = usize> + '_ {
    let bytes = rest.as_bytes();
    (1..=bytes.len()).filter(move |&end| {
        bytes[end - 1].is_ascii_digit() && bytes.get(end).is_none_or(|b| !b.is_ascii_digit()) && {
            let digits = run_before(&bytes[..end], |b| b.is_ascii_digit());
            end > digits && bytes[end - digits - 1] == b'-'
        }
    })
}

/// Reads `[repos/]owner/name/(issues|pull|pulls)/<number>` after `github.com/`: the repo, the
/// kind of evidence, the number, and where the number ends.
fn thread_url(rest: &str) -> Option<(&str, &'static str, u64, usize)> {
    let offset = if rest.starts_with("repos/") { 6 } else { 0 };
    let path = &rest[offset..];
    let owner = path.bytes().take_while(|&b| is_owner_byte(b)).count();
    let after_owner = path.get(owner..)?.strip_prefix('/')?;
    let name = after_owner
        .bytes()
        .take_while(|&b| is_owner_byte(b) || b == b'_' || b == b'.')
        .count();
    let repo_len = owner + 1 + name;
    let after_repo = path.get(repo_len..)?.strip_prefix('/')?;
    let (kind, skip) = [
        ("issues/", "issue URL"),
        ("pull/", "pull request URL"),
        ("pulls/", "pull request URL"),
    ]
    .into_iter()
    .find_map(|(prefix, kind)| {
        after_repo
            .starts_with(prefix)
            .then_some((kind, prefix.len()))
    })?;
    let digits_at = repo_len + 1 + skip;
    let digits = path[digits_at..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    if owner == 0 || name == 0 || digits == 0 {
        return None;
    }
    let number = path[digits_at..digits_at + digits].parse().ok()?;
    Some((&path[..repo_len], kind, number, offset + digits_at + digits))
}

/// Where the URL around `github.com/` at `at` starts (its scheme and `www.` included).
fn url_start(lowered: &str, at: usize) -> usize {
    let mut start = at;
    for prefix in ["www.", "api.", "https://", "http://"] {
        if lowered[..start].ends_with(prefix) {
            start -= prefix.len();
        }
    }
    start
}

/// Runs the check over every text of `trace`: one hit per instance named, its evidence the
/// first identifier found; returns the hits and the instances they name (for `in_trace_leak`).
pub(super) fn find(
    index: &IdentifierIndex,
    instances: &[Instance],
    trace: &TraceView<'_>,
    strict: bool,
) -> (Vec<Hit>, Vec<u32>) {
    struct Found {
        evidence: Evidence,
        kinds: BTreeSet<&'static str>,
    }
    let mut found: BTreeMap<u32, Found> = BTreeMap::new();
    let mut lowered = String::new();
    for (text_index, text) in trace.texts.iter().enumerate() {
        lowered.clear();
        lowered.push_str(text.text);
        lowered.make_ascii_lowercase();
        index.scan(&lowered, |hits, kind, start, end| {
            for &instance in hits {
                let entry = found.entry(instance).or_insert_with(|| Found {
                    evidence: Evidence::located(text.text, text_index, start, end, String::new()),
                    kinds: BTreeSet::new(),
                });
                entry.kinds.insert(kind);
            }
        });
    }
    let named: Vec<u32> = found.keys().copied().collect();
    let hits = found
        .into_iter()
        .map(|(i, mut f)| {
            let instance = &instances[i as usize];
            let kinds: Vec<&str> = f.kinds.into_iter().collect();
            f.evidence.detail = format!("{} of {}", kinds.join(", "), instance.instance_id);
            Hit::on_instance(
                trace.session_id,
                Check::Identifier,
                instance,
                1.0,
                f.evidence,
                strict,
            )
        })
        .collect();
    (hits, named)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(id: &str, repo: &str, commit: &str) -> Instance {
        Instance {
            benchmark: "b".into(),
            instance_id: id.into(),
            repo: repo.into(),
            base_commit: commit.into(),
            problem_statement: String::new(),
            patch: String::new(),
            test_patch: None,
            fail_to_pass: None,
            created_at: None,
        }
    }

    fn kinds(text: &str) -> Vec<(u32, &'static str, String)> {
        let index = IdentifierIndex::build(&[
            instance(
                "django__django-11099",
                "django/django",
                "d16bfe05a744909de4b27f5875fe0d4ed41ce607",
            ),
            instance(
                "scikit-learn__scikit-learn-10297",
                "scikit-learn/scikit-learn",
                "b90661d6a46aa3619d3eec94d5281f5888add501",
            ),
        ]);
        let lowered = text.to_ascii_lowercase();
        let mut out = Vec::new();
        index.scan(&lowered, |hits, kind, start, end| {
            out.push((hits[0], kind, text[start..end].to_string()));
        });
        out
    }

    #[test]
    fn ids_inside_paths_urls_and_image_names() {
        assert_eq!(
            kinds("see /runs/Django__Django-11099/log.json"),
            [(0, "instance id", "Django__Django-11099".into())]
        );
        assert_eq!(
            kinds("docker pull swebench/sweb.eval.x86_64.django_1776_django-11099:latest")[0].1,
            "SWE-bench image name"
        );
        assert_eq!(
            kinds("sweb.eval.x86_64.scikit-learn__scikit-learn-10297")[0],
            (
                1,
                "SWE-bench image name",
                "scikit-learn__scikit-learn-10297".into()
            )
        );
        assert!(kinds("django__django-110990 and __init__ and a__b-1").is_empty());
    }

    #[test]
    fn issue_and_pull_urls_are_matched_case_insensitively() {
        let found = kinds("Fixed in HTTPS://GitHub.com/Django/django/pull/11099/files, see https://api.github.com/repos/django/django/issues/11099.");
        assert_eq!(
            found[0],
            (
                0,
                "pull request URL",
                "HTTPS://GitHub.com/Django/django/pull/11099".into()
            )
        );
        assert_eq!(found[1].1, "issue URL");
        assert!(kinds("https://github.com/acme/django/issues/11099 https://github.com/django/django/issues/110991").is_empty());
    }

    #[test]
    fn hex_runs_are_whole_words_of_12_to_40_digits() {
        let text = "x 0123456789ab 0123456789a 0123456789abz y0123456789ab 0123456789abcdef0123456789abcdef0123456789 ab-cdef01234567";
        let mut runs = Vec::new();
        hex_runs(text.as_bytes(), |s, e| runs.push(&text[s..e]));
        assert_eq!(runs, ["0123456789ab", "cdef01234567"]);
        let mut edge = Vec::new();
        hex_runs(b"0123456789ab", |s, e| edge.push((s, e)));
        assert_eq!(edge, [(0, 12)]);
    }

    #[test]
    fn base_commits_as_prefixes_of_12_or_more_digits() {
        assert_eq!(
            kinds("commit d16bfe05a744909de4b27f5875fe0d4ed41ce607\nAuthor: x")[0].1,
            "base commit"
        );
        assert_eq!(
            kinds("HEAD is now at D16BFE05A744 Fixed")[0].2,
            "D16BFE05A744"
        );
        assert!(kinds("d16bfe05a74 d16bfe05a744ff x_d16bfe05a744zz").is_empty());
    }
}
