//! The sessions a search matched, each with its number of matching steps.
//!
//! A broad term matches nearly every session of a large archive, so the list keeps ranks in
//! the index's in-memory id table (`session_ids`) rather than a `String` per session: the
//! search itself allocates nothing per session, and callers read ids as borrowed text.

use std::sync::Arc;

use serde::ser::{Serialize, Serializer};

use super::session_ids::IdTable;

/// One session with matching steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SessionHits<'a> {
    pub session_id: &'a str,
    pub hits: u64,
}

/// Every matching session, most hits first and then by id.
#[derive(Clone)]
pub struct SessionHitList {
    ids: Arc<IdTable>,
    /// (rank of the session's id in `ids`, hits), in the list's order.
    by_hits: Vec<(u32, u32)>,
}

impl SessionHitList {
    pub(crate) fn new(ids: Arc<IdTable>, by_hits: Vec<(u32, u32)>) -> SessionHitList {
        SessionHitList { ids, by_hits }
    }

    pub fn len(&self) -> usize {
        self.by_hits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_hits.is_empty()
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = SessionHits<'_>> + '_ {
        self.by_hits.iter().map(|&(rank, hits)| SessionHits {
            session_id: self.ids.get(rank),
            hits: u64::from(hits),
        })
    }

    /// Matching steps in all the sessions.
    pub fn total_hits(&self) -> u64 {
        self.by_hits.iter().map(|&(_, n)| u64::from(n)).sum()
    }

    /// The sessions' ids, in the list's order.
    pub fn session_ids(&self) -> Vec<String> {
        self.iter().map(|s| s.session_id.to_string()).collect()
    }
}

/// The sessions and their hits, not the whole id table behind them.
impl std::fmt::Debug for SessionHitList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for SessionHitList {
    fn eq(&self, other: &SessionHitList) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

/// A list of `{"session_id", "hits"}` objects.
impl Serialize for SessionHitList {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}
