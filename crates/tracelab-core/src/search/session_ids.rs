//! The session ids of each index segment, by `session_id` term ordinal, held in memory.
//!
//! A segment's `session_id` fast field keeps its ids in a dictionary of zstd-compressed blocks,
//! and Tantivy decompresses a block (with a new zstd context) every time one is read. Resolving
//! the sessions of a search read most blocks of every segment on each search: a third of a
//! search's time. Each segment's ids are decompressed once, on the first search that needs
//! them, and kept for the searcher's life (about 40 bytes per session).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tantivy::index::SegmentId;
use tantivy::SegmentReader;

/// The ids of one segment, in ordinal (and so id) order.
#[derive(Debug, Default)]
pub(crate) struct SegmentSessionIds {
    text: String,
    /// Where each id ends in `text`.
    ends: Vec<u32>,
}

impl SegmentSessionIds {
    fn read(reader: &SegmentReader) -> tantivy::Result<Self> {
        let mut ids = SegmentSessionIds::default();
        let Some(column) = reader.fast_fields().str("session_id")? else {
            return Ok(ids);
        };
        let dictionary = column.dictionary();
        ids.ends.reserve(dictionary.num_terms());
        let mut stream = dictionary.stream()?;
        while stream.advance() {
            // Ids are written from Rust strings; anything else would not be an id.
            ids.text
                .push_str(std::str::from_utf8(stream.key()).unwrap_or_default());
            ids.ends.push(ids.text.len() as u32);
        }
        Ok(ids)
    }

    /// The id of term ordinal `ord`.
    pub(crate) fn get(&self, ord: usize) -> &str {
        let start = if ord == 0 {
            0
        } else {
            self.ends[ord - 1] as usize
        };
        &self.text[start..self.ends[ord] as usize]
    }
}

/// Every segment's ids read so far.
#[derive(Debug, Default)]
pub(crate) struct SessionIds {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentSessionIds>>>,
}

impl SessionIds {
    /// The ids of `reader`'s segment, read now if this is the first time.
    pub(crate) fn of(&self, reader: &SegmentReader) -> tantivy::Result<Arc<SegmentSessionIds>> {
        let id = reader.segment_id();
        if let Some(ids) = self.segments.lock().expect("ids lock").get(&id) {
            return Ok(ids.clone());
        }
        // Read outside the lock: the other segments are being searched at the same time.
        let ids = Arc::new(SegmentSessionIds::read(reader)?);
        self.segments
            .lock()
            .expect("ids lock")
            .insert(id, ids.clone());
        Ok(ids)
    }

    /// Forgets the segments `searcher` no longer has (merged away, or replaced by a rebuild).
    pub(crate) fn keep_only(&self, searcher: &tantivy::Searcher) {
        let live: std::collections::HashSet<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(SegmentReader::segment_id)
            .collect();
        self.segments
            .lock()
            .expect("ids lock")
            .retain(|id, _| live.contains(id));
    }
}
