//! Train / validation / test by a seeded hash of the repository (or task): a repository's
//! every session lands in the same split, so nothing learned from it is tested on it, and the
//! same seed always gives the same split, whatever else is in the archive.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::candidate::Candidate;
use super::config::{SplitKey, SplitOptions};

/// A dataset split, in Hugging Face's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Split {
    Train,
    Validation,
    Test,
}

impl Split {
    pub const ALL: [Split; 3] = [Split::Train, Split::Validation, Split::Test];

    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Validation => "validation",
            Split::Test => "test",
        }
    }
}

/// A stable 64-bit hash of `key` under `seed`: the same on every machine and every run.
pub(crate) fn seeded_hash(seed: u64, key: &str) -> u64 {
    let mut h = Sha256::new();
    h.update(seed.to_le_bytes());
    h.update(key.as_bytes());
    let digest = h.finalize();
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

/// The split `key` falls in: its hash as a point in [0, 1), against the cumulative shares.
pub fn split_of(key: &str, seed: u64, options: &SplitOptions) -> Split {
    let point = (seeded_hash(seed, key) >> 11) as f64 / (1u64 << 53) as f64;
    if point < options.train {
        Split::Train
    } else if point < options.train + options.validation {
        Split::Validation
    } else {
        Split::Test
    }
}

/// Each task's split. With `by = "repo"` a task goes with its repository (the one most of its
/// sessions name; ties to the first by name), so no repository and no task crosses splits.
pub fn assign(
    candidates: &[Candidate],
    seed: u64,
    options: &SplitOptions,
) -> HashMap<String, Split> {
    let mut repos: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for c in candidates {
        *repos
            .entry(&c.task_id)
            .or_default()
            .entry(c.repo_key())
            .or_default() += 1;
    }
    repos
        .into_iter()
        .map(|(task, counts)| {
            let key = match options.by {
                SplitKey::Task => task,
                SplitKey::Repo => {
                    let top = counts.values().copied().max().unwrap_or(0);
                    counts
                        .iter()
                        .find(|(_, &n)| n == top)
                        .map(|(repo, _)| *repo)
                        .unwrap_or(task)
                }
            };
            (task.to_string(), split_of(key, seed, options))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_hold_and_the_seed_decides() {
        let options = SplitOptions::default();
        let mut counts = [0usize; 3];
        for i in 0..20_000 {
            counts[split_of(&format!("repo-{i}"), 7, &options) as usize] += 1;
        }
        assert!((15_600..16_400).contains(&counts[0]), "{counts:?}");
        assert!((1_800..2_200).contains(&counts[1]), "{counts:?}");
        let same = (0..1000)
            .filter(|i| {
                let k = format!("repo-{i}");
                split_of(&k, 7, &options) == split_of(&k, 8, &options)
            })
            .count();
        assert!(
            same < 800,
            "another seed must move keys: {same} of 1000 stayed"
        );
        assert_eq!(
            split_of("django/django", 7, &options),
            split_of("django/django", 7, &options)
        );
    }
}
