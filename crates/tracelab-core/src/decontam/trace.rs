//! The view of one session that the checks read: who, which repository, when, and its texts in
//! order, each tagged with the role it played. It borrows from wherever the session lives (an
//! archive row, a parsed file), so checking copies no text.

use chrono::{DateTime, Utc};

/// What a piece of trace text was, which decides what it can prove: a gold patch in an
/// [`TextKind::Edit`] means the agent wrote the fix; the same patch in a
/// [`TextKind::ToolResult`] means the environment showed it the fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextKind {
    /// A user, system or assistant message.
    Message,
    /// The arguments of a tool call that is not an edit (a shell command, a search).
    ToolInput,
    /// What a tool returned: command output, file contents, fetched pages.
    ToolResult,
    /// Text the agent wrote into the repository: edit or write tool arguments (JSON is
    /// understood: `old_str`/`new_str`, `content`, `edits[]`, paths), or a generated patch.
    Edit,
}

/// One piece of a trace's text.
#[derive(Clone, Copy, Debug)]
pub struct TraceText<'a> {
    pub kind: TextKind,
    pub text: &'a str,
}

impl<'a> TraceText<'a> {
    pub fn new(kind: TextKind, text: &'a str) -> Self {
        TraceText { kind, text }
    }
}

/// One session as the checks see it. Texts are in the order they happened: the
/// `in_trace_leak` check relies on it to tell a tool result that showed the fix before the
/// agent wrote it from one that merely displays the agent's own edit.
#[derive(Clone, Debug, Default)]
pub struct TraceView<'a> {
    pub session_id: &'a str,
    /// The session's repository as recorded (`owner/name`, a GitHub URL, `git@…` all work).
    pub repo: Option<&'a str>,
    pub started_at: Option<DateTime<Utc>>,
    pub texts: Vec<TraceText<'a>>,
}

impl<'a> TraceView<'a> {
    /// An empty session with this id.
    pub fn new(session_id: &'a str) -> Self {
        TraceView {
            session_id,
            ..TraceView::default()
        }
    }

    /// Adds a piece of text after the others.
    pub fn push(&mut self, kind: TextKind, text: &'a str) {
        self.texts.push(TraceText::new(kind, text));
    }

    /// Total bytes of text, for throughput figures.
    pub fn text_bytes(&self) -> usize {
        self.texts.iter().map(|t| t.text.len()).sum()
    }
}
