//! Hits per session: every matching step counted against its session, by the `session_id`
//! term ordinals of the fast field.
//!
//! A broad term matches steps of nearly every session (millions of steps in a million
//! sessions), so the counting is laid out for that case: a dense counter per ordinal while
//! collecting each segment; the segments' counts added up in one array by the sessions' ranks
//! in the index-wide id table (`session_ids`), which leaves them in id order (or, when few
//! sessions matched, the segments' short lists merged); then a counting sort by hits. Ids stay
//! in the table: the fruit names sessions by rank.

use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentReader};

use super::session_ids::IdTable;
use super::SessionHitList;

/// Counts matching steps per session; the fruit is every session with hits, most hits first
/// and then by id.
pub(crate) struct SessionCounter {
    /// The ids of the segments searched.
    pub(crate) ids: Arc<IdTable>,
}

pub(crate) struct SegmentSessionCounter {
    column: Option<tantivy::columnar::StrColumn>,
    /// The rank of each term ordinal in the id table.
    ranks: Arc<Vec<u32>>,
    /// Hits per session term ordinal.
    counts: Vec<u32>,
}

impl Collector for SessionCounter {
    type Fruit = SessionHitList;
    type Child = SegmentSessionCounter;

    fn for_segment(&self, _: u32, reader: &SegmentReader) -> tantivy::Result<Self::Child> {
        let column = reader.fast_fields().str("session_id")?;
        let terms = column.as_ref().map_or(0, |c| c.dictionary().num_terms());
        let ranks = self.ids.ranks(reader.segment_id());
        if ranks.len() != terms {
            return Err(tantivy::TantivyError::InternalError(
                "the session id table does not match the segment searched".into(),
            ));
        }
        Ok(SegmentSessionCounter {
            column,
            ranks,
            counts: vec![0; terms],
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<Vec<(u32, u32)>>) -> tantivy::Result<Self::Fruit> {
        let by_id = add_up(segments, self.ids.len());
        Ok(SessionHitList::new(
            self.ids.clone(),
            most_hits_first(by_id),
        ))
    }
}

/// The segments' (rank, hits) lists, each by rank, added up into one list by rank.
fn add_up(segments: Vec<Vec<(u32, u32)>>, ranks: usize) -> Vec<(u32, u32)> {
    let entries: usize = segments.iter().map(Vec::len).sum();
    if entries < ranks / 16 {
        // Few sessions matched: the lists are merged (a stable sort merges sorted runs), not
        // spread over an array of every session.
        let mut all = segments.concat();
        all.sort_by_key(|&(rank, _)| rank);
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(all.len());
        for (rank, n) in all {
            match merged.last_mut() {
                Some(last) if last.0 == rank => last.1 += n,
                _ => merged.push((rank, n)),
            }
        }
        return merged;
    }
    let mut hits = vec![0u32; ranks];
    for segment in segments {
        for (rank, n) in segment {
            hits[rank as usize] += n;
        }
    }
    hits.into_iter()
        .enumerate()
        .filter(|(_, n)| *n > 0)
        .map(|(rank, n)| (rank as u32, n))
        .collect()
}

impl SegmentCollector for SegmentSessionCounter {
    /// (rank, hits) of the segment's sessions with hits, by rank.
    type Fruit = Vec<(u32, u32)>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(column) = &self.column {
            for ord in column.term_ords(doc) {
                self.counts[ord as usize] += 1;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        // Ordinals in order are ranks in order.
        self.counts
            .iter()
            .zip(self.ranks.iter())
            .filter(|(n, _)| **n > 0)
            .map(|(n, rank)| (*rank, *n))
            .collect()
    }
}

/// A list in id order reordered by hits, most first, ids in order among equals: a counting
/// sort (hits per session are small numbers), stable and linear.
fn most_hits_first<K: Copy + Default>(by_id: Vec<(K, u32)>) -> Vec<(K, u32)> {
    let Some(most) = by_id.iter().map(|&(_, n)| n).max() else {
        return by_id;
    };
    if most as usize > by_id.len() {
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
    let mut sorted = vec![(K::default(), 0); by_id.len()];
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

    #[test]
    fn most_hits_first_keeps_ids_in_order_among_equals() {
        let by_id = vec![("a", 1), ("b", 3), ("c", 1), ("d", 2), ("e", 3), ("f", 1)];
        let want = vec![("b", 3), ("e", 3), ("d", 2), ("a", 1), ("c", 1), ("f", 1)];
        assert_eq!(most_hits_first(by_id), want);
        // Hits far above the number of sessions take the comparison sort, to the same order.
        let few = vec![("a", 7), ("b", 900), ("c", 7)];
        assert_eq!(most_hits_first(few), vec![("b", 900), ("a", 7), ("c", 7)]);
        assert!(most_hits_first(Vec::<(&str, u32)>::new()).is_empty());
    }

    #[test]
    fn segments_add_up_by_rank_whether_merged_or_spread() {
        let segments = vec![vec![(2, 1), (9, 4)], vec![], vec![(0, 3), (2, 2), (40, 1)]];
        let want = vec![(0, 3), (2, 3), (9, 4), (40, 1)];
        // Five entries among 1,000 sessions are merged; among 50, spread over an array.
        assert_eq!(add_up(segments.clone(), 1_000), want);
        assert_eq!(add_up(segments, 50), want);
        assert!(add_up(Vec::new(), 10).is_empty());
    }
}
