//! Hits per session: every matching step counted against its session, by the `session_id`
//! term ordinals of the fast field.
//!
//! A broad term matches steps of nearly every session (millions of steps in a million
//! sessions), so the counting is laid out for that case: a dense counter per ordinal while
//! collecting, each segment's sessions named from its ids held in memory (in ordinal, so id,
//! order), the segments' lists, each sorted by session id, merged rather than hashed (ids
//! borrowed from those tables, not copied, until the final list), and a counting sort by hits.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentReader};

use super::session_ids::{SegmentSessionIds, SessionIds};
use super::SessionHits;

/// Counts matching steps per session; the fruit is every session with hits, most hits first
/// and then by id.
pub(crate) struct SessionCounter<'a> {
    pub(crate) ids: &'a SessionIds,
}

pub(crate) struct SegmentSessionCounter {
    column: Option<tantivy::columnar::StrColumn>,
    ids: Arc<SegmentSessionIds>,
    /// Hits per session term ordinal.
    counts: Vec<u32>,
}

/// One segment's sessions with hits, by term ordinal (so by id), named by its ids.
pub(crate) struct SegmentHits {
    ids: Arc<SegmentSessionIds>,
    hits: Vec<(u32, u32)>,
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

    fn merge_fruits(&self, segments: Vec<SegmentHits>) -> tantivy::Result<Self::Fruit> {
        // Ids are borrowed from the segments' tables until the final list is made.
        let lists = segments
            .iter()
            .map(|segment| {
                segment
                    .hits
                    .iter()
                    .map(|&(ord, n)| (segment.ids.get(ord as usize), u64::from(n)))
                    .collect()
            })
            .collect();
        Ok(most_hits_first(merge_sorted(lists))
            .into_iter()
            .map(|(id, hits)| SessionHits {
                session_id: id.to_string(),
                hits,
            })
            .collect())
    }
}

impl SegmentCollector for SegmentSessionCounter {
    type Fruit = SegmentHits;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(column) = &self.column {
            for ord in column.term_ords(doc) {
                self.counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        let hits = self
            .counts
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .map(|(ord, n)| (ord as u32, *n))
            .collect();
        SegmentHits {
            ids: self.ids,
            hits,
        }
    }
}

/// A session id with its hits.
type Counted<'a> = (&'a str, u64);

/// Merges lists sorted by session id into one, adding the hits of a session found in several
/// (a session's steps usually sit in one segment, but nothing guarantees it).
fn merge_sorted(mut lists: Vec<Vec<Counted<'_>>>) -> Vec<Counted<'_>> {
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

fn merge_two<'a>(a: Vec<Counted<'a>>, b: Vec<Counted<'a>>) -> Vec<Counted<'a>> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => match x.0.cmp(y.0) {
                std::cmp::Ordering::Less => a.next(),
                std::cmp::Ordering::Greater => b.next(),
                std::cmp::Ordering::Equal => {
                    let (id, n) = a.next().expect("peeked");
                    Some((id, n + b.next().expect("peeked").1))
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

/// A list sorted by id reordered by hits, most first, ids in order among equals: a counting
/// sort (hits per session are small numbers), stable and linear.
fn most_hits_first(by_id: Vec<Counted<'_>>) -> Vec<Counted<'_>> {
    let Some(most) = by_id.iter().map(|&(_, n)| n).max() else {
        return by_id;
    };
    if most > by_id.len() as u64 {
        // Few sessions with many hits each: a comparison sort is the smaller one.
        let mut sorted = by_id;
        sorted.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        return sorted;
    }
    // starts[k]: where sessions with `most - k` hits begin.
    let mut starts = vec![0usize; most as usize + 2];
    for &(_, n) in &by_id {
        starts[(most - n) as usize + 1] += 1;
    }
    for k in 1..starts.len() {
        starts[k] += starts[k - 1];
    }
    let mut sorted = vec![("", 0); by_id.len()];
    for entry in by_id {
        let slot = &mut starts[(most - entry.1) as usize];
        sorted[*slot] = entry;
        *slot += 1;
    }
    sorted
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits<'a>(list: &[(&'a str, u64)]) -> Vec<Counted<'a>> {
        list.to_vec()
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

    #[test]
    fn most_hits_first_keeps_ids_in_order_among_equals() {
        let by_id = hits(&[("a", 1), ("b", 3), ("c", 1), ("d", 2), ("e", 3), ("f", 1)]);
        let want = hits(&[("b", 3), ("e", 3), ("d", 2), ("a", 1), ("c", 1), ("f", 1)]);
        assert_eq!(most_hits_first(by_id), want);
        // Hits far above the number of sessions take the comparison sort, to the same order.
        let few = hits(&[("a", 7), ("b", 900), ("c", 7)]);
        assert_eq!(
            most_hits_first(few),
            hits(&[("b", 900), ("a", 7), ("c", 7)])
        );
        assert!(most_hits_first(Vec::new()).is_empty());
    }
}
