//! Curation: from an archive to training sets a DPO, KTO or SFT run loads as is.
//!
//! One pass reads every session, keeps those the filter selects that have a task and an
//! outcome (or score) and that benchmark decontamination does not drop, and turns each into
//! a scrubbed chat ([`Conversation`]). Then, with one seed for every random choice:
//! - **pairs** ([`pairs`]): a success against a failure of the same task (or a higher against
//!   a lower score), at most `max_per_task`, each session in one pair at most, a session that
//!   saw a leak never `chosen`;
//! - **unpaired** (KTO): successes as desirable, failures as undesirable; **SFT**: successes;
//!   **prompts** (verl): one per task;
//! - **caps** ([`balance`]) on each set: shares per task, repository and model;
//! - **splits** ([`split`]): by a seeded hash of the repository (or task).
//!
//! [`crate::export::dataset`] writes the result; [`Report`] says what every step kept and
//! removed, and its counts reconcile.

mod balance;
mod candidate;
mod config;
mod conversation;
mod pairs;
mod report;
mod split;

use std::collections::{BTreeMap, HashMap, HashSet};

pub use balance::CapReport;
pub use candidate::{Candidate, Grade, Intake};
pub use config::{
    BalanceOptions, Config, DecontamOptions, ExportOptions, Format, PairOptions, ScrubOptions,
    SplitKey, SplitOptions, DEFAULT_CONFIG,
};
pub use conversation::{Conversation, FunctionCall, Message, ToolCall, Unusable};
pub use pairs::{Pair, PairStats};
pub use report::{Lengths, Report, SetReport};
pub use split::{split_of, Split};

use crate::archive::Archive;
use crate::decontam::{self, Hit};
use crate::error::{Error, Result};
use crate::progress::CancelToken;
use crate::query::{Filter, QueryEngine};
use crate::scrub::{Counts, Scrubber};
use balance::Keys;
use split::seeded_hash;

/// A finished curation: the candidates, their chats, the sets with their splits, and the
/// report. Nothing is written yet.
pub struct Curation {
    pub config: Config,
    pub candidates: Vec<Candidate>,
    /// Aligned with `candidates`.
    pub conversations: Vec<Conversation>,
    pub pairs: Vec<(Pair, Split)>,
    /// KTO: a candidate and whether it is desirable.
    pub unpaired: Vec<(usize, bool, Split)>,
    pub sft: Vec<(usize, Split)>,
    /// verl: one prompt per task, from its earliest session.
    pub prompts: Vec<(usize, Split)>,
    /// Decontamination hits on the sessions the filter selected.
    pub hits: Vec<Hit>,
    pub report: Report,
}

fn bad_config(reason: String) -> Error {
    Error::BadInput {
        path: "curate.toml".into(),
        reason,
    }
}

/// The sessions the config's `where` selects, or `None` for all.
async fn selection(archive: &Archive, config: &Config) -> Result<Option<HashSet<String>>> {
    if config.filter.trim().is_empty() {
        return Ok(None);
    }
    let filter: Filter = config
        .filter
        .parse()
        .map_err(|e| bad_config(format!("where: {e}")))?;
    if filter.text.is_some() {
        return Err(bad_config(
            "where: text:\"...\" is not supported in a curation; select by fields".into(),
        ));
    }
    let engine = QueryEngine::open(archive).await?;
    Ok(Some(
        engine.session_ids(&filter).await?.into_iter().collect(),
    ))
}

fn scrubber(config: &Config) -> Result<Option<Scrubber>> {
    if !config.scrub.enabled {
        return Ok(None);
    }
    Ok(Some(match &config.scrub.rules {
        None => Scrubber::builtin(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            Scrubber::from_toml(&text).map_err(|e| Error::BadInput {
                path: path.clone(),
                reason: e.to_string(),
            })?
        }
    }))
}

fn decontam_options(options: &DecontamOptions) -> decontam::Options {
    decontam::Options {
        ngram: options.ngram,
        threshold: options.threshold,
        strict: options.strict,
        after: options.after.as_deref().and_then(|d| {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight").and_utc())
        }),
        ..decontam::Options::default()
    }
}

/// Why nothing can be curated from this archive, when that is so.
fn nothing_to_curate(archive: &Archive, config: &Config, intake: &Intake) -> Option<String> {
    let root = archive.root().display();
    if intake.candidates > 0 {
        return None;
    }
    Some(if intake.read == 0 {
        format!("{root}: the archive has no sessions")
    } else if intake.filtered_out == intake.read {
        format!(
            "where {:?} selects none of {} sessions",
            config.filter, intake.read
        )
    } else if intake.without_outcome > 0
        && intake.without_outcome + intake.filtered_out + intake.without_task == intake.read
    {
        format!(
            "{root}: no session has an outcome or a score, so nothing can be paired or labelled; \
             attach them with `tracelab import <traces> --into {root} --outcomes outcomes.csv` \
             (CSV or JSONL with session_id or task_id, and outcome and/or score)"
        )
    } else if intake.without_task + intake.filtered_out == intake.read {
        format!("{root}: no session has a task_id, so no two sessions can be compared")
    } else {
        format!(
            "no session is left: {} read, {} filtered out, {} without task, {} without outcome, \
             {} dropped by decontamination, {} without a prompt or an answer",
            intake.read,
            intake.filtered_out,
            intake.without_task,
            intake.without_outcome,
            intake.decontam_dropped,
            intake.unusable()
        )
    })
}

/// Runs a curation over `archive`. Fails with a sentence naming the cause when no session can
/// be used; a set that comes out empty is reported, not an error (see [`Curation::empty`]).
pub async fn curate(archive: &Archive, config: &Config, cancel: &CancelToken) -> Result<Curation> {
    config.validate().map_err(bad_config)?;
    let selected = selection(archive, config).await?;
    let corpus = if config.decontam.benchmarks.is_empty() {
        None
    } else {
        Some(decontam::load_benchmarks(&config.decontam.benchmarks)?)
    };
    let options = decontam_options(&config.decontam);
    let scrubber = scrubber(config)?;
    let pool = candidate::gather(
        archive,
        selected.as_ref(),
        corpus.as_ref().map(|c| (c, &options)),
        |events| Conversation::of(events, scrubber.as_ref(), config.export.include_thinking),
        cancel,
    )?;
    if let Some(problem) = nothing_to_curate(archive, config, &pool.intake) {
        return Err(Error::BadInput {
            path: archive.root().to_path_buf(),
            reason: problem,
        });
    }
    let candidate::Pool {
        candidates,
        conversations,
        intake,
        mut hits,
        decontam: decontam_summary,
    } = pool;
    hits.sort_by(|a, b| {
        (&a.session_id, a.check, &a.benchmark, &a.instance_id).cmp(&(
            &b.session_id,
            b.check,
            &b.benchmark,
            &b.instance_id,
        ))
    });
    let seed = config.seed;
    let length = |i: usize| match candidates[i].output_tokens {
        Some(t) => t as f64,
        None => conversations[i].completion_chars() as f64 / 4.0,
    };
    let splits = split::assign(&candidates, seed, &config.split);
    let split_of_task = |i: usize| splits[&candidates[i].task_id];
    let keys = |i: usize| Keys {
        task: &candidates[i].task_id,
        repo: candidates[i].repo_key(),
        model: candidates[i].model_key(),
    };
    let seeded_order = |ids: Vec<String>| -> Vec<usize> {
        let mut order: Vec<usize> = (0..ids.len()).collect();
        order.sort_by_key(|&i| (seeded_hash(seed, &ids[i]), i));
        order
    };

    // Pairs, then caps on them (counted by the chosen side).
    let (found, pair_stats) =
        pairs::build(&candidates, &config.pairs, &config.balance, seed, length);
    let items: Vec<Keys> = found.iter().map(|p| keys(p.chosen)).collect();
    let order = seeded_order(
        found
            .iter()
            .map(|p| {
                format!(
                    "{}|{}",
                    candidates[p.chosen].session_id, candidates[p.rejected].session_id
                )
            })
            .collect(),
    );
    let (kept, pair_caps) = balance::apply(&items, &order, &config.balance);
    let mut pairs: Vec<(Pair, Split)> = kept
        .into_iter()
        .map(|k| (found[k], split_of_task(found[k].chosen)))
        .collect();
    pairs.sort_by_key(|(p, _)| (p.chosen, p.rejected));

    // Unpaired and SFT: at most max_per_task per task (and class), then the caps.
    let per_task = |members: Vec<usize>| -> Vec<usize> {
        let mut by_task: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for i in members {
            by_task.entry(&candidates[i].task_id).or_default().push(i);
        }
        let mut out = Vec::new();
        for (_, mut v) in by_task {
            v.sort_by_key(|&i| seeded_hash(seed, &candidates[i].session_id));
            v.truncate(config.pairs.max_per_task);
            out.extend(v);
        }
        out
    };
    let capped = |members: Vec<usize>| -> (Vec<usize>, CapReport) {
        let items: Vec<Keys> = members.iter().map(|&i| keys(i)).collect();
        let order = seeded_order(
            members
                .iter()
                .map(|&i| candidates[i].session_id.clone())
                .collect(),
        );
        let (kept, report) = balance::apply(&items, &order, &config.balance);
        let mut kept: Vec<usize> = kept.into_iter().map(|k| members[k]).collect();
        kept.sort_unstable();
        (kept, report)
    };
    let desirable: Vec<usize> = (0..candidates.len())
        .filter(|&i| candidates[i].grade == Grade::Success && !candidates[i].never_chosen)
        .collect();
    let undesirable: Vec<usize> = (0..candidates.len())
        .filter(|&i| candidates[i].grade == Grade::Failure)
        .collect();
    let mut unpaired_members = per_task(desirable.clone());
    unpaired_members.extend(per_task(undesirable));
    let (unpaired_kept, unpaired_caps) = capped(unpaired_members);
    let unpaired: Vec<(usize, bool, Split)> = unpaired_kept
        .into_iter()
        .map(|i| (i, candidates[i].grade == Grade::Success, split_of_task(i)))
        .collect();
    let (sft_kept, sft_caps) = capped(per_task(desirable));
    let sft: Vec<(usize, Split)> = sft_kept
        .into_iter()
        .map(|i| (i, split_of_task(i)))
        .collect();

    // verl prompts: the earliest session of each task.
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate() {
        let entry = first.entry(&c.task_id).or_insert(i);
        let current = &candidates[*entry];
        if (c.started_at, &c.session_id) < (current.started_at, &current.session_id) {
            *entry = i;
        }
    }
    let prompts: Vec<(usize, Split)> = first.into_values().map(|i| (i, split_of_task(i))).collect();

    let mut scrubbed = Counts::default();
    let mut exported: Vec<usize> = pairs
        .iter()
        .flat_map(|(p, _)| [p.chosen, p.rejected])
        .chain(unpaired.iter().map(|u| u.0))
        .chain(sft.iter().map(|s| s.0))
        .chain(prompts.iter().map(|p| p.0))
        .collect();
    exported.sort_unstable();
    exported.dedup();
    for &i in &exported {
        scrubbed.merge(&conversations[i].scrubbed);
    }
    let task_splits: HashMap<&str, Split> = splits.iter().map(|(t, s)| (t.as_str(), *s)).collect();
    let report = report::build(report::Parts {
        config,
        candidates: &candidates,
        conversations: &conversations,
        intake,
        decontam: decontam_summary,
        benchmarks: corpus
            .as_ref()
            .map(|c| c.benchmarks().iter().map(|s| s.to_string()).collect()),
        pair_stats,
        pair_caps,
        unpaired_caps,
        sft_caps,
        pairs: &pairs,
        unpaired: &unpaired,
        sft: &sft,
        prompts: &prompts,
        task_splits: &task_splits,
        scrubbed,
    });
    Ok(Curation {
        config: config.clone(),
        candidates,
        conversations,
        pairs,
        unpaired,
        sft,
        prompts,
        hits,
        report,
    })
}

impl Curation {
    /// Rows `format` would write.
    pub fn rows(&self, format: Format) -> usize {
        match format {
            Format::TrlPreference | Format::Openrlhf => self.pairs.len(),
            Format::OpenaiPreference => self.pairs.len() - self.report.pairs_without_final_answer,
            Format::TrlUnpaired => self.unpaired.len(),
            Format::TrlSft => self.sft.len(),
            Format::Verl => self.prompts.len(),
        }
    }

    /// When every format asked for would be empty, why: the message a curator sees instead
    /// of an empty dataset.
    pub fn empty(&self) -> Option<String> {
        let formats = &self.config.export.formats;
        if formats.iter().any(|&f| self.rows(f) > 0) {
            return None;
        }
        let s = &self.report.pairing;
        Some(format!(
            "nothing to export: {} candidate sessions in {} tasks gave no rows for {}; \
             {} tasks only succeeded, {} only failed, {} have a single session",
            self.candidates.len(),
            s.tasks,
            formats
                .iter()
                .map(|f| f.name())
                .collect::<Vec<_>>()
                .join(", "),
            s.tasks_only_success,
            s.tasks_only_failure,
            s.tasks_single_session
        ))
    }
}
