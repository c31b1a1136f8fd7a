//! Curation on generated archives: pairs stay inside tasks, no repository or task crosses
//! splits, caps hold, counts reconcile, an export reproduces byte for byte from its manifest,
//! and a curation with nothing to give says why instead of writing an empty dataset.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use tracelab_core::archive::Archive;
use tracelab_core::curate::{self, Config, Curation, Format, Grade, Split, SplitKey};
use tracelab_core::export::dataset;
use tracelab_core::progress::{CancelToken, Silent};

use super::{import_into, sample};

fn run(archive: &Archive, config: &Config) -> tracelab_core::Result<Curation> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(curate::curate(archive, config, &CancelToken::new()))
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                out.insert(name, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// Every (task or repository) → split it appears in, over every set.
fn splits_per_key(c: &Curation, key: impl Fn(usize) -> String) -> HashMap<String, HashSet<Split>> {
    let mut seen: HashMap<String, HashSet<Split>> = HashMap::new();
    let members = c
        .pairs
        .iter()
        .flat_map(|(p, s)| [(p.chosen, *s), (p.rejected, *s)])
        .chain(c.unpaired.iter().map(|u| (u.0, u.2)))
        .chain(c.sft.iter().copied())
        .chain(c.prompts.iter().copied());
    for (i, split) in members {
        seen.entry(key(i)).or_default().insert(split);
    }
    seen
}

#[test]
fn pairs_splits_and_caps_keep_their_promises() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 800, 5);
    let mut config = Config::default();
    config.balance.max_model_share = 0.4;
    config.pairs.same_harness_version = true;
    let c = run(&archive, &config).unwrap();
    let r = &c.report;
    let i = &r.intake;
    assert_eq!(
        i.read,
        i.filtered_out
            + i.without_task
            + i.without_outcome
            + i.decontam_dropped
            + i.unusable()
            + i.candidates,
        "{i:?}"
    );
    assert_eq!(i.read, 800);
    assert!(!c.pairs.is_empty() && !c.sft.is_empty() && !c.unpaired.is_empty());

    let mut used = HashSet::new();
    for (p, _) in &c.pairs {
        let (a, b) = (&c.candidates[p.chosen], &c.candidates[p.rejected]);
        assert_eq!(a.task_id, b.task_id, "a pair across tasks");
        assert_eq!(a.harness_version, b.harness_version);
        assert_eq!((a.grade, b.grade), (Grade::Success, Grade::Failure));
        assert!(!a.never_chosen);
        assert!(
            used.insert(p.chosen) && used.insert(p.rejected),
            "a session in two pairs"
        );
    }
    let per_task = c.pairs.iter().fold(HashMap::new(), |mut m, (p, _)| {
        *m.entry(&c.candidates[p.chosen].task_id).or_insert(0) += 1;
        m
    });
    assert!(per_task.values().all(|&n| n <= config.pairs.max_per_task));
    for (model, share) in &r.pairs.model_shares {
        assert!(*share <= 0.4 + 1e-9, "{model} holds {share} of the pairs");
    }
    assert!(
        r.pairs.caps.removed_by_model_share > 0,
        "the cap had work to do"
    );
    assert!(c
        .sft
        .iter()
        .all(|(i, _)| c.candidates[*i].grade == Grade::Success));
    assert_eq!(
        r.unpaired_desirable + r.unpaired_undesirable,
        c.unpaired.len()
    );

    let by_task = splits_per_key(&c, |i| c.candidates[i].task_id.clone());
    let by_repo = splits_per_key(&c, |i| c.candidates[i].repo_key().to_string());
    assert!(
        by_task.values().all(|s| s.len() == 1),
        "a task in two splits"
    );
    assert!(
        by_repo.values().all(|s| s.len() == 1),
        "a repository in two splits"
    );

    // By task, repositories may spread over splits but tasks still may not.
    config.split.by = SplitKey::Task;
    let c = run(&archive, &config).unwrap();
    let by_task = splits_per_key(&c, |i| c.candidates[i].task_id.clone());
    assert!(by_task.values().all(|s| s.len() == 1));
    let by_repo = splits_per_key(&c, |i| c.candidates[i].repo_key().to_string());
    assert!(by_repo.values().any(|s| s.len() > 1));
    for split in Split::ALL {
        assert!(c.report.pairs.splits[&split] > 0, "{split:?} is empty");
    }
}

/// Each phase a job reported: its name, its total, and the units it said were done.
#[derive(Default)]
struct Recorded(std::sync::Mutex<Vec<(String, Option<u64>, u64)>>);

impl tracelab_core::progress::Progress for Recorded {
    fn begin(&self, phase: &str, total: Option<u64>) {
        self.0.lock().unwrap().push((phase.into(), total, 0));
    }
    fn advance(&self, delta: u64) {
        self.0.lock().unwrap().last_mut().unwrap().2 += delta;
    }
}

#[test]
fn an_export_reproduces_byte_for_byte_from_its_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 300, 9);
    let mut config = Config::default();
    config.split.by = SplitKey::Task;
    config.balance.match_length = true;
    let first = dir.path().join("first");
    let c = run(&archive, &config).unwrap();
    let label = archive.root().display().to_string();
    let progress = Recorded::default();
    let export = dataset::write(&archive, &label, &c, &first, &progress).unwrap();
    // Progress: every byte of the archive hashed, then every file set written.
    let phases = progress.0.lock().unwrap().clone();
    let part_bytes: u64 = tracelab_core::schema::Table::ALL
        .iter()
        .flat_map(|t| archive.part_paths(*t))
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    assert_eq!(
        phases,
        [
            (
                "hashing the archive".to_string(),
                Some(part_bytes),
                part_bytes
            ),
            (
                "writing the dataset".to_string(),
                Some(config.export.formats.len() as u64 + 1),
                config.export.formats.len() as u64 + 1
            ),
        ]
    );
    let written = files(&first);
    for format in Format::ALL {
        assert!(
            written.contains_key(&format!("{}/README.md", format.name())),
            "{} has no card",
            format.name()
        );
    }
    for file in &export.files {
        assert_eq!(
            written[&file.path].len() as u64,
            file.bytes,
            "{}",
            file.path
        );
    }

    let again = Config::load(&first.join("manifest.json")).unwrap();
    assert_eq!(again, config);
    let second = dir.path().join("second");
    dataset::write(
        &archive,
        &label,
        &run(&archive, &again).unwrap(),
        &second,
        &Silent,
    )
    .unwrap();
    let rewritten = files(&second);
    assert_eq!(
        written.keys().collect::<Vec<_>>(),
        rewritten.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &written {
        assert!(bytes == &rewritten[name], "{name} differs on a rerun");
    }

    let mut reseeded = config.clone();
    reseeded.seed = 1;
    let third = dir.path().join("third");
    dataset::write(
        &archive,
        &label,
        &run(&archive, &reseeded).unwrap(),
        &third,
        &Silent,
    )
    .unwrap();
    assert_ne!(
        written["trl_preference/jsonl/train.jsonl"],
        files(&third)["trl_preference/jsonl/train.jsonl"],
        "another seed gives another split"
    );
    let err = dataset::write(&archive, &label, &c, &first, &Silent)
        .unwrap_err()
        .to_string();
    assert!(err.contains("not empty"), "{err}");
}

#[test]
fn curations_with_nothing_to_give_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let archive = sample(dir.path(), 120, 2);
    let mut config = Config {
        filter: "model=no-such-model".into(),
        ..Config::default()
    };
    let err = run(&archive, &config).err().unwrap().to_string();
    assert!(err.contains("selects none of 120 sessions"), "{err}");

    config.filter = "outcome=success".into();
    config.export.formats = vec![Format::TrlPreference];
    let c = run(&archive, &config).unwrap();
    let why = c.empty().expect("only successes: no pairs");
    assert!(why.contains("nothing to export"), "{why}");
    config.export.formats = vec![Format::TrlPreference, Format::TrlSft];
    assert!(run(&archive, &config).unwrap().empty().is_none());

    let bad = dir.path().join("bench.jsonl");
    std::fs::write(&bad, "{\"instance_id\": \"x__y-1\", \"repo\": \"x/y\"}\n").unwrap();
    config.decontam.benchmarks = vec![bad];
    let err = run(&archive, &config).err().unwrap().to_string();
    assert!(
        err.contains("bench.jsonl") && err.contains("line 1"),
        "{err}"
    );

    // An archive from a format without outcomes (Claude Code, say).
    let jsonl = dir.path().join("no-outcomes.jsonl");
    let lines: Vec<String> = (0..4)
        .map(|i| {
            serde_json::json!({
                "session_id": format!("s{i}"),
                "task_id": "t1",
                "events": [
                    {"seq": 0, "role": "user", "kind": "message", "content": "Fix it."},
                    {"seq": 1, "role": "assistant", "kind": "message", "content": "Done."}
                ]
            })
            .to_string()
        })
        .collect();
    std::fs::write(&jsonl, lines.join("\n")).unwrap();
    let mut bare = Archive::open_or_create(dir.path().join("bare")).unwrap();
    import_into(&mut bare, &[jsonl]);
    let err = run(&bare, &Config::default()).err().unwrap().to_string();
    assert!(
        err.contains("no session has an outcome") && err.contains("--outcomes"),
        "{err}"
    );
}
