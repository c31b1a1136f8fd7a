//! Scrubbing rules as data: the TOML rule file, what each field means, and the checks that
//! turn a user's mistake into a sentence naming the rule.

use regex::Regex;
use serde::Deserialize;

use super::keywords::MAX_KEYWORD_LEN;

/// The text a redacted value is replaced with: `[REDACTED:<kind>]`.
pub(super) const PLACEHOLDER_PREFIX: &str = "[REDACTED:";

/// One kind of secret and how to recognise it. Immutable once compiled.
#[derive(Debug, Clone)]
pub struct Rule {
    name: String,
    kind: String,
    regex: Regex,
    group: usize,
    entropy_min: Option<f64>,
    min_length: Option<usize>,
    keywords: Vec<String>,
    allow: Vec<Regex>,
    builtin: bool,
}

impl Rule {
    /// The rule's unique name, as `disable` and error messages use it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What a match is replaced with (`[REDACTED:<kind>]`) and counted under.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// The regular expression, as written in the rule file.
    pub fn pattern(&self) -> &str {
        self.regex.as_str()
    }

    /// The capture group that is replaced; 0 is the whole match.
    pub fn group(&self) -> usize {
        self.group
    }

    /// The least Shannon entropy, in bits per character, a value (the replaced text) needs to
    /// be redacted.
    pub fn entropy_min(&self) -> Option<f64> {
        self.entropy_min
    }

    /// The fewest characters a value needs to be redacted.
    pub fn min_length(&self) -> Option<usize> {
        self.min_length
    }

    /// The pattern runs only on texts containing one of these (ASCII letters in either case);
    /// empty means it runs on every text.
    pub fn keywords(&self) -> &[String] {
        &self.keywords
    }

    /// Values (the replaced text) matching any of these patterns are left alone.
    pub fn allow(&self) -> impl Iterator<Item = &str> {
        self.allow.iter().map(Regex::as_str)
    }

    /// True for a rule from the built-in `default-rules.toml`, false for a user's rule.
    pub fn is_builtin(&self) -> bool {
        self.builtin
    }

    /// Calls `found(start, end)` for each span of `text` this rule would redact, in order,
    /// after the length, entropy and allow checks.
    pub(super) fn find(&self, text: &str, mut found: impl FnMut(usize, usize)) {
        let mut consider = |start: usize, end: usize| {
            if self.redacts(&text[start..end]) {
                found(start, end);
            }
        };
        for m in self.regex.find_iter(text) {
            if self.group == 0 {
                consider(m.start(), m.end());
            } else if let Some(group) = self
                .regex
                .captures_at(text, m.start())
                .and_then(|captures| captures.get(self.group))
            {
                // Found first and captured second: finding allocates nothing, so text without
                // a match costs no allocation; the capture search from the match's start finds
                // that same match, with its context (`\b`, `^`) intact.
                consider(group.start(), group.end());
            }
        }
    }

    /// True when `value`, already matched, passes the rule's filters.
    fn redacts(&self, value: &str) -> bool {
        // An empty span would add a placeholder without removing anything, forever.
        !value.is_empty()
            && self
                .min_length
                .is_none_or(|least| value.chars().count() >= least)
            && self
                .entropy_min
                .is_none_or(|least| shannon_entropy(value) >= least)
            && !self.allow.iter().any(|allow| allow.is_match(value))
    }
}

/// Why a rule file was refused. Each message names the rule and says what to change; the
/// caller adds the file's path.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleError {
    /// The file is not TOML, or has a top-level key other than `rule` and `disable`.
    #[error("the rule file is not valid: {message}")]
    File { message: String },
    /// A rule has an unknown or missing field, or a field of the wrong type.
    #[error("rule `{rule}`: {message}")]
    Field { rule: String, message: String },
    /// A rule's `pattern`, or one of its `allow` patterns, is not a valid regular expression.
    #[error("rule `{rule}`: `{field}` is not a valid regular expression: {message}")]
    Pattern {
        rule: String,
        field: &'static str,
        message: String,
    },
    /// A rule's fields are well-typed but cannot work as given.
    #[error("rule `{rule}`: {problem}")]
    Invalid { rule: String, problem: String },
    /// Two rules share a name.
    #[error("rule `{rule}` is defined twice; names must be unique (to replace a built-in rule, also list its name in `disable`)")]
    Duplicate { rule: String },
    /// `disable` names a rule that is not built in.
    #[error("`disable` names `{rule}`, which is not a built-in rule; the built-in rules are: {builtins}")]
    UnknownDisable { rule: String, builtins: String },
    /// The rules compile one by one, but their keywords are too many to search together.
    #[error("the rules' keywords are too many to search together ({message}); give rules fewer keywords")]
    TooLarge { message: String },
}

impl RuleError {
    /// The rule the error is about, when it is about one.
    pub fn rule(&self) -> Option<&str> {
        match self {
            RuleError::Field { rule, .. }
            | RuleError::Pattern { rule, .. }
            | RuleError::Invalid { rule, .. }
            | RuleError::Duplicate { rule }
            | RuleError::UnknownDisable { rule, .. } => Some(rule),
            RuleError::File { .. } | RuleError::TooLarge { .. } => None,
        }
    }
}

/// A parsed rule file: the rules it defines, in order, and the built-ins it switches off.
#[derive(Debug)]
pub(super) struct RuleFile {
    pub(super) disable: Vec<String>,
    pub(super) rules: Vec<Rule>,
}

impl RuleFile {
    /// Parses and compiles a rule file. `builtin` marks where the rules come from.
    pub(super) fn parse(text: &str, builtin: bool) -> Result<RuleFile, RuleError> {
        let raw: RawFile = toml::from_str(text).map_err(|e| RuleError::File {
            message: e.message().to_owned() + &line_of(text, e.span()),
        })?;
        let mut rules: Vec<Rule> = Vec::with_capacity(raw.rule.len());
        for (index, value) in raw.rule.into_iter().enumerate() {
            // Name the rule before its fields are checked, so an unknown field is reported
            // against the rule it sits in.
            let label = match value.get("name").and_then(toml::Value::as_str) {
                Some(name) => name.to_owned(),
                None => format!("#{}", index + 1),
            };
            let spec: RawRule =
                value
                    .try_into()
                    .map_err(|e: toml::de::Error| RuleError::Field {
                        rule: label.clone(),
                        message: e.message().to_owned(),
                    })?;
            let rule = spec.compile(builtin)?;
            if rules.iter().any(|r| r.name == rule.name) {
                return Err(RuleError::Duplicate { rule: rule.name });
            }
            rules.push(rule);
        }
        Ok(RuleFile {
            disable: raw.disable,
            rules,
        })
    }
}

/// Shannon entropy of `value`'s characters, in bits per character: 0 for `aaaa`, 2 for
/// `abcd`; random hex approaches 4 and random base64 6 as they get longer (a 32-character hex
/// token scores about 3.7).
pub(super) fn shannon_entropy(value: &str) -> f64 {
    let mut counts: Vec<u32> = Vec::new();
    if value.is_ascii() {
        let mut table = [0u32; 128];
        value.bytes().for_each(|b| table[usize::from(b)] += 1);
        counts.extend(table.iter().filter(|&&n| n > 0));
    } else {
        let mut chars: Vec<char> = value.chars().collect();
        chars.sort_unstable();
        counts.extend(chars.chunk_by(|a, b| a == b).map(|run| run.len() as u32));
    }
    let total: f64 = counts.iter().map(|&n| f64::from(n)).sum();
    counts
        .iter()
        .map(|&n| {
            let p = f64::from(n) / total;
            -p * p.log2()
        })
        .sum()
}

/// The top level of a rule file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    disable: Vec<String>,
    // Kept as TOML values so each rule can be named in its own error.
    #[serde(default)]
    rule: Vec<toml::Value>,
}

/// One `[[rule]]` table as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    name: String,
    kind: String,
    pattern: String,
    #[serde(default)]
    group: usize,
    entropy_min: Option<f64>,
    min_length: Option<usize>,
    keywords: Option<Vec<String>>,
    #[serde(default)]
    allow: Vec<String>,
}

impl RawRule {
    /// Checks the fields and compiles the patterns.
    fn compile(self, builtin: bool) -> Result<Rule, RuleError> {
        let name = self.name.trim().to_owned();
        if name.is_empty() {
            return Err(RuleError::Field {
                rule: "(unnamed)".into(),
                message: "`name` is empty; give the rule a name".into(),
            });
        }
        let invalid = |problem: String| RuleError::Invalid {
            rule: name.clone(),
            problem,
        };
        let kind_ok = !self.kind.is_empty()
            && self
                .kind
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !kind_ok {
            // The scrubber recognises its own placeholders by this alphabet; that is what
            // keeps a second scrub from redacting a placeholder.
            return Err(invalid(format!(
                "kind `{}` may use only lowercase letters, digits and `_`, because it is written into the placeholder `{PLACEHOLDER_PREFIX}<kind>]`",
                self.kind
            )));
        }
        let compile = |field: &'static str, pattern: &str| {
            Regex::new(pattern).map_err(|e| RuleError::Pattern {
                rule: name.clone(),
                field,
                message: e.to_string(),
            })
        };
        let regex = compile("pattern", &self.pattern)?;
        if regex.is_match("") {
            return Err(invalid(
                "the pattern matches empty text, so it would run on every text and redact nothing; make it match at least one character".into(),
            ));
        }
        let groups = regex.captures_len() - 1;
        if self.group > groups {
            return Err(invalid(format!(
                "`group = {}` does not exist; the pattern has {groups} capture group(s) (0 means the whole match)",
                self.group
            )));
        }
        if let Some(entropy) = self.entropy_min {
            if !(entropy.is_finite() && entropy >= 0.0) {
                return Err(invalid(format!(
                    "`entropy_min = {entropy}` must be a number of bits per character, 0 or more (3 to 3.5 suits random tokens)"
                )));
            }
        }
        let keywords = match self.keywords {
            None => Vec::new(),
            Some(list) if list.is_empty() => {
                return Err(invalid(
                    "`keywords` is empty, so the rule would never run; list at least one keyword or remove the field".into(),
                ))
            }
            Some(list) if list.iter().any(String::is_empty) => {
                return Err(invalid(
                    "`keywords` holds an empty string, which occurs in every text; remove it"
                        .into(),
                ))
            }
            Some(list) if list.iter().any(|k| k.len() > MAX_KEYWORD_LEN) => {
                return Err(invalid(format!(
                    "a keyword is longer than {MAX_KEYWORD_LEN} bytes; keywords are short literals, so use a shorter one"
                )))
            }
            Some(list) => list,
        };
        let allow = self
            .allow
            .iter()
            .map(|pattern| compile("allow", pattern))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Rule {
            name,
            kind: self.kind,
            regex,
            group: self.group,
            entropy_min: self.entropy_min,
            min_length: self.min_length,
            keywords,
            allow,
            builtin,
        })
    }
}

/// ` (line N)` for a byte span of `text`, or nothing when the span is unknown.
fn line_of(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    match span {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            format!(" (line {line})")
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<RuleFile, RuleError> {
        RuleFile::parse(text, false)
    }

    fn error(text: &str) -> RuleError {
        parse(text).expect_err("the rule file should be refused")
    }

    #[test]
    fn a_full_rule_keeps_every_field() {
        let file = parse(
            r#"
            disable = ["email"]
            [[rule]]
            name = "acme_token"
            kind = "acme_token"
            pattern = 'acme_([a-z0-9]{8,})'
            group = 1
            entropy_min = 2.5
            min_length = 10
            keywords = ["acme_"]
            allow = ['^test']
            "#,
        )
        .unwrap();
        assert_eq!(file.disable, ["email"]);
        let rule = &file.rules[0];
        assert_eq!(rule.name(), "acme_token");
        assert_eq!(rule.kind(), "acme_token");
        assert_eq!(rule.pattern(), "acme_([a-z0-9]{8,})");
        assert_eq!(rule.group(), 1);
        assert_eq!(rule.entropy_min(), Some(2.5));
        assert_eq!(rule.min_length(), Some(10));
        assert_eq!(rule.keywords(), ["acme_"]);
        assert_eq!(rule.allow().collect::<Vec<_>>(), ["^test"]);
        assert!(!rule.is_builtin());
    }

    #[test]
    fn optional_fields_default_to_off() {
        let file = parse("[[rule]]\nname = 'n'\nkind = 'k'\npattern = 'x+y'\n").unwrap();
        let rule = &file.rules[0];
        assert_eq!(rule.group(), 0);
        assert_eq!((rule.entropy_min(), rule.min_length()), (None, None));
        assert!(rule.keywords().is_empty());
        assert_eq!(rule.allow().count(), 0);
    }

    #[test]
    fn a_bad_regex_names_the_rule_and_the_problem() {
        let e = error("[[rule]]\nname = 'broken'\nkind = 'k'\npattern = 'sk-(unclosed'\n");
        assert_eq!(e.rule(), Some("broken"));
        let message = e.to_string();
        assert!(
            message.starts_with("rule `broken`: `pattern` is not a valid regular expression"),
            "{message}"
        );
        assert!(message.contains("unclosed group"), "{message}");
    }

    #[test]
    fn a_bad_allow_pattern_names_the_rule_and_the_field() {
        let e = error("[[rule]]\nname = 'r'\nkind = 'k'\npattern = 'x'\nallow = ['[']\n");
        assert!(
            matches!(e, RuleError::Pattern { field: "allow", .. }),
            "{e}"
        );
    }

    #[test]
    fn an_unknown_field_names_the_rule_and_the_field() {
        let e = error("[[rule]]\nname = 'typo'\nkind = 'k'\npattern = 'x'\nentropy = 3.0\n");
        let message = e.to_string();
        assert!(
            message.starts_with("rule `typo`: unknown field `entropy`"),
            "{message}"
        );
        assert!(message.contains("entropy_min"), "{message}");
    }

    #[test]
    fn a_rule_without_a_name_is_named_by_position() {
        let e = error("[[rule]]\nname = 'a'\nkind = 'k'\npattern = 'x'\n[[rule]]\nkind = 'k'\npattern = 'y'\n");
        assert_eq!(e.rule(), Some("#2"));
        assert!(e.to_string().contains("missing field `name`"), "{e}");
    }

    #[test]
    fn a_wrongly_typed_field_is_refused() {
        let e = error("[[rule]]\nname = 'r'\nkind = 'k'\npattern = 'x'\ngroup = 'one'\n");
        assert_eq!(e.rule(), Some("r"));
    }

    #[test]
    fn an_unknown_top_level_key_is_refused_with_its_line() {
        let e = error("\n[[rules]]\nname = 'r'\n");
        let message = e.to_string();
        assert!(matches!(e, RuleError::File { .. }));
        assert!(message.contains("unknown field `rules`"), "{message}");
        assert!(message.contains("line 2"), "{message}");
    }

    #[test]
    fn text_that_is_not_toml_is_refused() {
        assert!(matches!(error("[[rule]\nname ="), RuleError::File { .. }));
    }

    #[test]
    fn a_kind_outside_the_placeholder_alphabet_is_refused() {
        let e = error("[[rule]]\nname = 'r'\nkind = 'My Token'\npattern = 'x'\n");
        assert!(e.to_string().contains("lowercase letters"), "{e}");
    }

    #[test]
    fn a_missing_group_is_refused() {
        let e = error("[[rule]]\nname = 'r'\nkind = 'k'\npattern = 'a(b)'\ngroup = 2\n");
        assert!(e.to_string().contains("1 capture group"), "{e}");
    }

    #[test]
    fn a_pattern_matching_empty_text_is_refused() {
        let e = error("[[rule]]\nname = 'r'\nkind = 'k'\npattern = 'a*'\n");
        assert!(e.to_string().contains("matches empty text"), "{e}");
    }

    #[test]
    fn empty_keywords_and_negative_entropy_are_refused() {
        let empty = error("[[rule]]\nname = 'r'\nkind = 'k'\npattern = 'x'\nkeywords = []\n");
        assert!(empty.to_string().contains("never run"), "{empty}");
        let blank = error("[[rule]]\nname = 'r'\nkind = 'k'\npattern = 'x'\nkeywords = ['']\n");
        assert!(blank.to_string().contains("empty string"), "{blank}");
        let long = error(&format!(
            "[[rule]]\nname = 'r'\nkind = 'k'\npattern = 'x'\nkeywords = ['{}']\n",
            "k".repeat(MAX_KEYWORD_LEN + 1)
        ));
        assert!(long.to_string().contains("longer than"), "{long}");
        let entropy =
            error("[[rule]]\nname = 'r'\nkind = 'k'\npattern = 'x'\nentropy_min = -1.0\n");
        assert!(entropy.to_string().contains("entropy_min"), "{entropy}");
    }

    #[test]
    fn a_name_used_twice_is_refused() {
        let e = error(
            "[[rule]]\nname = 'r'\nkind = 'k'\npattern = 'x'\n[[rule]]\nname = 'r'\nkind = 'k'\npattern = 'y'\n",
        );
        assert_eq!(e, RuleError::Duplicate { rule: "r".into() });
    }

    #[test]
    fn filters_apply_to_the_replaced_group() {
        let file = parse(
            "[[rule]]\nname = 'r'\nkind = 'k'\npattern = 'id=([a-z0-9]+)'\ngroup = 1\nmin_length = 4\nentropy_min = 1.5\nallow = ['^test']\n",
        )
        .unwrap();
        let text = "id=abc1 id=ab id=aaaa id=testab12 id=x9y8";
        let mut spans = Vec::new();
        file.rules[0].find(text, |s, e| spans.push(&text[s..e]));
        assert_eq!(spans, ["abc1", "x9y8"]);
    }

    #[test]
    fn entropy_counts_bits_per_character() {
        assert_eq!(shannon_entropy(""), 0.0);
        assert_eq!(shannon_entropy("aaaa"), 0.0);
        assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-12);
        assert!((shannon_entropy("aabb") - 1.0).abs() < 1e-12);
        // Non-ASCII characters count as characters, not bytes.
        assert!((shannon_entropy("éé") - 0.0).abs() < 1e-12);
        assert!((shannon_entropy("éàüö") - 2.0).abs() < 1e-12);
    }
}
