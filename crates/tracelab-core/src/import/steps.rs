//! Building a session step by step, shared by every importer: numbered events, OpenAI-style
//! chat messages (a message, then one `tool_call` per call; `role: tool` replies as
//! `tool_result`), and the session totals derived from the steps when the source gives none.

use serde_json::Value;

use super::json::{self, at, int_at, json_text, rest, str_at, text_of};
use crate::record::{Event, Session, Trajectory};

/// Keys of an OpenAI chat message that become columns.
pub const CHAT_KEYS: &[&str] = &[
    "role",
    "content",
    "tool_calls",
    "tool_call_id",
    "name",
    "id",
    "type",
    "function",
    "arguments",
];

/// The events of one session, in order.
#[derive(Default)]
pub struct Steps {
    pub events: Vec<Event>,
}

impl Steps {
    /// Appends an event (its `seq` is its position) and returns it for further filling.
    pub fn push(&mut self, role: Option<&str>, kind: &str, content: Option<String>) -> &mut Event {
        let seq = self.events.len() as i64;
        self.events.push(Event {
            seq,
            role: role.map(str::to_string),
            kind: Some(kind.to_string()),
            content,
            ..Event::default()
        });
        self.events.last_mut().expect("just pushed")
    }

    /// A tool call: name, call id and arguments as JSON text.
    pub fn tool_call(
        &mut self,
        name: Option<String>,
        id: Option<String>,
        input: Option<String>,
    ) -> &mut Event {
        let e = self.push(Some("assistant"), "tool_call", None);
        e.tool_name = name;
        e.tool_call_id = id;
        e.tool_input = input;
        e
    }

    /// An OpenAI-style chat message (`{role, content, tool_calls?, tool_call_id?, name?}`):
    /// the message itself, then one `tool_call` per call. Unmapped keys go to the message's
    /// attributes, and each call's unmapped keys to its event. Returns the message's index.
    pub fn chat_message(&mut self, m: &Value) -> usize {
        let role = str_at(m, "role");
        let is_tool = role.as_deref() == Some("tool") || role.as_deref() == Some("function");
        let kind = if is_tool { "tool_result" } else { "message" };
        let content = at(m, "content").and_then(text_of);
        let index = self.events.len();
        let e = self.push(role.as_deref(), kind, content);
        if is_tool {
            e.tool_call_id = str_at(m, "tool_call_id");
            e.tool_name = str_at(m, "name");
        }
        if let Value::Object(map) = m {
            e.attributes = rest(map, CHAT_KEYS);
            if !is_tool {
                if let Some(name) = map.get("name") {
                    json::put(&mut e.attributes, "name", Some(name.clone()));
                }
            }
            // A content list keeps its non-text blocks (images, files) in attributes.
            if let Some(Value::Array(blocks)) = map.get("content") {
                if blocks
                    .iter()
                    .any(|b| b.get("type").and_then(Value::as_str) != Some("text"))
                {
                    json::put(
                        &mut e.attributes,
                        "content_blocks",
                        Some(Value::Array(blocks.clone())),
                    );
                }
            }
        }
        if let Some(Value::Array(calls)) = at(m, "tool_calls") {
            for call in calls {
                self.openai_tool_call(call);
            }
        }
        index
    }

    /// `{id, type: function, function: {name, arguments}}`, or Inspect's
    /// `{id, function: "name", arguments: {...}}`.
    pub fn openai_tool_call(&mut self, call: &Value) -> &mut Event {
        let (name, input) = match at(call, "function") {
            Some(Value::Object(f)) => (
                f.get("name").and_then(Value::as_str).map(str::to_string),
                f.get("arguments").map(json_text),
            ),
            Some(Value::String(name)) => (Some(name.clone()), at(call, "arguments").map(json_text)),
            _ => (str_at(call, "name"), at(call, "arguments").map(json_text)),
        };
        let mut attributes = call
            .as_object()
            .and_then(|m| rest(m, &["id", "type", "function", "name", "arguments"]));
        if let Some(Value::Object(f)) = at(call, "function") {
            json::put(&mut attributes, "function", rest(f, &["name", "arguments"]));
        }
        if let Some(t) = at(call, "type").filter(|t| t.as_str() != Some("function")) {
            json::put(&mut attributes, "type", Some(t.clone()));
        }
        let e = self.tool_call(name, str_at(call, "id"), input);
        e.attributes = attributes;
        e
    }

    /// Finishes the session: ids on every event, derived counts, time span and token sums
    /// (each only where the source gave none).
    pub fn finish(self, mut session: Session) -> Trajectory {
        let mut events = self.events;
        for e in &mut events {
            e.session_id.clone_from(&session.session_id);
        }
        if session.started_at.is_none() {
            session.started_at = events.iter().filter_map(|e| e.timestamp).min();
        }
        if session.ended_at.is_none() {
            session.ended_at = events.iter().filter_map(|e| e.timestamp).max();
        }
        if session.input_tokens.is_none() {
            session.input_tokens = sum(events.iter().map(|e| e.input_tokens));
        }
        if session.output_tokens.is_none() {
            session.output_tokens = sum(events.iter().map(|e| e.output_tokens));
        }
        if session.model.is_none() {
            session.model = events.iter().find_map(|e| e.model.clone());
        }
        let mut t = Trajectory { session, events };
        t.derive_counts();
        t
    }
}

pub fn sum(values: impl Iterator<Item = Option<i64>>) -> Option<i64> {
    values
        .flatten()
        .fold(None, |acc, v| Some(acc.unwrap_or(0) + v))
}

/// Token usage in the spellings of OpenAI, Anthropic and litellm:
/// `(input, output, cache_read, cache_write)`.
pub fn usage(u: &Value) -> (Option<i64>, Option<i64>, Option<i64>, Option<i64>) {
    let first = |keys: &[&str]| keys.iter().find_map(|k| int_at(u, k));
    (
        first(&[
            "input_tokens",
            "prompt_tokens",
            "inputTokens",
            "promptTokens",
        ]),
        first(&[
            "output_tokens",
            "completion_tokens",
            "outputTokens",
            "completionTokens",
        ]),
        first(&[
            "cache_read_input_tokens",
            "cache_read_tokens",
            "cached_input_tokens",
            "input_tokens_cache_read",
            "prompt_tokens_details.cached_tokens",
        ]),
        first(&[
            "cache_creation_input_tokens",
            "cache_write_tokens",
            "input_tokens_cache_write",
        ]),
    )
}

/// A session id unique across runs: `<run folder>/<id>`, where the run folder is the nearest
/// ancestor of `path` not named after the id itself (mini-swe-agent nests `<id>/<id>.traj.json`).
pub fn run_scoped_id(path: &std::path::Path, id: &str) -> String {
    let run = path
        .ancestors()
        .skip(1)
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy())
        .find(|n| n != id && !n.is_empty());
    match run {
        Some(run) => format!("{run}/{id}"),
        None => id.to_string(),
    }
}

/// The file name without its trace extensions (`x.traj.json` → `x`).
pub fn stem(path: &std::path::Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut s = name.as_str();
    for ext in [".gz", ".json", ".jsonl", ".traj", ".eval"] {
        s = s.strip_suffix(ext).unwrap_or(s);
        s = s.strip_suffix(ext).unwrap_or(s);
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::path::Path;

    #[test]
    fn chat_messages_split_tool_calls() {
        let mut steps = Steps::default();
        steps.chat_message(&json!({"role":"assistant","content":"ok","tool_calls":[
            {"id":"c1","type":"function","function":{"name":"ls","arguments":"{\"p\":1}"}}]}));
        steps.chat_message(&json!({"role":"tool","tool_call_id":"c1","name":"ls","content":"a b"}));
        let t = steps.finish(Session {
            session_id: "s".into(),
            ..Session::default()
        });
        assert_eq!(t.session.n_tool_calls, 1);
        assert_eq!(t.events[1].tool_input.as_deref(), Some("{\"p\":1}"));
        assert_eq!(t.events[2].kind.as_deref(), Some("tool_result"));
        assert_eq!(t.events[2].session_id, "s");
    }

    #[test]
    fn ids_are_scoped_by_run_folder() {
        assert_eq!(
            run_scoped_id(Path::new("runs/r1/django-1/django-1.traj.json"), "django-1"),
            "r1/django-1"
        );
        assert_eq!(stem(Path::new("a/x.traj.json")), "x");
    }
}
