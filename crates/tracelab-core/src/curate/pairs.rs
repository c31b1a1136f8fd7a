//! Preference pairs: inside one task, a success (or the higher score) as `chosen` against a
//! failure (or the lower score) as `rejected`. Each session is in at most one pair; which
//! sessions meet is a seeded random choice, or, with `match_length`, the closest in length.

use std::collections::BTreeMap;

use serde::Serialize;

use super::candidate::{Candidate, Grade};
use super::config::{BalanceOptions, PairOptions};
use super::split::seeded_hash;

/// Two sessions of one task, by index into the candidates.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pair {
    pub chosen: usize,
    pub rejected: usize,
    /// chosen's score minus rejected's when both have one, else 1 (success over failure).
    pub margin: f64,
}

/// What pairing found, per task, and what it left out.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct PairStats {
    pub tasks: usize,
    pub tasks_paired: usize,
    /// Tasks whose sessions all succeeded (nothing to reject), all failed (nothing to
    /// choose), or that have a single session.
    pub tasks_only_success: usize,
    pub tasks_only_failure: usize,
    pub tasks_single_session: usize,
    /// Pairs `max_per_task` kept out.
    pub removed_by_max_per_task: usize,
    /// Pairs `match_length` kept out (lengths too far apart).
    pub removed_by_length_ratio: usize,
    /// Successes that could not be chosen because decontamination saw a leak in them.
    pub never_chosen_skipped: usize,
}

fn margin(chosen: &Candidate, rejected: &Candidate) -> Option<f64> {
    match (chosen.score, rejected.score) {
        (Some(a), Some(b)) => Some(a - b),
        _ => None,
    }
}

/// Whether `c` may be chosen over `r`.
fn prefers(c: &Candidate, r: &Candidate, options: &PairOptions) -> bool {
    let gap_ok = margin(c, r).is_none_or(|m| m >= options.min_score_gap && m >= 0.0);
    let order_ok = match (c.grade, r.grade) {
        (Grade::Success, Grade::Failure) => true,
        (Grade::Scored, Grade::Scored) => margin(c, r).is_some_and(|m| m > 0.0),
        _ => false,
    };
    order_ok && gap_ok
}

/// Pairs every task's sessions. `length` gives a candidate's length in tokens.
pub fn build(
    candidates: &[Candidate],
    options: &PairOptions,
    balance: &BalanceOptions,
    seed: u64,
    length: impl Fn(usize) -> f64,
) -> (Vec<Pair>, PairStats) {
    let mut tasks: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in candidates.iter().enumerate() {
        tasks.entry(&c.task_id).or_default().push(i);
    }
    let mut stats = PairStats {
        tasks: tasks.len(),
        ..PairStats::default()
    };
    let mut pairs = Vec::new();
    for members in tasks.values() {
        let has = |g: Grade| members.iter().any(|&i| candidates[i].grade == g);
        if members.len() == 1 {
            stats.tasks_single_session += 1;
        } else if has(Grade::Success) && !has(Grade::Failure) && !has(Grade::Scored) {
            stats.tasks_only_success += 1;
        } else if has(Grade::Failure) && !has(Grade::Success) && !has(Grade::Scored) {
            stats.tasks_only_failure += 1;
        }
        // Sessions meet only inside a group: the task, narrowed by model and harness version
        // when asked.
        type Group<'a> = (Option<&'a str>, Option<&'a str>, Option<u64>);
        let mut groups: BTreeMap<Group, Vec<usize>> = BTreeMap::new();
        for &i in members {
            let c = &candidates[i];
            let model = options.same_model.then(|| c.model_key());
            let version = options
                .same_harness_version
                .then(|| c.harness_version.as_deref().unwrap_or(""));
            let prompt = options.same_prompt.then_some(c.prompt_hash);
            groups.entry((model, version, prompt)).or_default().push(i);
        }
        let mut found = Vec::new();
        for group in groups.values() {
            found.extend(pair_group(
                candidates, group, options, balance, seed, &length, &mut stats,
            ));
        }
        if !found.is_empty() {
            stats.tasks_paired += 1;
        }
        // Keep a seeded sample of max_per_task when the groups together found more.
        found.sort_by_key(|p: &Pair| {
            seeded_hash(
                seed,
                &format!(
                    "{}|{}",
                    candidates[p.chosen].session_id, candidates[p.rejected].session_id
                ),
            )
        });
        if found.len() > options.max_per_task {
            stats.removed_by_max_per_task += found.len() - options.max_per_task;
            found.truncate(options.max_per_task);
        }
        pairs.extend(found);
    }
    pairs.sort_by_key(|p| (p.chosen, p.rejected));
    (pairs, stats)
}

/// Pairs inside one group: winners in seeded order, each with an unused loser it beats (the
/// closest in length under `match_length`, else the next in seeded order).
fn pair_group(
    candidates: &[Candidate],
    group: &[usize],
    options: &PairOptions,
    balance: &BalanceOptions,
    seed: u64,
    length: &impl Fn(usize) -> f64,
    stats: &mut PairStats,
) -> Vec<Pair> {
    let order = |i: &usize| seeded_hash(seed, &candidates[*i].session_id);
    let mut winners: Vec<usize> = group
        .iter()
        .copied()
        .filter(|&i| candidates[i].grade != Grade::Failure)
        .collect();
    winners.sort_by_key(order);
    let mut losers: Vec<usize> = group
        .iter()
        .copied()
        .filter(|&i| candidates[i].grade != Grade::Success)
        .collect();
    losers.sort_by_key(order);
    let mut used = vec![false; candidates.len()];
    let mut pairs = Vec::new();
    for &w in &winners {
        if used[w] {
            continue;
        }
        if candidates[w].never_chosen {
            stats.never_chosen_skipped += usize::from(candidates[w].grade == Grade::Success);
            continue;
        }
        let beaten = losers
            .iter()
            .copied()
            .filter(|&l| l != w && !used[l] && prefers(&candidates[w], &candidates[l], options));
        let pick = if balance.match_length {
            let lw = length(w).max(1.0);
            beaten.min_by(|&a, &b| {
                let da = (length(a).max(1.0) / lw).ln().abs();
                let db = (length(b).max(1.0) / lw).ln().abs();
                da.total_cmp(&db)
            })
        } else {
            beaten.into_iter().next()
        };
        let Some(l) = pick else { continue };
        if balance.match_length {
            let ratio = length(w).max(1.0) / length(l).max(1.0);
            if ratio.max(1.0 / ratio) > balance.max_length_ratio {
                stats.removed_by_length_ratio += 1;
                continue;
            }
        }
        used[w] = true;
        used[l] = true;
        pairs.push(Pair {
            chosen: w,
            rejected: l,
            margin: margin(&candidates[w], &candidates[l]).unwrap_or(1.0),
        });
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: &str, task: &str, grade: Grade, score: Option<f64>, tokens: i64) -> Candidate {
        Candidate {
            session_id: id.into(),
            task_id: task.into(),
            repo: Some("o/r".into()),
            model: Some(if id.ends_with('b') { "m2" } else { "m1" }.into()),
            harness_version: None,
            started_at: None,
            grade,
            score,
            output_tokens: Some(tokens),
            steps: 10,
            prompt_hash: 0,
            never_chosen: false,
            flagged: false,
        }
    }

    #[test]
    fn pairs_stay_inside_tasks_and_sessions_are_used_once() {
        let mut cs = vec![
            candidate("1", "t1", Grade::Success, None, 100),
            candidate("2", "t1", Grade::Failure, None, 100),
            candidate("3", "t1", Grade::Failure, None, 100),
            candidate("4", "t2", Grade::Success, None, 100),
            candidate("5", "t3", Grade::Failure, None, 100),
            candidate("6", "t3", Grade::Failure, None, 100),
            candidate("7", "t4", Grade::Scored, Some(0.9), 100),
            candidate("8", "t4", Grade::Scored, Some(0.2), 100),
            candidate("9", "t4", Grade::Scored, Some(0.2), 100),
        ];
        cs[0].never_chosen = false;
        let (pairs, stats) = build(
            &cs,
            &PairOptions::default(),
            &BalanceOptions::default(),
            1,
            |i| cs[i].output_tokens.unwrap() as f64,
        );
        assert_eq!(pairs.len(), 2, "{pairs:?}");
        for p in &pairs {
            assert_eq!(cs[p.chosen].task_id, cs[p.rejected].task_id);
        }
        assert!((pairs[1].margin - 0.7).abs() < 1e-12);
        assert_eq!(stats.tasks_single_session, 1);
        assert_eq!(stats.tasks_only_failure, 1);
        assert_eq!(stats.tasks_paired, 2);
    }

    #[test]
    fn leaked_sessions_are_never_chosen_and_gaps_and_lengths_are_respected() {
        let mut cs = vec![
            candidate("1", "t", Grade::Success, None, 100),
            candidate("2", "t", Grade::Failure, None, 1000),
            candidate("3", "t", Grade::Failure, None, 110),
            candidate("4", "t", Grade::Success, None, 5000),
        ];
        let length = |cs: &[Candidate], i: usize| cs[i].output_tokens.unwrap() as f64;
        let matched = BalanceOptions {
            match_length: true,
            ..BalanceOptions::default()
        };
        let (pairs, stats) = build(&cs, &PairOptions::default(), &matched, 3, |i| {
            length(&cs, i)
        });
        let ids: Vec<(&str, &str)> = pairs
            .iter()
            .map(|p| {
                (
                    cs[p.chosen].session_id.as_str(),
                    cs[p.rejected].session_id.as_str(),
                )
            })
            .collect();
        assert!(ids.contains(&("1", "3")), "{ids:?}");
        assert!(
            !ids.iter().any(|(c, _)| *c == "4"),
            "5000 vs 1000 is too far apart"
        );
        assert!(stats.removed_by_length_ratio >= 1 || ids.len() == 1);
        cs[0].never_chosen = true;
        let (pairs, stats) = build(
            &cs,
            &PairOptions::default(),
            &BalanceOptions::default(),
            3,
            |i| length(&cs, i),
        );
        assert!(pairs.iter().all(|p| cs[p.chosen].session_id != "1"));
        assert_eq!(stats.never_chosen_skipped, 1);
        let scored = vec![
            candidate("a", "t", Grade::Scored, Some(0.5), 1),
            candidate("b", "t", Grade::Scored, Some(0.45), 1),
        ];
        let gap = PairOptions {
            min_score_gap: 0.1,
            ..PairOptions::default()
        };
        let (pairs, _) = build(&scored, &gap, &BalanceOptions::default(), 0, |_| 1.0);
        assert!(pairs.is_empty());
        let same_model = PairOptions {
            same_model: true,
            ..PairOptions::default()
        };
        let (pairs, _) = build(&scored, &same_model, &BalanceOptions::default(), 0, |_| 1.0);
        assert!(pairs.is_empty(), "a (m1) and b (m2) differ in model");
    }
}
