//! The first pass over the archive: which sessions can go into a training set at all, after
//! the filter, the outcome check and benchmark decontamination; every session not taken is
//! counted under the reason it was left out.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::archive::Archive;
use crate::decontam::{self, Corpus, Hit, Severity, Summary};
use crate::error::{Error, Result};
use crate::progress::CancelToken;
use crate::record::{Event, Session};

use super::conversation::{Conversation, Unusable};
use super::split::seeded_hash;

/// What a session's outcome says about it as training data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    /// `outcome = success`.
    Success,
    /// `outcome` = failure, error or timeout.
    Failure,
    /// No outcome (or `unknown`), but a score: ranked against others by score.
    Scored,
}

/// A session that may be exported, with what pairing, balancing and splitting need to know.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub session_id: String,
    pub task_id: String,
    pub repo: Option<String>,
    pub model: Option<String>,
    pub harness_version: Option<String>,
    pub started_at: Option<DateTime<Utc>>,
    pub grade: Grade,
    pub score: Option<f64>,
    /// Output tokens as recorded (`None`: estimated from text length at export).
    pub output_tokens: Option<i64>,
    pub steps: i64,
    /// A hash of the chat's prompt: equal hashes, equal prompts.
    pub prompt_hash: u64,
    /// A decontamination check found that the session saw what it should not have: it may be
    /// rejected, never chosen.
    pub never_chosen: bool,
    /// A decontamination warning (same repository, same files, time cutoff) that did not
    /// drop it.
    pub flagged: bool,
}

impl Intake {
    /// Sessions whose chat has no prompt or no answer.
    pub fn unusable(&self) -> usize {
        self.no_prompt + self.no_answer
    }
}

impl Candidate {
    /// The repository, or the task when none is recorded: the key of per-repo caps.
    pub fn repo_key(&self) -> &str {
        self.repo.as_deref().unwrap_or(&self.task_id)
    }

    pub fn model_key(&self) -> &str {
        self.model.as_deref().unwrap_or("(none)")
    }
}

/// Sessions read and why each one left, so the counts reconcile:
/// `read = filtered_out + without_task + without_outcome + decontam_dropped + no_prompt +
/// no_answer + candidates`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Intake {
    pub read: usize,
    pub filtered_out: usize,
    pub without_task: usize,
    pub without_outcome: usize,
    pub decontam_dropped: usize,
    /// Sessions with no user message to use as the prompt.
    pub no_prompt: usize,
    /// Sessions with no assistant message after the prompt.
    pub no_answer: usize,
    pub candidates: usize,
    /// Candidates with a decontamination warning (kept, listed in `decontam.jsonl`).
    pub decontam_flagged: usize,
    /// Candidates that may only be `rejected`.
    pub never_chosen: usize,
}

/// The result of the first pass.
pub struct Pool {
    pub candidates: Vec<Candidate>,
    /// Each candidate's chat, aligned with `candidates`.
    pub conversations: Vec<Conversation>,
    pub intake: Intake,
    /// Hits on sessions the filter selected (dropped or not).
    pub hits: Vec<Hit>,
    pub decontam: Option<Summary>,
}

fn grade(session: &Session) -> Option<Grade> {
    match session.outcome.as_deref() {
        Some("success") => Some(Grade::Success),
        Some("failure" | "error" | "timeout") => Some(Grade::Failure),
        _ => session
            .score
            .filter(|s| s.is_finite())
            .map(|_| Grade::Scored),
    }
}

/// Reads every session once: keeps those `selected` (all when `None`), with a task and an
/// outcome or score, that decontamination does not drop, and that `chat` can turn into a
/// conversation.
pub fn gather(
    archive: &Archive,
    selected: Option<&HashSet<String>>,
    corpus: Option<(&Corpus, &decontam::Options)>,
    chat: impl Fn(&[Event]) -> std::result::Result<Conversation, Unusable> + Sync,
    cancel: &CancelToken,
) -> Result<Pool> {
    let mut intake = Intake::default();
    let mut candidates = Vec::new();
    let mut conversations = Vec::new();
    let mut hits = Vec::new();
    let mut summary = corpus.map(|(c, options)| {
        c.prepare(options);
        Summary::default()
    });
    for segment in archive.trajectories() {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        let segment = segment?;
        // The costly part (every check, the chat, scrubbing) runs on every core.
        let checked = crate::parallel::map(&segment, |t| {
            if selected.is_some_and(|ids| !ids.contains(&t.session.session_id)) {
                return None;
            }
            let found = match corpus {
                Some((corpus, options)) => decontam::check(corpus, &decontam::view(t), options),
                None => Vec::new(),
            };
            let usable = t
                .session
                .task_id
                .as_deref()
                .is_some_and(|id| !id.is_empty())
                && grade(&t.session).is_some()
                && !found.iter().any(|h| h.severity == Severity::Drop);
            let chat = usable.then(|| chat(&t.events));
            Some((found, chat))
        });
        for (t, checked) in segment.iter().zip(checked) {
            intake.read += 1;
            let s = &t.session;
            let Some((found, chat)) = checked else {
                intake.filtered_out += 1;
                continue;
            };
            if let Some(summary) = summary.as_mut() {
                summary.add_session(&found);
            }
            let dropped = found.iter().any(|h| h.severity == Severity::Drop);
            let never_chosen = found.iter().any(|h| h.never_chosen);
            let flagged = !found.is_empty();
            hits.extend(found);
            let Some(task_id) = s.task_id.clone().filter(|t| !t.is_empty()) else {
                intake.without_task += 1;
                continue;
            };
            let Some(grade) = grade(s) else {
                intake.without_outcome += 1;
                continue;
            };
            if dropped {
                intake.decontam_dropped += 1;
                continue;
            }
            let conversation = match chat.expect("a chat for every usable session") {
                Ok(c) => c,
                Err(Unusable::NoPrompt) => {
                    intake.no_prompt += 1;
                    continue;
                }
                Err(Unusable::NoResponse) => {
                    intake.no_answer += 1;
                    continue;
                }
            };
            let prompt_hash = seeded_hash(
                0,
                &serde_json::to_string(&conversation.prompt).expect("messages serialise"),
            );
            conversations.push(conversation);
            intake.candidates += 1;
            intake.decontam_flagged += usize::from(flagged);
            intake.never_chosen += usize::from(never_chosen);
            candidates.push(Candidate {
                session_id: s.session_id.clone(),
                task_id,
                repo: s.repo.clone(),
                model: s.model.clone(),
                harness_version: s.harness_version.clone(),
                started_at: s.started_at,
                grade,
                score: s.score.filter(|v| v.is_finite()),
                output_tokens: s.output_tokens,
                steps: s.n_events,
                prompt_hash,
                never_chosen,
                flagged,
            });
        }
    }
    // Segments are each sorted; across segments the order is the archive's. Sort once so the
    // result does not depend on how the archive was imported.
    let mut both: Vec<(Candidate, Conversation)> =
        candidates.into_iter().zip(conversations).collect();
    both.sort_by(|a, b| a.0.session_id.cmp(&b.0.session_id));
    let (candidates, conversations) = both.into_iter().unzip();
    Ok(Pool {
        candidates,
        conversations,
        intake,
        hits,
        decontam: summary,
    })
}
