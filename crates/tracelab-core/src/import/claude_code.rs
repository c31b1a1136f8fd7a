//! Claude Code session JSONL (`~/.claude/projects/<project>/<session>.jsonl`): one JSON object
//! per line, keyed by `type`. A file is a session (its name is the session id); sub-agent
//! files (`agent-*.jsonl`, `<session>/subagents/*.jsonl`) arrive with it and add their steps.
//!
//! - `user` / `assistant` / `system` lines become one event per content block: `text` →
//!   `message`, `thinking`, `tool_use` → `tool_call`, `tool_result` (with `is_error`), `image`
//!   → a placeholder text (the block itself stays in `attributes`). `uuid` / `parentUuid` are
//!   the event id and parent, so the tree survives.
//! - One API response is split over several lines sharing `message.id`, each repeating the
//!   usage: tokens are counted once per `message.id`, from its last line.
//! - `version` → `harness_version`, `message.model` → `model`, the last folder of `cwd` →
//!   `repo`; `summary`, `file-history-snapshot`, `queue-operation` and any other line type
//!   are kept as events of their own kind. Everything unmapped stays in `attributes`.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::json::{self, at, int_at, rest, str_at, text_of};
use super::steps::{stem, Steps};
use super::{Parsed, SourceFile};
use crate::record::Session;

/// Line keys that become columns; the session-wide ones are kept once on the session.
pub const LINE_KEYS: &[&str] = &["type", "uuid", "parentUuid", "timestamp", "message"];
/// Keys whose value is usually the same on every line: kept on the session, and on an
/// event only where it differs.
pub const SESSION_KEYS: &[&str] = &[
    "sessionId",
    "version",
    "cwd",
    "gitBranch",
    "userType",
    "isSidechain",
];
/// Keys inside `message` and its content blocks that become columns.
pub const MESSAGE_KEYS: &[&str] = &[
    "role",
    "content",
    "model",
    "type",
    "text",
    "thinking",
    "name",
    "input",
    "tool_use_id",
    "is_error",
];

/// Every source key that becomes a column rather than an attribute.
pub const COLUMN_KEYS: &[&str] = &[
    "type",
    "uuid",
    "parentUuid",
    "timestamp",
    "message",
    "role",
    "content",
    "model",
    "text",
    "thinking",
    "name",
    "id",
    "input",
    "tool_use_id",
    "is_error",
];

/// Parses one session: its main file, then its sub-agent files.
pub fn parse(files: &[SourceFile]) -> Parsed {
    let mut parsed = Parsed::default();
    let Some(main) = files.first() else {
        return parsed;
    };
    let mut b = Builder::default();
    for (i, file) in files.iter().enumerate() {
        let sub_agent = (i > 0).then(|| file.uri.clone());
        json::each_object(file, &mut parsed, |obj, _| {
            b.line(obj, sub_agent.as_deref())
        });
    }
    if b.lines > 0 {
        parsed.trajectories.push(b.finish(stem(&main.path)));
    }
    parsed
}

#[derive(Default)]
struct Builder {
    steps: Steps,
    lines: u64,
    session: Map<String, Value>,
    version: Option<String>,
    model: Option<String>,
    /// `message.id` → (first event of the message, last usage seen).
    usage: HashMap<String, (usize, Value)>,
    usage_order: Vec<String>,
}

impl Builder {
    fn line(&mut self, obj: Map<String, Value>, sub_agent: Option<&str>) {
        self.lines += 1;
        let line = Value::Object(obj);
        let ty = str_at(&line, "type").unwrap_or_default();
        if let Some(v) = str_at(&line, "version") {
            self.version = Some(v);
        }
        let Value::Object(obj) = &line else {
            unreachable!()
        };
        // Session-wide keys: first value on the session, differing values on the event.
        let mut line_attrs = rest(obj, &[LINE_KEYS, SESSION_KEYS].concat());
        for key in SESSION_KEYS {
            if let Some(v) = obj.get(*key) {
                match self.session.get(*key) {
                    None => {
                        self.session.insert((*key).into(), v.clone());
                    }
                    Some(first) if first == v => {}
                    Some(_) => json::put(&mut line_attrs, key, Some(v.clone())),
                }
            }
        }
        if let Some(file) = sub_agent {
            json::put(
                &mut line_attrs,
                "subagent_file",
                Some(Value::String(file.into())),
            );
        }
        let message = at(&line, "message");
        let role = message
            .and_then(|m| str_at(m, "role"))
            .or_else(|| matches!(ty.as_str(), "user" | "assistant" | "system").then(|| ty.clone()));
        let model = message.and_then(|m| str_at(m, "model"));
        if let Some(m) = model.as_ref().filter(|m| !m.starts_with('<')) {
            self.model = Some(m.clone());
        }
        let first_event = self.steps.events.len();
        match message.and_then(|m| at(m, "content")) {
            Some(Value::Array(blocks)) if !blocks.is_empty() => {
                for block in blocks {
                    self.block(role.as_deref(), block);
                }
            }
            Some(content) => {
                self.steps
                    .push(role.as_deref(), "message", text_of(content));
            }
            None => {
                let (kind, content) = match ty.as_str() {
                    "summary" => ("summary", str_at(&line, "summary")),
                    "user" | "assistant" => ("message", None),
                    "system" => ("message", at(&line, "content").and_then(text_of)),
                    other => (other, at(&line, "content").and_then(text_of)),
                };
                let kind = if kind.is_empty() { "unknown" } else { kind };
                self.steps.push(role.as_deref(), kind, content);
                if ty == "summary" || ty == "system" {
                    line_attrs = line_attrs.map(|mut a| {
                        if let Value::Object(m) = &mut a {
                            m.remove(if ty == "summary" {
                                "summary"
                            } else {
                                "content"
                            });
                        }
                        a
                    });
                }
            }
        }
        if ty != "user" && ty != "assistant" && ty != "system" && ty != "summary" {
            json::put(&mut line_attrs, "type", Some(Value::String(ty.clone())));
        }
        let uuid = str_at(&line, "uuid");
        let parent = str_at(&line, "parentUuid");
        let time = json::time_at(&line, "timestamp");
        let n = self.steps.events.len();
        for (i, e) in self.steps.events[first_event..n].iter_mut().enumerate() {
            e.event_id = uuid.as_ref().map(|u| {
                if i == 0 {
                    u.clone()
                } else {
                    format!("{u}#{i}")
                }
            });
            e.parent_id = if i == 0 { parent.clone() } else { uuid.clone() };
            e.timestamp = time;
            if role.as_deref() == Some("assistant") {
                e.model.clone_from(&model);
            }
        }
        let e = &mut self.steps.events[first_event];
        if let Some(m) = message.and_then(Value::as_object) {
            json::put(
                &mut line_attrs,
                "message",
                rest(m, &["role", "content", "model"]),
            );
        }
        json::put(&mut e.attributes, "", line_attrs);
        if let (Some(id), Some(usage)) = (
            message.and_then(|m| str_at(m, "id")),
            message.and_then(|m| at(m, "usage")),
        ) {
            match self.usage.get_mut(&id) {
                Some(slot) => slot.1 = usage.clone(),
                None => {
                    self.usage_order.push(id.clone());
                    self.usage.insert(id, (first_event, usage.clone()));
                }
            }
        }
    }

    fn block(&mut self, role: Option<&str>, block: &Value) {
        let ty = str_at(block, "type").unwrap_or_default();
        let obj = block.as_object();
        let attrs = |mapped: &[&str]| obj.and_then(|o| rest(o, mapped));
        match ty.as_str() {
            "text" => {
                let e = self.steps.push(role, "message", str_at(block, "text"));
                e.attributes = attrs(&["type", "text"]);
            }
            "thinking" | "redacted_thinking" => {
                let e = self.steps.push(role, "thinking", str_at(block, "thinking"));
                e.attributes = attrs(&["type", "thinking"]);
            }
            "tool_use" | "server_tool_use" => {
                let e = self.steps.tool_call(
                    str_at(block, "name"),
                    str_at(block, "id"),
                    at(block, "input").map(json::json_text),
                );
                e.attributes = attrs(&["type", "name", "id", "input"]);
            }
            "tool_result" => {
                let content = at(block, "content");
                let e = self
                    .steps
                    .push(role, "tool_result", content.and_then(text_of));
                e.tool_call_id = str_at(block, "tool_use_id");
                e.is_error = Some(
                    at(block, "is_error")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                );
                e.attributes = attrs(&["type", "tool_use_id", "content", "is_error"]);
                if let Some(Value::Array(parts)) = content {
                    if parts
                        .iter()
                        .any(|p| str_at(p, "type").as_deref() != Some("text"))
                    {
                        json::put(&mut e.attributes, "content", content.cloned());
                    }
                }
            }
            "image" => {
                let media = str_at(block, "source.media_type").unwrap_or_else(|| "image".into());
                let size = str_at(block, "source.data").map_or(0, |d| d.len());
                let e = self.steps.push(
                    role,
                    "image",
                    Some(format!("[image: {media}, {size} bytes of base64]")),
                );
                e.attributes = attrs(&["type"]);
            }
            _ => {
                let e = self.steps.push(
                    role,
                    if ty.is_empty() { "block" } else { &ty },
                    text_of(block),
                );
                e.attributes = Some(block.clone());
            }
        }
    }

    fn finish(mut self, session_id: String) -> crate::record::Trajectory {
        let (mut input, mut output, mut read, mut write) = (None, None, None, None);
        let add = |acc: &mut Option<i64>, v: Option<i64>| {
            if let Some(v) = v {
                *acc = Some(acc.unwrap_or(0) + v);
            }
        };
        for id in &self.usage_order {
            let (event, usage) = &self.usage[id];
            let i = int_at(usage, "input_tokens");
            let o = int_at(usage, "output_tokens");
            let e = &mut self.steps.events[*event];
            e.input_tokens = i;
            e.output_tokens = o;
            add(&mut input, i);
            add(&mut output, o);
            add(&mut read, int_at(usage, "cache_read_input_tokens"));
            add(&mut write, int_at(usage, "cache_creation_input_tokens"));
        }
        let cwd = self
            .session
            .get("cwd")
            .and_then(Value::as_str)
            .map(str::to_string);
        let session = Session {
            session_id,
            harness: Some("claude-code".into()),
            harness_version: self.version,
            model: self.model,
            repo: cwd.and_then(|c| {
                c.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            }),
            input_tokens: input,
            output_tokens: output,
            cache_read_tokens: read,
            cache_write_tokens: write,
            attributes: (!self.session.is_empty()).then_some(Value::Object(self.session)),
            ..Session::default()
        };
        self.steps.finish(session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_messages_count_usage_once() {
        let lines = [
            r#"{"type":"user","uuid":"u1","parentUuid":null,"sessionId":"s","version":"1.0.1","cwd":"/w/proj","message":{"role":"user","content":"fix it"},"timestamp":"2025-01-01T00:00:00Z"}"#,
            r#"{"type":"assistant","uuid":"a1","parentUuid":"u1","sessionId":"s","version":"1.0.1","message":{"id":"m1","role":"assistant","model":"claude-x","content":[{"type":"text","text":"ok"}],"usage":{"input_tokens":10,"output_tokens":1}}}"#,
            r#"{"type":"assistant","uuid":"a2","parentUuid":"a1","sessionId":"s","version":"1.0.2","message":{"id":"m1","role":"assistant","model":"claude-x","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"ls"}}],"usage":{"input_tokens":10,"output_tokens":50}}}"#,
            r#"{"type":"user","uuid":"u2","parentUuid":"a2","sessionId":"s","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"boom","is_error":true}]}}"#,
            r#"{"type":"summary","summary":"Fixing","leafUuid":"u2"}"#,
            r#"{"type":"assistant","uuid""#,
        ];
        let file = SourceFile::new("p/abc.jsonl", lines.join("\n").into_bytes());
        let parsed = parse(&[file]);
        assert_eq!(parsed.rejected.len(), 1);
        assert_eq!(parsed.rejected[0].kind, "truncated_line");
        let t = &parsed.trajectories[0];
        assert_eq!(t.session.session_id, "abc");
        assert_eq!(t.session.harness_version.as_deref(), Some("1.0.2"));
        assert_eq!(t.session.model.as_deref(), Some("claude-x"));
        assert_eq!(t.session.repo.as_deref(), Some("proj"));
        assert_eq!(
            (t.session.input_tokens, t.session.output_tokens),
            (Some(10), Some(50))
        );
        assert_eq!((t.session.n_tool_calls, t.session.n_tool_errors), (1, 1));
        assert_eq!(t.events[2].parent_id.as_deref(), Some("a1"));
        assert_eq!(t.events[4].kind.as_deref(), Some("summary"));
        // The differing version is kept on the event that had it.
        assert_eq!(t.events[2].attributes.as_ref().unwrap()["version"], "1.0.2");
    }
}
