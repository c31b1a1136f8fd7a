//! The checks measured against the real SWE-bench files: precision and recall per check over
//! 50 planted and 50 clean generated traces, and throughput.
//!
//! Both read the built-in corpora in `crates/tracelab-core/corpora/` (copies of
//! `../shared/benchmarks/`; or `$TRACELAB_BENCHMARKS_DIR`) and print a note and pass when the
//! files are absent. Clean traces are hard negatives: real
//! issues and gold patches of SWE-bench Lite instances that are not in Verified (same
//! projects, same vocabulary), on repositories with similar names, with `git log` output,
//! issue URLs of other repositories carrying benchmark numbers, and hex strings.
//!
//! `cargo test -p tracelab-core --release --lib decontam::evaluation -- --include-ignored --nocapture`

use std::path::PathBuf;
use std::time::Instant;

use super::plants::{as_edit, chatter, date, two_edits, Plant};
use super::{check, statement, Check, Corpus, Hit, Instance, Options, TextKind};

fn benchmarks_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("TRACELAB_BENCHMARKS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/corpora")));
    let found = dir.join("swebench_verified.slim.jsonl").is_file();
    if !found {
        println!(
            "note: {} has no SWE-bench files; skipping the evaluation",
            dir.display()
        );
    }
    found.then_some(dir)
}

fn load(dir: &std::path::Path, file: &str) -> Corpus {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    Corpus::from_jsonl(file, &text).unwrap()
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn hex(&mut self, digits: usize) -> String {
        (0..digits)
            .map(|_| char::from_digit(self.below(16) as u32, 16).unwrap())
            .collect()
    }
}

/// The problem statement as someone might paste it: re-cased, re-flowed, dressed in markdown.
fn dressed(statement: &str, k: usize) -> String {
    let text = match k % 3 {
        0 => statement.to_uppercase(),
        1 => statement.to_lowercase(),
        _ => statement.to_string(),
    };
    let text = text
        .replace("\r\n", "\n")
        .replace('\n', "\n\n   ")
        .replace(". ", ".  \n- ");
    format!("## Issue to fix\n\n> **Reported upstream:**\n\n{text}\n\n---\n_Please fix this._")
}

/// A plant of `check` on `instance`, and the name its hit must carry.
fn planted(check: Check, instance: &Instance, k: usize, rng: &mut Rng) -> (Plant, String) {
    let id = &instance.instance_id;
    let mut plant = Plant::new(&format!("{}-{k}", check.as_str()));
    plant.texts = chatter(k as u64);
    plant.started_at = Some(date("2024-06-01T00:00:00Z"));
    let (owner, name) = instance.repo.split_once('/').unwrap();
    let number = instance.number().unwrap();
    let mut target = id.clone();
    let text = match check {
        Check::Identifier => match k % 5 {
            0 => (TextKind::Message, format!("Trajectory: https://ci.example.org/runs/{id}/trajectory.json")),
            1 => (TextKind::ToolResult, format!("$ git log -2\ncommit {}\nAuthor: Dev <dev@example.org>\nDate:   Mon Jan 6 14:25:36 2020 +0100\n\n    Merge\n\ncommit {}\n", instance.base_commit, rng.hex(40))),
            2 => (TextKind::ToolResult, format!("$ git log --oneline --abbrev=12\n{} Fix parsing\n{} Older\n", &instance.base_commit[..12], rng.hex(12))),
            3 => (TextKind::ToolInput, format!("docker run --rm sweb.eval.x86_64.{}:latest", id.replacen("__", "_1776_", 1))),
            _ => (TextKind::Message, format!("See HTTPS://GitHub.com/{owner}/{name}/issues/{number} for the report.")),
        },
        Check::RepoScope | Check::TimeCutoff => {
            target = instance.benchmark.clone();
            plant.repo = Some(match k % 4 {
                0 => instance.repo.clone(),
                1 => format!("https://github.com/{}.git", instance.repo.to_uppercase()),
                2 => format!("git@github.com:{}.git", instance.repo),
                _ => format!("myorg{k}/{name}"),
            });
            if check == Check::TimeCutoff {
                plant.started_at = Some(date("2023-01-01T00:00:00Z") + chrono::Duration::days(k as i64 * 5));
            }
            (TextKind::Message, "Let me look at the repository.".into())
        }
        Check::ProblemStatement => {
            // Every fourth paste keeps only the first 70% of the issue.
            let statement = &instance.problem_statement;
            let mut cut = if k % 4 == 3 { statement.len() * 7 / 10 } else { statement.len() };
            while !statement.is_char_boundary(cut) {
                cut -= 1;
            }
            (TextKind::Message, dressed(&statement[..cut], k))
        }
        Check::GoldPatch | Check::TestPatch => {
            let [first, second] = two_edits(&instance.patch);
            plant.texts.push((TextKind::Edit, first));
            (TextKind::Edit, second)
        }
        Check::FilesTouched => {
            plant.repo = Some(instance.repo.clone());
            for file in super::patch::files(&instance.patch) {
                plant.texts.push((TextKind::Edit, as_edit(&file, &[], &[&format!("planted_marker_{k} = True")], "")));
            }
            (TextKind::Message, "Edited the files.".into())
        }
        Check::InTraceLeak => {
            plant.texts.push((TextKind::Message, format!("Working on task {id}.")));
            if k % 2 == 0 {
                let day = 1 + k % 27;
                let log = format!(
                    "$ git log --all -2\ncommit {} (origin/main)\nAuthor: Dev <dev@example.org>\nDate:   Tue Mar {day} 10:00:00 2020 +0000\n\n    Later work\n\n\
                     commit {}\nAuthor: Dev <dev@example.org>\nDate:   Wed Jan {day} 09:00:00 2020 +0000\n\n    Base\n",
                    rng.hex(40),
                    instance.base_commit
                );
                (TextKind::ToolResult, log)
            } else {
                let [first, second] = two_edits(&instance.patch);
                plant.texts.push((TextKind::ToolResult, format!("$ git show FETCH_HEAD\n{}", instance.patch)));
                plant.texts.push((TextKind::Edit, first));
                (TextKind::Edit, second)
            }
        }
    };
    plant.texts.push(text);
    (plant, target)
}

/// A clean trace built from a Lite-only instance (`other`), which the corpus does not hold.
fn clean(other: &Instance, verified: &Instance, k: usize, rng: &mut Rng) -> Plant {
    const REPOS: [&str; 5] = [
        "acme/webshop",
        "myorg/django-extensions",
        "acme/sphinx-theme",
        "data-team/sympy-notebooks",
        "acme/requests-oauth",
    ];
    let mut plant = Plant::new(&format!("clean-{k}"));
    plant.texts = chatter(k as u64 + 7);
    plant.repo = Some(REPOS[k % REPOS.len()].into());
    plant.started_at = Some(date("2023-03-01T00:00:00Z") + chrono::Duration::days(k as i64));
    let number = verified.number().unwrap();
    match k % 5 {
        0 => plant.texts.push((TextKind::Message, dressed(&other.problem_statement, k))),
        1 => {
            let [first, second] = two_edits(&other.patch);
            plant.texts.push((TextKind::Edit, first));
            plant.texts.push((TextKind::Edit, second));
        }
        2 => plant.texts.push((
            TextKind::ToolResult,
            format!(
                "$ git log -2\ncommit {}\nDate:   Tue Mar 3 10:00:00 2020 +0100\n\ncommit {}\nDate:   Mon Jan 6 10:00:00 2020 +0100\n\
                 Refs https://github.com/acme/webshop/issues/{number} and acme__webshop-{number}; build {}",
                rng.hex(40),
                rng.hex(40),
                rng.hex(16)
            ),
        )),
        3 => {
            plant.texts.push((TextKind::Message, format!("Our ticket: {}", other.problem_statement)));
            plant.texts.push((TextKind::ToolResult, other.patch.clone()));
        }
        _ => plant.texts.push((
            TextKind::ToolResult,
            "class Config:\n    def __init__(self, path):\n        self.__path = path\n\n    def __repr__(self):\n        return f'Config({self.__path!r})'\n".into(),
        )),
    }
    plant
}

fn named(hits: &[Hit], check: Check) -> Vec<String> {
    hits.iter()
        .filter(|h| h.check == check)
        .map(|h| h.instance_id.clone().unwrap_or_else(|| h.benchmark.clone()))
        .collect()
}

#[test]
fn precision_and_recall_on_verified() {
    let Some(dir) = benchmarks_dir() else { return };
    let corpus = load(&dir, "swebench_verified.slim.jsonl");
    let lite = load(&dir, "swebench_lite.slim.jsonl");
    let verified = corpus.instances();
    let lite_only: Vec<&Instance> = lite
        .instances()
        .iter()
        .filter(|l| verified.iter().all(|v| v.instance_id != l.instance_id))
        .collect();
    let options = Options {
        after: Some(date("2024-01-01T00:00:00Z")),
        ..Options::default()
    };
    // The margin: what the clean traces score with no threshold at all.
    let any_share = Options {
        threshold: 1e-9,
        ..options.clone()
    };
    let mut rng = Rng(7);
    let (cleans, clean_scores): (Vec<Vec<Hit>>, Vec<Vec<Hit>>) = (0..50)
        .map(|k| {
            let other = lite_only[(k * 4) % lite_only.len()];
            let plant = clean(other, &verified[k * 10], k, &mut rng);
            let view = plant.view();
            (
                check(&corpus, &view, &options),
                check(&corpus, &view, &any_share),
            )
        })
        .unzip();

    println!("\n| check | planted | found | missed | clean traces hit | precision | recall | lowest planted score | highest clean score |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (offset, check_name) in Check::ALL.into_iter().enumerate() {
        if check_name == Check::TestPatch {
            println!("| test_patch | – | – | – | – | – | – | – | – (no test_patch in the slim files; fixture tests only) |");
            continue;
        }
        let (mut found, mut wrong, mut missed) = (0usize, 0usize, Vec::new());
        let mut lowest = f64::INFINITY;
        for k in 0..50 {
            let instance = &verified[(k * 10 + offset) % verified.len()];
            let (plant, target) = planted(check_name, instance, k, &mut rng);
            let hits = check(&corpus, &plant.view(), &options);
            let names = named(&hits, check_name);
            if let Some(at) = names.iter().position(|n| *n == target) {
                found += 1;
                let score = hits
                    .iter()
                    .filter(|h| h.check == check_name)
                    .nth(at)
                    .unwrap()
                    .score;
                lowest = lowest.min(score);
            } else {
                if !names.is_empty() {
                    wrong += 1;
                }
                missed.push(target);
            }
        }
        let false_hits: Vec<String> = cleans
            .iter()
            .enumerate()
            .filter(|(_, hits)| hits.iter().any(|h| h.check == check_name))
            .map(|(k, hits)| format!("clean-{k}: {:?}", named(hits, check_name)))
            .collect();
        let fp = wrong + false_hits.len();
        let precision = found as f64 / (found + fp).max(1) as f64;
        let recall = found as f64 / 50.0;
        let highest = clean_scores
            .iter()
            .flatten()
            .filter(|h| h.check == check_name)
            .map(|h| h.score)
            .fold(0.0, f64::max);
        println!(
            "| {check_name} | 50 | {found} | {} | {} | {precision:.3} | {recall:.3} | {lowest:.2} | {highest:.2} |",
            missed.len(),
            false_hits.len()
        );
        if !missed.is_empty() || !false_hits.is_empty() {
            println!(
                "|   | missed: {:?} | false: {:?} |",
                &missed[..missed.len().min(6)],
                false_hits
            );
        }
        assert!(precision >= 0.95, "{check_name}: precision {precision}");
        let floor = match check_name {
            Check::GoldPatch | Check::InTraceLeak => 0.8,
            _ => 0.95,
        };
        assert!(
            recall >= floor,
            "{check_name}: recall {recall}, missed {missed:?}"
        );
    }
}

/// Prose drawn from the corpus's own words, with code lines and edits mixed in: the lookups
/// a real trace makes, with almost every n-gram missing the index.
fn synthetic_trace(words: &[&str], code: &[&str], rng: &mut Rng, bytes: usize) -> Plant {
    let mut plant = Plant::new(&format!("synthetic-{}", rng.next()));
    let mut size = 0;
    while size < bytes {
        let mut text = String::new();
        let kind = match rng.below(10) {
            0..=4 => TextKind::Message,
            5..=8 => TextKind::ToolResult,
            _ => TextKind::Edit,
        };
        while text.len() < 2_000 {
            if kind == TextKind::Message {
                text.push_str(words[rng.below(words.len())]);
                text.push(if rng.below(12) == 0 { '\n' } else { ' ' });
            } else {
                text.push_str(code[rng.below(code.len())]);
                text.push('\n');
            }
        }
        size += text.len();
        plant.texts.push((kind, text));
    }
    plant
}

#[test]
#[ignore = "a measurement: run with --release --include-ignored --nocapture"]
fn throughput_on_verified() {
    let Some(dir) = benchmarks_dir() else { return };
    let corpus = load(&dir, "swebench_verified.slim.jsonl");
    let options = Options::default();
    let started = Instant::now();
    corpus.prepare(&options);
    let build = started.elapsed();
    let indexes = corpus.indexes(&options);

    let statements: String = corpus
        .instances()
        .iter()
        .map(|i| i.problem_statement.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    // Without the issue and pull request URLs some statements quote: they would name
    // benchmark instances in nearly every synthetic trace, which real traces do not.
    let words: Vec<&str> = statements
        .split_whitespace()
        .filter(|w| !w.contains("github.com"))
        .collect();
    // Context lines only: the code a session reads, not the fixes it could copy.
    let code: Vec<&str> = corpus
        .instances()
        .iter()
        .flat_map(|i| i.patch.lines())
        .filter_map(|l| l.strip_prefix(' '))
        .collect();
    let mut rng = Rng(42);
    let traces: Vec<Plant> = (0..500)
        .map(|_| synthetic_trace(&words, &code, &mut rng, 100_000))
        .collect();
    let total: usize = traces.iter().map(|t| t.view().text_bytes()).sum();
    let mb = total as f64 / 1e6;

    let timed = |pass: &dyn Fn(&Plant) -> usize| {
        let (wall, cpu) = (Instant::now(), thread_cpu_seconds());
        let count: usize = traces.iter().map(pass).sum();
        let cpu = thread_cpu_seconds()
            .zip(cpu)
            .map(|(end, start)| end - start);
        (count, wall.elapsed().as_secs_f64(), cpu)
    };
    let report = |name: &str, what: &str, (count, wall, cpu): (usize, f64, Option<f64>)| {
        let on_cpu = cpu.map_or(String::new(), |c| {
            format!(", {:.0} MB/s of CPU time", mb / c)
        });
        println!(
            "  {name}: {wall:.3}s = {:.0} MB/s wall{on_cpu} ({count} {what})",
            mb / wall
        );
    };
    println!(
        "\nindex build {:.2}s ({} statement n-grams); {mb:.1} MB in {} traces, one thread:",
        build.as_secs_f64(),
        indexes.statements.len(),
        traces.len()
    );
    let quoted =
        timed(&|t: &Plant| statement::matches(&indexes.statements, &t.view(), options.ngram).len());
    report("problem_statement pass", "n-gram matches", quoted);
    let named = timed(&|t: &Plant| {
        let found =
            super::identifier::find(&indexes.identifiers, corpus.instances(), &t.view(), false);
        found.0.len()
    });
    report("identifier pass", "hits", named);
    let all = timed(&|t: &Plant| check(&corpus, &t.view(), &options).len());
    report("every check", "hits", all);
}

/// Seconds this thread has run on a CPU (Linux), so that figures taken while other jobs share
/// the machine still say what one core does.
fn thread_cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}
