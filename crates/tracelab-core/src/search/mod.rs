//! Full-text search over the steps of every session: a Tantivy index of event `content` and
//! `tool_input`, with `session_id`, `seq`, `role`, `kind` and `tool_name` as fields.
//!
//! Query syntax (Tantivy's): terms (`timeout`), phrases (`"empty input"`), boolean operators
//! (`AND`, `OR`, `NOT`, `+term`, `-term`), field scopes (`tool_name:bash`, `role:assistant`,
//! `kind:tool_result`, `content:...`, `tool_input:...`). Hits come with a
//! snippet and the byte ranges to highlight in it, grouped by session with counts, and can
//! be restricted to the sessions a [`crate::query::Filter`] selects.
//!
//! The index is rebuildable from `events` (`tracelab index --rebuild`); a missing or stale
//! index is brought up to date before searching, so results always cover the whole archive.

mod index;
mod session_counter;
mod session_hits;
mod session_ids;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, TermSetQuery};
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, Score, TantivyDocument, Term};

pub(crate) use index::parts_moved;
pub use index::{stale_parts, update, SEARCH_DIR};
pub use session_hits::{SessionHitList, SessionHits};

use crate::archive::Archive;
use crate::error::{Error, Result};
use crate::progress::{CancelToken, Silent};

/// Most indexed terms one `prefix*` expands to (per field), in term order.
const MAX_PREFIX_TERMS: usize = 64;

/// Characters of text around a hit in a snippet.
const SNIPPET_CHARS: usize = 160;

/// One matching step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub session_id: String,
    pub seq: i64,
    pub role: Option<String>,
    pub kind: Option<String>,
    pub tool_name: Option<String>,
    /// Which field the snippet is from: `content` or `tool_input`.
    pub field: &'static str,
    /// Plain text around the match (render as text, never HTML).
    pub snippet: String,
    /// Byte ranges of `snippet` to highlight.
    pub highlights: Vec<(usize, usize)>,
    pub score: f32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub total_sessions: u64,
    pub total_hits: u64,
    /// The best hits, at most the limit asked for.
    pub hits: Vec<Hit>,
    /// Every matching session, most hits first.
    pub sessions: SessionHitList,
}

/// An open, up-to-date index of one archive.
pub struct Searcher {
    index: Index,
    reader: tantivy::IndexReader,
    fields: index::Fields,
    dir: std::path::PathBuf,
    /// The session ids of the segments last searched, read on first use.
    session_ids: session_ids::SessionIds,
}

impl Searcher {
    /// Opens the archive's index, building or updating it first if it is missing or stale.
    pub fn open(archive: &Archive) -> Result<Searcher> {
        let (mut index, _) = update(archive, false, &Silent, &CancelToken::new())?;
        let dir = archive.root().join(SEARCH_DIR);
        // Segments are searched on every core: a search over a million sessions' index (ten
        // or so segments) is CPU-bound.
        index
            .set_default_multithread_executor()
            .map_err(index::tantivy_error(&dir))?;
        let reader = index.reader().map_err(index::tantivy_error(&dir))?;
        Ok(Searcher {
            index,
            reader,
            fields: index::schema().1,
            dir,
            session_ids: session_ids::SessionIds::default(),
        })
    }

    fn parse(&self, text: &str) -> Result<Box<dyn Query>> {
        let f = self.fields;
        let parser = QueryParser::for_index(&self.index, vec![f.content, f.tool_input]);
        let expanded = self.expand_prefixes(text)?;
        parser.parse_query(&expanded).map_err(|e| Error::Query {
            message: format!("search query {text:?}: {e}"),
        })
    }

    /// Rewrites each bare `prefix*` (optionally `field:prefix*`) into the indexed terms that
    /// start with it, ORed: Tantivy's parser only knows prefixes at the end of a phrase.
    /// Expanding to real terms, rather than a regex, keeps snippets highlighting them.
    fn expand_prefixes(&self, text: &str) -> Result<String> {
        let mut out = String::with_capacity(text.len());
        let mut quoted = false;
        let mut token = String::new();
        for c in text.chars().chain(std::iter::once(' ')) {
            let boundary = !quoted && (c.is_whitespace() || c == '(' || c == ')');
            if boundary {
                out.push_str(&self.expand_token(&token)?);
                token.clear();
                out.push(c);
            } else {
                if c == '"' {
                    quoted = !quoted;
                }
                token.push(c);
            }
        }
        out.pop();
        Ok(out)
    }

    fn expand_token(&self, token: &str) -> Result<String> {
        let (sign, rest) = match token.strip_prefix(['+', '-']) {
            Some(rest) => (&token[..1], rest),
            None => ("", token),
        };
        let (field, prefix) = match rest.split_once(':') {
            Some((f, p)) => (Some(f), p),
            None => (None, rest),
        };
        let Some(prefix) = prefix.strip_suffix('*') else {
            return Ok(token.to_string());
        };
        if prefix.is_empty() || !prefix.chars().all(char::is_alphanumeric) {
            return Ok(token.to_string());
        }
        let prefix = prefix.to_lowercase();
        let fields = match field {
            None => vec![
                ("content", self.fields.content),
                ("tool_input", self.fields.tool_input),
            ],
            Some("content") => vec![("content", self.fields.content)],
            Some("tool_input") => vec![("tool_input", self.fields.tool_input)],
            Some(other) => {
                return Err(Error::Query {
                    message: format!(
                        "search query: prefix queries work on content and tool_input, not `{other}`"
                    ),
                })
            }
        };
        let searcher = self.reader.searcher();
        let err = index::tantivy_error(&self.dir);
        let mut alternatives = Vec::new();
        for (name, field) in fields {
            let mut terms = std::collections::BTreeSet::new();
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(field).map_err(&err)?;
                let mut stream = inverted
                    .terms()
                    .range()
                    .ge(prefix.as_bytes())
                    .into_stream()
                    .map_err(|e| err(e.into()))?;
                while stream.advance() && terms.len() < MAX_PREFIX_TERMS {
                    let Ok(term) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if !term.starts_with(&prefix) {
                        break;
                    }
                    terms.insert(term.to_string());
                }
            }
            alternatives.extend(terms.into_iter().map(|t| format!("{name}:{t}")));
        }
        if alternatives.is_empty() {
            // Nothing starts with it: a term that matches nothing, so the query still parses.
            alternatives.push(format!("content:{prefix}"));
        }
        Ok(format!("{sign}({})", alternatives.join(" OR ")))
    }

    /// Runs `text`, keeping only sessions in `within` when given, and returns the best `limit`
    /// hits with snippets plus per-session counts.
    pub fn search(
        &self,
        text: &str,
        within: Option<&[String]>,
        limit: usize,
    ) -> Result<SearchResult> {
        let err = index::tantivy_error(&self.dir);
        let mut query = self.parse(text)?;
        let snippet_query = self.parse(text)?;
        if let Some(ids) = within {
            let terms = ids
                .iter()
                .map(|id| Term::from_field_text(self.fields.session_id, id));
            query = Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (Occur::Must, Box::new(TermSetQuery::new(terms))),
            ]));
        }
        let searcher = self.reader.searcher();
        let ids = self.session_ids.of(&searcher).map_err(&err)?;
        let (top, sessions) = searcher
            .search(
                &query,
                &(
                    TopDocs::with_limit(limit.max(1)).order_by_score(),
                    session_counter::SessionCounter { ids },
                ),
            )
            .map_err(&err)?;
        let content = SnippetGenerator::create(&searcher, &*snippet_query, self.fields.content);
        let tool_input =
            SnippetGenerator::create(&searcher, &*snippet_query, self.fields.tool_input);
        let (mut content, mut tool_input) = (content.map_err(&err)?, tool_input.map_err(&err)?);
        content.set_max_num_chars(SNIPPET_CHARS);
        tool_input.set_max_num_chars(SNIPPET_CHARS);
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top.into_iter().take(limit) {
            hits.push(self.hit(&searcher, address, score, &content, &tool_input)?);
        }
        Ok(SearchResult {
            total_sessions: sessions.len() as u64,
            total_hits: sessions.total_hits(),
            hits,
            sessions,
        })
    }

    fn hit(
        &self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
        score: Score,
        content: &SnippetGenerator,
        tool_input: &SnippetGenerator,
    ) -> Result<Hit> {
        let f = self.fields;
        let doc: TantivyDocument = searcher
            .doc(address)
            .map_err(index::tantivy_error(&self.dir))?;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
        };
        let mut snippet = content.snippet_from_doc(&doc);
        let mut field = "content";
        if snippet.highlighted().is_empty() {
            let other = tool_input.snippet_from_doc(&doc);
            if !other.highlighted().is_empty() || snippet.fragment().is_empty() {
                snippet = other;
                field = "tool_input";
            }
        }
        Ok(Hit {
            session_id: text(f.session_id).unwrap_or_default(),
            seq: doc
                .get_first(f.seq)
                .and_then(|v| v.as_i64())
                .unwrap_or_default(),
            role: text(f.role),
            kind: text(f.kind),
            tool_name: text(f.tool_name),
            field,
            snippet: snippet.fragment().to_string(),
            highlights: snippet
                .highlighted()
                .iter()
                .map(|r| (r.start, r.end))
                .collect(),
            score,
        })
    }
}
