//! Hits per session: every matching step counted against its session, by the `session_id`
//! term ordinals of the fast field.
//!
//! A broad term matches steps of nearly every session (millions of steps in a million
//! sessions), so the counting is laid out for that case: a dense counter per ordinal while
//! collecting, each segment's sessions named from its ids held in memory (in ordinal, so id,
//! order), and the segments' lists, each sorted by session id, merged rather than hashed.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentReader};

use super::session_ids::{SegmentSessionIds, SessionIds};
use super::SessionHits;

/// Counts matching steps per session; the fruit is sorted by session id.
pub(crate) struct SessionCounter<'a> {
    pub(crate) ids: &'a SessionIds,
}

pub(crate) struct SegmentSessionCounter {
    column: Option<tantivy::columnar::StrColumn>,
    ids: Arc<SegmentSessionIds>,
    /// Hits per session term ordinal.
    counts: Vec<u32>,
}

impl Collector for SessionCounter<'_> {
    type Fruit = Vec<SessionHits>;
    type Child = SegmentSessionCounter;

    fn for_segment(&self, _: u32, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        let column = reader.fast_fields().str("session_id")?;
        let terms = column.as_ref().map_or(0, |c| c.dictionary().num_terms());
        Ok(SegmentSessionCounter {
            column,
            ids: self.ids.of(reader)?,
            counts: vec![0; terms],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        Ok(merge_sorted(fruits))
    }
}

impl SegmentCollector for SegmentSessionCounter {
    type Fruit = Vec<SessionHits>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(column) = &self.column {
            for ord in column.term_ords(doc) {
                self.counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        // Ordinals in order: dictionary order is id order.
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(ord, n)| SessionHits {
                session_id: self.ids.get(ord).to_string(),
                hits: u64::from(*n),
            })
            .collect()
    }
}

/// Merges lists sorted by session id into one, adding the hits of a session found in several
/// (a session's steps usually sit in one segment, but nothing guarantees it).
fn merge_sorted(mut lists: Vec<Vec<SessionHits>>) -> Vec<SessionHits> {
    // Pairwise, smallest first: n·log(k) comparisons for k lists.
    lists.sort_by_key(Vec::len);
    while lists.len() > 1 {
        let a = lists.remove(0);
        let b = lists.remove(0);
        let merged = merge_two(a, b);
        let at = lists.partition_point(|l| l.len() < merged.len());
        lists.insert(at, merged);
    }
    lists.pop().unwrap_or_default()
}

fn merge_two(a: Vec<SessionHits>, b: Vec<SessionHits>) -> Vec<SessionHits> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match x.session_id.cmp(&y.session_id) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next(),
                std::cmp::Ordering::Equal => {
                    let mut both = a.next().expect("peeked");
                    both.hits += b.next().expect("peeked").hits;
                    Some(both)
                }
            },
            (Some(_), None) => a.next(),
            (None, Some(_)) => b.next(),
            (None, None) => break,
        };
        out.extend(next);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(list: &[(&str, u64)]) -> Vec<SessionHits> {
        list.iter()
            .map(|(id, n)| SessionHits {
                session_id: id.to_string(),
                hits: *n,
            })
            .collect()
    }

    #[test]
    fn sorted_lists_merge_into_one_with_shared_sessions_added() {
        let merged = merge_sorted(vec![
            hits(&[("b", 1), ("d", 2), ("f", 1)]),
            hits(&[("a", 3)]),
            hits(&[("c", 1), ("d", 5), ("g", 2)]),
            hits(&[]),
        ]);
        assert_eq!(
            merged,
            hits(&[("a", 3), ("b", 1), ("c", 1), ("d", 7), ("f", 1), ("g", 2)])
        );
        assert!(merge_sorted(Vec::new()).is_empty());
    }
}
