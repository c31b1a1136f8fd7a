//! Inspect AI logs: `EvalLog` `.json` files and `.eval` zips (`header.json`,
//! `samples/<id>_epoch_<n>.json`, `reductions.json`, `_journal/`). A sample is a session:
//! id `<eval_id>/<sample id>/<epoch>`, task id `<task>/<sample id>`.
//!
//! - `eval.model` → `model`, `eval.packages.inspect_ai` → `harness_version`,
//!   `eval.model_generate_config` → `config`; the sample's `model_usage` → tokens.
//! - Messages become steps (tool calls per `tool_calls`, `role: tool` replies as results,
//!   an `error` on the reply making it an error). `attachment://<hash>` references are
//!   replaced by the text in the sample's `attachments`.
//! - The first score gives the outcome: `C` → success (1), `I` → failure (0), `P` → partial
//!   (0.5), numbers and booleans as the score.
//! - An unfinished `.eval` with no `header.json` takes its eval spec from
//!   `_journal/start.json` and imports the samples it has; an unreadable entry is
//!   quarantined and the rest imported. The log header, the sample's events, scores and
//!   everything else stay in the session's attributes.

use std::io::{Cursor, Read};

use serde_json::{Map, Value};

use super::json::{self, at, rest, str_at};
use super::steps::{stem, sum, Steps};
use super::{Parsed, Rejection, SourceFile};
use crate::record::{Session, Trajectory};

pub const COLUMN_KEYS: &[&str] = &[
    "samples",
    "messages",
    "role",
    "content",
    "tool_calls",
    "tool_call_id",
    "function",
    "arguments",
    "id",
    "type",
    "text",
    "model",
    "epoch",
];

pub fn parse(files: &[SourceFile]) -> Parsed {
    let mut parsed = Parsed::default();
    for file in files {
        if file.bytes.starts_with(b"PK") {
            eval_zip(file, &mut parsed);
            continue;
        }
        match json::parse(&file.bytes) {
            Ok(Value::Object(mut log)) => {
                let samples = match log.remove("samples") {
                    Some(Value::Array(s)) => s,
                    _ => Vec::new(),
                };
                let header = Value::Object(log);
                for sample in samples {
                    parsed
                        .trajectories
                        .push(sample_session(file, &header, sample));
                }
            }
            Ok(_) => parsed.reject(
                &file.uri,
                None,
                Rejection::new("malformed_json", "an Inspect log must be a JSON object"),
                &file.bytes,
            ),
            Err(r) => return Parsed::unreadable(file, r),
        }
    }
    parsed
}

fn eval_zip(file: &SourceFile, parsed: &mut Parsed) {
    let mut zip = match zip::ZipArchive::new(Cursor::new(&file.bytes[..])) {
        Ok(z) => z,
        Err(e) => {
            parsed.reject(
                &file.uri,
                None,
                Rejection::new("bad_bundle", format!("not a readable .eval zip: {e}")),
                &file.bytes,
            );
            return;
        }
    };
    let mut read = |name: &str| -> Option<Result<Value, Rejection>> {
        let mut entry = zip.by_name(name).ok()?;
        let mut buf = Vec::new();
        Some(
            entry
                .read_to_end(&mut buf)
                .map_err(|e| Rejection::new("bad_bundle", format!("unreadable entry {name}: {e}")))
                .and_then(|_| json::parse(&buf)),
        )
    };
    let mut header = match read("header.json").or_else(|| read("_journal/start.json")) {
        Some(Ok(v)) => v,
        _ => Value::Object(Map::new()),
    };
    if let (Value::Object(h), Some(Ok(r))) = (&mut header, read("reductions.json")) {
        h.entry("reductions").or_insert(r);
    }
    let names: Vec<String> = zip
        .file_names()
        .filter(|n| n.starts_with("samples/") && n.ends_with(".json"))
        .map(str::to_string)
        .collect();
    let mut names = names;
    names.sort_by_key(|n| sample_order(n));
    for name in names {
        let uri = format!("{}!{name}", file.uri);
        let mut buf = Vec::new();
        let result = match zip.by_name(&name) {
            Ok(mut entry) => entry
                .read_to_end(&mut buf)
                .map_err(|e| Rejection::new("bad_bundle", format!("unreadable entry: {e}")))
                .and_then(|_| json::parse(&buf)),
            Err(e) => Err(Rejection::new(
                "bad_bundle",
                format!("unreadable entry: {e}"),
            )),
        };
        match result {
            Ok(sample @ Value::Object(_)) => parsed
                .trajectories
                .push(sample_session(file, &header, sample)),
            Ok(_) => parsed.reject(
                &uri,
                None,
                Rejection::new("malformed_json", "a sample must be a JSON object"),
                &buf,
            ),
            Err(r) => parsed.reject(&uri, None, r, &buf),
        }
    }
}

/// `samples/10_epoch_1.json` sorts after `samples/9_epoch_1.json`.
fn sample_order(name: &str) -> (u64, String) {
    let base = name.trim_start_matches("samples/");
    let n = base
        .split('_')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(u64::MAX);
    (n, base.to_string())
}

fn sample_session(file: &SourceFile, header: &Value, mut sample: Value) -> Trajectory {
    resolve_attachments(&mut sample);
    let eval = at(header, "eval");
    let sample_id = str_at(&sample, "id").unwrap_or_default();
    let epoch = str_at(&sample, "epoch").unwrap_or_else(|| "1".into());
    let log_id = eval
        .and_then(|e| str_at(e, "eval_id").or_else(|| str_at(e, "run_id")))
        .unwrap_or_else(|| stem(&file.path));
    let task = eval.and_then(|e| str_at(e, "task")).unwrap_or_default();
    let mut session = Session {
        session_id: format!("{log_id}/{sample_id}/{epoch}"),
        task_id: Some(format!("{task}/{sample_id}")),
        harness: Some("inspect-ai".into()),
        harness_version: eval.and_then(|e| str_at(e, "packages.inspect_ai")),
        model: eval.and_then(|e| str_at(e, "model")),
        started_at: json::time_at(header, "stats.started_at")
            .or_else(|| eval.and_then(|e| json::time_at(e, "created"))),
        ended_at: json::time_at(header, "stats.completed_at"),
        ..Session::default()
    };
    if let Some(Value::Object(cfg)) = eval.and_then(|e| at(e, "model_generate_config")) {
        for (k, v) in cfg {
            if !v.is_null() {
                session.config.insert(k.clone(), json::json_text(v));
            }
        }
    }
    if let Some(Value::Object(usage)) = at(&sample, "model_usage") {
        let field = |k: &str| sum(usage.values().map(|u| json::int_at(u, k)));
        session.input_tokens = field("input_tokens");
        session.output_tokens = field("output_tokens");
        session.cache_read_tokens = field("input_tokens_cache_read");
        session.cache_write_tokens = field("input_tokens_cache_write");
    }
    if let Some(Value::Object(scores)) = at(&sample, "scores") {
        if let Some(value) = scores.values().find_map(|s| at(s, "value")) {
            let (outcome, score) = score_of(value);
            session.outcome = outcome;
            session.score = score;
        }
    }
    let mut steps = Steps::default();
    if let Some(Value::Array(messages)) = at(&sample, "messages") {
        for m in messages {
            let index = steps.chat_message(m);
            let e = &mut steps.events[index];
            if e.kind.as_deref() == Some("tool_result") {
                e.tool_name = str_at(m, "function");
                e.is_error = Some(at(m, "error").is_some());
            }
            if e.role.as_deref() == Some("assistant") {
                e.model = str_at(m, "model");
            }
        }
    }
    let mut attributes = sample.as_object().and_then(|s| rest(s, &["messages"]));
    json::put(&mut attributes, "log", Some(header.clone()));
    session.attributes = attributes;
    steps.finish(session)
}

/// Inspect's score values: `C`/`I`/`P`/`N` letters, numbers, booleans.
fn score_of(v: &Value) -> (Option<String>, Option<f64>) {
    let (o, s) = match v {
        Value::String(s) => match s.as_str() {
            "C" => ("success", 1.0),
            "I" => ("failure", 0.0),
            "P" => ("partial", 0.5),
            "N" => ("no_answer", 0.0),
            other => match other.parse::<f64>() {
                Ok(x) => (if x >= 1.0 { "success" } else { "failure" }, x),
                Err(_) => return (Some(other.to_string()), None),
            },
        },
        Value::Bool(b) => (
            if *b { "success" } else { "failure" },
            f64::from(u8::from(*b)),
        ),
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            (if x >= 1.0 { "success" } else { "failure" }, x)
        }
        _ => return (None, None),
    };
    (Some(o.to_string()), Some(s))
}

/// Replaces `attachment://<hash>` strings in the messages by the attachment's text.
fn resolve_attachments(sample: &mut Value) {
    let Some(Value::Object(attachments)) = sample.get("attachments").cloned() else {
        return;
    };
    if let Some(messages) = sample.get_mut("messages") {
        replace(messages, &attachments);
    }
}

fn replace(v: &mut Value, attachments: &Map<String, Value>) {
    match v {
        Value::String(s) => {
            if let Some(hash) = s.strip_prefix("attachment://") {
                if let Some(Value::String(text)) = attachments.get(hash) {
                    *s = text.clone();
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|x| replace(x, attachments)),
        Value::Object(map) => map.values_mut().for_each(|x| replace(x, attachments)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_scores_and_attachments() {
        let log = r#"{"version":2,"status":"success","eval":{"eval_id":"E","task":"t","model":"openai/gpt-4o-mini","packages":{"inspect_ai":"0.3.95"}},
          "samples":[{"id":1,"epoch":1,"attachments":{"h1":"long text"},
            "messages":[{"role":"user","content":"attachment://h1"},
              {"role":"assistant","content":"","tool_calls":[{"id":"c","function":"bash","arguments":{"cmd":"ls"}}]},
              {"role":"tool","tool_call_id":"c","function":"bash","content":"","error":{"type":"timeout","message":"t"}}],
            "scores":{"match":{"value":"C"}},"model_usage":{"m":{"input_tokens":3,"output_tokens":4}}}]}"#;
        let parsed = parse(&[SourceFile::new("l.json", log.as_bytes().to_vec())]);
        let t = &parsed.trajectories[0];
        assert_eq!(t.session.session_id, "E/1/1");
        assert_eq!(t.session.outcome.as_deref(), Some("success"));
        assert_eq!(t.events[0].content.as_deref(), Some("long text"));
        assert_eq!((t.session.n_tool_calls, t.session.n_tool_errors), (1, 1));
        assert_eq!(t.events[2].tool_input.as_deref(), Some("{\"cmd\":\"ls\"}"));
        assert_eq!(t.session.harness_version.as_deref(), Some("0.3.95"));
    }
}
