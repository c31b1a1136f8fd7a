//! One benchmark task as decontamination needs it, and how it is read from a JSON object
//! (a line of the official SWE-bench JSONL files, of the slim files, or a row converted from
//! Parquet).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};

/// A benchmark instance. Required: `instance_id`, `repo`, `base_commit`,
/// `problem_statement`, `patch`; the rest is used when present.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    /// The benchmark it belongs to (`SWE-bench_Verified`).
    pub benchmark: String,
    /// `owner__name-number`, as SWE-bench spells it (`django__django-11099`).
    pub instance_id: String,
    /// `owner/name` on GitHub.
    pub repo: String,
    pub base_commit: String,
    pub problem_statement: String,
    /// The gold patch (unified diff).
    pub patch: String,
    pub test_patch: Option<String>,
    pub fail_to_pass: Option<Vec<String>>,
    /// When the task's pull request was opened.
    pub created_at: Option<DateTime<Utc>>,
}

/// Why a benchmark file could not be read. Each message names the source, the line and what
/// to change.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{source_name}: line {line}: not a JSON object ({reason}); benchmark files hold one JSON object per line")]
    NotJson {
        source_name: String,
        line: usize,
        reason: String,
    },
    #[error("{source_name}: line {line}: missing required field `{field}`; every benchmark instance needs instance_id, repo, base_commit, problem_statement and patch as strings")]
    MissingField {
        source_name: String,
        line: usize,
        field: &'static str,
    },
    #[error("{source_name}: line {line}: field `{field}` {reason}")]
    BadField {
        source_name: String,
        line: usize,
        field: &'static str,
        reason: String,
    },
    #[error("{source_name}: no benchmark instances found; pass a JSONL or Parquet file with one instance per row")]
    Empty { source_name: String },
}

/// Where a JSON object came from, for error messages.
pub(super) struct Origin<'a> {
    pub source_name: &'a str,
    pub line: usize,
}

impl Instance {
    /// Reads an instance from a JSON object; the benchmark name is the object's `benchmark`
    /// field, else `default_benchmark`.
    pub(super) fn from_json(
        object: &Map<String, Value>,
        default_benchmark: &str,
        origin: &Origin<'_>,
    ) -> Result<Instance, CorpusError> {
        let required = |field: &'static str| -> Result<String, CorpusError> {
            match object.get(field) {
                Some(Value::String(text)) if !text.is_empty() => Ok(text.clone()),
                _ => Err(CorpusError::MissingField {
                    source_name: origin.source_name.to_string(),
                    line: origin.line,
                    field,
                }),
            }
        };
        let bad = |field: &'static str, reason: String| CorpusError::BadField {
            source_name: origin.source_name.to_string(),
            line: origin.line,
            field,
            reason,
        };

        let instance_id = required("instance_id")?;
        let repo = required("repo")?;
        let base_commit = required("base_commit")?;
        let problem_statement = required("problem_statement")?;
        let patch = required("patch")?;
        let benchmark = match object.get("benchmark") {
            Some(Value::String(name)) if !name.is_empty() => name.clone(),
            _ => default_benchmark.to_string(),
        };
        let test_patch = match object.get("test_patch") {
            Some(Value::String(text)) if !text.is_empty() => Some(text.clone()),
            _ => None,
        };
        let fail_to_pass = match object.get("FAIL_TO_PASS").or(object.get("fail_to_pass")) {
            None | Some(Value::Null) => None,
            Some(value) => Some(test_names(value).ok_or_else(|| {
                bad(
                    "FAIL_TO_PASS",
                    "must be a list of test names or a string holding a JSON list".into(),
                )
            })?),
        };
        let created_at = match object.get("created_at") {
            None | Some(Value::Null) => None,
            Some(value) => Some(timestamp(value).ok_or_else(|| {
                bad(
                    "created_at",
                    format!(
                        "is not a date or time ({value}); use RFC 3339, e.g. 2019-03-12T10:22:33Z"
                    ),
                )
            })?),
        };
        Ok(Instance {
            benchmark,
            instance_id,
            repo,
            base_commit: base_commit.trim().to_ascii_lowercase(),
            problem_statement,
            patch,
            test_patch,
            fail_to_pass,
            created_at,
        })
    }

    /// The number at the end of the instance id: the pull request (and, for most projects, the
    /// issue) it was built from.
    pub fn number(&self) -> Option<u64> {
        let (_, digits) = self.instance_id.rsplit_once('-')?;
        digits.parse().ok()
    }
}

/// The official dataset stores test lists as a string holding a JSON list; converted files
/// hold the list itself.
fn test_names(value: &Value) -> Option<Vec<String>> {
    let list = match value {
        Value::Array(items) => items.clone(),
        Value::String(text) => match serde_json::from_str::<Value>(text).ok()? {
            Value::Array(items) => items,
            _ => return None,
        },
        _ => return None,
    };
    list.into_iter()
        .map(|item| match item {
            Value::String(name) => Some(name),
            _ => None,
        })
        .collect()
}

/// RFC 3339, `YYYY-MM-DD HH:MM:SS` (UTC), a bare date, or seconds / milliseconds since the
/// epoch (Parquet timestamps converted to JSON).
pub(super) fn timestamp(value: &Value) -> Option<DateTime<Utc>> {
    match value {
        Value::String(text) => {
            let text = text.trim();
            if let Ok(t) = DateTime::parse_from_rfc3339(text) {
                return Some(t.with_timezone(&Utc));
            }
            for format in ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"] {
                if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
                    return Some(t.and_utc());
                }
            }
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
            Some(date.and_hms_opt(0, 0, 0)?.and_utc())
        }
        Value::Number(number) => {
            let n = number.as_i64()?;
            // Anything past 1e11 seconds is the year 5138: such values are milliseconds.
            if n.abs() > 100_000_000_000 {
                DateTime::from_timestamp_millis(n)
            } else {
                DateTime::from_timestamp(n, 0)
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: Value) -> Result<Instance, CorpusError> {
        let origin = Origin {
            source_name: "bench",
            line: 3,
        };
        Instance::from_json(value.as_object().unwrap(), "hint", &origin)
    }

    fn minimal() -> Value {
        json!({"instance_id": "psf__requests-2317", "repo": "psf/requests",
               "base_commit": "ABC123", "problem_statement": "p", "patch": "d"})
    }

    #[test]
    fn reads_the_official_extra_fields() {
        let mut value = minimal();
        value["FAIL_TO_PASS"] = json!("[\"test_a\", \"test_b\"]");
        value["created_at"] = json!("2014-11-01T23:49:48Z");
        value["test_patch"] = json!("diff --git a/t b/t");
        let instance = read(value).unwrap();
        assert_eq!(instance.benchmark, "hint");
        assert_eq!(instance.base_commit, "abc123");
        assert_eq!(instance.number(), Some(2317));
        assert_eq!(instance.fail_to_pass.unwrap(), ["test_a", "test_b"]);
        assert_eq!(
            instance.created_at.unwrap().to_rfc3339(),
            "2014-11-01T23:49:48+00:00"
        );
        assert!(instance.test_patch.is_some());
    }

    #[test]
    fn missing_and_bad_fields_name_the_line_and_field() {
        let mut value = minimal();
        value.as_object_mut().unwrap().remove("patch");
        let message = read(value).unwrap_err().to_string();
        assert!(
            message.starts_with("bench: line 3: missing required field `patch`"),
            "{message}"
        );

        let mut value = minimal();
        value["created_at"] = json!("last tuesday");
        let message = read(value).unwrap_err().to_string();
        assert!(message.contains("`created_at` is not a date"), "{message}");
    }

    #[test]
    fn timestamps_in_every_shape() {
        let expected = timestamp(&json!("2020-01-02T03:04:05Z"));
        assert!(expected.is_some());
        assert_eq!(timestamp(&json!("2020-01-02 03:04:05")), expected);
        assert_eq!(timestamp(&json!(1_577_934_245)), expected);
        assert_eq!(timestamp(&json!(1_577_934_245_000i64)), expected);
        assert_eq!(
            timestamp(&json!("2020-01-02")).unwrap().to_rfc3339(),
            "2020-01-02T00:00:00+00:00"
        );
    }
}
