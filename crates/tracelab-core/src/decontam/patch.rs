//! Patches and edits reduced to the code they add, fingerprinted the same way on both sides:
//! a benchmark's gold patch, and what a trace wrote (a generated diff, `str_replace`-style
//! tool arguments, a whole new file, Codex's `*** Begin Patch` format).
//!
//! What counts is only what the text *adds*: the `+` lines of a diff, the `new_str` of an
//! edit, minus anything also in what it replaces. Context lines and the `old_str` an agent
//! quotes to locate its edit are the repository as it was, not the fix.

use std::borrow::Cow;
use std::collections::HashSet;

use serde_json::Value;

use super::fingerprint::Rolling;
use super::tokens::{code_tokens, line, Line};

/// One added line: its fingerprint and where it is.
#[derive(Clone, Copy, Debug)]
pub(super) struct AddedLine {
    pub line: Line,
    piece: usize,
    start: usize,
    end: usize,
}

/// The code a text adds: distinct line fingerprints, distinct code-token n-gram fingerprints,
/// and the file paths it names.
pub(super) struct Added<'a> {
    /// The texts the lines point into: the source itself, or strings decoded from its JSON.
    pieces: Vec<Cow<'a, str>>,
    pub lines: Vec<AddedLine>,
    pub ngrams: Vec<u64>,
    pub paths: Vec<String>,
}

/// What a string in edit arguments is, by its key.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    New,
    Old,
    Path,
    Ignored,
}

fn role(key: Option<&str>) -> Role {
    match key {
        Some("path" | "file_path" | "filepath" | "filename" | "file" | "target_file") => Role::Path,
        Some(
            "old_str" | "old_string" | "old" | "old_text" | "search" | "original" | "find"
            | "old_content",
        ) => Role::Old,
        Some("command" | "type" | "name" | "id" | "mode" | "tool" | "description") => Role::Ignored,
        _ => Role::New,
    }
}

impl<'a> Added<'a> {
    /// What `text` adds, with code-token n-grams of `ngram` tokens. A JSON object or array is
    /// read as edit arguments; anything else as a diff (when it looks like one) or as code.
    pub(super) fn of(text: &'a str, ngram: usize) -> Added<'a> {
        let mut strings: Vec<(Role, Cow<'a, str>)> = Vec::new();
        let trimmed = text.trim_start();
        let json = (trimmed.starts_with('{') || trimmed.starts_with('['))
            .then(|| serde_json::from_str::<Value>(text).ok())
            .flatten();
        match json {
            Some(value) => walk(&value, None, &mut strings),
            None => strings.push((Role::New, Cow::Borrowed(text))),
        }

        let mut added = Added {
            pieces: Vec::new(),
            lines: Vec::new(),
            ngrams: Vec::new(),
            paths: Vec::new(),
        };
        let mut old_lines = HashSet::new();
        let mut old_ngrams = HashSet::new();
        let mut rolling = Rolling::new(ngram);
        for (role, string) in strings {
            match role {
                Role::Path => added.paths.push(string.trim().to_string()),
                Role::Ignored => {}
                Role::Old => {
                    for (_, _, content) in numbered_lines(&string) {
                        old_lines.extend(line(content).map(|l| l.fp));
                    }
                    stream(&string, &mut rolling, |fp| {
                        old_ngrams.insert(fp);
                    });
                }
                Role::New => {
                    let piece = added.pieces.len();
                    if looks_like_diff(&string) {
                        added.read_diff(
                            piece,
                            &string,
                            &mut rolling,
                            &mut old_lines,
                            &mut old_ngrams,
                        );
                    } else {
                        for (start, end, content) in numbered_lines(&string) {
                            added.push_line(piece, start, end, content);
                        }
                        let ngrams = &mut added.ngrams;
                        stream(&string, &mut rolling, |fp| ngrams.push(fp));
                    }
                    added.pieces.push(string);
                }
            }
        }
        added.lines.retain(|l| !old_lines.contains(&l.line.fp));
        added.ngrams.retain(|fp| !old_ngrams.contains(fp));
        let mut seen = HashSet::new();
        added.lines.retain(|l| seen.insert(l.line.fp));
        let mut seen = HashSet::new();
        added.paths.retain(|p| seen.insert(p.clone()));
        added.ngrams.sort_unstable();
        added.ngrams.dedup();
        added
    }

    fn push_line(&mut self, piece: usize, start: usize, end: usize, content: &str) {
        if let Some(line) = line(content) {
            self.lines.push(AddedLine {
                line,
                piece,
                start,
                end,
            });
        }
    }

    /// Reads a unified diff (or Codex patch): `+` lines are added, in runs broken by any other
    /// line; `-` lines are what they replace; headers name the files.
    fn read_diff(
        &mut self,
        piece: usize,
        diff: &str,
        rolling: &mut Rolling,
        old_lines: &mut HashSet<u64>,
        old_ngrams: &mut HashSet<u64>,
    ) {
        let lines: Vec<(usize, usize, &str)> = numbered_lines(diff).collect();
        rolling.reset();
        let mut removed = Rolling::new(rolling.n());
        // Old and new lines left in the current hunk by its `@@ -a,b +c,d @@` header: inside
        // a hunk, `--- x` is a removed line, not a file header.
        let (mut old_left, mut new_left) = (0usize, 0usize);
        for (i, &(start, end, content)) in lines.iter().enumerate() {
            let next = lines.get(i + 1).map_or("", |l| l.2);
            let in_hunk = old_left + new_left > 0 && !content.starts_with("diff --git ");
            if let Some(path) = (!in_hunk).then(|| header_path(content, next)).flatten() {
                self.paths.extend(path);
                (old_left, new_left) = hunk_lengths(content);
                rolling.reset();
                removed.reset();
                continue;
            }
            match content.as_bytes().first() {
                Some(b'+') => new_left = new_left.saturating_sub(1),
                Some(b'-') => old_left = old_left.saturating_sub(1),
                Some(b'\\') => {}
                _ => {
                    old_left = old_left.saturating_sub(1);
                    new_left = new_left.saturating_sub(1);
                }
            }
            if let Some(code) = content.strip_prefix('+') {
                self.push_line(piece, start + 1, end, code);
                let ngrams = &mut self.ngrams;
                code_tokens(code, |t| ngrams.extend(rolling.push(t.hash)));
                removed.reset();
            } else if let Some(code) = content.strip_prefix('-') {
                old_lines.extend(line(code).map(|l| l.fp));
                code_tokens(code, |t| old_ngrams.extend(removed.push(t.hash)));
                rolling.reset();
            } else {
                rolling.reset();
                removed.reset();
            }
        }
    }

    /// The text of an added line.
    pub(super) fn line_text(&self, added: &AddedLine) -> &str {
        self.pieces[added.piece][added.start..added.end].trim()
    }

    /// The byte range of [`Added::line_text`] in the source text, when the source was not
    /// JSON.
    pub(super) fn line_span(&self, added: &AddedLine) -> Option<[usize; 2]> {
        let piece = &self.pieces[added.piece];
        let raw = &piece[added.start..added.end];
        let start = added.start + (raw.len() - raw.trim_start().len());
        let end = added.end - (raw.len() - raw.trim_end().len());
        matches!(piece, Cow::Borrowed(_)).then_some([start, end])
    }
}

/// Collects the strings of edit arguments with their roles; arrays and nested objects (as in
/// `{"edits": [{"old_string", "new_string"}]}`) inherit nothing but are walked.
fn walk<'a>(value: &Value, key: Option<&str>, out: &mut Vec<(Role, Cow<'a, str>)>) {
    match value {
        Value::String(text) => out.push((role(key), Cow::Owned(text.clone()))),
        Value::Array(items) => items.iter().for_each(|item| walk(item, key, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| walk(v, Some(k), out)),
        _ => {}
    }
}

/// Feeds every code token of `text` through `rolling` as one stream.
fn stream(text: &str, rolling: &mut Rolling, mut emit: impl FnMut(u64)) {
    rolling.reset();
    code_tokens(text, |t| {
        if let Some(fp) = rolling.push(t.hash) {
            emit(fp);
        }
    });
}

/// Lines with their byte ranges (without the line break and a trailing `\r`).
fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, usize, &str)> {
    let mut offset = 0;
    text.split('\n').map(move |raw| {
        let start = offset;
        offset += raw.len() + 1;
        let content = raw.strip_suffix('\r').unwrap_or(raw);
        (start, start + content.len(), content)
    })
}

/// True when `text` is a unified diff or a Codex patch rather than plain code.
pub(super) fn looks_like_diff(text: &str) -> bool {
    text.starts_with("diff --git ")
        || text.starts_with("@@ ")
        || text.starts_with("--- ")
        || text.contains("\n@@ ")
        || text.contains("\ndiff --git ")
        || text.contains("*** Begin Patch")
}

/// The file a diff header line names (`Some(None)` for a header naming no file, such as
/// `--- a/x`, `@@ -1 +1 @@` or `+++ /dev/null`); `None` for any other line. Only called
/// outside hunks, where `---` and `+++` are headers.
fn header_path(content: &str, next: &str) -> Option<Option<String>> {
    if let Some(rest) = content.strip_prefix("diff --git ") {
        let target = rest.rsplit_once(" b/").map(|(_, b)| b.to_string());
        return Some(target);
    }
    if content.starts_with("--- ") && next.starts_with("+++ ") {
        return Some(None);
    }
    if let Some(rest) = content.strip_prefix("+++ ") {
        let path = rest.split('\t').next().unwrap_or(rest).trim();
        let path = path.strip_prefix("b/").unwrap_or(path);
        return Some((path != "/dev/null").then(|| path.to_string()));
    }
    for marker in ["*** Update File: ", "*** Add File: "] {
        if let Some(path) = content.strip_prefix(marker) {
            return Some(Some(path.trim().to_string()));
        }
    }
    if content.starts_with("*** ") || content.starts_with("@@") || content.starts_with("index ") {
        return Some(None);
    }
    None
}

/// The old and new line counts of the hunk that `header` opens; zeros when `header` is not a
/// hunk header with counts (Codex's bare `@@`).
fn hunk_lengths(header: &str) -> (usize, usize) {
    let Some(ranges) = header.strip_prefix("@@ -") else {
        return (0, 0);
    };
    let count = |range: &str| -> usize {
        match range.split_once(',') {
            Some((_, n)) => n.parse().unwrap_or(0),
            None => 1,
        }
    };
    let mut parts = ranges.split_whitespace();
    let old = parts.next().map_or(0, count);
    let new = parts
        .next()
        .and_then(|p| p.strip_prefix('+'))
        .map_or(0, count);
    (old, new)
}

/// The files a gold patch edits, from its `diff --git` and `+++` headers, deduplicated.
pub(super) fn files(patch: &str) -> Vec<String> {
    Added::of(patch, 1).paths
}

/// True when a path an agent edited is `gold` (a repository-relative path): equal, or ending
/// in `/gold`, as in `/testbed/django/db/models/query.py`.
pub(super) fn same_file(edited: &str, gold: &str) -> bool {
    let edited = edited.trim_start_matches("./");
    let edited = edited
        .strip_prefix("a/")
        .or_else(|| edited.strip_prefix("b/"))
        .unwrap_or(edited);
    edited == gold
        || (edited.ends_with(gold) && edited.as_bytes()[edited.len() - gold.len() - 1] == b'/')
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIFF: &str = "diff --git a/pkg/mod.py b/pkg/mod.py\n--- a/pkg/mod.py\n+++ b/pkg/mod.py\n\
        @@ -1,3 +1,3 @@\n def f(x):\n-    return compute(x, 1)\n+    return compute(x, scale)\n \n";

    #[test]
    fn a_diff_adds_its_plus_lines_and_names_its_files() {
        let added = Added::of(DIFF, 3);
        assert_eq!(added.paths, ["pkg/mod.py"]);
        let texts: Vec<&str> = added.lines.iter().map(|l| added.line_text(l)).collect();
        assert_eq!(texts, ["return compute(x, scale)"]);
        let span = added.line_span(&added.lines[0]).unwrap();
        assert_eq!(&DIFF[span[0]..span[1]], "return compute(x, scale)");
        assert_eq!(files(DIFF), ["pkg/mod.py"]);
    }

    #[test]
    fn edit_arguments_add_new_minus_old() {
        let edit = r#"{"command": "str_replace", "path": "/testbed/pkg/mod.py",
            "old_str": "def f(x):\n    return compute(x, 1)",
            "new_str": "def f(x):\n        return compute(x, scale)"}"#;
        let added = Added::of(edit, 3);
        assert_eq!(added.paths, ["/testbed/pkg/mod.py"]);
        let texts: Vec<&str> = added.lines.iter().map(|l| added.line_text(l)).collect();
        assert_eq!(texts, ["return compute(x, scale)"]);
        assert_eq!(added.line_span(&added.lines[0]), None);
        let gold = Added::of(DIFF, 3);
        assert_eq!(added.lines[0].line, gold.lines[0].line);
        assert!(gold.ngrams.iter().all(|g| added.ngrams.contains(g)));
    }

    #[test]
    fn codex_patches_and_multi_edits_are_read() {
        let codex = "*** Begin Patch\n*** Update File: pkg/mod.py\n@@ def f(x):\n\
                     -    return compute(x, 1)\n+    return compute(x, scale)\n*** End Patch";
        let added = Added::of(codex, 3);
        assert_eq!(added.paths, ["pkg/mod.py"]);
        assert_eq!(added.lines.len(), 1);
        let multi = r#"{"file_path": "a.py", "edits": [{"old_string": "alpha_value = 1",
            "new_string": "alpha_value = 2"}, {"old_string": "x", "new_string": "beta_value = 3"}]}"#;
        assert_eq!(Added::of(multi, 3).lines.len(), 2);
    }

    #[test]
    fn removed_lines_starting_with_dashes_are_not_headers() {
        let diff = "@@ -1,2 +1,2 @@\n--- a comment line that was removed\n+++ counter_value += 1\n";
        let added = Added::of(diff, 3);
        assert!(added.paths.is_empty());
        assert_eq!(added.line_text(&added.lines[0]), "++ counter_value += 1");
    }

    #[test]
    fn same_file_matches_on_path_components() {
        assert!(same_file(
            "/testbed/django/db/models/query.py",
            "django/db/models/query.py"
        ));
        assert!(same_file(
            "b/django/db/models/query.py",
            "django/db/models/query.py"
        ));
        assert!(!same_file(
            "/testbed/mydjango/db/models/query.py",
            "django/db/models/query.py"
        ));
        assert!(!same_file("query.py", "django/db/models/query.py"));
    }
}
