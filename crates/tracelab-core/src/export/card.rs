//! The `README.md` dataset card of an exported format: YAML front matter the Hugging Face Hub
//! and `datasets` read (licence, `configs` with `data_files` per split, `dataset_info` with
//! features and split sizes), then what the data is and where it came from.

use std::fmt::Write;

use arrow::datatypes::{DataType, Field, Schema};

use crate::curate::{Curation, Format, Split};

/// Where an export came from, for the card and the manifest.
pub struct Provenance<'a> {
    pub archive: &'a str,
    pub archive_sha256: &'a str,
    pub tool: &'a str,
}

/// A split's size: rows, and bytes of its rows in Arrow memory (what `datasets` calls
/// `num_bytes`).
pub struct SplitSize {
    pub split: Split,
    pub rows: usize,
    pub bytes: usize,
}

/// A YAML string: always double-quoted, so no value is read as a number, date or boolean.
pub(crate) fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("strings serialise")
}

fn dtype(data_type: &DataType) -> &'static str {
    match data_type {
        DataType::Boolean => "bool",
        DataType::Int64 => "int64",
        DataType::Float64 => "float64",
        _ => "string",
    }
}

/// A field in `datasets`' YAML feature syntax (`Features._to_yaml_list`).
fn feature(out: &mut String, field: &Field, indent: usize) {
    let pad = " ".repeat(indent);
    let _ = writeln!(out, "{pad}- name: {}", field.name());
    nested(out, field.data_type(), indent);
}

fn nested(out: &mut String, data_type: &DataType, indent: usize) {
    let pad = " ".repeat(indent);
    match data_type {
        DataType::Struct(fields) => {
            let _ = writeln!(out, "{pad}  struct:");
            for f in fields {
                feature(out, f, indent + 2);
            }
        }
        DataType::List(item) => match item.data_type() {
            DataType::Struct(fields) => {
                let _ = writeln!(out, "{pad}  list:");
                for f in fields {
                    feature(out, f, indent + 2);
                }
            }
            other => {
                let _ = writeln!(out, "{pad}  list: {}", dtype(other));
            }
        },
        other => {
            let _ = writeln!(out, "{pad}  dtype: {}", dtype(other));
        }
    }
}

fn about(format: Format) -> &'static str {
    match format {
        Format::TrlPreference => {
            "Preference pairs for TRL's `DPOTrainer` (conversational): `prompt` is the chat up to \
             the task's first user message; `chosen` is what a successful session did next and \
             `rejected` what a failed session of the same task did, as message lists with \
             `tool_calls` and `role: tool` results. `tools` lists the tools called."
        }
        Format::TrlUnpaired => {
            "Unpaired preference data for TRL's `KTOTrainer`: `prompt`, `completion`, and `label` \
             (true: the session succeeded)."
        }
        Format::TrlSft => {
            "Successful sessions as `messages` for TRL's `SFTTrainer`, with the `tools` they called."
        }
        Format::OpenaiPreference => {
            "OpenAI preference fine-tuning rows (`input.messages`, `preferred_output`, \
             `non_preferred_output`). This format holds only each side's final assistant \
             message: the tool calls and results that led to it are not in it."
        }
        Format::Openrlhf => {
            "OpenRLHF reward-model and DPO data: `prompt`, `chosen`, `rejected` message lists \
             (use `--apply_chat_template`) and `margin` (score difference, 1 for success over \
             failure)."
        }
        Format::Verl => {
            "verl RL prompts: one per task, with `reward_model.ground_truth` the task id (the \
             reward is the task's own check) and `extra_info` naming the split and source session."
        }
    }
}

/// The card's text.
pub fn render(
    curation: &Curation,
    format: Format,
    schema: &Schema,
    counts: &[SplitSize],
    provenance: &Provenance<'_>,
) -> String {
    let config = &curation.config;
    let report = &curation.report;
    let mut out = String::from("---\n");
    let _ = writeln!(out, "license: {}", quoted(&config.license));
    let _ = writeln!(
        out,
        "pretty_name: {}",
        quoted(&format!("{} ({})", config.name, format.name()))
    );
    out.push_str("tags:\n- tracelab\n- agent-traces\n");
    let _ = writeln!(out, "- {}", format.name());
    out.push_str("configs:\n- config_name: default\n  data_files:\n");
    for size in counts {
        let name = size.split.name();
        let _ = writeln!(out, "  - split: {name}\n    path: data/{name}-*.parquet");
    }
    out.push_str("dataset_info:\n  features:\n");
    for field in schema.fields() {
        feature(&mut out, field, 2);
    }
    out.push_str("  splits:\n");
    for size in counts {
        let _ = writeln!(
            out,
            "  - name: {}\n    num_bytes: {}\n    num_examples: {}",
            size.split.name(),
            size.bytes,
            size.rows
        );
    }
    out.push_str("---\n\n");
    let _ = writeln!(out, "# {} ({})\n", config.name, format.name());
    let _ = writeln!(out, "{}\n", about(format));
    out.push_str("| split | rows |\n| --- | ---: |\n");
    for size in counts {
        let _ = writeln!(out, "| {} | {} |", size.split.name(), size.rows);
    }
    out.push_str("\n## Provenance\n\n");
    let _ = writeln!(
        out,
        "Curated by {} from the trace archive `{}` (content hash `{}`), seed {}. \
         `../manifest.json` holds every option, the input hashes and the hash of every file; \
         `tracelab curate {} --config manifest.json --out DIR` reproduces this export byte for byte.\n",
        provenance.tool, provenance.archive, provenance.archive_sha256, config.seed, provenance.archive
    );
    let i = &report.intake;
    let _ = writeln!(
        out,
        "- Sessions read: {}; used: {} (filtered out {}, without task {}, without outcome {}, \
         dropped by decontamination {}, without prompt or answer {}).",
        i.read,
        i.candidates,
        i.filtered_out,
        i.without_task,
        i.without_outcome,
        i.decontam_dropped,
        i.unusable()
    );
    let _ = writeln!(
        out,
        "- Splits by a seeded hash of the {}: no {} is in two splits.",
        match config.split.by {
            crate::curate::SplitKey::Repo => "repository",
            crate::curate::SplitKey::Task => "task",
        },
        match config.split.by {
            crate::curate::SplitKey::Repo => "repository or task",
            crate::curate::SplitKey::Task => "task",
        }
    );
    if report.benchmarks.is_empty() {
        out.push_str("- Not decontaminated against any benchmark.\n");
    } else {
        let _ = writeln!(
            out,
            "- Decontaminated against {}: {} sessions dropped, {} flagged (see `../decontam.jsonl`).",
            report.benchmarks.join(", "),
            i.decontam_dropped,
            i.decontam_flagged
        );
    }
    if config.scrub.enabled {
        let kinds: Vec<String> = report
            .scrubbed
            .iter()
            .map(|(k, n)| format!("{k} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "- Secrets and e-mail addresses replaced by `[REDACTED:<kind>]`: {}.",
            if kinds.is_empty() {
                "none found".to_string()
            } else {
                kinds.join(", ")
            }
        );
    } else {
        out.push_str("- Not scrubbed of secrets.\n");
    }
    if !report.warnings.is_empty() {
        out.push_str("\n## Warnings\n\n");
        for w in &report.warnings {
            let _ = writeln!(out, "- {w}");
        }
    }
    out
}
