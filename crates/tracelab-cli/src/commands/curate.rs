use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Result};
use tracelab_core::archive::Archive;
use tracelab_core::curate::{self, Config, Curation, SetReport, Split, DEFAULT_CONFIG};
use tracelab_core::export::dataset;
use tracelab_core::progress::CancelToken;

use crate::text::thousands;

#[derive(clap::Args)]
pub struct Args {
    /// The archive folder.
    #[arg(required_unless_present = "init")]
    archive: Option<PathBuf>,
    /// The curation: a curate.toml, or the manifest.json of an earlier export to reproduce
    /// it byte for byte. Without it, every option is at its default (see --init).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The folder to write (new or empty).
    #[arg(long, value_name = "DIR", required_unless_present = "init")]
    out: Option<PathBuf>,
    /// Override the config's seed.
    #[arg(long)]
    seed: Option<u64>,
    /// Print the default curate.toml, every option explained, and exit.
    #[arg(long)]
    init: bool,
    /// Print {"out", "archive_sha256", "report", "files"} instead of the summary.
    #[arg(long)]
    json: bool,
}

fn splits(set: &SetReport) -> String {
    Split::ALL
        .iter()
        .map(|s| format!("{} {}", s.name(), thousands(set.splits[s] as u64)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn shares(set: &SetReport) -> String {
    set.model_shares
        .iter()
        .map(|(m, s)| format!("{m} {:.0}%", s * 100.0))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn summary(c: &Curation, archive: &str) -> String {
    let r = &c.report;
    let i = &r.intake;
    let mut out = format!("Curated {} with seed {}.\n\n", archive, c.config.seed);
    out += &format!(
        "  sessions   {} read · {} used · {} filtered out · {} without task · {} without outcome · {} dropped by decontamination · {} without prompt or answer\n",
        thousands(i.read as u64),
        thousands(i.candidates as u64),
        thousands(i.filtered_out as u64),
        thousands(i.without_task as u64),
        thousands(i.without_outcome as u64),
        thousands(i.decontam_dropped as u64),
        thousands(i.unusable() as u64),
    );
    let p = &r.pairing;
    out += &format!(
        "  pairs      {} ({}) from {} tasks; {} tasks only succeeded, {} only failed, {} had one session; {} over max_per_task, {} too far apart in length\n",
        thousands(r.pairs.rows as u64),
        splits(&r.pairs),
        thousands(p.tasks as u64),
        thousands(p.tasks_only_success as u64),
        thousands(p.tasks_only_failure as u64),
        thousands(p.tasks_single_session as u64),
        thousands(p.removed_by_max_per_task as u64),
        thousands(p.removed_by_length_ratio as u64),
    );
    let caps = &r.pairs.caps;
    out += &format!(
        "  caps       pairs removed: {} by task share, {} by repo share, {} by model share\n",
        caps.removed_by_task_share, caps.removed_by_repo_share, caps.removed_by_model_share
    );
    out += &format!("  models     {}\n", shares(&r.pairs));
    let l = &r.lengths;
    out += &format!(
        "  lengths    chosen {:.0} vs rejected {:.0} output tokens (median), {:.1} vs {:.1} steps (mean); chosen longer in {:.0}% of pairs\n",
        l.chosen_tokens_median,
        l.rejected_tokens_median,
        l.chosen_steps_mean,
        l.rejected_steps_mean,
        l.chosen_longer_share * 100.0
    );
    out += &format!(
        "  unpaired   {} ({} desirable, {} undesirable; {})\n",
        thousands(r.unpaired.rows as u64),
        thousands(r.unpaired_desirable as u64),
        thousands(r.unpaired_undesirable as u64),
        splits(&r.unpaired)
    );
    out += &format!(
        "  sft        {} ({})\n",
        thousands(r.sft.rows as u64),
        splits(&r.sft)
    );
    out += &format!(
        "  prompts    {} ({})\n",
        thousands(r.prompts.rows as u64),
        splits(&r.prompts)
    );
    out += &format!(
        "  splits     by {}: tasks {} · repositories {}\n",
        match c.config.split.by {
            curate::SplitKey::Repo => "repository",
            curate::SplitKey::Task => "task",
        },
        Split::ALL
            .iter()
            .map(|s| format!("{} {}", s.name(), r.split_tasks[s]))
            .collect::<Vec<_>>()
            .join(" · "),
        Split::ALL
            .iter()
            .map(|s| format!("{} {}", s.name(), r.split_repos[s]))
            .collect::<Vec<_>>()
            .join(" · "),
    );
    let scrubbed: Vec<String> = r.scrubbed.iter().map(|(k, n)| format!("{k} {n}")).collect();
    out += &format!(
        "  scrubbed   {}\n",
        if !c.config.scrub.enabled {
            "off".to_string()
        } else if scrubbed.is_empty() {
            "nothing found".to_string()
        } else {
            scrubbed.join(" · ")
        }
    );
    out += &format!(
        "  decontam   {}\n",
        if r.benchmarks.is_empty() {
            "off".to_string()
        } else {
            format!(
                "{}: {} sessions dropped, {} flagged, {} never chosen",
                r.benchmarks.join(", "),
                thousands(i.decontam_dropped as u64),
                thousands(i.decontam_flagged as u64),
                thousands(i.never_chosen as u64)
            )
        }
    );
    out
}

/// The archive hash an earlier manifest recorded, when the config is one.
fn recorded_archive_hash(path: &std::path::Path) -> Option<String> {
    if path.extension().is_none_or(|e| e != "json") {
        return None;
    }
    let text = std::fs::read_to_string(path).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    json["archive"]["sha256"].as_str().map(str::to_string)
}

pub fn run(args: Args) -> Result<()> {
    if args.init {
        std::io::stdout()
            .lock()
            .write_all(DEFAULT_CONFIG.as_bytes())?;
        return Ok(());
    }
    let (Some(archive_path), Some(out)) = (&args.archive, &args.out) else {
        bail!("an archive and --out DIR are needed");
    };
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    let archive = Archive::open(archive_path)?;
    let label = archive_path.display().to_string();
    let curation =
        crate::runtime()?.block_on(curate::curate(&archive, &config, &CancelToken::new()))?;
    if let Some(problem) = curation.empty() {
        eprint!("{}", summary(&curation, &label));
        bail!("{problem}; nothing written");
    }
    let export = dataset::write(
        &archive,
        &label,
        &curation,
        out,
        &crate::progress::Bar::new(false),
    )?;
    let mut warnings = curation.report.warnings.clone();
    if let Some(recorded) = args.config.as_deref().and_then(recorded_archive_hash) {
        if recorded != export.archive_sha256 {
            warnings.push(format!(
                "the archive changed since {} was written (content hash {} then, {} now): the export differs",
                args.config.as_ref().expect("config").display(),
                &recorded[..12.min(recorded.len())],
                &export.archive_sha256[..12]
            ));
        }
    }
    if args.json {
        let json = serde_json::json!({
            "out": out,
            "archive_sha256": export.archive_sha256,
            "report": curation.report,
            "warnings": warnings,
            "files": export.files,
        });
        outln!("{}", serde_json::to_string_pretty(&json)?)?;
        return Ok(());
    }
    let mut text = summary(&curation, &label);
    text += &format!("\nWrote {}:\n", out.display());
    for format in &config.export.formats {
        let rows: usize = export
            .files
            .iter()
            .filter(|f| f.path.starts_with(&format!("{}/data/", format.name())))
            .filter_map(|f| f.rows)
            .sum();
        if rows > 0 {
            text += &format!(
                "  {:<20} {} rows: data/<split>-*.parquet{}, README.md\n",
                format!("{}/", format.name()),
                thousands(rows as u64),
                if config.export.jsonl {
                    ", jsonl/<split>.jsonl"
                } else {
                    ""
                }
            );
        }
    }
    text += "  report.json          what every step kept and removed\n";
    text += &format!(
        "  decontam.jsonl       {} hits\n",
        thousands(curation.hits.len() as u64)
    );
    text += "  manifest.json        options, input and output hashes: --config it to reproduce\n";
    for w in &warnings {
        text += &format!("\nwarning: {w}");
    }
    if !warnings.is_empty() {
        text.push('\n');
    }
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
