//! The keyword prefilter: one pass over a text that says which keyword rules can match it at
//! all, so that a text holding none of their keywords costs one literal search, not one
//! regex run per rule.
//!
//! Keywords are matched with ASCII letters in either case. Rather than a case-insensitive
//! regex (whose literal search the engine abandons once a few long words multiply into their
//! case variants), the text is lowercased a chunk at a time into a stack buffer and searched
//! for the lowercased keywords, which keeps the search on the engine's fast literal path.

use std::collections::HashMap;

use regex::bytes::Regex;

use super::rules::Rule;

/// Bytes of text lowercased and searched at a time.
const CHUNK: usize = 8192;

/// The longest keyword a rule may have: chunks overlap by this much less one, so that a
/// keyword straddling two chunks is whole in the second.
pub(super) const MAX_KEYWORD_LEN: usize = 256;

/// Every rule's keywords, searched together.
#[derive(Debug, Clone)]
pub(super) struct KeywordIndex {
    /// The distinct lowercased keywords as one alternation, longest first; `None` when no
    /// rule has keywords.
    search: Option<Regex>,
    /// Lowercased keyword to the rules it triggers: those with this keyword, or with a keyword
    /// inside it (a match of `sk-ant-` is also an occurrence of `sk-`).
    triggers: HashMap<Vec<u8>, Vec<usize>>,
    /// Length of the longest keyword.
    longest: usize,
    /// How many rules have keywords: once all are triggered, the scan stops.
    rules_with_keywords: usize,
}

impl KeywordIndex {
    /// Indexes the keywords of `rules`; rule `i` in `triggered` means `rules[i]`.
    pub(super) fn new(rules: &[Rule]) -> Result<KeywordIndex, regex::Error> {
        let mut keywords: Vec<Vec<u8>> = rules
            .iter()
            .flat_map(Rule::keywords)
            .map(|k| k.to_ascii_lowercase().into_bytes())
            .collect();
        // Longest first, so that where two keywords start at the same place the longer one is
        // reported; the shorter is a prefix of it, hence credited through `triggers`.
        keywords.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        keywords.dedup();
        let triggers = keywords
            .iter()
            .map(|keyword| {
                let rules_inside: Vec<usize> = rules
                    .iter()
                    .enumerate()
                    .filter(|(_, rule)| {
                        rule.keywords().iter().any(|k| {
                            let k = k.to_ascii_lowercase().into_bytes();
                            keyword.windows(k.len()).any(|w| w == k.as_slice())
                        })
                    })
                    .map(|(i, _)| i)
                    .collect();
                (keyword.clone(), rules_inside)
            })
            .collect();
        let search = if keywords.is_empty() {
            None
        } else {
            let alternatives: Vec<String> = keywords
                .iter()
                .map(|k| regex::escape(&String::from_utf8_lossy(k)))
                .collect();
            Some(Regex::new(&alternatives.join("|"))?)
        };
        Ok(KeywordIndex {
            search,
            triggers,
            longest: keywords.first().map_or(0, Vec::len),
            rules_with_keywords: rules.iter().filter(|r| !r.keywords().is_empty()).count(),
        })
    }

    /// Adds to `triggered`, once each, every rule one of whose keywords occurs in `text`.
    /// Allocates nothing when none does.
    pub(super) fn triggered(&self, text: &str, triggered: &mut Vec<usize>) {
        let Some(search) = &self.search else {
            return;
        };
        let text = text.as_bytes();
        let overlap = self.longest - 1;
        let mut buffer = [0u8; CHUNK];
        let mut start = 0;
        loop {
            let end = (start + CHUNK).min(text.len());
            let chunk = &mut buffer[..end - start];
            chunk.copy_from_slice(&text[start..end]);
            chunk.make_ascii_lowercase();
            // Restart one byte after each hit's start, not at its end: every position where
            // a keyword starts is visited, so overlapping keywords are all seen.
            let mut at = 0;
            while let Some(hit) = search.find_at(chunk, at) {
                for &rule in self.triggers.get(hit.as_bytes()).into_iter().flatten() {
                    if !triggered.contains(&rule) {
                        triggered.push(rule);
                    }
                }
                if triggered.len() == self.rules_with_keywords {
                    return;
                }
                at = hit.start() + 1;
            }
            if end == text.len() {
                return;
            }
            start = end - overlap;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::rules::RuleFile;
    use super::*;

    fn index(rules_toml: &str) -> (Vec<Rule>, KeywordIndex) {
        let rules = RuleFile::parse(rules_toml, false).unwrap().rules;
        let index = KeywordIndex::new(&rules).unwrap();
        (rules, index)
    }

    fn triggered(index: &KeywordIndex, text: &str) -> Vec<usize> {
        let mut triggered = Vec::new();
        index.triggered(text, &mut triggered);
        triggered.sort_unstable();
        triggered
    }

    const RULES: &str = r#"
        [[rule]]
        name = "short"
        kind = "k"
        pattern = "x"
        keywords = ["sk-"]
        [[rule]]
        name = "long"
        kind = "k"
        pattern = "x"
        keywords = ["sk-ant-"]
        [[rule]]
        name = "none"
        kind = "k"
        pattern = "x"
        [[rule]]
        name = "dotted"
        kind = "k"
        pattern = "x"
        keywords = ["a.b", "Hooks"]
    "#;

    #[test]
    fn a_keyword_inside_a_longer_one_is_credited() {
        let (_, index) = index(RULES);
        assert_eq!(triggered(&index, "key sk-ant-xyz"), [0, 1]);
        assert_eq!(triggered(&index, "risk-free"), [0]);
    }

    #[test]
    fn keywords_match_ascii_letters_in_either_case_and_literally() {
        let (_, index) = index(RULES);
        assert_eq!(triggered(&index, "SK-ANT-"), [0, 1]);
        assert_eq!(triggered(&index, "HOOKS"), [3]);
        assert_eq!(triggered(&index, "A.B"), [3]);
        // `.` is not a wildcard.
        assert_eq!(triggered(&index, "axb"), Vec::<usize>::new());
    }

    #[test]
    fn overlapping_keywords_are_all_seen() {
        let (_, index) = index(
            "[[rule]]\nname = 'a'\nkind = 'k'\npattern = 'x'\nkeywords = ['abc']\n[[rule]]\nname = 'b'\nkind = 'k'\npattern = 'x'\nkeywords = ['bcd']\n",
        );
        assert_eq!(triggered(&index, "abcd"), [0, 1]);
    }

    #[test]
    fn a_keyword_across_a_chunk_boundary_is_found() {
        let (_, index) = index(RULES);
        for offset in [CHUNK - 5, CHUNK - 3, CHUNK - 1, CHUNK, 3 * CHUNK - 4] {
            let text = format!("{}sk-ant-{}", "-".repeat(offset), "é".repeat(CHUNK));
            assert_eq!(triggered(&index, &text), [0, 1], "offset {offset}");
        }
    }

    #[test]
    fn without_keywords_nothing_is_triggered() {
        let (_, index) = index("[[rule]]\nname = 'n'\nkind = 'k'\npattern = 'x'\n");
        assert!(triggered(&index, "anything").is_empty());
        assert!(triggered(&index, "").is_empty());
    }
}
