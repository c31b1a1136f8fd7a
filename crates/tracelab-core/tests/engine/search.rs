//! Full-text search: syntax, highlighting, grouping, filters, and a stale index.

use tracelab_core::archive::Archive;
use tracelab_core::progress::{CancelToken, Silent};
use tracelab_core::record::Trajectory;
use tracelab_core::search::{self, Searcher};

use super::{export_to, import_into, sample};

fn trajectories(archive: &Archive) -> Vec<Trajectory> {
    archive.trajectories().flat_map(Result::unwrap).collect()
}

#[test]
fn terms_phrases_booleans_scopes_and_prefixes() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 200, 12);
    let all = trajectories(&archive);
    let searcher = Searcher::open(&archive).unwrap();

    // A phrase, counted independently: steps whose content holds it, and their sessions.
    let steps = |needle: &str| {
        all.iter()
            .flat_map(|t| &t.events)
            .filter(|e| e.content.as_deref().is_some_and(|c| c.contains(needle)))
            .count() as u64
    };
    let r = searcher.search("\"overloaded_error\"", None, 5).unwrap();
    assert_eq!(r.total_hits, steps("overloaded_error"));
    assert!(r.total_hits > 0);
    let sessions_with_error = all
        .iter()
        .filter(|t| t.session.outcome.as_deref() == Some("error"))
        .count() as u64;
    assert_eq!(r.total_sessions, sessions_with_error);

    let grep = searcher.search("tool_name:bash AND grep", None, 3).unwrap();
    assert!(grep.total_hits > 0);
    assert!(grep
        .hits
        .iter()
        .all(|h| h.tool_name.as_deref() == Some("bash")));

    let wall = searcher.search("\"wall-clock limit\"", None, 3).unwrap();
    let either = searcher
        .search("\"overloaded_error\" OR \"wall-clock limit\"", None, 3)
        .unwrap();
    assert!(either.total_hits >= r.total_hits.max(wall.total_hits));
    // A bare term ORed with a phrase matches the union of the two.
    let word = searcher.search("UnicodeDecodeError", None, 3).unwrap();
    let mixed = searcher
        .search("UnicodeDecodeError OR \"wall-clock limit\"", None, 3)
        .unwrap();
    assert!(word.total_hits > 0 && wall.total_hits > 0);
    assert!(mixed.total_hits >= word.total_hits.max(wall.total_hits));
    assert!(mixed.total_hits <= word.total_hits + wall.total_hits);

    // Prefixes: `overl*` expands to the indexed terms starting with it (overloaded, ...).
    let prefix = searcher.search("overl*", None, 5).unwrap();
    let exact = searcher.search("overloaded", None, 5).unwrap();
    assert!(exact.total_hits > 0);
    assert!(
        prefix.total_hits >= exact.total_hits,
        "{} < {}",
        prefix.total_hits,
        exact.total_hits
    );
    assert!(prefix.hits.iter().all(|h| !h.highlights.is_empty()));
    let scoped = searcher
        .search("content:overl* AND kind:error", None, 5)
        .unwrap();
    assert!(scoped.total_hits > 0 && scoped.total_hits <= prefix.total_hits);
    assert_eq!(searcher.search("zzqx*", None, 5).unwrap().total_hits, 0);
    assert!(searcher.search("role:ass*", None, 5).is_err());

    let not = searcher.search("passed -failed", None, 3).unwrap();
    assert!(not.hits.iter().all(|h| !h.snippet.contains("failed")));

    let scoped = searcher
        .search(
            "role:tool AND kind:tool_result AND \"exit code 127\"",
            None,
            3,
        )
        .unwrap();
    assert!(
        scoped.total_hits > 0
            && scoped
                .hits
                .iter()
                .all(|h| h.role.as_deref() == Some("tool"))
    );
    let input = searcher.search("tool_input:start_line", None, 3).unwrap();
    assert!(input
        .hits
        .iter()
        .all(|h| h.field == "tool_input" && h.kind.as_deref() == Some("tool_call")));

    assert!(
        searcher.search("\"unclosed", None, 3).is_err()
            || searcher.search("AND AND (", None, 3).is_err()
    );
    assert!(searcher.search("nosuchfield:x", None, 3).is_err());
}

#[test]
fn snippets_highlight_the_match_and_hits_group_by_session() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 150, 13);
    let searcher = Searcher::open(&archive).unwrap();
    let r = searcher.search("regression", None, 10).unwrap();
    assert!(!r.hits.is_empty());
    for hit in &r.hits {
        assert!(!hit.highlights.is_empty(), "{hit:?}");
        for (start, end) in &hit.highlights {
            assert_eq!(hit.snippet[*start..*end].to_lowercase(), "regression");
        }
    }
    let sessions: Vec<_> = r.sessions.iter().collect();
    assert_eq!(sessions.iter().map(|s| s.hits).sum::<u64>(), r.total_hits);
    assert!(sessions.windows(2).all(|w| w[0].hits >= w[1].hits));
}

#[test]
fn search_combines_with_a_filter() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 200, 14);
    let all = trajectories(&archive);
    let codex: Vec<String> = all
        .iter()
        .filter(|t| t.session.model.as_deref() == Some("gpt-5-codex"))
        .map(|t| t.session.session_id.clone())
        .collect();
    let searcher = Searcher::open(&archive).unwrap();
    let r = searcher.search("\"passed in\"", Some(&codex), 50).unwrap();
    assert!(r.total_sessions > 0);
    assert!(r
        .sessions
        .iter()
        .all(|s| codex.iter().any(|c| c == s.session_id)));
    let everything = searcher.search("\"passed in\"", None, 50).unwrap();
    assert!(everything.total_sessions > r.total_sessions);
    assert_eq!(
        searcher
            .search("\"passed in\"", Some(&[]), 5)
            .unwrap()
            .total_hits,
        0
    );
}

/// A 60-session archive, and 40 more sessions exported as canonical JSONL to import into it.
fn archive_and_more(dir: &std::path::Path) -> (Archive, std::path::PathBuf) {
    let first = sample(dir, 60, 15);
    let extra = sample(dir, 40, 16);
    let jsonl = dir.join("extra.jsonl");
    export_to(&extra, &jsonl);
    (Archive::open(first.root()).unwrap(), jsonl)
}

#[test]
fn a_stale_or_missing_index_is_brought_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let (mut archive, jsonl) = archive_and_more(dir.path());
    let before = Searcher::open(&archive)
        .unwrap()
        .search("\"Running the tests\"", None, 1)
        .unwrap();
    import_into(&mut archive, &[jsonl]);
    assert_eq!(search::stale_parts(&archive).len(), 1);
    let after = Searcher::open(&archive)
        .unwrap()
        .search("\"Running the tests\"", None, 1)
        .unwrap();
    assert_eq!(after.total_sessions, before.total_sessions + 40);
    assert!(search::stale_parts(&archive).is_empty());
    // Deleting the index loses nothing: it is rebuilt from events.
    std::fs::remove_dir_all(archive.root().join(search::SEARCH_DIR)).unwrap();
    let rebuilt = Searcher::open(&archive)
        .unwrap()
        .search("\"Running the tests\"", None, 1)
        .unwrap();
    assert_eq!(rebuilt.total_hits, after.total_hits);
    let (_, added) = search::update(&archive, true, &Silent, &CancelToken::new()).unwrap();
    assert_eq!(added, archive.manifest().counts.events);
}

#[test]
fn hits_per_session_add_up_across_segments_most_first_then_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let (mut archive, jsonl) = archive_and_more(dir.path());
    // The first import's index, then the second import's steps added to it: two segments.
    Searcher::open(&archive).unwrap();
    import_into(&mut archive, &[jsonl]);
    let searcher = Searcher::open(&archive).unwrap();

    let needle = "running the tests";
    let mut want = std::collections::BTreeMap::new();
    for t in trajectories(&archive) {
        let n = t
            .events
            .iter()
            .filter(|e| {
                e.content
                    .as_deref()
                    .is_some_and(|c| c.to_lowercase().contains(needle))
            })
            .count() as u64;
        if n > 0 {
            want.insert(t.session.session_id.clone(), n);
        }
    }
    let r = searcher.search(&format!("\"{needle}\""), None, 1).unwrap();
    let got: std::collections::BTreeMap<String, u64> = r
        .sessions
        .iter()
        .map(|s| (s.session_id.to_string(), s.hits))
        .collect();
    assert_eq!(got, want);
    assert!(want.len() > 60, "both imports have hits");
    let sessions: Vec<_> = r.sessions.iter().collect();
    assert!(sessions
        .windows(2)
        .all(|w| w[0].hits > w[1].hits
            || (w[0].hits == w[1].hits && w[0].session_id < w[1].session_id)));
    // The second search names sessions from the ids the first one read into memory.
    let again = searcher.search(&format!("\"{needle}\""), None, 1).unwrap();
    assert_eq!(again.sessions, r.sessions);
    let all: std::collections::BTreeSet<String> = trajectories(&archive)
        .into_iter()
        .map(|t| t.session.session_id)
        .collect();
    let other = searcher.search("pytest", None, 1).unwrap();
    assert!(!other.sessions.is_empty());
    assert!(other.sessions.iter().all(|s| all.contains(s.session_id)));
}
