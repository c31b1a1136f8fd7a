//! SWE-agent `.traj` files: `{environment, trajectory[], history[], info, replay_config?}`,
//! in all their layouts (classic thought/action text, function calling with OpenAI
//! `tool_calls`, history-only demonstrations). A file is a session; its id is
//! `<run folder>/<instance>` and its task id the instance (the file name), so benchmark
//! reports beside it give the outcome.
//!
//! - Steps come from `history` (it has the roles and the system prompt): assistant turns are
//!   a message plus one `tool_call` per call (or per `action` in classic files), `tool` and
//!   `observation` turns are `tool_result`s. `trajectory` (per-step thought, action,
//!   observation, state) is kept whole in the session's attributes.
//! - The model is not in the file: it comes from the sibling `args.yaml` (`model_name`) or the
//!   run folder's name (`gpt4__<dataset>__<config>__t-0.00__p-0.95__c-3.00__install-1`), whose
//!   `t-`, `p-`, `c-` parts become `config` (temperature, top_p, cost_limit).
//! - `info.model_stats` gives tokens, API calls and cost; `exit_status` and `submission` stay in
//!   attributes.

use serde_json::Value;

use super::json::{self, at, float_at, int_at, rest, str_at, text_of};
use super::steps::{run_scoped_id, stem, Steps};
use super::{Parsed, SourceFile};
use crate::record::Session;

/// Keys that become columns.
/// Source keys that become columns, besides the chat keys of [`super::steps::CHAT_KEYS`].
pub const COLUMN_KEYS: &[&str] = &[
    "history",
    "action",
    "model_stats",
    "tokens_sent",
    "tokens_received",
    "instance_cost",
];

pub fn parse(files: &[SourceFile], context: &[SourceFile]) -> Parsed {
    let mut parsed = Parsed::default();
    for file in files {
        match json::parse(&file.bytes) {
            Ok(v @ Value::Object(_)) => parsed.trajectories.push(session(file, &v, context)),
            Ok(_) => parsed.reject(
                &file.uri,
                None,
                super::Rejection::new("malformed_json", "a .traj file must hold a JSON object"),
                &file.bytes,
            ),
            Err(r) => return Parsed::unreadable(file, r),
        }
    }
    parsed
}

fn session(file: &SourceFile, v: &Value, context: &[SourceFile]) -> crate::record::Trajectory {
    let instance = stem(&file.path);
    let run = file
        .path
        .parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut session = Session {
        session_id: run_scoped_id(&file.path, &instance),
        task_id: Some(instance.clone()),
        harness: Some("swe-agent".into()),
        ..Session::default()
    };
    // Run folders are `<model>__<dataset>__<config>__t-..__p-..__c-..__install-..`.
    let parts: Vec<&str> = run.split("__").collect();
    if parts.len() >= 3 {
        session.model = Some(parts[0].to_string());
        for part in &parts[1..] {
            for (prefix, key) in [("t-", "temperature"), ("p-", "top_p"), ("c-", "cost_limit")] {
                if let Some(x) = part
                    .strip_prefix(prefix)
                    .filter(|x| x.parse::<f64>().is_ok())
                {
                    session.config.insert(key.into(), x.into());
                }
            }
        }
    }
    for c in context {
        let text = String::from_utf8_lossy(&c.bytes);
        if let Some(model) = yaml_value(&text, "model_name") {
            session.model = Some(model);
        }
        for (key, name) in [
            ("temperature", "temperature"),
            ("top_p", "top_p"),
            ("per_instance_cost_limit", "cost_limit"),
        ] {
            if let Some(x) = yaml_value(&text, key) {
                session.config.insert(name.into(), x);
            }
        }
    }
    if let Some(stats) = at(v, "info.model_stats") {
        session.input_tokens = int_at(stats, "tokens_sent");
        session.output_tokens = int_at(stats, "tokens_received");
        session.cost_usd = float_at(stats, "instance_cost");
    }
    let mut steps = Steps::default();
    match at(v, "history") {
        Some(Value::Array(history)) if !history.is_empty() => {
            for m in history {
                history_step(&mut steps, m);
            }
        }
        _ => {}
    }
    // Steps the history does not show (the final `submit` often is not in it) come from
    // `trajectory`, so there is one tool call per trajectory step.
    if let Some(Value::Array(traj)) = at(v, "trajectory") {
        let calls = steps
            .events
            .iter()
            .filter(|e| e.kind.as_deref() == Some("tool_call"))
            .count();
        for step in traj.iter().skip(calls) {
            let e = steps.push(Some("assistant"), "message", str_at(step, "response"));
            e.attributes = Some(serde_json::json!({ "from": "trajectory" }));
            if let Some(action) = str_at(step, "action") {
                action_call(&mut steps, &action);
            }
            steps.push(Some("tool"), "tool_result", str_at(step, "observation"));
        }
    }
    let mut attributes = v.as_object().and_then(|o| rest(o, &["history", "info"]));
    if let Some(Value::Object(info)) = at(v, "info") {
        let mut info = info.clone();
        if let Some(Value::Object(stats)) = info.get_mut("model_stats") {
            for k in ["tokens_sent", "tokens_received", "instance_cost"] {
                stats.remove(k);
            }
        }
        json::put(&mut attributes, "info", Some(Value::Object(info)));
    }
    session.attributes = attributes;
    steps.finish(session)
}

fn history_step(steps: &mut Steps, m: &Value) {
    let role = str_at(m, "role");
    let has_calls = matches!(at(m, "tool_calls"), Some(Value::Array(c)) if !c.is_empty());
    if at(m, "is_demo").and_then(Value::as_bool) == Some(true) {
        // A demonstration shown in the prompt: text, not this session's actions.
        let e = steps.push(
            role.as_deref(),
            "message",
            at(m, "content").and_then(text_of),
        );
        e.attributes = m.as_object().and_then(|o| rest(o, &["role", "content"]));
        return;
    }
    let index = steps.chat_message(m);
    // Classic files: the action is free text on the assistant turn.
    let action = str_at(m, "action").filter(|a| !a.trim().is_empty());
    if role.as_deref() == Some("assistant") && !has_calls {
        if let Some(action) = action {
            action_call(steps, &action);
            if let Some(Value::Object(a)) = &mut steps.events[index].attributes {
                a.remove("action");
            }
        }
    }
}

/// A free-text action (`edit 10:12 ...`, `find_file x`) as a tool call named by its first word.
fn action_call(steps: &mut Steps, action: &str) {
    let name = action.split_whitespace().next().map(str::to_string);
    steps.tool_call(
        name,
        None,
        Some(Value::String(action.to_string()).to_string()),
    );
}

/// The value of the first `key: value` line of a YAML text (enough for `args.yaml`).
fn yaml_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let (k, v) = l.trim_start().split_once(':')?;
        (k == key)
            .then(|| v.trim().trim_matches(|c| c == '\'' || c == '"').to_string())
            .filter(|v| !v.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_actions_and_run_folder_names() {
        let traj = r#"{"environment":"e","history":[
            {"role":"system","content":"sys","agent":"primary"},
            {"role":"assistant","content":"I look","thought":"I look","action":"ls -a\n","agent":"primary"},
            {"role":"user","content":"a b","agent":"primary","message_type":"observation"}],
            "trajectory":[{"action":"ls -a\n","observation":"a b","response":"I look","thought":"I look","state":"{}"}],
            "info":{"exit_status":"submitted","model_stats":{"instance_cost":0.5,"tokens_sent":10,"tokens_received":2,"api_calls":1}}}"#;
        let file = SourceFile::new(
            "gpt4__ds__default__t-0.00__p-0.95__c-3.00__install-1/x__y-1.traj",
            traj.as_bytes().to_vec(),
        );
        let parsed = parse(&[file], &[]);
        let t = &parsed.trajectories[0];
        assert_eq!(t.session.task_id.as_deref(), Some("x__y-1"));
        assert_eq!(t.session.model.as_deref(), Some("gpt4"));
        assert_eq!(t.session.config["temperature"], "0.00");
        assert_eq!(t.session.n_tool_calls, 1);
        assert_eq!(t.events[2].tool_name.as_deref(), Some("ls"));
        assert_eq!(t.session.cost_usd, Some(0.5));
        assert_eq!(
            yaml_value("a:\n    model_name: gpt4\n", "model_name").as_deref(),
            Some("gpt4")
        );
    }
}
