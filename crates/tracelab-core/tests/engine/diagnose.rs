//! Regression diagnosis against the planted ground truth (`sample/story.rs`,
//! `sample-data/README.md`): on the committed sample and on other seeds generated here, every
//! planted effect lies in its reported interval with the right sign, the no-effect upgrades
//! cover zero, and the long-sessions-only effect is reported as subgroup-only.

use std::path::Path;

use tracelab_core::archive::Archive;
use tracelab_core::diagnose::{self, Attribution, Bucket, Measure};
use tracelab_core::query::{Dimension, Filter, QueryEngine};
use tracelab_core::sample::story::{self, Reach};

use super::sample;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn committed_sample() -> Archive {
    Archive::open(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../sample-data/archive")).unwrap()
}

fn attribute(archive: &Archive) -> Attribution {
    rt().block_on(async {
        let engine = QueryEngine::open(archive).await.unwrap();
        diagnose::attribute(&engine, &Filter::default(), &[])
            .await
            .unwrap()
    })
}

/// Every way attribution departs from the planted story: a change not detected, a true value
/// outside its interval, a wrong sign, wrong slices, a subgroup-only effect not reported as
/// such (or an all-sessions one reported as subgroup-only), a false confounding.
fn misses(a: &Attribution) -> Vec<String> {
    let mut out = Vec::new();
    for change in story::CHANGES {
        let dimension = match change.dimension {
            "harness_version" => "harness_version".to_string(),
            knob => format!("config.{knob}"),
        };
        let Some(e) = a
            .effects
            .iter()
            .find(|e| e.dimension == dimension && e.from == change.from && e.to == change.to)
        else {
            out.push(format!("{}: not detected", change.name));
            continue;
        };
        let (lo, hi) = (e.ci_low_pp.unwrap(), e.ci_high_pp.unwrap());
        let truth = change.effect_pp;
        if !(lo <= truth && truth <= hi) {
            out.push(format!(
                "{}: planted {truth} pp outside [{lo:.1}, {hi:.1}]",
                change.name
            ));
        }
        if truth < 0.0 && e.effect_pp.unwrap() >= 0.0 {
            out.push(format!("{}: wrong sign", change.name));
        }
        let mut slices: Vec<&str> = change.rollout.iter().map(|(s, _)| *s).collect();
        slices.sort_unstable();
        if e.slices != slices {
            out.push(format!("{}: slices {:?}", change.name, e.slices));
        }
        let only = e.subgroup_detail.as_ref().filter(|s| s.only_inside);
        match (change.reach, only) {
            (Reach::LongSessions, Some(s)) if s.split == "tag=long" => {}
            (Reach::LongSessions, _) => out.push(format!(
                "{}: not reported as long-sessions-only ({:?})",
                change.name, e.subgroup
            )),
            (Reach::AllSessions, Some(_)) => out.push(format!(
                "{}: wrongly subgroup-only ({:?})",
                change.name, e.subgroup
            )),
            (Reach::AllSessions, None) => {}
        }
        if !e.confounded_with.is_empty() {
            out.push(format!(
                "{}: confounded with {:?}",
                change.name, e.confounded_with
            ));
        }
    }
    out
}

fn print(a: &Attribution, archive: &str) {
    for e in &a.effects {
        eprintln!(
            "{archive}: {} {} -> {}: {:+.1} pp [{:+.1}, {:+.1}] {}",
            e.dimension,
            e.from,
            e.to,
            e.effect_pp.unwrap(),
            e.ci_low_pp.unwrap(),
            e.ci_high_pp.unwrap(),
            e.subgroup.as_deref().unwrap_or("")
        );
    }
}

#[test]
fn attribution_recovers_the_planted_story_on_the_committed_sample() {
    let a = attribute(&committed_sample());
    print(&a, "sample");
    assert_eq!(misses(&a), Vec::<String>::new());
    // The top suspect is the largest planted effect: the cache policy on long sessions.
    assert_eq!(a.effects[0].dimension, "config.cache_policy");
    assert_eq!(a.effects.len(), story::CHANGES.len());
}

/// Other seeds, so the method is not tuned to one archive: seeds 1–4 (chosen before looking),
/// 20,000 sessions each. Twenty 95% intervals cover their planted values all at once only 36%
/// of the time, so a few misses are what honest intervals produce: the test allows three
/// (four or more would happen 1.6% of the time with independent intervals) and no wrong sign,
/// no false subgroup or confounding, and the long-sessions-only effect found in at least
/// three of the four archives.
#[test]
fn attribution_recovers_the_story_on_other_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let mut all = Vec::new();
    for seed in 1..=4 {
        let archive = sample(dir.path(), 20_000, seed);
        let a = attribute(&archive);
        print(&a, &format!("seed {seed}"));
        all.extend(misses(&a).into_iter().map(|m| format!("seed {seed}: {m}")));
    }
    eprintln!("misses: {all:#?}");
    let count = |what: &str| all.iter().filter(|m| m.contains(what)).count();
    assert!(count("outside [") <= 3, "{all:#?}");
    assert!(count("not reported as long-sessions-only") <= 1, "{all:#?}");
    assert_eq!(
        all.len(),
        count("outside [") + count("not reported as long-sessions-only"),
        "{all:#?}"
    );
}

#[test]
fn rollouts_match_the_planted_switch_days() {
    let archive = committed_sample();
    let rollouts = rt().block_on(async {
        let engine = QueryEngine::open(&archive).await.unwrap();
        let dims = diagnose::rollout::candidate_dimensions(&engine, &Filter::default(), &[])
            .await
            .unwrap();
        diagnose::rollouts(&engine, &Filter::default(), &dims)
            .await
            .unwrap()
    });
    let planted: usize = story::CHANGES.iter().map(|c| c.rollout.len()).sum();
    assert_eq!(rollouts.len(), planted, "{rollouts:#?}");
    for change in story::CHANGES {
        for (slice, when) in change.rollout {
            let when = chrono::DateTime::parse_from_rfc3339(when).unwrap();
            let r = rollouts
                .iter()
                .find(|r| r.slice == *slice && r.to == change.to)
                .unwrap();
            // First seen at or just after the switch; majority on the switch day or the next.
            let lag = r.first_seen.signed_duration_since(when);
            assert!(lag.num_seconds() >= 0 && lag.num_hours() < 24, "{r:?}");
            let day = r.majority_at.date_naive() - when.date_naive();
            assert!((0..=1).contains(&day.num_days()), "{r:?}");
        }
    }
}

#[test]
fn compare_reports_rates_differences_and_paired_tasks() {
    let archive = committed_sample();
    let c = rt().block_on(async {
        let engine = QueryEngine::open(&archive).await.unwrap();
        diagnose::compare(
            &engine,
            "slice=ide started<2026-08-19",
            "slice=ide started>=2026-08-20",
        )
        .await
        .unwrap()
    });
    let sessions = |f: &str| {
        let f: Filter = f.parse().unwrap();
        archive
            .trajectories()
            .flat_map(Result::unwrap)
            .map(|t| t.session)
            .filter(|s| s.slice.as_deref() == Some("ide"))
            .filter(|s| {
                let t = s.started_at.unwrap();
                f.started_from.is_none_or(|from| t >= from) && f.started_to.is_none_or(|to| t < to)
            })
            .collect::<Vec<_>>()
    };
    let a = sessions("started<2026-08-19");
    let b = sessions("started>=2026-08-20");
    assert_eq!(c.a.sessions, a.len() as u64);
    assert_eq!(c.b.sessions, b.len() as u64);
    let successes = |s: &[tracelab_core::record::Session]| {
        s.iter()
            .filter(|s| s.outcome.as_deref() == Some("success"))
            .count() as u64
    };
    assert_eq!(
        (c.a.successes, c.b.successes),
        (successes(&a), successes(&b))
    );
    let (ra, rb) = (c.a.success_rate.unwrap(), c.b.success_rate.unwrap());
    assert!(c.a.ci_low.unwrap() < ra && ra < c.a.ci_high.unwrap());
    assert!((c.difference_pp.unwrap() - 100.0 * (rb - ra)).abs() < 1e-9);
    assert!(c.ci_low_pp.unwrap() < c.difference_pp.unwrap());
    assert!(
        c.difference_pp.unwrap() < 0.0,
        "the prompt change hurts ide"
    );
    let p = c.paired.as_ref().expect("the cohorts share tasks");
    assert!(p.shared_tasks > 10);
    assert_eq!(c.metrics.len(), 5);
    assert!(c
        .metrics
        .iter()
        .all(|m| m.p_value_holm.unwrap() >= m.p_value.unwrap()));
    assert!(c.notes.is_empty(), "{:?}", c.notes);
}

#[test]
fn bad_cohorts_are_explained_not_shown_as_numbers() {
    let archive = committed_sample();
    rt().block_on(async {
        let engine = QueryEngine::open(&archive).await.unwrap();
        let empty = diagnose::compare(&engine, "slice=nowhere", "slice=ide")
            .await
            .unwrap();
        assert!(
            empty.notes[0].contains("selects no sessions"),
            "{:?}",
            empty.notes
        );
        assert!(empty.a.success_rate.is_none() && empty.difference_pp.is_none());
        assert!(empty.p_value.is_none());
        let json = serde_json::to_string(&empty).unwrap();
        assert!(!json.contains("NaN"));

        let one = diagnose::compare(&engine, "outcome=success", "slice=ide")
            .await
            .unwrap();
        assert!(
            one.notes.iter().any(|n| n.contains("same outcome")),
            "{:?}",
            one.notes
        );
        assert!(one.difference_pp.is_some());

        let err = diagnose::compare(&engine, "modle=x", "slice=ide")
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cohort A: filter term `modle=x`"),
            "{err}"
        );

        let single = diagnose::attribute(
            &engine,
            &"slice=ide started<2026-08-09".parse().unwrap(),
            &[],
        )
        .await
        .unwrap();
        assert!(single.effects.is_empty());
        assert!(single.notes[0].contains("no rollout"), "{:?}", single.notes);
    });
}

#[test]
fn time_series_has_one_point_per_slice_and_week_with_bands() {
    let archive = committed_sample();
    let series = rt().block_on(async {
        let engine = QueryEngine::open(&archive).await.unwrap();
        diagnose::time_series(
            &engine,
            &Filter::default(),
            Measure::SuccessRate,
            Bucket::Week,
            Some(&Dimension::Column("slice")),
        )
        .await
        .unwrap()
    });
    assert_eq!(series.points.len(), 3 * 8);
    assert_eq!(
        series.points.iter().map(|p| p.sessions).sum::<u64>(),
        10_000
    );
    for p in &series.points {
        let (v, lo, hi) = (p.value.unwrap(), p.ci_low.unwrap(), p.ci_high.unwrap());
        assert!(lo <= v && v <= hi && (0.0..=1.0).contains(&lo) && hi <= 1.0);
    }
}

/// Writes `target/stats-reference.json`: the statistics Tracelab computes on the committed
/// sample, with their inputs, for `tests/interop/stats_reference.py` to recompute with scipy
/// and statsmodels (CI runs it after this test).
#[test]
fn writes_the_statistics_for_the_scipy_check() {
    use std::collections::HashMap;
    use tracelab_core::diagnose::ols::{self, ClusterPart, GroupedBinary};
    use tracelab_core::diagnose::stats;

    let archive = committed_sample();
    let sessions: Vec<_> = archive
        .trajectories()
        .flat_map(Result::unwrap)
        .map(|t| t.session)
        .collect();
    let (fa, fb) = (
        "slice=ide started<2026-08-19",
        "slice=ide started>=2026-08-20",
    );
    let c = rt().block_on(async {
        let engine = QueryEngine::open(&archive).await.unwrap();
        diagnose::compare(&engine, fa, fb).await.unwrap()
    });
    let in_cohort = |f: &str, s: &tracelab_core::record::Session| {
        let f: Filter = f.parse().unwrap();
        let t = s.started_at.unwrap();
        s.slice.as_deref() == Some("ide")
            && f.started_from.is_none_or(|from| t >= from)
            && f.started_to.is_none_or(|to| t < to)
    };
    let steps = |f: &str| -> Vec<f64> {
        sessions
            .iter()
            .filter(|s| in_cohort(f, s))
            .map(|s| s.n_events as f64)
            .collect()
    };
    let (steps_a, steps_b) = (steps(fa), steps(fb));
    let (sa, na, sb, nb) = (
        c.a.successes,
        c.a.with_outcome,
        c.b.successes,
        c.b.with_outcome,
    );
    let paired = c.paired.as_ref().unwrap();
    let mut p_values = vec![c.p_value.unwrap()];
    p_values.extend(c.metrics.iter().filter_map(|m| m.p_value));
    let small = [[7u64, 3], [2, 9]];

    // A linear probability model on the sessions: intercept, slice, week, the prompt change,
    // long sessions and their interaction; cells of identical rows, clustered by task.
    let week = |s: &tracelab_core::record::Session| {
        (s.started_at.unwrap() - story::period_start()).num_days() / 7
    };
    let row = |s: &tracelab_core::record::Session| -> Vec<f64> {
        let new_prompt =
            s.config.get("system_prompt_hash").map(String::as_str) == Some("sp-9f27d3");
        let long = s.tags.iter().any(|t| t == "long");
        let mut r = vec![
            1.0,
            f64::from(u8::from(s.slice.as_deref() == Some("ide"))),
            f64::from(u8::from(s.slice.as_deref() == Some("api"))),
            f64::from(u8::from(new_prompt)),
            f64::from(u8::from(long)),
            f64::from(u8::from(new_prompt && long)),
        ];
        r.extend((1..8).map(|w| f64::from(u8::from(week(s) == w))));
        r
    };
    let mut data = GroupedBinary::default();
    let mut cell_of: HashMap<Vec<u8>, usize> = HashMap::new();
    let mut task_of: HashMap<&str, usize> = HashMap::new();
    let mut by_part: HashMap<(usize, usize), (f64, f64)> = HashMap::new();
    let (mut x, mut y, mut groups) = (Vec::new(), Vec::new(), Vec::new());
    for s in &sessions {
        let r = row(s);
        let success = f64::from(u8::from(s.outcome.as_deref() == Some("success")));
        let key: Vec<u8> = r.iter().map(|v| *v as u8).collect();
        let next = data.rows.len();
        let cell = *cell_of.entry(key).or_insert(next);
        if cell == next {
            data.push(r.clone(), 0.0, 0.0);
        }
        data.n[cell] += 1.0;
        data.successes[cell] += success;
        let next = task_of.len();
        let task = *task_of.entry(s.task_id.as_deref().unwrap()).or_insert(next);
        let part = by_part.entry((cell, task)).or_default();
        part.0 += 1.0;
        part.1 += success;
        x.push(r);
        y.push(success);
        groups.push(task);
    }
    let fit = ols::fit(&data).unwrap();
    let k = fit.coefficients.len();
    let mut clustered = fit.clone();
    let parts: Vec<ClusterPart> = by_part
        .iter()
        .map(|(&(cell, cluster), &(n, successes))| ClusterPart {
            cluster,
            cell,
            n,
            successes,
        })
        .collect();
    clustered.cluster_robust(&data, &parts, task_of.len(), &(0..k).collect::<Vec<_>>());
    let errors = |f: &ols::Fit| (0..k).map(|j| f.standard_error(j)).collect::<Vec<_>>();

    let json = serde_json::json!({
        "wilson": [
            {"successes": sa, "n": na, "low": c.a.ci_low, "high": c.a.ci_high},
            {"successes": sb, "n": nb, "low": c.b.ci_low, "high": c.b.ci_high},
            {"successes": 0, "n": 12, "low": stats::wilson(0, 12, 0.95).unwrap().low, "high": stats::wilson(0, 12, 0.95).unwrap().high},
        ],
        "newcombe": [{"successes_a": sa, "n_a": na, "successes_b": sb, "n_b": nb,
                      "low": c.ci_low_pp.unwrap() / 100.0, "high": c.ci_high_pp.unwrap() / 100.0}],
        "ztest": [{"successes_a": sa, "n_a": na, "successes_b": sb, "n_b": nb, "p": c.p_value}],
        "fisher": [{"table": small, "p": stats::fisher_exact(7, 3, 2, 9)}],
        "mcnemar": [
            {"a_only": paired.solved_in_a_only, "b_only": paired.solved_in_b_only, "p": paired.mcnemar_p},
            {"a_only": 3, "b_only": 11, "p": stats::mcnemar(3, 11).p_value},
        ],
        "holm": [{"p": p_values, "adjusted": stats::holm(&p_values)}],
        "mann_whitney": [{"a": steps_a, "b": steps_b, "p": stats::mann_whitney_u(&steps_a, &steps_b)}],
        "ols": [
            {"X": x, "y": y, "coefficients": fit.coefficients, "standard_errors": errors(&fit)},
            {"X": x, "y": y, "groups": groups, "coefficients": clustered.coefficients, "standard_errors": errors(&clustered)},
        ],
    });
    assert_eq!(c.metrics[2].metric, "steps");
    assert_eq!(
        c.metrics[2].p_value,
        stats::mann_whitney_u(&steps_a, &steps_b)
    );
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/stats-reference.json");
    std::fs::write(&out, serde_json::to_vec(&json).unwrap()).unwrap();
}
