//! A session as a chat: the OpenAI-style message list trainers take (`system`, `user`,
//! `assistant` with `tool_calls`, `tool` with `tool_call_id`), split into the prompt (up to and
//! including the first user message) and the completion (everything the agent did after).

use serde::Serialize;

use crate::record::Event;
use crate::scrub::{Counts, Scrubber};

/// One chat message. Absent fields are left out of JSON and null in Parquet.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Message {
    pub role: String,
    pub content: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Message {
    fn new(role: &str, content: String) -> Message {
        Message {
            role: role.into(),
            content,
            tool_calls: Vec::new(),
            tool_call_id: None,
            name: None,
        }
    }
}

/// A function call made by an assistant message.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ToolCall {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub function: FunctionCall,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FunctionCall {
    pub name: String,
    /// The arguments as JSON text, as OpenAI's format has them.
    pub arguments: String,
}

/// A session's chat, split where the agent starts working.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Conversation {
    pub prompt: Vec<Message>,
    pub completion: Vec<Message>,
    /// The tools the session called, sorted by name.
    pub tools: Vec<String>,
    /// What scrubbing replaced in this session's text.
    pub scrubbed: Counts,
}

/// Why a session has no usable chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unusable {
    /// No user message: nothing to use as the prompt.
    NoPrompt,
    /// Nothing from the assistant after the prompt.
    NoResponse,
}

impl Conversation {
    /// The session's events as a chat; text passes through `scrubber` when one is given.
    pub fn of(
        events: &[Event],
        scrubber: Option<&Scrubber>,
        include_thinking: bool,
    ) -> std::result::Result<Conversation, Unusable> {
        let mut scrubbed = Counts::default();
        let mut clean = |text: &str| match scrubber {
            Some(s) => s.scrub(text, &mut scrubbed).into_owned(),
            None => text.to_string(),
        };
        let mut messages: Vec<Message> = Vec::new();
        // Calls not yet answered, oldest first: a result without an id answers the oldest.
        let mut pending: Vec<String> = Vec::new();
        let mut tools: Vec<String> = Vec::new();
        for e in events {
            let kind = e.kind.as_deref().unwrap_or("message");
            let role = e.role.as_deref().unwrap_or("");
            let text = e.content.as_deref().unwrap_or("");
            match kind {
                "tool_call" => {
                    let id = e
                        .tool_call_id
                        .clone()
                        .unwrap_or_else(|| format!("call_{}", e.seq));
                    let name = e.tool_name.clone().unwrap_or_else(|| "tool".into());
                    if !tools.contains(&name) {
                        tools.push(name.clone());
                    }
                    let call = ToolCall {
                        id: id.clone(),
                        kind: "function",
                        function: FunctionCall {
                            name,
                            arguments: clean(e.tool_input.as_deref().unwrap_or("{}")),
                        },
                    };
                    pending.push(id);
                    match messages.last_mut() {
                        Some(last) if last.role == "assistant" => last.tool_calls.push(call),
                        _ => {
                            let mut m = Message::new("assistant", String::new());
                            m.tool_calls.push(call);
                            messages.push(m);
                        }
                    }
                }
                "tool_result" => {
                    let id = match &e.tool_call_id {
                        Some(id) => {
                            pending.retain(|p| p != id);
                            id.clone()
                        }
                        None if !pending.is_empty() => pending.remove(0),
                        None => format!("call_{}", e.seq),
                    };
                    let mut m = Message::new("tool", clean(text));
                    m.tool_call_id = Some(id);
                    m.name = e.tool_name.clone();
                    messages.push(m);
                }
                "thinking" if !include_thinking => {}
                _ if text.is_empty() => {}
                _ => {
                    let role = match role {
                        "system" | "user" | "assistant" => role,
                        // Errors, summaries and steps without a role read as the harness's.
                        "tool" => "tool",
                        _ => "user",
                    };
                    if role == "tool" {
                        let mut m = Message::new("tool", clean(text));
                        m.tool_call_id = Some(if pending.is_empty() {
                            format!("call_{}", e.seq)
                        } else {
                            pending.remove(0)
                        });
                        m.name = e.tool_name.clone();
                        messages.push(m);
                        continue;
                    }
                    let text = clean(text);
                    // Consecutive assistant texts (a thought, then an answer) are one turn.
                    match messages.last_mut() {
                        Some(last)
                            if role == "assistant"
                                && last.role == "assistant"
                                && last.tool_calls.is_empty() =>
                        {
                            last.content.push_str("\n\n");
                            last.content.push_str(&text);
                        }
                        _ => messages.push(Message::new(role, text)),
                    }
                }
            }
        }
        let first_user = messages
            .iter()
            .position(|m| m.role == "user")
            .ok_or(Unusable::NoPrompt)?;
        let completion = messages.split_off(first_user + 1);
        if !completion.iter().any(|m| m.role == "assistant") {
            return Err(Unusable::NoResponse);
        }
        tools.sort();
        Ok(Conversation {
            prompt: messages,
            completion,
            tools,
            scrubbed,
        })
    }

    /// Prompt then completion: the whole chat.
    pub fn messages(&self) -> Vec<Message> {
        self.prompt
            .iter()
            .chain(&self.completion)
            .cloned()
            .collect()
    }

    /// The last assistant message with text: what OpenAI's preference format keeps.
    pub fn final_answer(&self) -> Option<&Message> {
        self.completion
            .iter()
            .rev()
            .find(|m| m.role == "assistant" && !m.content.trim().is_empty())
    }

    /// Characters of the completion's text and tool arguments, for length estimates when
    /// a session records no token counts.
    pub fn completion_chars(&self) -> usize {
        self.completion
            .iter()
            .map(|m| {
                m.content.len()
                    + m.tool_calls
                        .iter()
                        .map(|c| c.function.arguments.len())
                        .sum::<usize>()
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(seq: i64, role: &str, kind: &str, content: &str) -> Event {
        Event {
            session_id: "s".into(),
            seq,
            role: Some(role.into()),
            kind: Some(kind.into()),
            content: (!content.is_empty()).then(|| content.into()),
            ..Event::default()
        }
    }

    #[test]
    fn tool_calls_attach_to_the_assistant_turn_and_results_answer_them() {
        let mut call = event(3, "assistant", "tool_call", "");
        call.tool_name = Some("bash".into());
        call.tool_input = Some(r#"{"command":"ls"}"#.into());
        let mut result = event(4, "tool", "tool_result", "a.py");
        result.tool_name = Some("bash".into());
        let events = vec![
            event(0, "system", "message", "You are an agent."),
            event(1, "user", "message", "Fix the bug."),
            event(2, "assistant", "thinking", "hmm"),
            event(2, "assistant", "message", "Looking."),
            call,
            result,
            event(5, "assistant", "message", "Done."),
        ];
        let c = Conversation::of(&events, None, false).unwrap();
        assert_eq!(c.prompt.len(), 2);
        assert_eq!(c.prompt[1].role, "user");
        let roles: Vec<&str> = c.completion.iter().map(|m| m.role.as_str()).collect();
        assert_eq!(roles, ["assistant", "tool", "assistant"]);
        assert_eq!(c.completion[0].content, "Looking.");
        assert_eq!(c.completion[0].tool_calls[0].id, "call_3");
        assert_eq!(c.completion[1].tool_call_id.as_deref(), Some("call_3"));
        assert_eq!(c.tools, ["bash"]);
        assert_eq!(c.final_answer().unwrap().content, "Done.");
        let json = serde_json::to_value(&c.completion[0]).unwrap();
        assert_eq!(json["tool_calls"][0]["type"], "function");
        assert_eq!(
            json["tool_calls"][0]["function"]["arguments"],
            r#"{"command":"ls"}"#
        );
        assert!(json.get("tool_call_id").is_none());
        let with_thinking = Conversation::of(&events, None, true).unwrap();
        assert_eq!(with_thinking.completion[0].content, "hmm\n\nLooking.");
    }

    #[test]
    fn sessions_without_a_prompt_or_an_answer_are_unusable() {
        let only_system = vec![event(0, "system", "message", "x")];
        assert_eq!(
            Conversation::of(&only_system, None, false),
            Err(Unusable::NoPrompt)
        );
        let no_answer = vec![event(0, "user", "message", "hello")];
        assert_eq!(
            Conversation::of(&no_answer, None, false),
            Err(Unusable::NoResponse)
        );
    }

    #[test]
    fn text_is_scrubbed_and_counted() {
        let events = vec![
            event(0, "user", "message", "mail ops@example.com"),
            event(1, "assistant", "message", "ok"),
        ];
        let c = Conversation::of(&events, Some(&Scrubber::builtin()), false).unwrap();
        assert_eq!(c.prompt[0].content, "mail [REDACTED:email]");
        assert_eq!(c.scrubbed.get("email"), 1);
    }
}
