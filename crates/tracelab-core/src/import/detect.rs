//! Telling a trace format from a file's name and first bytes (up to 1 MiB). Content decides;
//! the name only breaks ties (`.traj`, `.eval`), so renamed files still import.

use std::path::Path;

use serde_json::Value;

use super::Format;

/// The format of a file, or `None` when it is not a trace Tracelab reads.
pub fn detect(path: &Path, head: &[u8]) -> Option<Format> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let head = super::json::trim_bom(head);
    if head.starts_with(b"PK\x03\x04") {
        return name.ends_with(".eval").then_some(Format::Inspect);
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(1 << 20)]);
    let body = text.trim_start();
    let has = |needle: &str| body.contains(needle);
    if body.starts_with('"') {
        // A whole file that is one JSON string: OpenHands history saved as Python repr.
        return (has("ConversationStateUpdate(") || has("Event(")).then_some(Format::OpenHands);
    }
    if !(body.starts_with('{') || body.starts_with('[')) {
        return None;
    }
    if let Some(first) = first_line_object(body) {
        if let Some(format) = detect_line(&first) {
            return Some(format);
        }
    } else if body.starts_with('{') && !body.contains('\n') {
        // A first line longer than the head (JSONL with a line of many MiB): its opening keys.
        if has("\"session_id\"") {
            return Some(Format::Canonical);
        }
        if has("\"sessionId\"") && (has("\"uuid\"") || has("\"parentUuid\"")) {
            return Some(Format::ClaudeCode);
        }
        if has("\"payload\"") && (has("\"session_meta\"") || has("\"response_item\"")) {
            return Some(Format::Codex);
        }
    }
    if has("\"resourceSpans\"") || has("\"spanContext\"") || has("\"traceId\"") && has("\"spanId\"")
    {
        return Some(Format::Otel);
    }
    if has("\"trajectory_format\"") || has("\"mini_version\"") {
        return Some(Format::MiniSweAgent);
    }
    if name.ends_with(".traj")
        || (has("\"trajectory\"") && (has("\"environment\"") || has("\"info\"")))
        || (has("\"history\"") && has("\"agent\"") && has("\"role\""))
    {
        return Some(Format::SweAgent);
    }
    if has("\"eval\"") && (has("\"samples\"") || has("\"status\"")) && has("\"version\"") {
        return Some(Format::Inspect);
    }
    if has("\"traj\"") && has("\"reward\"") && has("\"task_id\"") {
        return Some(Format::TauBench);
    }
    if has("\"instance_id\"") && has("\"history\"")
        || has("\"kind\"") && (has("Event\"") || has("\"agent\""))
        || (has("\"source\"") && (has("\"action\"") || has("\"observation\"")) && has("\"id\""))
    {
        return Some(Format::OpenHands);
    }
    if (has("\"gen_ai.") || has("\"llm.") || has("\"openinference.")) && body.starts_with('{') {
        return Some(Format::Otel);
    }
    None
}

/// True when a file's first line is a whole JSON object and more follows: JSONL.
pub fn is_jsonl(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(super::json::trim_bom(head));
    let body = text.trim_start();
    body.contains('\n') && first_line_object(body).is_some()
        || body.starts_with('{') && !body.contains('\n') && head.len() as u64 >= 1 << 20
}

/// The first line as a JSON object, when it is one complete object (JSONL).
fn first_line_object(body: &str) -> Option<serde_json::Map<String, Value>> {
    let line = body.lines().next()?;
    match serde_json::from_str::<Value>(line).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// The format of a JSONL file from its first record.
fn detect_line(first: &serde_json::Map<String, Value>) -> Option<Format> {
    let ty = first.get("type").and_then(Value::as_str).unwrap_or("");
    if first.contains_key("session_id") && !first.contains_key("traj") {
        return Some(Format::Canonical);
    }
    if first.contains_key("payload")
        && matches!(
            ty,
            "session_meta" | "response_item" | "event_msg" | "turn_context" | "compacted"
        )
    {
        return Some(Format::Codex);
    }
    let claude_keys = ["uuid", "sessionId", "leafUuid", "messageId", "parentUuid"];
    if matches!(
        ty,
        "user" | "assistant" | "system" | "summary" | "file-history-snapshot" | "queue-operation"
    ) && claude_keys.iter().any(|k| first.contains_key(*k))
    {
        return Some(Format::ClaudeCode);
    }
    if first.contains_key("instance_id")
        && (first.contains_key("history") || first.contains_key("test_result"))
        || first.contains_key("issue") && first.contains_key("git_patch")
    {
        return Some(Format::OpenHands);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides() {
        let d = |name: &str, head: &str| detect(Path::new(name), head.as_bytes());
        assert_eq!(
            d("x.jsonl", "{\"session_id\":\"a\"}\n"),
            Some(Format::Canonical)
        );
        assert_eq!(
            d("x.txt", "{\"type\":\"session_meta\",\"payload\":{}}\n"),
            Some(Format::Codex)
        );
        assert_eq!(
            d("x", "{\"type\":\"user\",\"uuid\":\"u\",\"message\":{}}\n"),
            Some(Format::ClaudeCode)
        );
        assert_eq!(
            d("x.json", "[{\"task_id\":1,\"reward\":1,\"traj\":[]}]"),
            Some(Format::TauBench)
        );
        assert_eq!(d("notes.md", "# hello"), None);
        assert_eq!(d("args.yaml", "agent:\n  model: x"), None);
    }
}
