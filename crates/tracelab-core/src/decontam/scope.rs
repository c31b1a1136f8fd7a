//! The checks that place a session near a benchmark without finding benchmark text in it:
//!
//! - `repo_scope`: the session's repository is a benchmark repository (score 1), or has the
//!   same name under another owner, as a fork does (score 0.5);
//! - `files_touched`: on such a repository, the session edited the files an instance's gold
//!   patch edits (score: the share of the gold patch's files edited);
//! - `time_cutoff`: on such a repository, the session ran when it could have met the
//!   benchmark's issues. An instance's `created_at` (when its pull request was opened) is
//!   the earliest such time: a session started after it on the same repository may have seen
//!   the issue, the discussion or the merged fix. `Options::after` is the latest: sessions
//!   started on or after it are trusted as collected once the benchmark was settled (your
//!   training cutoff, or the date you froze collection), so only sessions before it are
//!   flagged. With `after` and no `created_at`, every session before `after` on a benchmark
//!   repository is flagged; with neither, the check is silent.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use super::hit::{Check, Evidence, Hit};
use super::instance::Instance;
use super::patch::same_file;
use super::trace::TraceView;
use super::Options;

/// `owner/name` from the ways repositories are written: `Owner/Name`,
/// `https://github.com/owner/name.git`, `git@github.com:owner/name`, `github.com/owner/name/tree/main`.
/// Lower-case; the owner is `None` when only a name is given.
pub(super) fn normalize_repo(raw: &str) -> Option<(Option<String>, String)> {
    let mut text = raw.trim().to_ascii_lowercase();
    for scheme in ["https://", "http://", "ssh://", "git://", "git+ssh://"] {
        if let Some(rest) = text.strip_prefix(scheme) {
            text = rest.to_string();
        }
    }
    if let Some((user_host, path)) = text.split_once(':') {
        if user_host.contains('@') {
            text = format!("host/{path}");
        }
    }
    let mut parts: Vec<&str> = text.split('/').filter(|p| !p.is_empty()).collect();
    if parts.len() > 2 && (parts[0].contains('.') || parts[0] == "host" || parts[0].contains('@')) {
        parts.remove(0);
    }
    let strip = |name: &str| name.strip_suffix(".git").unwrap_or(name).to_string();
    match parts.as_slice() {
        [] => None,
        [name] => Some((None, strip(name))),
        [owner, name, ..] => Some((Some(owner.to_string()), strip(name))),
    }
}

/// Benchmark repositories by full name and by name alone.
pub(super) struct RepoIndex {
    by_repo: BTreeMap<String, Vec<u32>>,
    by_name: HashMap<String, Vec<String>>,
}

/// A benchmark repository a session's repository matches.
pub(super) struct RepoMatch<'a> {
    /// The benchmark repository, `owner/name`.
    pub repo: &'a str,
    /// 1 for the repository itself, 0.5 for the same name under another owner.
    pub score: f64,
    pub instances: &'a [u32],
}

impl RepoIndex {
    pub(super) fn build(instances: &[Instance]) -> RepoIndex {
        let mut by_repo: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (i, instance) in instances.iter().enumerate() {
            if let Some((Some(owner), name)) = normalize_repo(&instance.repo) {
                by_repo
                    .entry(format!("{owner}/{name}"))
                    .or_default()
                    .push(i as u32);
            }
        }
        let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
        for repo in by_repo.keys() {
            let name = repo.split_once('/').map_or(repo.as_str(), |(_, n)| n);
            by_name
                .entry(name.to_string())
                .or_default()
                .push(repo.clone());
        }
        RepoIndex { by_repo, by_name }
    }

    /// The benchmark repositories `session_repo` is, or is a fork of (by name).
    pub(super) fn matches(&self, session_repo: &str) -> Vec<RepoMatch<'_>> {
        let Some((owner, name)) = normalize_repo(session_repo) else {
            return Vec::new();
        };
        let Some(repos) = self.by_name.get(&name) else {
            return Vec::new();
        };
        repos
            .iter()
            .filter_map(|repo| {
                let (key, instances) = self.by_repo.get_key_value(repo)?;
                let same = owner
                    .as_deref()
                    .is_some_and(|o| key.split_once('/').map(|k| k.0) == Some(o));
                Some(RepoMatch {
                    repo: key,
                    score: if same { 1.0 } else { 0.5 },
                    instances,
                })
            })
            .collect()
    }
}

fn relation(found: &RepoMatch<'_>) -> String {
    if found.score >= 1.0 {
        format!("is benchmark repository {}", found.repo)
    } else {
        format!(
            "has the name of benchmark repository {} (a fork or a copy)",
            found.repo
        )
    }
}

/// Groups a repository's instances by benchmark, in corpus order.
fn by_benchmark<'a>(instances: &'a [Instance], ids: &[u32]) -> BTreeMap<&'a str, Vec<u32>> {
    let mut groups: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for &i in ids {
        groups
            .entry(&instances[i as usize].benchmark)
            .or_default()
            .push(i);
    }
    groups
}

/// `repo_scope`: one hit per benchmark per matched repository.
pub(super) fn repo_scope(
    matches: &[RepoMatch<'_>],
    instances: &[Instance],
    trace: &TraceView<'_>,
    strict: bool,
) -> Vec<Hit> {
    let session_repo = trace.repo.unwrap_or_default();
    let mut hits = Vec::new();
    for found in matches {
        for (benchmark, ids) in by_benchmark(instances, found.instances) {
            let detail = format!(
                "session repository {session_repo} {} ({} instances of {benchmark})",
                relation(found),
                ids.len()
            );
            let evidence = Evidence::new(session_repo, detail);
            hits.push(Hit::on_benchmark(
                trace.session_id,
                Check::RepoScope,
                benchmark,
                found.score,
                evidence,
                strict,
            ));
        }
    }
    hits
}

/// `files_touched`: instances on a matched repository whose gold patch files the session's
/// edits cover to at least `options.threshold`.
pub(super) fn files_touched(
    matches: &[RepoMatch<'_>],
    instances: &[Instance],
    gold_files: &[Vec<String>],
    edited: &[String],
    trace: &TraceView<'_>,
    options: &Options,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    if edited.is_empty() {
        return hits;
    }
    for found in matches {
        for &i in found.instances {
            let files = &gold_files[i as usize];
            let touched: Vec<&str> = files
                .iter()
                .filter(|gold| edited.iter().any(|e| same_file(e, gold)))
                .map(String::as_str)
                .collect();
            if touched.is_empty() {
                continue;
            }
            let share = touched.len() as f64 / files.len() as f64;
            if share + 1e-9 < options.threshold {
                continue;
            }
            let instance = &instances[i as usize];
            let detail = format!(
                "edits {} of the {} file(s) the gold patch of {} edits, on {}",
                touched.len(),
                files.len(),
                instance.instance_id,
                found.repo
            );
            let evidence = Evidence::new(&touched.join(", "), detail);
            hits.push(Hit::on_instance(
                trace.session_id,
                Check::FilesTouched,
                instance,
                share,
                evidence,
                options.strict,
            ));
        }
    }
    hits
}

/// `time_cutoff`: one hit per benchmark per matched repository when the session started in
/// the window described in the module documentation.
pub(super) fn time_cutoff(
    matches: &[RepoMatch<'_>],
    instances: &[Instance],
    trace: &TraceView<'_>,
    options: &Options,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    let Some(started) = trace.started_at else {
        return hits;
    };
    if options.after.is_some_and(|after| started >= after) {
        return hits;
    }
    let day = |t: DateTime<Utc>| t.format("%Y-%m-%d").to_string();
    let before_cutoff = options
        .after
        .map(|after| format!(", before the cutoff {}", day(after)))
        .unwrap_or_default();
    for found in matches {
        for (benchmark, ids) in by_benchmark(instances, found.instances) {
            let opened: Vec<&Instance> = ids
                .iter()
                .map(|&i| &instances[i as usize])
                .filter(|i| i.created_at.is_some_and(|c| c <= started))
                .collect();
            let undated = ids
                .iter()
                .any(|&i| instances[i as usize].created_at.is_none());
            if let Some(latest) = opened.iter().max_by_key(|i| i.created_at) {
                let detail = format!(
                    "session started {} on {}, after {} {benchmark} issue(s) there were opened (latest {} on {}){before_cutoff}",
                    day(started),
                    found.repo,
                    opened.len(),
                    latest.instance_id,
                    latest.created_at.map(day).unwrap_or_default()
                );
                let evidence = Evidence::new(&started.to_rfc3339(), detail);
                hits.push(Hit::on_instance(
                    trace.session_id,
                    Check::TimeCutoff,
                    latest,
                    found.score,
                    evidence,
                    options.strict,
                ));
            } else if undated && options.after.is_some() {
                let detail = format!(
                    "session started {} on {} ({benchmark}){before_cutoff}",
                    day(started),
                    found.repo
                );
                let evidence = Evidence::new(&started.to_rfc3339(), detail);
                hits.push(Hit::on_benchmark(
                    trace.session_id,
                    Check::TimeCutoff,
                    benchmark,
                    found.score,
                    evidence,
                    options.strict,
                ));
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_in_every_spelling() {
        let full = Some((Some("django".to_string()), "django".to_string()));
        for raw in [
            "django/django",
            "Django/Django",
            "https://github.com/django/django.git",
            "git@github.com:django/django.git",
            "github.com/django/django/tree/main",
            " https://github.com/django/django/ ",
        ] {
            assert_eq!(normalize_repo(raw), full, "{raw}");
        }
        assert_eq!(normalize_repo("django"), Some((None, "django".to_string())));
        assert_eq!(normalize_repo(""), None);
    }

    fn index() -> RepoIndex {
        let instance = |repo: &str| Instance {
            benchmark: "b".into(),
            instance_id: "x__y-1".into(),
            repo: repo.into(),
            base_commit: String::new(),
            problem_statement: String::new(),
            patch: String::new(),
            test_patch: None,
            fail_to_pass: None,
            created_at: None,
        };
        RepoIndex::build(&[
            instance("django/django"),
            instance("psf/requests"),
            instance("django/django"),
        ])
    }

    #[test]
    fn same_repository_forks_and_strangers() {
        let index = index();
        let same = index.matches("https://github.com/Django/django");
        assert_eq!(
            (same[0].repo, same[0].score, same[0].instances),
            ("django/django", 1.0, &[0u32, 2][..])
        );
        let fork = index.matches("myorg/django");
        assert_eq!((fork[0].repo, fork[0].score), ("django/django", 0.5));
        assert!(index.matches("myorg/django-extensions").is_empty());
        assert!(index.matches("acme/webshop").is_empty());
    }
}
