//! How text is cut into the units that are compared: words of prose, tokens of code, lines of
//! a diff. Each unit comes out as a fingerprint with its byte range in the source text, so a
//! match can be shown to the user exactly where it is.
//!
//! Prose is normalised so that pasting an issue into a chat does not hide it: case is folded,
//! anything that is not a letter or digit separates words (which removes markdown `#*_>`,
//! backticks, list bullets, quotes and all whitespace, and the `\n` escapes of JSON-quoted
//! text), and numbered-list markers (`1.`, `2)`) at the start of a line are skipped. Code keeps its case and its punctuation but not its
//! whitespace, so re-indented code still matches.

use super::fingerprint::TokenHash;

/// One unit of text: its fingerprint and where it is in the source.
#[derive(Clone, Copy, Debug)]
pub(super) struct Token {
    pub hash: u64,
    pub start: usize,
    pub end: usize,
}

/// What a byte is to the prose tokenizer: 0 separates words, [`NON_ASCII`] starts or
/// continues a non-ASCII character (decided per character), anything else is an ASCII letter
/// or digit, lower-cased. One table look-up per byte classifies and folds case at once.
const fn word_bytes() -> [u8; 256] {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte.is_ascii_alphanumeric() {
            byte.to_ascii_lowercase()
        } else if byte >= 0x80 {
            NON_ASCII
        } else {
            0
        };
        b += 1;
    }
    table
}

const NON_ASCII: u8 = 0xff;
static WORD_BYTES: [u8; 256] = word_bytes();

/// Calls `emit` for every word of `text`, in order. Words are maximal runs of letters and
/// digits (Unicode letters included), compared case-insensitively.
#[inline]
pub(super) fn words(text: &str, mut emit: impl FnMut(Token)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut line_start = true;
    while i < bytes.len() {
        let byte = bytes[i];
        let folded = WORD_BYTES[byte as usize];
        if folded == 0 {
            if byte == b'\n' {
                line_start = true;
            }
            // `\n`, `\t`, `\r` escapes (text quoted inside JSON tool arguments) separate
            // words as the characters they stand for would, instead of gluing an `n` to the
            // next word.
            if byte == b'\\' && matches!(bytes.get(i + 1), Some(b'n' | b't' | b'r')) {
                line_start |= bytes[i + 1] == b'n';
                i += 1;
            }
            i += 1;
            continue;
        }
        if line_start {
            line_start = false;
            if byte.is_ascii_digit() {
                if let Some(after) = list_marker_end(bytes, i) {
                    i = after;
                    continue;
                }
            }
        }
        if folded == NON_ASCII && !starts_word_char(text, i) {
            i += utf8_len(byte);
            continue;
        }
        let start = i;
        let mut hash = TokenHash::default();
        while i < bytes.len() {
            match WORD_BYTES[bytes[i] as usize] {
                0 => break,
                NON_ASCII => {
                    let Some(c) = text[i..].chars().next() else {
                        break;
                    };
                    if !c.is_alphanumeric() {
                        break;
                    }
                    for lower in c.to_lowercase() {
                        let mut buf = [0u8; 4];
                        for &b in lower.encode_utf8(&mut buf).as_bytes() {
                            hash.push(b);
                        }
                    }
                    i += c.len_utf8();
                }
                folded => {
                    hash.push(folded);
                    i += 1;
                }
            }
        }
        emit(Token {
            hash: hash.finish(),
            start,
            end: i,
        });
    }
}

/// Where a numbered-list marker (`12.` or `3)` followed by a space) that starts at `i` ends.
fn list_marker_end(bytes: &[u8], i: usize) -> Option<usize> {
    let digits = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    let punct = *bytes.get(i + digits)?;
    let space = *bytes.get(i + digits + 1)?;
    (digits <= 3 && (punct == b'.' || punct == b')') && (space == b' ' || space == b'\t'))
        .then_some(i + digits + 1)
}

fn starts_word_char(text: &str, i: usize) -> bool {
    text.get(i..)
        .and_then(|rest| rest.chars().next())
        .is_some_and(char::is_alphanumeric)
}

fn utf8_len(lead: u8) -> usize {
    match lead {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

/// Calls `emit` for every token of code in `text`: identifiers and numbers (runs of letters,
/// digits, `_` and non-ASCII characters) as one token each, every other non-space character as
/// a token of its own. Case is kept; whitespace only separates.
#[inline]
pub(super) fn code_tokens(text: &str, mut emit: impl FnMut(Token)) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let mut hash = TokenHash::default();
        if is_identifier_byte(byte) {
            while i < bytes.len() && is_identifier_byte(bytes[i]) {
                hash.push(bytes[i]);
                i += 1;
            }
        } else {
            hash.push(byte);
            i += 1;
        }
        emit(Token {
            hash: hash.finish(),
            start,
            end: i,
        });
    }
}

fn is_identifier_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// Lines shorter than this (after trimming) carry too little to count as evidence: `else:`,
/// `}`, `pass`, `return`.
pub(super) const MIN_LINE_CHARS: usize = 8;

/// One normalised line of code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Line {
    pub fp: u64,
    /// Length after trimming and collapsing whitespace, in bytes.
    pub bytes: usize,
}

/// The line of code in `text`, trimmed, with inner runs of whitespace collapsed to one
/// space; `None` for trivial lines.
pub(super) fn line(text: &str) -> Option<Line> {
    let trimmed = text.trim();
    if trimmed.len() < MIN_LINE_CHARS {
        return None;
    }
    let mut hash = TokenHash::default();
    let mut bytes = 0;
    let mut in_space = false;
    for &byte in trimmed.as_bytes() {
        if byte.is_ascii_whitespace() {
            if !in_space {
                hash.push(b' ');
                bytes += 1;
            }
            in_space = true;
        } else {
            hash.push(byte);
            bytes += 1;
            in_space = false;
        }
    }
    Some(Line {
        fp: hash.finish(),
        bytes,
    })
}

/// Keywords and builtins of the languages benchmarks are written in, too common to tell one
/// line from another. Sorted, for binary search.
const COMMON_WORDS: [&str; 64] = [
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "bool",
    "break",
    "case",
    "class",
    "cls",
    "const",
    "continue",
    "def",
    "del",
    "dict",
    "elif",
    "else",
    "except",
    "false",
    "finally",
    "float",
    "fn",
    "for",
    "from",
    "func",
    "function",
    "if",
    "import",
    "in",
    "int",
    "is",
    "isinstance",
    "lambda",
    "len",
    "let",
    "list",
    "match",
    "new",
    "nil",
    "not",
    "null",
    "or",
    "pass",
    "print",
    "raise",
    "range",
    "return",
    "self",
    "set",
    "static",
    "str",
    "super",
    "this",
    "true",
    "try",
    "tuple",
    "var",
    "void",
    "while",
    "with",
    "yield",
];

/// How many words of a line of code are names a project chose (identifiers and words in
/// strings that are not keywords or ubiquitous builtins): `return None` has none,
/// `if cothm is S.ComplexInfinity:` has three.
pub(super) fn specific_words(line: &str) -> usize {
    line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| {
            w.chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
        })
        .filter(|w| COMMON_WORDS.binary_search(w).is_err())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word_list(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        words(text, |t| out.push(&text[t.start..t.end]));
        out
    }

    fn word_hashes(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        words(text, |t| out.push(t.hash));
        out
    }

    #[test]
    fn markdown_case_and_whitespace_do_not_change_the_words() {
        let plain = "The QuerySet.only() call drops the related field\nwhen used twice";
        let dressed = "## the `queryset.only()` call\n\n> **drops** the _related_ field\r\n  \
                       1. WHEN   used\ttwice";
        assert_eq!(word_hashes(plain), word_hashes(dressed));
        assert_eq!(word_list(plain)[..3], ["The", "QuerySet", "only"]);
    }

    #[test]
    fn json_escapes_separate_words() {
        assert_eq!(
            word_hashes(r#"first line\nsecond\tthird"#),
            word_hashes("first line\nsecond\tthird")
        );
        assert_eq!(word_list(r#"a\n1. item"#), ["a", "item"]);
    }

    #[test]
    fn numbered_markers_are_skipped_only_at_line_start() {
        assert_eq!(word_list("1. first\n 2) second"), ["first", "second"]);
        assert_eq!(word_list("version 1. next"), ["version", "1", "next"]);
        assert_eq!(word_list("2019. Later"), ["2019", "Later"]);
    }

    #[test]
    fn unicode_letters_are_words_and_unicode_punctuation_separates() {
        assert_eq!(
            word_list("Größe—naïve “quoted”"),
            ["Größe", "naïve", "quoted"]
        );
        assert_eq!(word_hashes("GRÖSSE"), word_hashes("grösse"));
    }

    #[test]
    fn code_tokens_ignore_indentation_but_keep_punctuation() {
        let mut a = Vec::new();
        code_tokens("    if x_1 >= 2:\n        return f(x_1)", |t| {
            a.push(t.hash)
        });
        let mut b = Vec::new();
        code_tokens("if x_1>=2:\n\treturn f( x_1 )", |t| b.push(t.hash));
        assert_eq!(a, b);
        assert_eq!(a.len(), 11);
    }

    #[test]
    fn lines_are_trimmed_collapsed_and_trivial_ones_dropped() {
        assert_eq!(line("   x =  compute(a)  "), line("x = compute(a)"));
        assert_eq!(line("    else:"), None);
        assert_eq!(line("x =   compute(a)").map(|l| l.bytes), Some(14));
        assert_eq!(specific_words("return None"), 0);
        assert_eq!(specific_words("if cothm is S.ComplexInfinity:"), 3);
        assert_eq!(specific_words("hist_kwargs['density'] = density"), 3);
        assert!(COMMON_WORDS.windows(2).all(|w| w[0] < w[1]));
    }
}
