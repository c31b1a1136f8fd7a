//! Share caps: no task, repository or model may hold more than its share of a set. Items are
//! taken in a seeded random order and an item is skipped when taking it would break a cap, so
//! within each task, repository and model the items kept are a random sample. A cap is a
//! share of the final set, which shrinks as caps remove items: the pass repeats with caps
//! recomputed from what it kept until it keeps everything it is given (a fixed point).

use std::collections::HashMap;

use serde::Serialize;

use super::config::BalanceOptions;

/// What one item is counted under.
#[derive(Clone, Copy, Debug)]
pub struct Keys<'a> {
    pub task: &'a str,
    pub repo: &'a str,
    pub model: &'a str,
}

/// What each cap removed (each item under the first cap it broke, in the order task, repo,
/// model), out of how many items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CapReport {
    pub before: usize,
    pub removed_by_task_share: usize,
    pub removed_by_repo_share: usize,
    pub removed_by_model_share: usize,
    pub after: usize,
}

fn cap(share: f64, total: usize) -> usize {
    if share >= 1.0 {
        usize::MAX
    } else {
        ((share * total as f64).floor() as usize).max(1)
    }
}

/// Indexes of `items` kept, in `order`'s order. `order` is a permutation of the indexes (the
/// seeded random order).
pub fn apply(
    items: &[Keys<'_>],
    order: &[usize],
    options: &BalanceOptions,
) -> (Vec<usize>, CapReport) {
    let mut target = items.len();
    for _ in 0..1000 {
        let (kept, report) = pass(items, order, options, target);
        if kept.len() == target || kept.is_empty() {
            return (kept, report);
        }
        target = kept.len();
    }
    unreachable!("the kept count falls on every round, so it reaches a fixed point")
}

fn pass(
    items: &[Keys<'_>],
    order: &[usize],
    options: &BalanceOptions,
    total: usize,
) -> (Vec<usize>, CapReport) {
    let caps = [
        cap(options.max_task_share, total),
        cap(options.max_repo_share, total),
        cap(options.max_model_share, total),
    ];
    let mut counts: [HashMap<&str, usize>; 3] = Default::default();
    let mut report = CapReport {
        before: items.len(),
        ..CapReport::default()
    };
    let mut kept = Vec::new();
    for &i in order {
        let keys = [items[i].task, items[i].repo, items[i].model];
        let broken = (0..3).find(|&k| counts[k].get(keys[k]).copied().unwrap_or(0) >= caps[k]);
        match broken {
            Some(0) => report.removed_by_task_share += 1,
            Some(1) => report.removed_by_repo_share += 1,
            Some(_) => report.removed_by_model_share += 1,
            None => {
                for k in 0..3 {
                    *counts[k].entry(keys[k]).or_default() += 1;
                }
                kept.push(i);
            }
        }
    }
    report.after = kept.len();
    (kept, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_hold_as_shares_of_the_final_set() {
        let models: Vec<String> = (0..100)
            .map(|i| if i < 90 { "big" } else { "small" }.to_string())
            .collect();
        let tasks: Vec<String> = (0..100).map(|i| format!("t{i}")).collect();
        let items: Vec<Keys> = (0..100)
            .map(|i| Keys {
                task: &tasks[i],
                repo: "r",
                model: &models[i],
            })
            .collect();
        let order: Vec<usize> = (0..100).rev().collect();
        let options = BalanceOptions {
            max_model_share: 0.5,
            ..BalanceOptions::default()
        };
        let (kept, report) = apply(&items, &order, &options);
        let big = kept.iter().filter(|&&i| items[i].model == "big").count();
        assert_eq!(kept.len(), 20);
        assert_eq!(big, 10);
        assert_eq!(report.removed_by_model_share, 80);
        assert_eq!(report.before - report.after, 80);
        let (all, none_removed) = apply(&items, &order, &BalanceOptions::default());
        assert_eq!(all.len(), 100);
        assert_eq!(none_removed.after, 100);
    }
}
