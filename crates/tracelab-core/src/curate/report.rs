//! What a curation kept and removed, step by step: the `report.json` of an export and the
//! summary `tracelab curate` prints. Its counts reconcile with the archive's.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::balance::CapReport;
use super::candidate::{Candidate, Intake};
use super::config::{Config, Format};
use super::conversation::Conversation;
use super::pairs::{Pair, PairStats};
use super::split::Split;
use crate::decontam::Summary;
use crate::scrub::Counts;

/// Mean and median of a length, chosen side against rejected side.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Lengths {
    pub chosen_tokens_mean: f64,
    pub rejected_tokens_mean: f64,
    pub chosen_tokens_median: f64,
    pub rejected_tokens_median: f64,
    pub chosen_steps_mean: f64,
    pub rejected_steps_mean: f64,
    /// Pairs whose chosen side is the longer (by tokens): about half when there is no bias.
    pub chosen_longer_share: f64,
}

/// One set: its rows per split, the caps' removals, and each model's share.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SetReport {
    pub rows: usize,
    pub splits: BTreeMap<Split, usize>,
    pub caps: CapReport,
    /// Model to its share of the set's rows (chosen side for pairs).
    pub model_shares: BTreeMap<String, f64>,
    /// The largest share any one repository holds.
    pub top_repo_share: f64,
    /// The largest share any one task holds.
    pub top_task_share: f64,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    pub intake: Intake,
    /// Benchmarks checked against (none when decontamination is off).
    pub benchmarks: Vec<String>,
    pub decontam: Option<Summary>,
    pub pairing: PairStats,
    pub pairs: SetReport,
    pub lengths: Lengths,
    /// Pairs whose two sessions began with different prompts (a different system prompt, say).
    pub pairs_prompt_differs: usize,
    /// Pairs left out of `openai_preference` because a side has no final assistant text.
    pub pairs_without_final_answer: usize,
    pub unpaired: SetReport,
    pub unpaired_desirable: usize,
    pub unpaired_undesirable: usize,
    pub sft: SetReport,
    pub prompts: SetReport,
    /// Tasks and repositories per split.
    pub split_tasks: BTreeMap<Split, usize>,
    pub split_repos: BTreeMap<Split, usize>,
    /// Redactions per kind over every exported session.
    pub scrubbed: Counts,
    /// Things a curator should read before training.
    pub warnings: Vec<String>,
}

pub(super) struct Parts<'a> {
    pub config: &'a Config,
    pub candidates: &'a [Candidate],
    pub conversations: &'a [Conversation],
    pub intake: Intake,
    pub decontam: Option<Summary>,
    pub benchmarks: Option<Vec<String>>,
    pub pair_stats: PairStats,
    pub pair_caps: CapReport,
    pub unpaired_caps: CapReport,
    pub sft_caps: CapReport,
    pub pairs: &'a [(Pair, Split)],
    pub unpaired: &'a [(usize, bool, Split)],
    pub sft: &'a [(usize, Split)],
    pub prompts: &'a [(usize, Split)],
    pub task_splits: &'a HashMap<&'a str, Split>,
    pub scrubbed: Counts,
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        0.0
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn share_top<'a>(keys: impl Iterator<Item = &'a str>, rows: usize) -> (BTreeMap<String, f64>, f64) {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for k in keys {
        *counts.entry(k.to_string()).or_default() += 1;
    }
    let top = counts.values().copied().max().unwrap_or(0);
    let shares = counts
        .into_iter()
        .map(|(k, n)| (k, n as f64 / rows.max(1) as f64))
        .collect();
    (shares, top as f64 / rows.max(1) as f64)
}

/// The report of one set whose rows are the candidates `members` in `splits`.
fn set(candidates: &[Candidate], members: &[(usize, Split)], caps: CapReport) -> SetReport {
    let rows = members.len();
    let mut splits: BTreeMap<Split, usize> = Split::ALL.iter().map(|&s| (s, 0)).collect();
    for (_, s) in members {
        *splits.entry(*s).or_default() += 1;
    }
    let (model_shares, _) = share_top(
        members.iter().map(|(i, _)| candidates[*i].model_key()),
        rows,
    );
    let (_, top_repo_share) =
        share_top(members.iter().map(|(i, _)| candidates[*i].repo_key()), rows);
    let (_, top_task_share) = share_top(
        members.iter().map(|(i, _)| candidates[*i].task_id.as_str()),
        rows,
    );
    SetReport {
        rows,
        splits,
        caps,
        model_shares,
        top_repo_share,
        top_task_share,
    }
}

pub(super) fn build(p: Parts<'_>) -> Report {
    let c = p.candidates;
    let length = |i: usize| match c[i].output_tokens {
        Some(t) => t as f64,
        None => p.conversations[i].completion_chars() as f64 / 4.0,
    };
    let chosen: Vec<f64> = p.pairs.iter().map(|(q, _)| length(q.chosen)).collect();
    let rejected: Vec<f64> = p.pairs.iter().map(|(q, _)| length(q.rejected)).collect();
    let steps = |side: fn(&Pair) -> usize| -> Vec<f64> {
        p.pairs
            .iter()
            .map(|(q, _)| c[side(q)].steps as f64)
            .collect()
    };
    let lengths = Lengths {
        chosen_tokens_mean: mean(&chosen),
        rejected_tokens_mean: mean(&rejected),
        chosen_tokens_median: median(&chosen),
        rejected_tokens_median: median(&rejected),
        chosen_steps_mean: mean(&steps(|q| q.chosen)),
        rejected_steps_mean: mean(&steps(|q| q.rejected)),
        chosen_longer_share: if chosen.is_empty() {
            0.0
        } else {
            chosen.iter().zip(&rejected).filter(|(a, b)| a > b).count() as f64 / chosen.len() as f64
        },
    };
    let pairs_prompt_differs = p
        .pairs
        .iter()
        .filter(|(q, _)| p.conversations[q.chosen].prompt != p.conversations[q.rejected].prompt)
        .count();
    let pair_members: Vec<(usize, Split)> = p.pairs.iter().map(|(q, s)| (q.chosen, *s)).collect();
    let unpaired_members: Vec<(usize, Split)> = p.unpaired.iter().map(|u| (u.0, u.2)).collect();
    let mut split_tasks: BTreeMap<Split, usize> = Split::ALL.iter().map(|&s| (s, 0)).collect();
    for s in p.task_splits.values() {
        *split_tasks.entry(*s).or_default() += 1;
    }
    let mut repos: BTreeMap<Split, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for cand in c {
        if let Some(s) = p.task_splits.get(cand.task_id.as_str()) {
            repos.entry(*s).or_default().insert(cand.repo_key());
        }
    }
    let split_repos = Split::ALL
        .iter()
        .map(|s| (*s, repos.get(s).map_or(0, |r| r.len())))
        .collect();

    let mut warnings = Vec::new();
    if p.benchmarks.is_none() {
        warnings.push(
            "decontamination is off (decontam.benchmarks = []): benchmark tasks may be in the set"
                .into(),
        );
    }
    let formats = &p.config.export.formats;
    let pairs_without_final_answer = p
        .pairs
        .iter()
        .filter(|(q, _)| {
            p.conversations[q.chosen].final_answer().is_none()
                || p.conversations[q.rejected].final_answer().is_none()
        })
        .count();
    if formats.contains(&Format::OpenaiPreference) && !p.pairs.is_empty() {
        warnings.push(format!(
            "openai_preference holds only the prompt and each side's final assistant message \
             (the tool calls in between are not in it); {pairs_without_final_answer} pairs with \
             a side that ends without assistant text are left out of it"
        ));
    }
    let pairs_report = set(c, &pair_members, p.pair_caps);
    let by = match p.config.split.by {
        super::config::SplitKey::Repo => "repositories",
        super::config::SplitKey::Task => "tasks",
    };
    let keys = match p.config.split.by {
        super::config::SplitKey::Repo => repos.values().map(|r| r.len()).sum::<usize>(),
        super::config::SplitKey::Task => p.task_splits.len(),
    };
    for (split, n) in &pairs_report.splits {
        let wanted = match split {
            Split::Train => p.config.split.train,
            Split::Validation => p.config.split.validation,
            Split::Test => p.config.split.test,
        };
        if *n == 0 && wanted > 0.0 && pairs_report.rows > 0 {
            warnings.push(format!(
                "pairs: the {} split is empty: {keys} {by} to share out; more data, another \
                 seed or split.by = \"task\" helps",
                split.name()
            ));
        }
    }
    if lengths.chosen_longer_share > 0.65
        || (lengths.chosen_longer_share < 0.35 && !chosen.is_empty())
    {
        warnings.push(format!(
            "length bias: chosen is the longer side in {:.0}% of pairs (mean {:.0} vs {:.0} tokens); \
             consider balance.match_length = true",
            lengths.chosen_longer_share * 100.0,
            lengths.chosen_tokens_mean,
            lengths.rejected_tokens_mean
        ));
    }
    if pairs_prompt_differs > 0 {
        warnings.push(format!(
            "{pairs_prompt_differs} pairs have sides that began with different prompts \
             (the prompt column is the chosen side's); pairs.same_prompt = true avoids it"
        ));
    }
    for f in formats {
        let empty = match f {
            Format::TrlPreference | Format::Openrlhf | Format::OpenaiPreference => {
                p.pairs.is_empty()
            }
            Format::TrlUnpaired => p.unpaired.is_empty(),
            Format::TrlSft => p.sft.is_empty(),
            Format::Verl => p.prompts.is_empty(),
        };
        if empty {
            warnings.push(format!("{}: no rows, not written", f.name()));
        }
    }
    Report {
        intake: p.intake,
        benchmarks: p.benchmarks.unwrap_or_default(),
        decontam: p.decontam,
        pairing: p.pair_stats,
        pairs: pairs_report,
        lengths,
        pairs_prompt_differs,
        pairs_without_final_answer,
        unpaired: set(c, &unpaired_members, p.unpaired_caps),
        unpaired_desirable: p.unpaired.iter().filter(|u| u.1).count(),
        unpaired_undesirable: p.unpaired.iter().filter(|u| !u.1).count(),
        sft: set(c, p.sft, p.sft_caps),
        prompts: set(c, p.prompts, CapReport::default()),
        split_tasks,
        split_repos,
        scrubbed: p.scrubbed,
        warnings,
    }
}
