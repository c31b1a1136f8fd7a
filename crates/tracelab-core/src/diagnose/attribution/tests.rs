//! The method on simulated data: null coverage, planted effects, confounding, refusals.

use super::*;

/// splitmix64: a tiny deterministic generator for the simulations below.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn change(dimension: &str, slices: &[&str]) -> Change {
    Change {
        dimension: dimension.into(),
        from: "old".into(),
        to: "new".into(),
        first_seen: DateTime::default(),
        slices: slices.iter().map(|s| s.to_string()).collect(),
        rollouts: Vec::new(),
    }
}

/// Three slices over six weeks; `x` switches on slice a at day 10, `y` on b at day 20,
/// `z` everywhere, staggered over days 30–34. `effects` are the true effects of x, y, z.
/// Each session attempts one of 150 tasks whose difficulty shifts success by up to ±18
/// pp, as in the sample generator, so attempts at one task are correlated.
fn simulate_tasks(rng: &mut Rng, effects: [f64; 3], per_cell: u64) -> (Vec<Cell>, Clusters) {
    let tasks: Vec<f64> = (0..150).map(|_| 0.36 * rng.next() - 0.18).collect();
    let mut cells = Vec::new();
    let mut parts = Vec::new();
    for (si, slice) in ["a", "b", "c"].iter().enumerate() {
        for day in 0..42i64 {
            let on = [
                *slice == "a" && day >= 10,
                *slice == "b" && day >= 20,
                day >= 30 + 2 * si as i64,
            ];
            let p = 0.5
                + 0.05 * si as f64
                + 0.05 * (day as f64 / 6.0).sin()
                + on.iter()
                    .zip(effects)
                    .filter(|(o, _)| **o)
                    .map(|(_, e)| e)
                    .sum::<f64>();
            let mut by_task: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
            for _ in 0..per_cell {
                let task = (rng.next() * tasks.len() as f64) as usize;
                let success = rng.next() < p + tasks[task];
                let e = by_task.entry(task).or_default();
                e.0 += 1.0;
                e.1 += f64::from(u8::from(success));
            }
            let cell = cells.len();
            parts.extend(by_task.iter().map(|(task, (n, s))| ClusterPart {
                cluster: *task,
                cell,
                n: *n,
                successes: *s,
            }));
            cells.push(Cell {
                slice: slice.to_string(),
                day: day * DAY_MICROS,
                model: "m".into(),
                values: on
                    .iter()
                    .map(|o| if *o { "new" } else { "old" }.to_string())
                    .collect(),
                tags: Vec::new(),
                sessions: per_cell as f64,
                n: per_cell as f64,
                successes: by_task.values().map(|(_, s)| s).sum(),
            });
        }
    }
    (
        cells,
        Clusters {
            parts,
            count: tasks.len(),
        },
    )
}

fn simulate(rng: &mut Rng, effects: [f64; 3], per_cell: u64) -> Vec<Cell> {
    simulate_tasks(rng, effects, per_cell).0
}

fn changes() -> Vec<Change> {
    vec![
        change("config.x", &["a"]),
        change("config.y", &["b"]),
        change("config.z", &["a", "b", "c"]),
    ]
}

fn dims() -> Vec<Dimension> {
    ["x", "y", "z"]
        .iter()
        .map(|k| Dimension::Config(k.to_string()))
        .collect()
}

fn run(cells: Vec<Cell>) -> Attribution {
    estimate(cells, None, changes(), &dims(), &[], Vec::new())
}

/// The simulation check: 300 archives with no effect at all, three changes each. With
/// task-clustered errors the intervals cover zero about 95% of the time; the printed
/// HC1 figure shows what ignoring the tasks would give.
#[test]
fn under_no_effect_the_intervals_cover_zero_about_95_percent_of_the_time() {
    let mut rng = Rng(42);
    let (mut clustered, mut robust, mut total) = (0, 0, 0);
    let covers = |e: &Effect| e.ci_low_pp.unwrap() <= 0.0 && e.ci_high_pp.unwrap() >= 0.0;
    for _ in 0..300 {
        let (cells, clusters) = simulate_tasks(&mut rng, [0.0; 3], 30);
        let tasks = estimate(cells, Some(&clusters), changes(), &dims(), &[], Vec::new());
        total += tasks.effects.len();
        clustered += tasks.effects.iter().filter(|e| covers(e)).count();
        let (cells, _) = simulate_tasks(&mut rng, [0.0; 3], 30);
        robust += run(cells).effects.iter().filter(|e| covers(e)).count();
    }
    let coverage = clustered as f64 / total as f64;
    eprintln!(
        "null coverage over {total} intervals: clustered by task {coverage:.3}, HC1 {:.3}",
        robust as f64 / total as f64
    );
    assert_eq!(total, 900);
    assert!((0.925..=0.975).contains(&coverage), "coverage {coverage}");
}

#[test]
fn planted_effects_are_recovered_and_ranked() {
    let mut rng = Rng(7);
    let a = run(simulate(&mut rng, [-0.10, -0.05, 0.0], 200));
    let by = |d: &str| a.effects.iter().find(|e| e.dimension == d).unwrap();
    let (x, y, z) = (by("config.x"), by("config.y"), by("config.z"));
    assert!(
        x.ci_low_pp.unwrap() <= -10.0 && -10.0 <= x.ci_high_pp.unwrap(),
        "{x:?}"
    );
    assert!(
        y.ci_low_pp.unwrap() <= -5.0 && -5.0 <= y.ci_high_pp.unwrap(),
        "{y:?}"
    );
    assert!(
        z.ci_low_pp.unwrap() <= 0.0 && 0.0 <= z.ci_high_pp.unwrap(),
        "{z:?}"
    );
    assert_eq!(a.effects[0].dimension, "config.x");
}

#[test]
fn changes_on_the_same_slices_at_the_same_time_are_confounded() {
    let mut rng = Rng(3);
    let mut cells = simulate(&mut rng, [-0.1, 0.0, 0.0], 50);
    // A fourth knob that moves exactly with x.
    for c in &mut cells {
        let v = c.values[0].clone();
        c.values.push(v);
    }
    let dims: Vec<Dimension> = ["x", "y", "z", "w"]
        .iter()
        .map(|k| Dimension::Config(k.to_string()))
        .collect();
    let changes = vec![
        change("config.x", &["a"]),
        change("config.y", &["b"]),
        change("config.z", &["a", "b", "c"]),
        change("config.w", &["a"]),
    ];
    let a = estimate(cells, None, changes, &dims, &[], Vec::new());
    assert_eq!(a.effects.len(), 3, "x and w share one effect");
    let x = a
        .effects
        .iter()
        .find(|e| e.dimension == "config.x")
        .unwrap();
    assert_eq!(x.confounded_with, ["config.w: old -> new"]);
}

#[test]
fn too_few_sessions_or_no_change_is_said_not_estimated() {
    let a = estimate(Vec::new(), None, Vec::new(), &[], &[], Vec::new());
    assert!(a.effects.is_empty() && a.notes[0].contains("no rollout"));
    let mut rng = Rng(1);
    let tiny = simulate(&mut rng, [0.0; 3], 0);
    let a = run(tiny);
    assert!(a.effects.is_empty() && a.notes[0].contains("too few sessions"));
}
