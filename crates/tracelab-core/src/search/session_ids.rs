//! The session ids of the index, held in memory: every segment's ids merged into one sorted
//! list, and each segment's `session_id` term ordinals mapped to their place (rank) in it.
//!
//! A segment's `session_id` fast field keeps its ids in a dictionary of zstd-compressed blocks,
//! and Tantivy decompresses a block (with a new zstd context) every time one is read. Naming
//! the sessions of a search read most blocks of every segment on each search: a third of a
//! search's time. And with ranks shared across segments, a search adds up its segments' hits
//! in one array indexed by rank, already in id order, where it merged lists of strings before.
//! The table is built on the first search over a set of segments and kept while the set stays
//! (about 45 bytes per session).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::SegmentReader;

/// Every session id of a searcher's segments, in order, with each segment's ordinals ranked.
#[derive(Debug, Default)]
pub(crate) struct IdTable {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<u32>,
    /// Per segment: the rank of each of its term ordinals.
    ranks: HashMap<SegmentId, Arc<Vec<u32>>>,
}

impl IdTable {
    fn read(searcher: &tantivy::Searcher) -> tantivy::Result<IdTable> {
        // Each segment's dictionary read on its own thread (they are zstd blocks to inflate).
        let segments = std::thread::scope(|scope| {
            let reads: Vec<_> = searcher
                .segment_readers()
                .iter()
                .map(|reader| scope.spawn(move || Ok((reader.segment_id(), segment_ids(reader)?))))
                .collect();
            reads
                .into_iter()
                .map(|read| read.join().expect("reading session ids does not panic"))
                .collect::<tantivy::Result<Vec<_>>>()
        })?;
        let lists: Vec<Vec<&str>> = segments
            .iter()
            .map(|(_, (text, ends))| split(text, ends).collect())
            .collect();
        let (unique, ranks) = union(&lists);
        let mut table = IdTable {
            text: String::with_capacity(unique.iter().map(|id| id.len()).sum()),
            ends: Vec::with_capacity(unique.len()),
            ranks: HashMap::new(),
        };
        for id in unique {
            table.text.push_str(id);
            table.ends.push(table.text.len() as u32);
        }
        for ((segment, _), ranks) in segments.iter().zip(ranks) {
            table.ranks.insert(*segment, Arc::new(ranks));
        }
        Ok(table)
    }

    /// How many distinct sessions the segments hold.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// The id of rank `rank`.
    pub(crate) fn get(&self, rank: u32) -> &str {
        let rank = rank as usize;
        let start = if rank == 0 {
            0
        } else {
            self.ends[rank - 1] as usize
        };
        &self.text[start..self.ends[rank] as usize]
    }

    /// The ranks of `segment`'s ordinals (empty for a segment the table was not built with).
    pub(crate) fn ranks(&self, segment: SegmentId) -> Arc<Vec<u32>> {
        self.ranks.get(&segment).cloned().unwrap_or_default()
    }
}

/// A segment's ids in ordinal order, as one string and the end of each id in it.
fn segment_ids(reader: &SegmentReader) -> tantivy::Result<(String, Vec<usize>)> {
    let (mut text, mut ends) = (String::new(), Vec::new());
    let Some(column) = reader.fast_fields().str("session_id")? else {
        return Ok((text, ends));
    };
    let dictionary = column.dictionary();
    ends.reserve(dictionary.num_terms());
    let mut stream = dictionary.stream()?;
    while stream.advance() {
        // Ids are written from Rust strings; anything else would not be an id.
        text.push_str(std::str::from_utf8(stream.key()).unwrap_or_default());
        ends.push(text.len());
    }
    Ok((text, ends))
}

fn split<'a>(text: &'a str, ends: &'a [usize]) -> impl Iterator<Item = &'a str> + 'a {
    let starts = std::iter::once(0).chain(ends.iter().copied());
    starts.zip(ends.iter().copied()).map(|(a, b)| &text[a..b])
}

/// The sorted union of lists each sorted without repeats, and each list's entries' places
/// in it (an id in several lists has one place).
fn union<'a>(lists: &[Vec<&'a str>]) -> (Vec<&'a str>, Vec<Vec<u32>>) {
    // Merged pairwise, smallest first (n·log k comparisons for k lists), each original list
    // following its entries through the merges.
    let mut ranks: Vec<Vec<u32>> = lists
        .iter()
        .map(|l| (0..l.len() as u32).collect())
        .collect();
    // The lists not merged yet: (ids, the original lists whose entries they hold).
    let mut pending: Vec<(Vec<&str>, Vec<usize>)> = lists
        .iter()
        .enumerate()
        .map(|(i, list)| (list.clone(), vec![i]))
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
        let (unique, ranks) = union(&lists);
        assert_eq!(unique, ["a", "b", "c", "d", "f", "g"]);
        assert_eq!(ranks, vec![vec![1, 3, 4], vec![0], vec![2, 3, 5], vec![]]);
        let (none, no_ranks) = union(&[]);
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
        let (unique, ranks) = union(&lists);
        assert_eq!(unique, want);
        for (list, ranks) in lists.iter().zip(&ranks) {
            let named: Vec<&str> = ranks.iter().map(|&r| unique[r as usize]).collect();
            assert_eq!(&named, list);
        }
    }

    #[test]
    fn ids_split_at_their_ends() {
        let ends = [3, 3, 7];
        assert_eq!(
            split("abcdefg", &ends).collect::<Vec<_>>(),
            ["abc", "", "defg"]
        );
    }
}
