//! OpenHands, in the four shapes it writes:
//!
//! - **V0 event stream**: a JSON array of `{id, timestamp, source, action|observation,
//!   args|extras, content, cause, tool_call_metadata}`; a file is a session. Actions other
//!   than `message`, `system`, `think`, `finish`, `recall` are tool calls (named by
//!   `tool_call_metadata.function_name`, else the action); observations answer them
//!   (`cause` is the parent; `error` observations and non-zero exit codes are errors).
//!   `tool_call_metadata.model_response` gives the step's model and tokens.
//! - **`output.jsonl`** (V0 and V1): a line per instance with `history`, `metadata` (model in
//!   `llm_config.model` or `llm.model`), `metrics` and `test_result` (`final_score` → outcome
//!   and score); the resolver variant's `success` is the outcome.
//! - **V1 / agent-sdk events** carry `kind`: `ActionEvent` → tool call (after its thought),
//!   `ObservationEvent` → tool result, `MessageEvent`, `SystemPromptEvent`; other kinds kept.
//! - **SDK conversation folders** (`base_state.json` + `events/event-*.json`), and history
//!   stored as **Python-repr strings**: each string is kept as one event of kind `repr`; a
//!   session never fails for it.

use serde_json::Value;

use super::json::{self, at, float_at, int_at, rest, str_at, text_of};
use super::outcomes;
use super::steps::{run_scoped_id, stem, usage, Steps};
use super::{Parsed, SourceFile};
use crate::record::{Session, Trajectory};

pub const COLUMN_KEYS: &[&str] = &[
    "history",
    "instance_id",
    "id",
    "timestamp",
    "source",
    "action",
    "observation",
    "args",
    "content",
    "cause",
    "kind",
    "tool_name",
    "tool_call_id",
    "tool_call",
    "llm_message",
    "role",
    "model",
    "system_prompt",
    "text",
    "function_name",
    "thought",
    "final_thought",
    "output",
];

const PLAIN_ACTIONS: &[&str] = &[
    "message",
    "system",
    "think",
    "finish",
    "recall",
    "change_agent_state",
    "condensation",
    "null",
];

pub fn parse(files: &[SourceFile]) -> Parsed {
    let mut parsed = Parsed::default();
    let Some(first) = files.first() else {
        return parsed;
    };
    if files.len() > 1
        || first
            .path
            .file_name()
            .is_some_and(|n| n == "base_state.json")
    {
        match sdk_conversation(files) {
            Ok(t) => parsed.trajectories.push(t),
            Err(r) => return Parsed::unreadable(first, r),
        }
        return parsed;
    }
    match json::parse(&first.bytes) {
        Ok(Value::Array(events)) => parsed.trajectories.push(event_stream(first, &events)),
        Ok(Value::String(repr)) => {
            let mut steps = Steps::default();
            steps.push(None, "repr", Some(repr));
            let id = stem(&first.path);
            parsed.trajectories.push(steps.finish(Session {
                session_id: run_scoped_id(&first.path, &id),
                task_id: Some(id),
                harness: Some("openhands".into()),
                ..Session::default()
            }));
        }
        Ok(v @ Value::Object(_)) => parsed.trajectories.push(instance(first, &v)),
        Ok(_) => parsed.reject(
            &first.uri,
            None,
            super::Rejection::new("malformed_json", "not an OpenHands record"),
            &first.bytes,
        ),
        // `output.jsonl`: one instance per line.
        Err(_) => {
            let mut out = Vec::new();
            json::each_object(first, &mut parsed, |obj, _| {
                out.push(instance(first, &Value::Object(obj)));
            });
            parsed.trajectories = out;
        }
    }
    parsed
}

/// One line of an `output.jsonl` (streamed by the import pipeline, a batch of lines at a
/// time, so evaluation outputs of any size import in bounded memory).
pub fn parse_line(text: &str, uri: &str) -> Result<Trajectory, super::Rejection> {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => Ok(instance_at(std::path::Path::new(uri), &v)),
        Ok(_) => Err(super::Rejection::new(
            "malformed_json",
            "an output.jsonl line must be a JSON object",
        )),
        Err(e) => Err(super::Rejection::new(
            "malformed_json",
            format!("malformed JSON: {e}"),
        )),
    }
}

/// One `output.jsonl` record (or a stringified state file).
fn instance(file: &SourceFile, v: &Value) -> Trajectory {
    instance_at(&file.path, v)
}

fn instance_at(path: &std::path::Path, v: &Value) -> Trajectory {
    let id = str_at(v, "instance_id")
        .or_else(|| {
            let issue = at(v, "issue")?;
            Some(format!(
                "{}/{}#{}",
                str_at(issue, "owner")?,
                str_at(issue, "repo")?,
                str_at(issue, "number")?
            ))
        })
        .unwrap_or_else(|| stem(path));
    let mut session = Session {
        session_id: run_scoped_id(path, &id),
        task_id: Some(id),
        harness: Some("openhands".into()),
        model: str_at(v, "metadata.llm_config.model").or_else(|| str_at(v, "metadata.llm.model")),
        cost_usd: float_at(v, "metrics.accumulated_cost"),
        ..Session::default()
    };
    if let Some(agent) = str_at(v, "metadata.agent_class") {
        session.config.insert("agent_class".into(), agent);
    }
    if let Some(n) = str_at(v, "metadata.max_iterations") {
        session.config.insert("max_iterations".into(), n);
    }
    if let Some(u) = at(v, "metrics.accumulated_token_usage") {
        let (i, o, r, w) = usage(u);
        session.input_tokens = i;
        session.output_tokens = o;
        session.cache_read_tokens = r;
        session.cache_write_tokens = w;
    }
    if let (Some(total), Some(result)) = (
        float_at(v, "test_result.final_score.total"),
        float_at(v, "test_result.final_score.result"),
    ) {
        let o = outcomes::final_score(total, result);
        session.outcome = o.outcome;
        session.score = o.score;
    } else if let Some(ok) = at(v, "success")
        .or_else(|| at(v, "test_result.report.resolved"))
        .and_then(Value::as_bool)
    {
        session.outcome = Some(if ok { "success" } else { "failure" }.into());
        session.score = Some(if ok { 1.0 } else { 0.0 });
    }
    let mut steps = Steps::default();
    if let Some(Value::Array(history)) = at(v, "history") {
        for e in history {
            event(&mut steps, e);
        }
    }
    session.attributes = v
        .as_object()
        .and_then(|o| rest(o, &["history", "instance_id"]));
    steps.finish(session)
}

fn event_stream(file: &SourceFile, events: &[Value]) -> Trajectory {
    let id = stem(&file.path);
    let mut steps = Steps::default();
    for e in events {
        event(&mut steps, e);
    }
    steps.finish(Session {
        session_id: run_scoped_id(&file.path, &id),
        harness: Some("openhands".into()),
        ..Session::default()
    })
}

fn sdk_conversation(files: &[SourceFile]) -> Result<Trajectory, super::Rejection> {
    let state = json::parse(&files[0].bytes)?;
    let dir = files[0]
        .path
        .parent()
        .map(|p| p.to_path_buf())
        .unwrap_or_default();
    let id = str_at(&state, "id").unwrap_or_else(|| {
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
    let mut session = Session {
        session_id: id,
        harness: Some("openhands".into()),
        model: str_at(&state, "agent.llm.model"),
        ..Session::default()
    };
    if let Some(Value::Object(metrics)) = at(&state, "stats.usage_to_metrics") {
        let mut cost = None;
        let (mut i, mut o) = (None, None);
        for m in metrics.values() {
            cost = Some(cost.unwrap_or(0.0) + float_at(m, "accumulated_cost").unwrap_or(0.0));
            let (a, b, _, _) = at(m, "accumulated_token_usage")
                .map(usage)
                .unwrap_or_default();
            i = a.map(|a| i.unwrap_or(0) + a).or(i);
            o = b.map(|b| o.unwrap_or(0) + b).or(o);
        }
        session.cost_usd = cost;
        session.input_tokens = i;
        session.output_tokens = o;
    }
    session.attributes = Some(state.clone());
    let mut steps = Steps::default();
    for f in &files[1..] {
        match json::parse(&f.bytes) {
            Ok(e) => event(&mut steps, &e),
            Err(r) => {
                // An unreadable event file stays a step, with its bytes, rather than failing
                // the conversation.
                let e = steps.push(
                    None,
                    "unreadable",
                    Some(String::from_utf8_lossy(&f.bytes).into_owned()),
                );
                e.is_error = Some(true);
                e.attributes = Some(serde_json::json!({"file": f.uri, "error": r.message}));
            }
        }
    }
    Ok(steps.finish(session))
}

fn role_of(source: Option<&str>) -> Option<&'static str> {
    match source? {
        "user" => Some("user"),
        "agent" => Some("assistant"),
        "environment" => Some("tool"),
        _ => None,
    }
}

/// One history entry of any OpenHands version.
fn event(steps: &mut Steps, e: &Value) {
    let Value::Object(obj) = e else {
        let text = match e {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        steps.push(None, "repr", Some(text));
        return;
    };
    let start = steps.events.len();
    let source = str_at(e, "source");
    let role = role_of(source.as_deref());
    let mut mapped: Vec<&str> = vec!["id", "timestamp", "cause"];
    if let Some(kind) = str_at(e, "kind") {
        v1_event(steps, e, &kind, role, &mut mapped);
    } else if let Some(action) = str_at(e, "action") {
        mapped.extend(["action", "args"]);
        let args = at(e, "args");
        let arg = |k: &str| args.and_then(|a| str_at(a, k));
        match action.as_str() {
            "message" | "system" => {
                let role = if action == "system" {
                    Some("system")
                } else {
                    role
                };
                steps.push(
                    role,
                    "message",
                    arg("content").or_else(|| str_at(e, "message")),
                );
            }
            "think" => {
                steps.push(role, "thinking", arg("thought"));
            }
            a if PLAIN_ACTIONS.contains(&a) => {
                steps.push(
                    role,
                    a,
                    arg("final_thought").or_else(|| str_at(e, "message")),
                );
            }
            _ => {
                let name = str_at(e, "tool_call_metadata.function_name").unwrap_or(action.clone());
                let call = steps.tool_call(
                    Some(name),
                    str_at(e, "tool_call_metadata.tool_call_id"),
                    args.map(|a| a.to_string()),
                );
                call.attributes = Some(serde_json::json!({ "action": action }));
            }
        }
        if let Some(Value::Object(args)) = args {
            let mut r = rest(args, &["content", "thought", "final_thought"]);
            let ev = &mut steps.events[start];
            if ev.kind.as_deref() == Some("tool_call") {
                r = None;
            }
            json::put(&mut ev.attributes, "args", r);
        }
    } else if let Some(obs) = str_at(e, "observation") {
        mapped.extend(["observation", "content"]);
        let content = str_at(e, "content");
        let plain = matches!(
            obs.as_str(),
            "agent_state_changed" | "null" | "recall" | "think"
        );
        let ev = if plain {
            steps.push(role, &obs, content)
        } else {
            let ev = steps.push(Some("tool"), "tool_result", content);
            ev.tool_name = Some(obs.clone());
            ev.tool_call_id = str_at(e, "tool_call_metadata.tool_call_id");
            let code =
                int_at(e, "extras.metadata.exit_code").or_else(|| int_at(e, "extras.exit_code"));
            ev.is_error = Some(obs == "error" || code.is_some_and(|c| c != 0));
            ev
        };
        json::put(&mut ev.attributes, "observation", Some(Value::String(obs)));
    } else {
        steps.push(role, "event", str_at(e, "message"));
    }
    let Some(ev) = steps.events.get_mut(start) else {
        return;
    };
    ev.event_id = str_at(e, "id");
    ev.parent_id = str_at(e, "cause").or_else(|| str_at(e, "action_id"));
    ev.timestamp = json::time_at(e, "timestamp");
    if let Some(resp) = at(e, "tool_call_metadata.model_response") {
        ev.model = str_at(resp, "model");
        let (i, o, _, _) = at(resp, "usage").map(usage).unwrap_or_default();
        ev.input_tokens = i;
        ev.output_tokens = o;
    }
    let extra = rest(obj, &mapped);
    json::put(&mut ev.attributes, "", extra);
}

fn v1_event(steps: &mut Steps, e: &Value, kind: &str, role: Option<&str>, mapped: &mut Vec<&str>) {
    match kind {
        "ActionEvent" => {
            let thought = at(e, "thought")
                .and_then(text_of)
                .filter(|t| !t.trim().is_empty());
            if let Some(t) = thought {
                steps.push(Some("assistant"), "message", Some(t));
                mapped.push("thought");
            }
            let input = at(e, "tool_call.arguments")
                .map(json::json_text)
                .or_else(|| at(e, "action").map(|a| a.to_string()));
            steps.tool_call(str_at(e, "tool_name"), str_at(e, "tool_call_id"), input);
            mapped.extend(["kind", "tool_name", "tool_call_id"]);
        }
        "ObservationEvent" | "UserRejectObservation" | "AgentErrorEvent" => {
            let obs = at(e, "observation");
            let text = obs
                .and_then(|o| {
                    at(o, "output")
                        .and_then(text_of)
                        .or_else(|| at(o, "content").and_then(text_of))
                })
                .or_else(|| str_at(e, "error"))
                .or_else(|| str_at(e, "rejection_reason"));
            let ev = steps.push(Some("tool"), "tool_result", text);
            ev.tool_name = str_at(e, "tool_name");
            ev.tool_call_id = str_at(e, "tool_call_id");
            let code = obs.and_then(|o| int_at(o, "exit_code"));
            let flagged = obs.and_then(|o| at(o, "is_error")).and_then(Value::as_bool);
            ev.is_error = Some(
                kind != "ObservationEvent"
                    || flagged == Some(true)
                    || code.is_some_and(|c| c != 0 && c != -1),
            );
            mapped.extend(["kind", "tool_name", "tool_call_id"]);
        }
        "MessageEvent" => {
            let m = at(e, "llm_message");
            let r = m.and_then(|m| str_at(m, "role"));
            let text = m.and_then(|m| at(m, "content")).and_then(text_of);
            let ev = steps.push(r.as_deref().or(role), "message", text);
            ev.attributes = m
                .and_then(Value::as_object)
                .and_then(|m| rest(m, &["role", "content"]))
                .map(|r| serde_json::json!({ "llm_message": r }));
            mapped.extend(["kind", "llm_message"]);
        }
        "SystemPromptEvent" => {
            let text = at(e, "system_prompt").and_then(text_of);
            steps.push(Some("system"), "message", text);
            mapped.extend(["kind", "system_prompt"]);
        }
        other => {
            steps.push(role, other, None);
            mapped.push("kind");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v0_actions_and_observations() {
        let stream = r#"[{"id":0,"timestamp":"2024-06-01T10:00:00","source":"user","message":"hi","action":"message","args":{"content":"fix"}},
          {"id":1,"timestamp":"2024-06-01T10:00:01","source":"agent","message":"run","action":"run","args":{"command":"ls"},
           "tool_call_metadata":{"function_name":"execute_bash","tool_call_id":"t1","model_response":{"model":"claude-3-5","usage":{"prompt_tokens":9,"completion_tokens":3}}}},
          {"id":2,"timestamp":"2024-06-01T10:00:02","source":"environment","message":"out","observation":"run","content":"err","cause":1,"extras":{"metadata":{"exit_code":2}}}]"#;
        let parsed = parse(&[SourceFile::new("x/basic.json", stream.as_bytes().to_vec())]);
        let t = &parsed.trajectories[0];
        assert_eq!((t.session.n_tool_calls, t.session.n_tool_errors), (1, 1));
        assert_eq!(t.session.model.as_deref(), Some("claude-3-5"));
        assert_eq!(t.events[2].parent_id.as_deref(), Some("1"));
    }

    #[test]
    fn repr_history_is_kept_as_text() {
        let state = r#"{"instance_id":"safety-x","history":["ConversationStateUpdate(key=full_state, value={'id': 'a'})"]}"#;
        let parsed = parse(&[SourceFile::new(
            "d/state_safety-x.json",
            state.as_bytes().to_vec(),
        )]);
        let t = &parsed.trajectories[0];
        assert_eq!(t.events[0].kind.as_deref(), Some("repr"));
        assert!(t.events[0]
            .content
            .as_deref()
            .unwrap()
            .starts_with("ConversationStateUpdate"));
    }
}
