//! The typed session filter of every view and of `--where`: each field becomes a DataFusion
//! expression over the `sessions` table, never SQL text glued together.
//!
//! Text syntax (`tracelab search --where`, `tracelab compare --a`): space-separated terms, all
//! of which must hold. `key=value` (repeat a key or use `value1,value2` for any-of), `key!=value`,
//! `config.KEY=value`, `tag=long`, `label=NAME`, `has_tool_error` / `!has_tool_error`,
//! ranges with `>=`, `<=`, `>`, `<` on `started`, `score`, `tokens`, `cost`, and `text:"..."` for
//! a full-text query. Values with spaces go in double quotes.
//!
//! ```
//! use tracelab_core::query::Filter;
//! let f: Filter = "model=gpt-5-codex outcome=failure,error config.cache_policy=retain-all cost<0.5"
//!     .parse()
//!     .unwrap();
//! assert_eq!(f.model, vec!["gpt-5-codex"]);
//! assert_eq!(f.outcome, vec!["failure", "error"]);
//! ```

use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use datafusion::functions::core::expr_fn::get_field;
use datafusion::functions_nested::expr_fn::array_has;
use datafusion::logical_expr::{col, lit, Expr};
use datafusion::scalar::ScalarValue;
use serde::{Deserialize, Serialize};

/// Which sessions to show. Empty fields do not restrict; all set fields must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    pub harness: Vec<String>,
    pub harness_version: Vec<String>,
    pub model: Vec<String>,
    pub outcome: Vec<String>,
    pub slice: Vec<String>,
    pub repo: Vec<String>,
    pub task_id: Vec<String>,
    pub source_format: Vec<String>,
    /// `config[key] = value` for each pair (several values of one key: any of them).
    pub config: Vec<(String, String)>,
    /// Sessions that carry every one of these tags.
    pub tags: Vec<String>,
    pub started_from: Option<DateTime<Utc>>,
    pub started_to: Option<DateTime<Utc>>,
    pub score_min: Option<f64>,
    pub score_max: Option<f64>,
    /// Bounds on `input_tokens + output_tokens`.
    pub tokens_min: Option<i64>,
    pub tokens_max: Option<i64>,
    pub cost_min: Option<f64>,
    pub cost_max: Option<f64>,
    pub has_tool_error: Option<bool>,
    /// Sessions with a label of this name.
    pub label: Option<String>,
    /// Full-text query over the session's steps (resolved through the search index).
    pub text: Option<String>,
    /// Values excluded per dimension (`model!=x`).
    pub exclude: Vec<(String, String)>,
}

/// A malformed filter, with the term that is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("filter term `{term}`: {problem}")]
pub struct FilterError {
    pub term: String,
    pub problem: String,
}

fn any_of(column: &str, values: &[String]) -> Option<Expr> {
    match values {
        [] => None,
        [one] => Some(col(column).eq(lit(one.as_str()))),
        many => Some(col(column).in_list(many.iter().map(|v| lit(v.as_str())).collect(), false)),
    }
}

fn timestamp(t: DateTime<Utc>) -> Expr {
    lit(ScalarValue::TimestampMicrosecond(
        Some(t.timestamp_micros()),
        Some("UTC".into()),
    ))
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        self == &Filter::default()
    }

    /// The any-of values asked for each plain dimension column (empty: no restriction).
    pub(crate) fn column_terms(&self) -> [(&'static str, &[String]); 8] {
        [
            ("harness", &self.harness),
            ("harness_version", &self.harness_version),
            ("model", &self.model),
            ("outcome", &self.outcome),
            ("slice", &self.slice),
            ("repo", &self.repo),
            ("task_id", &self.task_id),
            ("source_format", &self.source_format),
        ]
    }

    /// The `config` pairs grouped by key, keys sorted: each key's values are alternatives.
    pub(crate) fn config_terms(&self) -> Vec<(&str, Vec<&str>)> {
        let mut keys: Vec<&str> = self.config.iter().map(|(k, _)| k.as_str()).collect();
        keys.sort_unstable();
        keys.dedup();
        keys.into_iter()
            .map(|key| {
                let values = self
                    .config
                    .iter()
                    .filter(|(k, _)| k == key)
                    .map(|(_, v)| v.as_str())
                    .collect();
                (key, values)
            })
            .collect()
    }

    /// The conditions on `sessions` columns as one expression (`None` when nothing restricts).
    /// `label` and `text` need other tables; [`super::QueryEngine`] resolves them to id sets.
    pub fn to_expr(&self) -> Option<Expr> {
        let mut parts: Vec<Expr> = self
            .column_terms()
            .into_iter()
            .filter_map(|(column, values)| any_of(column, values))
            .collect();
        for (key, values) in self.config_terms() {
            let values: Vec<Expr> = values.into_iter().map(lit).collect();
            parts.push(get_field(col("config"), key).in_list(values, false));
        }
        for (dimension, value) in &self.exclude {
            let column = match dimension.strip_prefix("config.") {
                Some(key) => get_field(col("config"), key),
                None => col(dimension.as_str()),
            };
            parts.push(
                column
                    .clone()
                    .is_null()
                    .or(column.not_eq(lit(value.as_str()))),
            );
        }
        for tag in &self.tags {
            parts.push(array_has(col("tags"), lit(tag.as_str())));
        }
        if let Some(t) = self.started_from {
            parts.push(col("started_at").gt_eq(timestamp(t)));
        }
        if let Some(t) = self.started_to {
            parts.push(col("started_at").lt(timestamp(t)));
        }
        if let Some(v) = self.score_min {
            parts.push(col("score").gt_eq(lit(v)));
        }
        if let Some(v) = self.score_max {
            parts.push(col("score").lt_eq(lit(v)));
        }
        let tokens = || col("input_tokens") + col("output_tokens");
        if let Some(v) = self.tokens_min {
            parts.push(tokens().gt_eq(lit(v)));
        }
        if let Some(v) = self.tokens_max {
            parts.push(tokens().lt_eq(lit(v)));
        }
        if let Some(v) = self.cost_min {
            parts.push(col("cost_usd").gt_eq(lit(v)));
        }
        if let Some(v) = self.cost_max {
            parts.push(col("cost_usd").lt_eq(lit(v)));
        }
        match self.has_tool_error {
            Some(true) => parts.push(col("n_tool_errors").gt(lit(0i64))),
            Some(false) => parts.push(col("n_tool_errors").eq(lit(0i64))),
            None => {}
        }
        parts.into_iter().reduce(Expr::and)
    }
}

/// Splits on spaces outside double quotes, dropping the quotes.
fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn parse_time(term: &str, value: &str) -> Result<DateTime<Utc>, FilterError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(value) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(|d| d.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc())
        .map_err(|_| FilterError {
            term: term.into(),
            problem: format!("{value:?} is not a date (YYYY-MM-DD) or RFC 3339 time"),
        })
}

fn parse_number<T: FromStr>(term: &str, value: &str) -> Result<T, FilterError> {
    value.parse().map_err(|_| FilterError {
        term: term.into(),
        problem: format!("{value:?} is not a number"),
    })
}

const OPERATORS: [&str; 6] = [">=", "<=", "!=", "=", ">", "<"];

impl FromStr for Filter {
    type Err = FilterError;

    fn from_str(text: &str) -> Result<Filter, FilterError> {
        let mut f = Filter::default();
        for term in terms(text) {
            if term == "has_tool_error" || term == "!has_tool_error" {
                f.has_tool_error = Some(!term.starts_with('!'));
                continue;
            }
            if let Some(q) = term.strip_prefix("text:") {
                f.text = Some(q.to_string());
                continue;
            }
            let Some((at, op)) = OPERATORS
                .iter()
                .filter_map(|op| term.find(op).map(|i| (i, *op)))
                .min_by_key(|(i, op)| (*i, std::cmp::Reverse(op.len())))
            else {
                return Err(FilterError {
                    term,
                    problem: "expected key=value, key!=value or a range such as cost<0.5".into(),
                });
            };
            let (key, value) = (&term[..at], &term[at + op.len()..]);
            let bad = |problem: &str| FilterError {
                term: term.clone(),
                problem: problem.into(),
            };
            if value.is_empty() {
                return Err(bad("missing value"));
            }
            let values = || value.split(',').map(str::to_string);
            match (key, op) {
                ("started", ">=" | ">") => f.started_from = Some(parse_time(&term, value)?),
                ("started", "<=" | "<") => f.started_to = Some(parse_time(&term, value)?),
                ("score", ">=" | ">") => f.score_min = Some(parse_number(&term, value)?),
                ("score", "<=" | "<") => f.score_max = Some(parse_number(&term, value)?),
                ("tokens", ">=" | ">") => f.tokens_min = Some(parse_number(&term, value)?),
                ("tokens", "<=" | "<") => f.tokens_max = Some(parse_number(&term, value)?),
                ("cost", ">=" | ">") => f.cost_min = Some(parse_number(&term, value)?),
                ("cost", "<=" | "<") => f.cost_max = Some(parse_number(&term, value)?),
                (_, "!=") => f.exclude.extend(values().map(|v| (key.to_string(), v))),
                ("harness", "=") => f.harness.extend(values()),
                ("harness_version", "=") => f.harness_version.extend(values()),
                ("model", "=") => f.model.extend(values()),
                ("outcome", "=") => f.outcome.extend(values()),
                ("slice", "=") => f.slice.extend(values()),
                ("repo", "=") => f.repo.extend(values()),
                ("task_id" | "task", "=") => f.task_id.extend(values()),
                ("source_format" | "source", "=") => f.source_format.extend(values()),
                ("tag" | "tags", "=") => f.tags.extend(values()),
                ("label", "=") => f.label = Some(value.to_string()),
                (k, "=") if k.starts_with("config.") && k.len() > 7 => f
                    .config
                    .extend(values().map(|v| (k["config.".len()..].to_string(), v))),
                (k, _) => {
                    return Err(bad(&format!(
                        "unknown key `{k}` for `{op}` (keys: harness, harness_version, model, outcome, slice, repo, task_id, source_format, config.KEY, tag, label, started, score, tokens, cost, has_tool_error, text)"
                    )))
                }
            }
        }
        Ok(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_of_term() {
        let f: Filter = r#"harness=atlas-agent model=a,b config.cache_policy=retain-all tag=long
            started>=2026-09-01 started<2026-09-08T00:00:00Z score>=0.5 tokens<=90000 cost<0.5
            has_tool_error label=reviewed slice!=api text:"empty input""#
            .parse()
            .unwrap();
        assert_eq!(f.model, ["a", "b"]);
        assert_eq!(
            f.config,
            [("cache_policy".to_string(), "retain-all".to_string())]
        );
        assert_eq!(f.tags, ["long"]);
        assert_eq!(
            f.started_from.unwrap().to_rfc3339(),
            "2026-09-01T00:00:00+00:00"
        );
        assert!(f.started_to.is_some());
        assert_eq!(
            (f.score_min, f.tokens_max, f.cost_max),
            (Some(0.5), Some(90000), Some(0.5))
        );
        assert_eq!(f.has_tool_error, Some(true));
        assert_eq!(f.label.as_deref(), Some("reviewed"));
        assert_eq!(f.exclude, [("slice".to_string(), "api".to_string())]);
        assert_eq!(f.text.as_deref(), Some("empty input"));
        assert!(f.to_expr().is_some());
    }

    #[test]
    fn bad_terms_name_the_term() {
        let e = "modle=x".parse::<Filter>().unwrap_err();
        assert_eq!(e.term, "modle=x");
        assert!(e.problem.contains("unknown key"));
        assert!("cost<cheap"
            .parse::<Filter>()
            .unwrap_err()
            .problem
            .contains("not a number"));
        assert!("started>=yesterday".parse::<Filter>().is_err());
        assert!("model".parse::<Filter>().is_err());
        assert!("model=".parse::<Filter>().is_err());
    }

    #[test]
    fn an_empty_filter_restricts_nothing() {
        let f: Filter = "  ".parse().unwrap();
        assert!(f.is_empty());
        assert!(f.to_expr().is_none());
    }
}
