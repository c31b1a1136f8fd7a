//! mini-swe-agent `.traj.json`: `{info{model_stats, mini_version, exit_status, submission,
//! config{model{model_name}}}, messages[], trajectory_format, instance_id}`. A file is a
//! session: id `<run folder>/<instance_id>`, task id the instance (so `report.json` files
//! beside it give the outcome).
//!
//! - `mini-swe-agent-1`: roles `system|user|assistant`; the action is a ```` ```bash ````
//!   block in the assistant's text (→ a `bash` tool call) and its output a user message with
//!   `<returncode>` (→ `tool_result`, an error when the code is not 0).
//! - `mini-swe-agent-1.1`: OpenAI `tool_calls`, `role: tool` replies, a final `role: exit`.
//! - Each message's `extra.response` (the raw litellm response) gives the event's model and
//!   tokens; `extra` is kept in attributes.

use serde_json::Value;

use super::json::{self, at, float_at, rest, str_at, text_of};
use super::steps::{run_scoped_id, stem, usage, Steps};
use super::{Parsed, SourceFile};
use crate::record::Session;

/// Source keys that become columns, besides the chat keys of [`super::steps::CHAT_KEYS`].
pub const COLUMN_KEYS: &[&str] = &[
    "messages",
    "instance_id",
    "mini_version",
    "model_name",
    "instance_cost",
    "model",
    "prompt_tokens",
    "completion_tokens",
];

pub fn parse(files: &[SourceFile]) -> Parsed {
    let mut parsed = Parsed::default();
    for file in files {
        match json::parse(&file.bytes) {
            Ok(v @ Value::Object(_)) => parsed.trajectories.push(session(file, &v)),
            Ok(_) => parsed.reject(
                &file.uri,
                None,
                super::Rejection::new(
                    "malformed_json",
                    "a .traj.json file must hold a JSON object",
                ),
                &file.bytes,
            ),
            Err(r) => return Parsed::unreadable(file, r),
        }
    }
    parsed
}

fn session(file: &SourceFile, v: &Value) -> crate::record::Trajectory {
    let instance = str_at(v, "instance_id").unwrap_or_else(|| stem(&file.path));
    let mut session = Session {
        session_id: run_scoped_id(&file.path, &instance),
        task_id: Some(instance),
        harness: Some("mini-swe-agent".into()),
        harness_version: str_at(v, "info.mini_version"),
        model: str_at(v, "info.config.model.model_name"),
        cost_usd: float_at(v, "info.model_stats.instance_cost"),
        ..Session::default()
    };
    if let Some(Value::Object(kwargs)) = at(v, "info.config.model.model_kwargs") {
        for (k, x) in kwargs {
            session.config.insert(k.clone(), json::json_text(x));
        }
    }
    if let Some(f) = str_at(v, "trajectory_format") {
        session.config.insert("trajectory_format".into(), f);
    }
    let mut steps = Steps::default();
    if let Some(Value::Array(messages)) = at(v, "messages") {
        for m in messages {
            message(&mut steps, m);
        }
    }
    let mut attributes = v.as_object().and_then(|o| rest(o, &["messages"]));
    if let Some(Value::Object(a)) = &mut attributes {
        if let Some(Value::Object(info)) = a.get_mut("info") {
            info.remove("mini_version");
        }
    }
    session.attributes = attributes;
    steps.finish(session)
}

fn message(steps: &mut Steps, m: &Value) {
    let role = str_at(m, "role").unwrap_or_default();
    let text = at(m, "content").and_then(text_of);
    let start = steps.events.len();
    match role.as_str() {
        "exit" => {
            let e = steps.push(Some("exit"), "exit", text);
            e.attributes = m.as_object().and_then(|o| rest(o, &["role", "content"]));
        }
        "user" if text.as_deref().is_some_and(|t| t.contains("<returncode>")) => {
            let t = text.unwrap_or_default();
            let code = between(&t, "<returncode>", "</returncode>")
                .and_then(|c| c.trim().parse::<i64>().ok());
            let e = steps.push(Some("user"), "tool_result", Some(t));
            e.is_error = code.map(|c| c != 0);
            e.attributes = m.as_object().and_then(|o| rest(o, &["role", "content"]));
        }
        _ => {
            steps.chat_message(m);
            let has_calls = matches!(at(m, "tool_calls"), Some(Value::Array(c)) if !c.is_empty());
            if role == "assistant" && !has_calls {
                if let Some(cmd) = text.as_deref().and_then(|t| between(t, "```bash", "```")) {
                    let input = serde_json::json!({ "command": cmd.trim() }).to_string();
                    steps.tool_call(Some("bash".into()), None, Some(input));
                }
            }
        }
    }
    if role == "tool" {
        if let Some(code) = at(m, "extra.returncode").and_then(json::as_int) {
            steps.events[start].is_error = Some(code != 0);
        }
    }
    if let Some(resp) = at(m, "extra.response") {
        let (i, o, _, _) = at(resp, "usage").map(usage).unwrap_or_default();
        let e = &mut steps.events[start];
        e.model = str_at(resp, "model");
        e.input_tokens = i;
        e.output_tokens = o;
        if let Some(t) = at(resp, "created").and_then(json::as_time) {
            e.timestamp = Some(t);
        }
    }
    if let Some(t) = at(m, "extra.timestamp").and_then(json::as_time) {
        steps.events[start].timestamp = Some(t);
    }
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = text[start..].find(close)? + start;
    Some(&text[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bash_blocks_are_tool_calls() {
        let traj = r#"{"instance_id":"a__b-1","trajectory_format":"mini-swe-agent-1",
          "info":{"mini_version":"1.15.0","exit_status":"Submitted","model_stats":{"instance_cost":0.1,"api_calls":1},
                  "config":{"model":{"model_name":"gemini/gemini-2.5-pro"}}},
          "messages":[{"role":"system","content":"s"},
            {"role":"assistant","content":"Look\n```bash\nls\n```","extra":{"response":{"model":"gemini-2.5-pro","created":1757238723,"usage":{"prompt_tokens":5,"completion_tokens":2}}}},
            {"role":"user","content":"<returncode>2</returncode><output>no</output>"}]}"#;
        let parsed = parse(&[SourceFile::new(
            "run/a__b-1/a__b-1.traj.json",
            traj.as_bytes().to_vec(),
        )]);
        let t = &parsed.trajectories[0];
        assert_eq!(t.session.session_id, "run/a__b-1");
        assert_eq!(t.session.harness_version.as_deref(), Some("1.15.0"));
        assert_eq!((t.session.n_tool_calls, t.session.n_tool_errors), (1, 1));
        assert_eq!(t.session.input_tokens, Some(5));
    }
}
