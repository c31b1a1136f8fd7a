//! Outcomes that live outside the traces: benchmark report files found beside them
//! (SWE-bench `report.json` / `results.json` / `results_summary.json`, terminal-bench
//! `results.json`, OpenHands `eval_<id>.json`), and the `--outcomes` sidecar (CSV or JSONL of
//! `session_id` or `task_id` with `outcome` and/or `score`). The sidecar wins over everything;
//! a report fills only sessions whose own format gave no outcome.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::json::{as_int, at, float_at, str_at};
use crate::error::{Error, Result};
use crate::record::Session;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub outcome: Option<String>,
    pub score: Option<f64>,
}

impl Outcome {
    fn resolved(yes: bool) -> Self {
        Outcome {
            outcome: Some(if yes { "success" } else { "failure" }.into()),
            score: Some(if yes { 1.0 } else { 0.0 }),
        }
    }
}

/// Outcomes by session id and by task id.
#[derive(Debug, Default)]
pub struct Outcomes {
    sidecar_sessions: HashMap<String, Outcome>,
    sidecar_tasks: HashMap<String, Outcome>,
    reports: HashMap<String, Outcome>,
}

/// File names that hold benchmark outcomes rather than traces.
pub fn is_report_name(name: &str) -> bool {
    let name = name.to_lowercase();
    matches!(
        name.as_str(),
        "report.json" | "results.json" | "results_summary.json"
    ) || name.ends_with(".report.json")
        || (name.starts_with("eval_") && name.ends_with(".json"))
}

impl Outcomes {
    /// Reads the report files a folder walk found. A file that is not a report shape it
    /// knows adds nothing.
    pub fn from_reports(paths: &[PathBuf]) -> Self {
        let mut o = Outcomes::default();
        for path in paths {
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            let Ok(v) = serde_json::from_slice::<Value>(&bytes) else {
                continue;
            };
            o.add_report(path, &v);
        }
        o
    }

    /// Adds one report's outcomes (by task id).
    pub fn add_report(&mut self, path: &Path, v: &Value) {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // OpenHands `eval_<id>.json`: {checkpoints, final_score{total, result}}.
        if let (Some(total), Some(result)) = (
            float_at(v, "final_score.total"),
            float_at(v, "final_score.result"),
        ) {
            if let Some(id) = name.strip_prefix("eval_") {
                self.reports.insert(id.into(), final_score(total, result));
            }
            return;
        }
        // terminal-bench trial: {task_id, is_resolved}; run: {results: [...]}.
        if let Some(id) = str_at(v, "task_id") {
            if let Some(r) = at(v, "is_resolved").and_then(Value::as_bool) {
                self.reports.insert(id, Outcome::resolved(r));
            }
            return;
        }
        if let Some(Value::Array(results)) = at(v, "results") {
            for r in results {
                if let (Some(id), Some(ok)) = (
                    str_at(r, "task_id"),
                    at(r, "is_resolved").and_then(Value::as_bool),
                ) {
                    self.reports.insert(id, Outcome::resolved(ok));
                }
            }
        }
        let Value::Object(map) = v else { return };
        // SWE-bench harness lists: {resolved: [ids], unresolved: [...]} or {resolved_ids, ...}.
        // (`applied` only says a patch applied: it is no verdict.)
        for (key, yes) in [
            ("resolved", true),
            ("resolved_ids", true),
            ("unresolved", false),
            ("unresolved_ids", false),
            ("error_ids", false),
            ("empty_patch_ids", false),
        ] {
            if let Some(Value::Array(ids)) = map.get(key) {
                for id in ids.iter().filter_map(Value::as_str) {
                    self.reports.insert(id.into(), Outcome::resolved(yes));
                }
            }
        }
        // SWE-bench per-instance report: {<id>: {resolved, patch_exists, ...}}.
        for (id, r) in map {
            if let Some(ok) = r.get("resolved").and_then(Value::as_bool) {
                self.reports.insert(id.clone(), Outcome::resolved(ok));
            }
        }
    }

    /// Reads `--outcomes`: CSV with a header, or JSONL, of `session_id` or `task_id` with
    /// `outcome` and/or `score`.
    pub fn load_sidecar(&mut self, path: &Path) -> Result<()> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let bad = |line: usize, reason: String| Error::BadInput {
            path: path.to_path_buf(),
            reason: format!("line {line}: {reason}"),
        };
        let rows: Vec<(usize, HashMap<String, String>)> = if text.trim_start().starts_with('{') {
            let mut rows = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let v: Value = serde_json::from_str(line)
                    .map_err(|e| bad(i + 1, format!("malformed JSON: {e}")))?;
                let Value::Object(map) = v else {
                    return Err(bad(i + 1, "expected a JSON object".into()));
                };
                let row = map
                    .into_iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| {
                        let text = match v {
                            Value::String(s) => s,
                            other => other.to_string(),
                        };
                        (k, text)
                    })
                    .collect();
                rows.push((i + 1, row));
            }
            rows
        } else {
            let mut lines = text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty());
            let Some((_, header)) = lines.next() else {
                return Ok(());
            };
            let header: Vec<String> = csv_fields(header)
                .into_iter()
                .map(|h| h.trim().to_lowercase())
                .collect();
            lines
                .map(|(i, l)| {
                    let row = header
                        .iter()
                        .cloned()
                        .zip(csv_fields(l))
                        .filter(|(_, v)| !v.is_empty())
                        .collect();
                    (i + 1, row)
                })
                .collect()
        };
        for (line, row) in rows {
            let score = match row.get("score") {
                None => None,
                Some(s) => Some(
                    s.trim()
                        .parse::<f64>()
                        .map_err(|_| bad(line, format!("score {s:?} is not a number")))?,
                ),
            };
            let outcome = Outcome {
                outcome: row.get("outcome").map(|s| s.trim().to_string()),
                score,
            };
            if outcome.outcome.is_none() && outcome.score.is_none() {
                return Err(bad(line, "no `outcome` or `score`".into()));
            }
            if let Some(id) = row.get("session_id") {
                self.sidecar_sessions.insert(id.clone(), outcome);
            } else if let Some(id) = row.get("task_id").or_else(|| row.get("instance_id")) {
                self.sidecar_tasks.insert(id.clone(), outcome);
            } else {
                return Err(bad(line, "no `session_id` or `task_id`".into()));
            }
        }
        Ok(())
    }

    /// Gives `session` its outcome from the sidecar, or from a report when its source had
    /// none. True when something was applied.
    pub fn apply(&self, session: &mut Session) -> bool {
        let task = session.task_id.as_deref().unwrap_or("");
        let sidecar = self
            .sidecar_sessions
            .get(&session.session_id)
            .or_else(|| self.sidecar_tasks.get(task));
        if let Some(o) = sidecar {
            if o.outcome.is_some() {
                session.outcome.clone_from(&o.outcome);
            }
            if o.score.is_some() {
                session.score = o.score;
            }
            return true;
        }
        if session.outcome.is_none() && session.score.is_none() {
            if let Some(o) = self.reports.get(task) {
                session.outcome.clone_from(&o.outcome);
                session.score = o.score;
                return true;
            }
        }
        false
    }

    pub fn is_empty(&self) -> bool {
        self.sidecar_sessions.is_empty() && self.sidecar_tasks.is_empty() && self.reports.is_empty()
    }
}

/// `final_score{total, result}` as outcome and score.
pub fn final_score(total: f64, result: f64) -> Outcome {
    let score = if total > 0.0 { result / total } else { 0.0 };
    Outcome {
        outcome: Some(
            if total > 0.0 && result >= total {
                "success"
            } else {
                "failure"
            }
            .into(),
        ),
        score: Some(score),
    }
}

/// A reward or score as an outcome: 1 (or more) is success.
pub fn from_reward(reward: &Value) -> Outcome {
    let score = match reward {
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        other => other.as_f64().or_else(|| as_int(other).map(|i| i as f64)),
    };
    Outcome {
        outcome: score.map(|s| if s >= 1.0 { "success" } else { "failure" }.to_string()),
        score,
    }
}

/// The fields of one CSV line (double quotes, `""` inside quotes).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    fields.push(cur);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn swe_bench_reports_of_both_shapes() {
        let mut o = Outcomes::default();
        o.add_report(
            Path::new("logs/a/report.json"),
            &json!({"a": {"resolved": true, "patch_exists": true}}),
        );
        o.add_report(
            Path::new("results.json"),
            &json!({"resolved": ["b"], "applied": ["b", "c"], "unresolved": ["c"]}),
        );
        let mut s = Session {
            task_id: Some("a".into()),
            ..Session::default()
        };
        assert!(o.apply(&mut s));
        assert_eq!(s.outcome.as_deref(), Some("success"));
        s.task_id = Some("c".into());
        s.outcome = None;
        s.score = None;
        o.apply(&mut s);
        assert_eq!(s.outcome.as_deref(), Some("failure"));
    }

    #[test]
    fn csv_sidecar_wins() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("o.csv");
        std::fs::write(&p, "task_id,outcome,score\n\"t,1\",success,0.9\n").unwrap();
        let mut o = Outcomes::default();
        o.load_sidecar(&p).unwrap();
        let mut s = Session {
            task_id: Some("t,1".into()),
            outcome: Some("failure".into()),
            ..Session::default()
        };
        assert!(o.apply(&mut s));
        assert_eq!(
            (s.outcome.as_deref(), s.score),
            (Some("success"), Some(0.9))
        );
        std::fs::write(&p, "task_id,outcome\nt\n").unwrap();
        let err = Outcomes::default()
            .load_sidecar(&p)
            .unwrap_err()
            .to_string();
        assert!(err.contains("o.csv") && err.contains("line 2"), "{err}");
    }
}
