//! Counts over a decontamination run: hits and sessions per check, and how many sessions are
//! hit, dropped, or barred from being `chosen`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::hit::{Check, Hit, Severity};

/// The totals of a run. `hits` is the `"summary"` object of the CLI's JSON: every check as a
/// key (zero included), its number of hits as the value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub hits: BTreeMap<Check, usize>,
    /// Sessions with at least one hit of each check.
    pub sessions: BTreeMap<Check, usize>,
    pub sessions_checked: usize,
    pub sessions_hit: usize,
    /// Sessions with at least one hit of severity drop.
    pub sessions_dropped: usize,
    pub sessions_never_chosen: usize,
}

impl Default for Summary {
    fn default() -> Self {
        let zero: BTreeMap<Check, usize> = Check::ALL.iter().map(|&c| (c, 0)).collect();
        Summary {
            hits: zero.clone(),
            sessions: zero,
            sessions_checked: 0,
            sessions_hit: 0,
            sessions_dropped: 0,
            sessions_never_chosen: 0,
        }
    }
}

impl Summary {
    /// Counts one checked session and its hits (possibly none).
    pub fn add_session(&mut self, hits: &[Hit]) {
        self.sessions_checked += 1;
        if hits.is_empty() {
            return;
        }
        self.sessions_hit += 1;
        let mut checks = BTreeSet::new();
        for hit in hits {
            *self.hits.entry(hit.check).or_default() += 1;
            checks.insert(hit.check);
        }
        for check in checks {
            *self.sessions.entry(check).or_default() += 1;
        }
        if hits.iter().any(|h| h.severity == Severity::Drop) {
            self.sessions_dropped += 1;
        }
        if hits.iter().any(|h| h.never_chosen) {
            self.sessions_never_chosen += 1;
        }
    }

    /// The summary of `hits` from `sessions_checked` sessions (hits grouped by session id, in
    /// any order).
    pub fn from_hits(hits: &[Hit], sessions_checked: usize) -> Summary {
        let mut by_session: BTreeMap<&str, Vec<Hit>> = BTreeMap::new();
        for hit in hits {
            by_session
                .entry(hit.session_id.as_str())
                .or_default()
                .push(hit.clone());
        }
        let mut summary = Summary::default();
        for session_hits in by_session.values() {
            summary.add_session(session_hits);
        }
        summary.sessions_checked = sessions_checked.max(by_session.len());
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decontam::hit::Evidence;

    fn hit(session: &str, check: Check, severity: Severity) -> Hit {
        Hit {
            session_id: session.into(),
            check,
            benchmark: "b".into(),
            instance_id: Some("i".into()),
            score: 1.0,
            evidence: Evidence::new("x", "y".into()),
            severity,
            never_chosen: check == Check::InTraceLeak,
        }
    }

    #[test]
    fn counts_hits_and_sessions_per_check() {
        let hits = vec![
            hit("a", Check::Identifier, Severity::Drop),
            hit("a", Check::Identifier, Severity::Drop),
            hit("b", Check::RepoScope, Severity::Warn),
            hit("b", Check::InTraceLeak, Severity::Warn),
        ];
        let summary = Summary::from_hits(&hits, 10);
        assert_eq!(summary.hits[&Check::Identifier], 2);
        assert_eq!(summary.sessions[&Check::Identifier], 1);
        assert_eq!(summary.hits[&Check::GoldPatch], 0);
        assert_eq!(summary.sessions_checked, 10);
        assert_eq!(summary.sessions_hit, 2);
        assert_eq!(summary.sessions_dropped, 1);
        assert_eq!(summary.sessions_never_chosen, 1);
        let json = serde_json::to_value(&summary).unwrap();
        assert_eq!(json["hits"].as_object().unwrap().len(), 8);
        assert_eq!(json["hits"]["problem_statement"], 0);
    }
}
