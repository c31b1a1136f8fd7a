//! The session ids of the index, held in memory: every segment's ids merged into one sorted
//! list, and each segment's `session_id` term ordinals mapped to their place (rank) in it.
//!
//! A segment's `session_id` fast field keeps its ids in a dictionary of zstd-compressed blocks,
//! and Tantivy decompresses a block (with a new zstd context) every time one is read. Naming
//! the sessions of a search read most blocks of every segment on each search: a third of a
//! search's time. And with ranks shared across segments, a search adds up its segments' hits
//! in one array indexed by rank, already in id order, where it merged lists of strings before.
//! The table is built on the first search over a set of segments and kept while the set stays
//! (about 50 bytes per session).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::SegmentReader;

/// Ids stored end to end in one string: one allocation for a million.
#[derive(Debug, Default)]
struct IdList {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<usize>,
}

impl IdList {
    fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len());
    }

    fn len(&self) -> usize {
        self.ends.len()
    }

    fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[start..self.ends[i]]
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// Every session id of a searcher's segments, in order, with each segment's ordinals ranked.
#[derive(Debug, Default)]
pub(crate) struct IdTable {
    ids: IdList,
    /// Per segment: the rank of each of its term ordinals.
    ranks: HashMap<SegmentId, Arc<Vec<u32>>>,
}

impl IdTable {
    fn read(searcher: &tantivy::Searcher) -> tantivy::Result<IdTable> {
        // The segments' dictionaries (zstd blocks to inflate) read on every core.
        let segments = crate::parallel::map(searcher.segment_readers(), |reader| {
            Ok((reader.segment_id(), segment_ids(reader)?))
        })
        .into_iter()
        .collect::<tantivy::Result<Vec<_>>>()?;
        let lists: Vec<Vec<&str>> = segments
            .iter()
            .map(|(_, ids)| ids.iter().collect())
            .collect();
        let (unique, ranks) = union(lists);
        let mut ids = IdList {
            text: String::with_capacity(unique.iter().map(|id| id.len()).sum()),
            ends: Vec::with_capacity(unique.len()),
        };
        for id in unique {
            ids.push(id);
        }
        let ranks = segments
            .iter()
            .zip(ranks)
            .map(|((segment, _), ranks)| (*segment, Arc::new(ranks)))
            .collect();
        Ok(IdTable { ids, ranks })
    }

    /// How many distinct sessions the segments hold.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The id of rank `rank`.
    pub(crate) fn get(&self, rank: u32) -> &str {
        self.ids.get(rank as usize)
    }

    /// The ranks of `segment`'s ordinals (empty for a segment the table was not built with).
    pub(crate) fn ranks(&self, segment: SegmentId) -> Arc<Vec<u32>> {
        self.ranks.get(&segment).cloned().unwrap_or_default()
    }
}

/// A segment's ids in ordinal order.
fn segment_ids(reader: &SegmentReader) -> tantivy::Result<IdList> {
    let mut ids = IdList::default();
    let Some(column) = reader.fast_fields().str("session_id")? else {
        return Ok(ids);
    };
    let dictionary = column.dictionary();
    ids.ends.reserve(dictionary.num_terms());
    let mut stream = dictionary.stream()?;
    while stream.advance() {
        // Ids are written from Rust strings; anything else would not be an id.
        ids.push(std::str::from_utf8(stream.key()).unwrap_or_default());
    }
    Ok(ids)
}

/// The sorted union of lists each sorted without repeats, and each list's entries' places
/// in it (an id in several lists has one place).
fn union(lists: Vec<Vec<&str>>) -> (Vec<&str>, Vec<Vec<u32>>) {
    // Merged pairwise, smallest first (n·log k comparisons for k lists), each original list
    // following its entries through the merges.
    let mut ranks: Vec<Vec<u32>> = lists
        .iter()
        .map(|l| (0..l.len() as u32).collect())
        .collect();
    // The lists not merged yet: (ids, the original lists whose entries they hold).
    let mut pending: Vec<(Vec<&str>, Vec<usize>)> = lists
        .into_iter()
        .enumerate()
        .map(|(i, list)| (list, vec![i]))
        .collect();
    if pending.is_empty() {
        return (Vec::new(), ranks);
    }
    while pending.len() > 1 {
        pending.sort_by_key(|(ids, _)| std::cmp::Reverse(ids.len()));
        let (b, from_b) = pending.pop().expect("two lists");
        let (a, from_a) = pending.pop().expect("two lists");
        let (merged, place_a, place_b) = merge_two(&a, &b);
        for &i in &from_a {
            ranks[i].iter_mut().for_each(|r| *r = place_a[*r as usize]);
        }
        for &i in &from_b {
            ranks[i].iter_mut().for_each(|r| *r = place_b[*r as usize]);
        }
        pending.push((merged, [from_a, from_b].concat()));
    }
    (pending.pop().expect("one list").0, ranks)
}

/// Two sorted lists merged without repeats, with each entry's place in the result.
fn merge_two<'a>(a: &[&'a str], b: &[&'a str]) -> (Vec<&'a str>, Vec<u32>, Vec<u32>) {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let (mut place_a, mut place_b) = (Vec::with_capacity(a.len()), Vec::with_capacity(b.len()));
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let at = merged.len() as u32;
        match (a.get(i), b.get(j)) {
            (Some(x), Some(y)) if x == y => {
                merged.push(*x);
                place_a.push(at);
                place_b.push(at);
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x < y => {
                merged.push(*x);
                place_a.push(at);
                i += 1;
            }
            (Some(x), None) => {
                merged.push(*x);
                place_a.push(at);
                i += 1;
            }
            (_, Some(y)) => {
                merged.push(*y);
                place_b.push(at);
                j += 1;
            }
            (None, None) => unreachable!("the loop ends first"),
        }
    }
    (merged, place_a, place_b)
}

/// The table of the segments last searched.
#[derive(Debug, Default)]
pub(crate) struct SessionIds {
    built: Mutex<Option<(Vec<SegmentId>, Arc<IdTable>)>>,
}

impl SessionIds {
    /// The table for `searcher`'s segments, built now if they changed since the last search.
    pub(crate) fn of(&self, searcher: &tantivy::Searcher) -> tantivy::Result<Arc<IdTable>> {
        let segments: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        let mut built = self.built.lock().expect("ids lock");
        if let Some((for_segments, table)) = &*built {
            if *for_segments == segments {
                return Ok(table.clone());
            }
        }
        let table = Arc::new(IdTable::read(searcher)?);
        *built = Some((segments, table.clone()));
        Ok(table)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_unite_in_order_with_one_place_per_id() {
        let lists = vec![vec!["b", "d", "f"], vec!["a"], vec!["c", "d", "g"], vec![]];
        let (unique, ranks) = union(lists);
        assert_eq!(unique, ["a", "b", "c", "d", "f", "g"]);
        assert_eq!(ranks, vec![vec![1, 3, 4], vec![0], vec![2, 3, 5], vec![]]);
        let (none, no_ranks) = union(Vec::new());
        assert!(none.is_empty() && no_ranks.is_empty());
    }

    #[test]
    fn many_overlapping_lists_unite_as_a_sorted_set_would() {
        // Seven lists of ids drawn from 0..400, some shared, some in no list.
        let ids: Vec<String> = (0..400).map(|n| format!("id-{n:03}")).collect();
        let lists: Vec<Vec<&str>> = (0..7u64)
            .map(|k| {
                (0..400u64)
                    .filter(|n| (n * 2_654_435_761 + k * 97) % 5 == 0)
                    .map(|n| ids[n as usize].as_str())
                    .collect()
            })
            .collect();
        let want: std::collections::BTreeSet<&str> = lists.iter().flatten().copied().collect();
        let want: Vec<&str> = want.into_iter().collect();
        let (unique, ranks) = union(lists.clone());
        assert_eq!(unique, want);
        for (list, ranks) in lists.iter().zip(&ranks) {
            let named: Vec<&str> = ranks.iter().map(|&r| unique[r as usize]).collect();
            assert_eq!(&named, list);
        }
    }

    #[test]
    fn an_id_list_gives_back_what_was_pushed() {
        let mut ids = IdList::default();
        for id in ["abc", "", "defg"] {
            ids.push(id);
        }
        assert_eq!(ids.iter().collect::<Vec<_>>(), ["abc", "", "defg"]);
        assert_eq!(ids.get(2), "defg");
    }
}
