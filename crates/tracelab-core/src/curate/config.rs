//! `curate.toml`: every option of a curation in one file a curator can review and commit.
//! [`DEFAULT_CONFIG`] is the same file with every option at its default and explained.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The commented default `curate.toml` (`tracelab curate --init` prints it).
pub const DEFAULT_CONFIG: &str = include_str!("default-curate.toml");

/// A whole curation: which sessions, how they are paired, balanced and split, what is checked
/// and scrubbed, and what is written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The dataset's name in its card.
    pub name: String,
    /// The licence field of the dataset card (an SPDX id, or `other`).
    pub license: String,
    /// Seeds every random choice: which pairs a cap removes, which split a repo goes to.
    pub seed: u64,
    /// A session filter in the `--where` syntax (`model=x outcome=success,failure`).
    #[serde(rename = "where")]
    pub filter: String,
    pub pairs: PairOptions,
    pub balance: BalanceOptions,
    pub split: SplitOptions,
    pub decontam: DecontamOptions,
    pub scrub: ScrubOptions,
    pub export: ExportOptions,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            name: "tracelab-curated".into(),
            license: "other".into(),
            seed: 0,
            filter: String::new(),
            pairs: PairOptions::default(),
            balance: BalanceOptions::default(),
            split: SplitOptions::default(),
            decontam: DecontamOptions::default(),
            scrub: ScrubOptions::default(),
            export: ExportOptions::default(),
        }
    }
}

/// How preference pairs are formed inside a task.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PairOptions {
    /// Chosen and rejected come from the same model.
    pub same_model: bool,
    /// Chosen and rejected ran on the same harness version.
    pub same_harness_version: bool,
    /// Chosen and rejected began with the same prompt (system prompt and first user message),
    /// so the pair's one `prompt` is true of both sides.
    pub same_prompt: bool,
    /// When both sessions have a score, chosen's must exceed rejected's by at least this.
    pub min_score_gap: f64,
    /// At most this many pairs per task; each session is in at most one pair.
    pub max_per_task: usize,
}

impl Default for PairOptions {
    fn default() -> Self {
        PairOptions {
            same_model: false,
            same_harness_version: false,
            same_prompt: false,
            min_score_gap: 0.0,
            max_per_task: 4,
        }
    }
}

/// Caps that keep one task, repository or model from dominating a set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BalanceOptions {
    /// The largest share of a set one task may hold (1 = no cap).
    pub max_task_share: f64,
    /// The largest share one repository may hold.
    pub max_repo_share: f64,
    /// The largest share one model may hold (the chosen side's model, for pairs).
    pub max_model_share: f64,
    /// Pair each success with the failure of the closest length, and drop pairs whose
    /// lengths differ by more than `max_length_ratio`: long-chosen bias is the classic DPO
    /// failure.
    pub match_length: bool,
    /// The largest ratio of chosen to rejected output tokens (either way) `match_length` keeps.
    pub max_length_ratio: f64,
}

impl Default for BalanceOptions {
    fn default() -> Self {
        BalanceOptions {
            max_task_share: 1.0,
            max_repo_share: 1.0,
            max_model_share: 1.0,
            match_length: false,
            max_length_ratio: 1.5,
        }
    }
}

/// What a split is decided by: every session of a repository (or task) lands in one split.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SplitKey {
    Repo,
    Task,
}

/// Train / validation / test shares.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SplitOptions {
    pub by: SplitKey,
    pub train: f64,
    pub validation: f64,
    pub test: f64,
}

impl Default for SplitOptions {
    fn default() -> Self {
        SplitOptions {
            by: SplitKey::Repo,
            train: 0.8,
            validation: 0.1,
            test: 0.1,
        }
    }
}

/// Benchmark decontamination before anything is paired.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DecontamOptions {
    /// Benchmark files, or built-in corpus names (`swebench_verified`, `swebench_lite`).
    /// Empty: no decontamination (the report says so).
    pub benchmarks: Vec<PathBuf>,
    pub ngram: usize,
    pub threshold: f64,
    /// `YYYY-MM-DD`: sessions before it may have seen the benchmarks (`time_cutoff`).
    pub after: Option<String>,
    /// Drop sessions on warnings too (repository scope, same files, time cutoff).
    pub strict: bool,
}

impl Default for DecontamOptions {
    fn default() -> Self {
        DecontamOptions {
            benchmarks: vec!["swebench_verified".into(), "swebench_lite".into()],
            ngram: 13,
            threshold: 0.5,
            after: None,
            strict: false,
        }
    }
}

/// Secret scrubbing of every exported text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ScrubOptions {
    pub enabled: bool,
    /// A rules file added to the built-in rules (see `tracelab scrub --print-rules`).
    pub rules: Option<PathBuf>,
}

impl Default for ScrubOptions {
    fn default() -> Self {
        ScrubOptions {
            enabled: true,
            rules: None,
        }
    }
}

/// A dataset layout a trainer loads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// TRL preference, conversational: `prompt` / `chosen` / `rejected` message lists.
    TrlPreference,
    /// TRL unpaired preference (KTO): `prompt` / `completion` / `label`.
    TrlUnpaired,
    /// TRL SFT: `messages` of successful sessions.
    TrlSft,
    /// OpenAI preference fine-tuning: `input` / `preferred_output` / `non_preferred_output`.
    OpenaiPreference,
    /// OpenRLHF reward and DPO data: `prompt` / `chosen` / `rejected` / `margin`.
    Openrlhf,
    /// verl RL prompts: `data_source` / `prompt` / `ability` / `reward_model` / `extra_info`.
    Verl,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::TrlPreference,
        Format::TrlUnpaired,
        Format::TrlSft,
        Format::OpenaiPreference,
        Format::Openrlhf,
        Format::Verl,
    ];

    /// The snake_case name used in `curate.toml` and as the output folder.
    pub fn name(self) -> &'static str {
        match self {
            Format::TrlPreference => "trl_preference",
            Format::TrlUnpaired => "trl_unpaired",
            Format::TrlSft => "trl_sft",
            Format::OpenaiPreference => "openai_preference",
            Format::Openrlhf => "openrlhf",
            Format::Verl => "verl",
        }
    }
}

/// What is written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportOptions {
    pub formats: Vec<Format>,
    /// Also write `jsonl/<split>.jsonl` beside the Parquet files.
    pub jsonl: bool,
    /// Keep the model's thinking steps as assistant text (off: most chat templates drop it).
    pub include_thinking: bool,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            formats: Format::ALL.to_vec(),
            jsonl: true,
            include_thinking: false,
        }
    }
}

impl Config {
    /// Parses `curate.toml`; a `manifest.json` from an earlier export also works (its
    /// `config`), which is how an export is reproduced. Checks the values, naming the file.
    pub fn load(path: &std::path::Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let bad = |reason: String| Error::BadInput {
            path: path.to_path_buf(),
            reason,
        };
        let config: Config = if path.extension().is_some_and(|e| e == "json") {
            let manifest: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| bad(format!("not JSON: {e}")))?;
            let config = manifest
                .get("config")
                .ok_or_else(|| bad("no `config` object: not a Tracelab export manifest".into()))?;
            serde_json::from_value(config.clone()).map_err(|e| bad(format!("config: {e}")))?
        } else {
            toml::from_str(&text).map_err(|e| bad(e.message().to_string()))?
        };
        config.validate().map_err(bad)?;
        Ok(config)
    }

    /// The config as `curate.toml` text (what the app's curation view saves).
    pub fn to_toml(&self) -> String {
        let body = toml::to_string(self).expect("a curation config serialises to TOML");
        format!("# A Tracelab curation: tracelab curate ARCHIVE --config curate.toml --out DIR\n# Every option: tracelab curate --init\n\n{body}")
    }

    /// The first value that makes no sense, as a sentence.
    pub fn validate(&self) -> std::result::Result<(), String> {
        let shares = [
            ("balance.max_task_share", self.balance.max_task_share),
            ("balance.max_repo_share", self.balance.max_repo_share),
            ("balance.max_model_share", self.balance.max_model_share),
        ];
        for (name, share) in shares {
            if !(share > 0.0 && share <= 1.0) {
                return Err(format!("{name} = {share}: a share must be in (0, 1]"));
            }
        }
        if self.balance.max_length_ratio < 1.0 || self.balance.max_length_ratio.is_nan() {
            return Err(format!(
                "balance.max_length_ratio = {}: must be at least 1",
                self.balance.max_length_ratio
            ));
        }
        let s = &self.split;
        if [s.train, s.validation, s.test]
            .iter()
            .any(|v| !(0.0..=1.0).contains(v))
            || (s.train + s.validation + s.test - 1.0).abs() > 1e-9
        {
            return Err(format!(
                "split train {} + validation {} + test {} must be shares adding up to 1",
                s.train, s.validation, s.test
            ));
        }
        if self.pairs.max_per_task == 0 {
            return Err("pairs.max_per_task = 0 would write no pairs".into());
        }
        if self.pairs.min_score_gap < 0.0 {
            return Err("pairs.min_score_gap must not be negative".into());
        }
        if self.export.formats.is_empty() {
            return Err("export.formats is empty: name at least one format".into());
        }
        if !(self.decontam.threshold > 0.0 && self.decontam.threshold <= 1.0) {
            return Err("decontam.threshold must be in (0, 1]".into());
        }
        if let Some(after) = &self.decontam.after {
            if chrono::NaiveDate::parse_from_str(after, "%Y-%m-%d").is_err() {
                return Err(format!("decontam.after = {after:?}: expected YYYY-MM-DD"));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commented_default_file_is_the_default() {
        let parsed: Config = toml::from_str(DEFAULT_CONFIG).unwrap();
        assert_eq!(parsed, Config::default());
        parsed.validate().unwrap();
    }

    #[test]
    fn saved_toml_reads_back_the_same() {
        let mut config = Config {
            filter: "model=\"a b\"".into(),
            ..Config::default()
        };
        config.decontam.after = Some("2024-06-01".into());
        config.export.formats = vec![Format::TrlSft, Format::Verl];
        let parsed: Config = toml::from_str(&config.to_toml()).unwrap();
        assert_eq!(parsed, config);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_refused_by_name() {
        let err = toml::from_str::<Config>("[pairs]\nmax_per_tsak = 2\n").unwrap_err();
        assert!(err.message().contains("max_per_tsak"), "{err}");
        let config: Config = toml::from_str("[split]\ntrain = 0.9\n").unwrap();
        assert!(config.validate().unwrap_err().contains("adding up to 1"));
        let config: Config = toml::from_str("[balance]\nmax_repo_share = 0\n").unwrap();
        assert!(config
            .validate()
            .unwrap_err()
            .contains("balance.max_repo_share"));
        let config: Config = toml::from_str("[export]\nformats = [\"trl_sft\"]\n").unwrap();
        assert_eq!(config.export.formats, vec![Format::TrlSft]);
        assert!(toml::from_str::<Config>("[export]\nformats = [\"alpaca\"]\n").is_err());
    }
}
