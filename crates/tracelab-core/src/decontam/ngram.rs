//! An inverted index from fingerprints (of n-grams or lines) to the benchmark instances that
//! contain them, built once per corpus and probed once per token of a trace.
//!
//! Almost every probe misses, so a bit filter sized at about sixteen bits per key answers most
//! of them from a few hundred kilobytes that stay in cache, before the hash table is touched.

use super::fingerprint::FingerprintMap;

/// Fingerprints shared by this many distinct instances or more are boilerplate (issue
/// templates, `return None`), not evidence of any one instance: they are left out of the index
/// and of every instance's total.
pub(super) const BOILERPLATE_INSTANCES: usize = 4;

/// Fingerprint → the instances holding it, with each instance's count of distinct indexed
/// fingerprints (the denominator of its score).
pub(super) struct NgramIndex {
    filter: Vec<u64>,
    filter_mask: u64,
    ids: FingerprintMap<u32>,
    /// `postings[starts[id]..starts[id + 1]]`: the instances (indexes into the corpus) holding
    /// fingerprint `id`, ascending.
    starts: Vec<u32>,
    postings: Vec<u32>,
    totals: Vec<u32>,
}

impl NgramIndex {
    /// Indexes `per_instance[i]`, the fingerprints of instance `i` (repeats allowed).
    /// `identity[i]` names the instance for the boilerplate rule, so that one instance listed
    /// by two benchmarks (Verified and Lite share 93) counts once.
    pub(super) fn build(per_instance: Vec<Vec<u64>>, identity: &[u32]) -> NgramIndex {
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        for (instance, mut prints) in per_instance.into_iter().enumerate() {
            prints.sort_unstable();
            prints.dedup();
            pairs.extend(prints.into_iter().map(|fp| (fp, instance as u32)));
        }
        pairs.sort_unstable();

        let mut totals = vec![0u32; identity.len()];
        let mut ids = FingerprintMap::default();
        let mut starts = vec![0u32];
        let mut postings = Vec::new();
        let mut owners: Vec<u32> = Vec::new();
        for group in pairs.chunk_by(|a, b| a.0 == b.0) {
            owners.clear();
            owners.extend(group.iter().map(|&(_, i)| identity[i as usize]));
            owners.sort_unstable();
            owners.dedup();
            if owners.len() >= BOILERPLATE_INSTANCES {
                continue;
            }
            ids.insert(group[0].0, (starts.len() - 1) as u32);
            for &(_, instance) in group {
                postings.push(instance);
                totals[instance as usize] += 1;
            }
            starts.push(postings.len() as u32);
        }

        let bits = (ids.len() * 16).next_power_of_two().max(1 << 16);
        let mut filter = vec![0u64; bits / 64];
        let filter_mask = bits as u64 - 1;
        for &fp in ids.keys() {
            let bit = (fp >> 7) & filter_mask;
            filter[(bit >> 6) as usize] |= 1 << (bit & 63);
        }
        NgramIndex {
            filter,
            filter_mask,
            ids,
            starts,
            postings,
            totals,
        }
    }

    /// The id of fingerprint `fp` if any instance holds it.
    #[inline]
    pub(super) fn lookup(&self, fp: u64) -> Option<u32> {
        // Bits 7 and up: the table's own slot choice leans on the low bits.
        let bit = (fp >> 7) & self.filter_mask;
        if self.filter[(bit >> 6) as usize] & (1 << (bit & 63)) == 0 {
            return None;
        }
        self.ids.get(&fp).copied()
    }

    /// The instances holding fingerprint `id`, ascending.
    pub(super) fn instances(&self, id: u32) -> &[u32] {
        let id = id as usize;
        &self.postings[self.starts[id] as usize..self.starts[id + 1] as usize]
    }

    /// How many distinct indexed fingerprints instance `instance` has.
    pub(super) fn total(&self, instance: u32) -> u32 {
        self.totals[instance as usize]
    }

    /// For a list of matched ids (repeats allowed; sorted and deduplicated in place), how many
    /// distinct ids each instance holds: `(instance, count)`, by instance.
    pub(super) fn tally(&self, ids: &mut Vec<u32>) -> Vec<(u32, u32)> {
        ids.sort_unstable();
        ids.dedup();
        let mut counts: Vec<(u32, u32)> = Vec::new();
        let mut seen: Vec<u32> = ids
            .iter()
            .flat_map(|&id| self.instances(id).iter().copied())
            .collect();
        seen.sort_unstable();
        for group in seen.chunk_by(|a, b| a == b) {
            counts.push((group[0], group.len() as u32));
        }
        counts
    }

    /// How many distinct fingerprints are indexed.
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.ids.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_owners_and_counts_distinct_prints() {
        let index = NgramIndex::build(vec![vec![10, 11, 11, 12], vec![12, 13]], &[0, 1]);
        assert_eq!(index.len(), 4);
        assert_eq!(index.total(0), 3);
        assert_eq!(index.total(1), 2);
        let twelve = index.lookup(12).unwrap();
        assert_eq!(index.instances(twelve), &[0, 1]);
        assert_eq!(index.lookup(99), None);
        let mut ids = vec![twelve, index.lookup(10).unwrap(), twelve];
        assert_eq!(index.tally(&mut ids), vec![(0, 2), (1, 1)]);
    }

    #[test]
    fn boilerplate_is_dropped_but_one_instance_in_two_benchmarks_counts_once() {
        let shared = vec![7u64, 8];
        let per_instance = vec![shared.clone(); 5];
        let index = NgramIndex::build(per_instance, &[0, 1, 2, 3, 4]);
        assert_eq!(index.len(), 0);
        assert_eq!(index.total(0), 0);

        let index = NgramIndex::build(vec![shared.clone(); 5], &[0, 0, 0, 1, 1]);
        assert_eq!(index.len(), 2);
        assert_eq!(index.instances(index.lookup(7).unwrap()).len(), 5);
    }
}
