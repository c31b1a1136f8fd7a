//! The benchmark corpus: every instance of every benchmark file given, and the indexes the
//! checks probe, built once and shared by every session checked.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::gold::PatchIndex;
use super::identifier::IdentifierIndex;
use super::instance::{CorpusError, Instance, Origin};
use super::ngram::NgramIndex;
use super::scope::RepoIndex;
use super::{patch, statement, Options};

/// Benchmark instances, from one or more files. Cheap to build; the indexes are built on the
/// first check with given n-gram sizes (or by [`Corpus::prepare`]) and reused after.
pub struct Corpus {
    instances: Vec<Instance>,
    indexes: Mutex<Vec<Arc<Indexes>>>,
}

impl std::fmt::Debug for Corpus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Corpus")
            .field("instances", &self.instances.len())
            .field("benchmarks", &self.benchmarks())
            .finish()
    }
}

impl Corpus {
    /// Reads JSONL: one instance per line, blank lines skipped. The benchmark name is each
    /// line's `benchmark` field, else `name_hint` (the file stem, say). Fails on the first
    /// line that is not an object with the required fields, naming line and field, and on a
    /// file with no instances.
    pub fn from_jsonl(name_hint: &str, text: &str) -> Result<Corpus, CorpusError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut instances = Vec::new();
        for (index, raw) in text.lines().enumerate() {
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let origin = Origin {
                source_name: name_hint,
                line: index + 1,
            };
            let value: Value = serde_json::from_str(raw).map_err(|e| CorpusError::NotJson {
                source_name: name_hint.to_string(),
                line: origin.line,
                reason: e.to_string(),
            })?;
            let Value::Object(object) = value else {
                return Err(CorpusError::NotJson {
                    source_name: name_hint.to_string(),
                    line: origin.line,
                    reason: "found a JSON value that is not an object".into(),
                });
            };
            instances.push(Instance::from_json(&object, name_hint, &origin)?);
        }
        if instances.is_empty() {
            return Err(CorpusError::Empty {
                source_name: name_hint.to_string(),
            });
        }
        Ok(Corpus::from_instances(instances))
    }

    /// A corpus of these instances. An instance listed twice by the same benchmark is kept
    /// once (the first); the same instance under two benchmarks is kept under both, so each
    /// benchmark's report is complete.
    pub fn from_instances(instances: Vec<Instance>) -> Corpus {
        let mut corpus = Corpus {
            instances: Vec::new(),
            indexes: Mutex::new(Vec::new()),
        };
        corpus.extend(instances);
        corpus
    }

    /// Adds the instances of `other` (another benchmark file).
    pub fn merge(&mut self, other: Corpus) {
        self.extend(other.instances);
    }

    /// Adds instances, skipping repeats of a (benchmark, instance id) already present. Base
    /// commits are stored in lower case.
    pub fn extend(&mut self, instances: impl IntoIterator<Item = Instance>) {
        let mut present: std::collections::HashSet<(String, String)> = self
            .instances
            .iter()
            .map(|i| (i.benchmark.clone(), i.instance_id.clone()))
            .collect();
        for mut instance in instances {
            // Parquet readers hand instances over as they are stored; identifiers and leak
            // checks compare base commits in lower case.
            instance.base_commit = instance.base_commit.trim().to_ascii_lowercase();
            if present.insert((instance.benchmark.clone(), instance.instance_id.clone())) {
                self.instances.push(instance);
            }
        }
        self.indexes
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }

    pub fn len(&self) -> usize {
        self.instances.len()
    }

    pub fn is_empty(&self) -> bool {
        self.instances.is_empty()
    }

    pub fn instances(&self) -> &[Instance] {
        &self.instances
    }

    /// The benchmark names, in order of first appearance.
    pub fn benchmarks(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for instance in &self.instances {
            if !names.contains(&instance.benchmark.as_str()) {
                names.push(&instance.benchmark);
            }
        }
        names
    }

    /// Builds the indexes for `options`' n-gram sizes now rather than on the first check (to
    /// time it, or to keep the first check's latency down). SWE-bench Verified (2.6 MB of
    /// statements and patches) takes under a tenth of a second.
    pub fn prepare(&self, options: &Options) {
        self.indexes(options);
    }

    /// The indexes for `options`' n-gram sizes, built on first use.
    pub(super) fn indexes(&self, options: &Options) -> Arc<Indexes> {
        let key = (options.ngram.max(1), options.patch_ngram.max(1));
        let mut cache = self
            .indexes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(found) = cache.iter().find(|i| (i.ngram, i.patch_ngram) == key) {
            return Arc::clone(found);
        }
        let built = Arc::new(Indexes::build(&self.instances, key.0, key.1));
        cache.push(Arc::clone(&built));
        built
    }
}

/// Everything the checks look up, for one pair of n-gram sizes.
pub(super) struct Indexes {
    pub ngram: usize,
    pub patch_ngram: usize,
    pub identifiers: IdentifierIndex,
    pub repos: RepoIndex,
    pub statements: NgramIndex,
    pub gold: PatchIndex,
    pub tests: PatchIndex,
    /// The files each instance's gold patch edits.
    pub gold_files: Vec<Vec<String>>,
}

impl Indexes {
    fn build(instances: &[Instance], ngram: usize, patch_ngram: usize) -> Indexes {
        // One instance under two benchmarks is one instance for the boilerplate rule.
        let mut ids: HashMap<&str, u32> = HashMap::new();
        let identity: Vec<u32> = instances
            .iter()
            .map(|i| {
                let next = ids.len() as u32;
                *ids.entry(i.instance_id.as_str()).or_insert(next)
            })
            .collect();
        let patches: Vec<&str> = instances.iter().map(|i| i.patch.as_str()).collect();
        let tests: Vec<&str> = instances
            .iter()
            .map(|i| i.test_patch.as_deref().unwrap_or(""))
            .collect();
        Indexes {
            ngram,
            patch_ngram,
            identifiers: IdentifierIndex::build(instances),
            repos: RepoIndex::build(instances),
            statements: statement::build(instances, ngram, &identity),
            gold: PatchIndex::build(&patches, patch_ngram, &identity),
            tests: PatchIndex::build(&tests, patch_ngram, &identity),
            gold_files: patches.iter().map(|p| patch::files(p)).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str = r#"{"instance_id": "psf__requests-2317", "repo": "psf/requests", "base_commit": "091991be0da19de9108dbe5e3752917fea3d7fdc", "problem_statement": "method = builtin_str(method) problem", "patch": "diff"}"#;

    #[test]
    fn reads_jsonl_and_names_the_benchmark_from_the_hint() {
        let corpus = Corpus::from_jsonl("lite", &format!("\u{feff}{LINE}\n\n")).unwrap();
        assert_eq!(corpus.len(), 1);
        assert_eq!(corpus.benchmarks(), ["lite"]);
    }

    #[test]
    fn errors_name_the_line() {
        let text = format!("{LINE}\n[1, 2]\n");
        let message = Corpus::from_jsonl("lite", &text).unwrap_err().to_string();
        assert!(
            message.starts_with("lite: line 2: not a JSON object"),
            "{message}"
        );
        let message = Corpus::from_jsonl("lite", "\n\n").unwrap_err().to_string();
        assert!(message.contains("no benchmark instances"), "{message}");
        let message = Corpus::from_jsonl("lite", "{oops").unwrap_err().to_string();
        assert!(
            message.starts_with("lite: line 1: not a JSON object"),
            "{message}"
        );
    }

    #[test]
    fn one_corpus_serves_every_thread() {
        fn shared<T: Send + Sync>() {}
        shared::<Corpus>();
    }

    #[test]
    fn merging_keeps_one_copy_per_benchmark_and_rebuilds_indexes() {
        let mut corpus = Corpus::from_jsonl("lite", LINE).unwrap();
        let options = Options::default();
        corpus.prepare(&options);
        corpus.merge(Corpus::from_jsonl("lite", LINE).unwrap());
        assert_eq!(corpus.len(), 1);
        corpus.merge(Corpus::from_jsonl("verified", LINE).unwrap());
        assert_eq!(corpus.len(), 2);
        assert_eq!(corpus.benchmarks(), ["lite", "verified"]);
        let indexes = corpus.indexes(&options);
        assert_eq!(indexes.gold_files.len(), 2);
        assert!(Arc::ptr_eq(&indexes, &corpus.indexes(&options)));
    }
}
