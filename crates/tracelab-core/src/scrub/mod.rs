//! Secret scrubbing: before trace text leaves Tracelab as training data, cloud keys, API
//! tokens, private keys, JWTs, passwords (in URLs and in assignments), high-entropy values
//! assigned to secret-sounding names, and e-mail addresses are replaced by typed placeholders
//! such as `[REDACTED:github_token]`, and counted per kind for the export report.
//!
//! ```
//! use tracelab_core::scrub::{Counts, Scrubber};
//!
//! let scrubber = Scrubber::builtin();
//! let mut counts = Counts::default();
//! // (Split so that secret scanners do not flag this file.)
//! let line = concat!("push to https://bot:hunter22@git.example.com as gh", "p_16C7e42F292c6912E7710c838347Ae178B4a");
//! let clean = scrubber.scrub(line, &mut counts);
//! assert_eq!(
//!     clean,
//!     "push to https://bot:[REDACTED:url_password]@git.example.com as [REDACTED:github_token]"
//! );
//! assert_eq!(counts.get("github_token"), 1);
//! assert_eq!(counts.total(), 2);
//!
//! // Users add rules, and switch built-in ones off, in a file shaped like the built-in one.
//! let scrubber = Scrubber::from_toml(r#"
//!     disable = ["email"]
//!
//!     [[rule]]
//!     name = "acme_key"
//!     kind = "acme_key"
//!     pattern = 'acme_[a-z0-9]{16}'
//!     keywords = ["acme_"]
//! "#)?;
//! let clean = scrubber.scrub("ops@acme.dev uses acme_0f3k9x2m7q1z8w4v", &mut counts);
//! assert_eq!(clean, "ops@acme.dev uses [REDACTED:acme_key]");
//! # Ok::<(), tracelab_core::scrub::RuleError>(())
//! ```
//!
//! The rules are data: [`DEFAULT_RULES`] (`default-rules.toml`, which documents every field)
//! ships built in, and [`Scrubber::from_toml`] adds a user's rules after it.
//!
//! What a scrub promises:
//! - **No overlaps.** Where matches overlap, the one starting first wins; at the same start,
//!   the rule listed first wins (built-in rules come before a user's).
//! - **Placeholders are final.** Text already of the form `[REDACTED:<kind>]` is never
//!   redacted again, so scrubbing scrubbed text changes nothing.
//! - **Clean text is cheap.** A text none of the rules match comes back borrowed, with
//!   nothing allocated. It costs one pass that searches for every rule's `keywords` at once
//!   (a rule runs only on texts holding one of its keywords), plus one run of each rule that
//!   has no keywords; the built-in ones of those are `email`, `url_password`,
//!   `secret_assignment` and `password_assignment`, whose patterns hinge on literals the
//!   regex engine searches for quickly (`@`, `://`, `token`, `password`), and whose keywords
//!   would be in most texts anyway.
//!
//! It is a filter of known shapes, not a proof of absence: a password without a digit or
//! symbol, or a token under a name that does not end in secret, token or key, gets through.

mod counts;
mod default_rules;
mod keywords;
mod rules;

use std::borrow::Cow;
use std::ops::Range;
use std::sync::OnceLock;

pub use counts::Counts;
pub use default_rules::DEFAULT_RULES;
pub use rules::{Rule, RuleError};

use keywords::KeywordIndex;
use rules::{RuleFile, PLACEHOLDER_PREFIX};

/// Most passes one scrub makes. A pass can only find new matches where the previous pass's
/// placeholders changed the context (a word boundary where a letter was), and each pass that
/// changes anything turns unredacted text into placeholders, so passes run out; with the
/// built-in rules the second pass finds nothing. The cap is a guard against a pathological
/// user rule set, not a limit real text reaches.
const MAX_PASSES: usize = 8;

/// A compiled rule set that redacts secrets from text. Immutable, cheap to clone, and safe to
/// share between threads.
#[derive(Debug, Clone)]
pub struct Scrubber {
    rules: Vec<Rule>,
    /// Which of the rules with keywords can match a text.
    keywords: KeywordIndex,
    /// The rules without keywords, which run on every text.
    always: Vec<usize>,
}

/// A span one rule would redact.
struct Found {
    start: usize,
    end: usize,
    rule: usize,
}

impl Scrubber {
    /// The built-in rules of `default-rules.toml`, compiled on first use and shared after.
    /// Panics only if that shipped file is broken, which its unit tests rule out.
    pub fn builtin() -> Scrubber {
        static BUILTIN: OnceLock<Scrubber> = OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                Scrubber::new(default_rules::builtin_rules().to_vec())
                    .unwrap_or_else(|e| panic!("default-rules.toml is broken: {e}"))
            })
            .clone()
    }

    /// The built-in rules, minus those the user's file names in `disable`, followed by the
    /// user's `[[rule]]`s. Refuses the whole file, naming the rule and the problem, when a
    /// rule has an unknown field, a bad pattern or a duplicate name, or `disable` names a rule
    /// that is not built in.
    pub fn from_toml(text: &str) -> Result<Scrubber, RuleError> {
        let user = RuleFile::parse(text, false)?;
        let builtin = default_rules::builtin_rules();
        if let Some(unknown) = user
            .disable
            .iter()
            .find(|name| !builtin.iter().any(|rule| rule.name() == name.as_str()))
        {
            let names: Vec<&str> = builtin.iter().map(Rule::name).collect();
            return Err(RuleError::UnknownDisable {
                rule: unknown.clone(),
                builtins: names.join(", "),
            });
        }
        let mut rules: Vec<Rule> = builtin
            .iter()
            .filter(|rule| !user.disable.iter().any(|name| name == rule.name()))
            .cloned()
            .collect();
        for rule in user.rules {
            if rules.iter().any(|r| r.name() == rule.name()) {
                return Err(RuleError::Duplicate {
                    rule: rule.name().to_owned(),
                });
            }
            rules.push(rule);
        }
        Scrubber::new(rules)
    }

    fn new(rules: Vec<Rule>) -> Result<Scrubber, RuleError> {
        let keywords = KeywordIndex::new(&rules).map_err(|e| RuleError::TooLarge {
            message: e.to_string(),
        })?;
        let always = (0..rules.len())
            .filter(|&i| rules[i].keywords().is_empty())
            .collect();
        Ok(Scrubber {
            rules,
            keywords,
            always,
        })
    }

    /// The rules in priority order.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter()
    }

    /// `text` with every secret replaced by `[REDACTED:<kind>]`, each one counted in `counts`.
    /// Borrowed, with nothing allocated, when nothing was redacted. Scrubbing the result
    /// again returns it borrowed and unchanged.
    pub fn scrub<'a>(&self, text: &'a str, counts: &mut Counts) -> Cow<'a, str> {
        let Some(mut scrubbed) = self.pass(text, counts) else {
            return Cow::Borrowed(text);
        };
        // A placeholder can give its neighbours a context they lacked (a word boundary where
        // a letter was), so repeat until a pass changes nothing: that is what makes the
        // result a fixed point and the scrub idempotent.
        for _ in 1..MAX_PASSES {
            match self.pass(&scrubbed, counts) {
                Some(again) => scrubbed = again,
                None => break,
            }
        }
        Cow::Owned(scrubbed)
    }

    /// One left-to-right redaction of `text`, or `None` when it redacts nothing.
    fn pass(&self, text: &str, counts: &mut Counts) -> Option<String> {
        // Neither vector allocates until something is pushed, which clean text never does.
        let mut triggered: Vec<usize> = Vec::new();
        self.keywords.triggered(text, &mut triggered);
        let mut found: Vec<Found> = Vec::new();
        for &rule in self.always.iter().chain(&triggered) {
            self.rules[rule].find(text, |start, end| found.push(Found { start, end, rule }));
        }
        if found.is_empty() {
            return None;
        }
        found.sort_unstable_by_key(|f| (f.start, f.rule));

        let placeholders = placeholder_spans(text);
        let mut placeholders = placeholders.iter().peekable();
        let mut out = String::new();
        // End of the last redacted span: everything before it is already in `out`.
        let mut copied = 0;
        let mut redacted = false;
        for f in found {
            if f.start < copied {
                continue;
            }
            while placeholders.next_if(|p| p.end <= f.start).is_some() {}
            if placeholders.peek().is_some_and(|p| p.start < f.end) {
                continue;
            }
            if !redacted {
                out.reserve(text.len() + 32);
                redacted = true;
            }
            let kind = self.rules[f.rule].kind();
            out.push_str(&text[copied..f.start]);
            out.push_str(PLACEHOLDER_PREFIX);
            out.push_str(kind);
            out.push(']');
            counts.record(kind);
            copied = f.end;
        }
        if !redacted {
            return None;
        }
        out.push_str(&text[copied..]);
        Some(out)
    }
}

/// Where `text` already holds placeholders, `[REDACTED:<kind>]`, in order.
fn placeholder_spans(text: &str) -> Vec<Range<usize>> {
    text.match_indices(PLACEHOLDER_PREFIX)
        .filter_map(|(start, _)| {
            let kind_start = start + PLACEHOLDER_PREFIX.len();
            let rest = &text.as_bytes()[kind_start..];
            let kind_len = rest
                .iter()
                .take_while(|&&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                .count();
            (kind_len > 0 && rest.get(kind_len) == Some(&b']'))
                .then(|| start..kind_start + kind_len + 1)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scrub(scrubber: &Scrubber, text: &str) -> (String, Counts) {
        let mut counts = Counts::default();
        let out = scrubber.scrub(text, &mut counts).into_owned();
        (out, counts)
    }

    fn is_borrowed(scrubber: &Scrubber, text: &str) -> bool {
        matches!(
            scrubber.scrub(text, &mut Counts::default()),
            Cow::Borrowed(_)
        )
    }

    #[test]
    fn existing_placeholders_are_never_redacted() {
        let scrubber = Scrubber::builtin();
        let text = "GITHUB_TOKEN=[REDACTED:github_token] postgres://u:[REDACTED:url_password]@db";
        assert!(is_borrowed(&scrubber, text));
    }

    #[test]
    fn overlapping_matches_go_to_the_first_start_then_the_first_rule() {
        let scrubber = Scrubber::builtin();
        // `secret_assignment` and `github_token` both start at the value: github comes first.
        let (out, counts) = scrub(
            &scrubber,
            concat!("GITHUB_TOKEN=gh", "p_16C7e42F292c6912E7710c838347Ae178B4a"),
        );
        assert_eq!(out, "GITHUB_TOKEN=[REDACTED:github_token]");
        assert_eq!((counts.get("github_token"), counts.total()), (1, 1));
        // `bearer_token` would take the JWT; `jwt` is listed first.
        let (out, _) = scrub(
            &scrubber,
            "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz",
        );
        assert_eq!(out, "Authorization: Bearer [REDACTED:jwt]");
        // The URL password starts where the e-mail-looking `s3cr3t@db.example.com` does.
        let (out, counts) = scrub(&scrubber, "mysql://root:s3cr3t@db.example.com/app");
        assert_eq!(
            out,
            "mysql://root:[REDACTED:url_password]@db.example.com/app"
        );
        assert_eq!(counts.get("email"), 0);
    }

    #[test]
    fn counts_are_per_kind() {
        let scrubber = Scrubber::builtin();
        let mut counts = Counts::default();
        for text in [
            "cc: a@example.com, b@example.org",
            "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz",
            "nothing here",
        ] {
            scrubber.scrub(text, &mut counts);
        }
        assert_eq!(counts.get("email"), 2);
        assert_eq!(counts.get("jwt"), 1);
        assert_eq!(counts.total(), 3);
    }

    #[test]
    fn a_user_file_adds_rules_and_disables_builtins() {
        let scrubber = Scrubber::from_toml(
            r#"
            disable = ["email"]

            [[rule]]
            name = "acme_token"
            kind = "acme_token"
            pattern = 'acme_tok=([A-Za-z0-9]+)'
            group = 1
            min_length = 8
            keywords = ["acme_tok"]
            "#,
        )
        .unwrap();
        let (out, counts) = scrub(&scrubber, "ops@acme.dev acme_tok=Zq81kPx0 acme_tok=short");
        assert_eq!(
            out,
            "ops@acme.dev acme_tok=[REDACTED:acme_token] acme_tok=short"
        );
        assert_eq!(counts.get("acme_token"), 1);
        let last = scrubber.rules().last().unwrap();
        assert_eq!((last.name(), last.is_builtin()), ("acme_token", false));
        assert!(scrubber.rules().all(|r| r.name() != "email"));
        assert_eq!(
            scrubber.rules().count(),
            Scrubber::builtin().rules().count()
        );
    }

    #[test]
    fn keywords_gate_a_rule_on_the_whole_text() {
        // Vault tokens (`hvs.` + 24 characters) only where Vault is mentioned at all.
        let scrubber = Scrubber::from_toml(
            "[[rule]]\nname = 'vault'\nkind = 'vault_token'\npattern = 'hvs\\.[A-Za-z0-9]{24}'\nkeywords = ['vault']\n",
        )
        .unwrap();
        let token = "hvs.CAESIJlWh3Kd2ZmQxN8s7Pq4";
        assert!(is_borrowed(&scrubber, &format!("export X={token}")));
        let (out, _) = scrub(&scrubber, &format!("export VAULT_ADDR=x X={token}"));
        assert_eq!(out, "export VAULT_ADDR=x X=[REDACTED:vault_token]");
    }

    #[test]
    fn a_scrubber_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync + Clone>() {}
        shareable::<Scrubber>();
    }

    #[test]
    fn a_disabled_builtin_can_be_replaced_under_its_own_name() {
        let scrubber = Scrubber::from_toml(
            "disable = ['email']\n[[rule]]\nname = 'email'\nkind = 'email'\npattern = '[a-z]+@corp\\.example'\nkeywords = ['@corp']\n",
        )
        .unwrap();
        let (out, _) = scrub(&scrubber, "jane@corp.example, bob@elsewhere.org");
        assert_eq!(out, "[REDACTED:email], bob@elsewhere.org");
    }

    #[test]
    fn a_user_file_is_refused_with_the_rule_named() {
        let bad_regex = Scrubber::from_toml(
            "[[rule]]\nname = 'acme_token'\nkind = 'acme_token'\npattern = 'acme_[a-z'\n",
        )
        .unwrap_err();
        assert_eq!(bad_regex.rule(), Some("acme_token"));
        assert!(bad_regex
            .to_string()
            .contains("not a valid regular expression"));

        let clash = Scrubber::from_toml("[[rule]]\nname = 'jwt'\nkind = 'jwt'\npattern = 'x'\n")
            .unwrap_err();
        assert_eq!(clash, RuleError::Duplicate { rule: "jwt".into() });
        assert!(clash.to_string().contains("`disable`"));

        let unknown = Scrubber::from_toml("disable = ['emial']").unwrap_err();
        assert_eq!(unknown.rule(), Some("emial"));
        assert!(unknown.to_string().contains("email"), "{unknown}");
    }

    #[test]
    fn a_pass_that_exposes_another_match_is_followed_by_another() {
        // `yy` is redacted first; only then does `zz` stand after a word boundary.
        let scrubber = Scrubber::from_toml(
            "disable = []\n[[rule]]\nname = 'a'\nkind = 'a'\npattern = 'yy'\n[[rule]]\nname = 'b'\nkind = 'b'\npattern = '(?-u:\\b)zz'\n",
        )
        .unwrap();
        let (out, counts) = scrub(&scrubber, "yyzz");
        assert_eq!(out, "[REDACTED:a][REDACTED:b]");
        assert_eq!(counts.total(), 2);
        assert!(is_borrowed(&scrubber, &out));
    }

    #[test]
    fn placeholders_are_recognised_only_whole() {
        let text = "[REDACTED:jwt] [REDACTED:] [REDACTED:Bad] [REDACTED:[REDACTED:x_1]";
        let spans: Vec<&str> = placeholder_spans(text)
            .into_iter()
            .map(|span| &text[span])
            .collect();
        assert_eq!(spans, ["[REDACTED:jwt]", "[REDACTED:x_1]"]);
    }
}
