//! τ-bench results: a JSON array of `{task_id, trial, reward, info, traj[]}`, where `traj` is
//! OpenAI chat messages. Each element is a session: id `<file>/<task_id>/<trial>`, task id
//! the task, `reward` → score (and outcome: success at 1). The model is named only in the
//! file name (`gpt-4o-airline.json` → `gpt-4o`). The array is read element by element, so a
//! result file of any size never becomes one tree in memory.

use std::fmt;

use serde::de::{DeserializeSeed, SeqAccess, Visitor};
use serde_json::Value;

use super::json::{at, rest, str_at};
use super::outcomes::from_reward;
use super::steps::{stem, Steps};
use super::{Parsed, Rejection, SourceFile};
use crate::record::{Session, Trajectory};

/// Source keys that become columns, besides the chat keys of [`super::steps::CHAT_KEYS`].
pub const COLUMN_KEYS: &[&str] = &["task_id", "trial", "reward", "traj"];

/// Domains τ-bench names its result files after.
const DOMAINS: &[&str] = &["airline", "retail", "telecom", "mock"];

pub fn parse(files: &[SourceFile]) -> Parsed {
    let mut parsed = Parsed::default();
    for file in files {
        let text = match std::str::from_utf8(&file.bytes) {
            Ok(t) => t,
            Err(e) => {
                return Parsed::unreadable(
                    file,
                    Rejection::new(
                        "invalid_utf8",
                        format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                    ),
                )
            }
        };
        let mut de = serde_json::Deserializer::from_str(text);
        let mut out = Vec::new();
        let result = Elements(|v: Value| out.push(v))
            .deserialize(&mut de)
            .and_then(|_| de.end());
        let name = stem(&file.path);
        for (i, v) in out.into_iter().enumerate() {
            match v {
                v @ Value::Object(_) => parsed.trajectories.push(session(&name, i, &v)),
                other => parsed.reject(
                    &file.uri,
                    None,
                    Rejection::new("invalid_field", format!("result {i} is not an object")),
                    other.to_string().as_bytes(),
                ),
            }
        }
        if let Err(e) = result {
            // What was read stays imported; the rest of the file is quarantined as it is.
            parsed.reject(
                &file.uri,
                Some(e.line() as u64),
                Rejection::new("malformed_json", format!("malformed JSON: {e}")),
                &file.bytes,
            );
        }
    }
    parsed
}

fn session(file_stem: &str, index: usize, v: &Value) -> Trajectory {
    let task = str_at(v, "task_id").unwrap_or_else(|| index.to_string());
    let trial = str_at(v, "trial").unwrap_or_else(|| "0".into());
    let model = DOMAINS
        .iter()
        .find_map(|d| file_stem.strip_suffix(&format!("-{d}")))
        .map(str::to_string);
    let o = at(v, "reward").map(from_reward).unwrap_or_default();
    let mut steps = Steps::default();
    if let Some(Value::Array(traj)) = at(v, "traj") {
        for m in traj {
            steps.chat_message(m);
        }
    }
    let session = Session {
        session_id: format!("{file_stem}/{task}/{trial}"),
        task_id: Some(task),
        harness: Some("tau-bench".into()),
        model,
        outcome: o.outcome,
        score: o.score,
        attributes: v
            .as_object()
            .and_then(|o| rest(o, &["traj", "task_id", "reward"])),
        ..Session::default()
    };
    steps.finish(session)
}

/// Visits a top-level JSON array one element at a time; anything else is one element.
struct Elements<F>(F);

impl<'de, F: FnMut(Value)> DeserializeSeed<'de> for Elements<F> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, F: FnMut(Value)> Visitor<'de> for Elements<F> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON array of results")
    }
    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        while let Some(v) = seq.next_element::<Value>()? {
            (self.0)(v);
        }
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, map: A) -> Result<(), A::Error> {
        let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        (self.0)(v);
        Ok(())
    }
}

use serde::Deserialize;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewards_become_outcomes() {
        let results = r#"[{"task_id":3,"trial":0,"reward":1.0,"info":{"x":1},"traj":[
            {"role":"user","content":"book"},
            {"role":"assistant","content":null,"tool_calls":[{"id":"c","type":"function","function":{"name":"find","arguments":"{}"}}]},
            {"role":"tool","tool_call_id":"c","name":"find","content":"ok"}]},
          {"task_id":4,"trial":0,"reward":0.0,"traj":[]}, 7"#;
        let parsed = parse(&[SourceFile::new(
            "gpt-4o-airline.json",
            results.as_bytes().to_vec(),
        )]);
        assert_eq!(parsed.trajectories.len(), 2);
        let t = &parsed.trajectories[0];
        assert_eq!(t.session.session_id, "gpt-4o-airline/3/0");
        assert_eq!(t.session.model.as_deref(), Some("gpt-4o"));
        assert_eq!(t.session.outcome.as_deref(), Some("success"));
        assert_eq!(t.session.n_tool_calls, 1);
        assert_eq!(
            parsed.trajectories[1].session.outcome.as_deref(),
            Some("failure")
        );
        // The non-object element and the cut-off tail are both quarantined.
        assert_eq!(parsed.rejected.len(), 2);
    }
}
