//! The `problem_statement` check: how much of a benchmark issue's text a trace holds, as
//! overlapping n-grams of normalised words (13 by default, as in GPT-3's and Llama's
//! decontamination), robust to reflowed whitespace, case and added markdown.
//!
//! Score: the share of the problem statement's distinct n-grams found anywhere in the trace
//! (boilerplate n-grams, shared by several instances, are left out of both counts). A hit
//! needs the score at the threshold; its evidence is the longest run of consecutive matched
//! words, quoted from the trace.

use super::fingerprint::Rolling;
use super::hit::{Check, Evidence, Hit};
use super::instance::Instance;
use super::ngram::NgramIndex;
use super::tokens::words;
use super::trace::TraceView;
use super::Options;

/// The word n-grams of every problem statement.
pub(super) fn build(instances: &[Instance], n: usize, identity: &[u32]) -> NgramIndex {
    let per_instance = instances
        .iter()
        .map(|instance| {
            let mut rolling = Rolling::new(n);
            let mut prints = Vec::new();
            words(&instance.problem_statement, |t| {
                prints.extend(rolling.push(t.hash))
            });
            prints
        })
        .collect();
    NgramIndex::build(per_instance, identity)
}

/// One indexed n-gram found in the trace.
#[derive(Clone, Copy, Debug)]
pub(super) struct Match {
    text: u32,
    /// The position of the n-gram's last word among the text's words.
    last_word: u32,
    start: usize,
    end: usize,
    id: u32,
}

/// Every indexed n-gram in the trace's texts, in text order: the one pass over each word.
pub(super) fn matches(index: &NgramIndex, trace: &TraceView<'_>, n: usize) -> Vec<Match> {
    let n = n.max(1);
    let mut found = Vec::new();
    let mut rolling = Rolling::new(n);
    let mut starts = vec![0usize; n];
    for (text_index, text) in trace.texts.iter().enumerate() {
        rolling.reset();
        let mut word = 0u32;
        let mut slot = 0usize;
        words(text.text, |t| {
            starts[slot] = t.start;
            slot += 1;
            if slot == n {
                slot = 0;
            }
            if let Some(id) = rolling.push(t.hash).and_then(|fp| index.lookup(fp)) {
                // `slot` now holds the oldest word of the window: the n-gram's first.
                found.push(Match {
                    text: text_index as u32,
                    last_word: word,
                    start: starts[slot],
                    end: t.end,
                    id,
                });
            }
            word += 1;
        });
    }
    found
}

/// Runs the check; returns the hits and the instances they name.
pub(super) fn find(
    index: &NgramIndex,
    instances: &[Instance],
    trace: &TraceView<'_>,
    options: &Options,
) -> (Vec<Hit>, Vec<u32>) {
    let n = options.ngram.max(1);
    let found = matches(index, trace, n);
    if found.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let mut ids: Vec<u32> = found.iter().map(|m| m.id).collect();
    let mut hits = Vec::new();
    let mut named = Vec::new();
    for (instance, count) in index.tally(&mut ids) {
        let total = index.total(instance);
        if total == 0 {
            continue;
        }
        let score = f64::from(count) / f64::from(total);
        if score + 1e-9 < options.threshold {
            continue;
        }
        let Some((first, last)) = longest_run(index, &found, instance) else {
            continue;
        };
        let text_index = first.text as usize;
        let run_words = last.last_word - first.last_word + n as u32;
        let target = &instances[instance as usize];
        let detail = format!(
            "{count} of {total} {n}-word n-grams of the problem statement of {} ({:.0}%); longest matched run {run_words} words",
            target.instance_id,
            score * 100.0
        );
        let text = trace.texts[text_index].text;
        let evidence = Evidence::located(text, text_index, first.start, last.end, detail);
        hits.push(Hit::on_instance(
            trace.session_id,
            Check::ProblemStatement,
            target,
            score,
            evidence,
            options.strict,
        ));
        named.push(instance);
    }
    (hits, named)
}

/// The first and last match of the longest run of consecutive n-grams of `instance` in one
/// text.
fn longest_run(index: &NgramIndex, found: &[Match], instance: u32) -> Option<(Match, Match)> {
    let mut best: Option<(Match, Match)> = None;
    let mut current: Option<(Match, Match)> = None;
    for m in found
        .iter()
        .filter(|m| index.instances(m.id).binary_search(&instance).is_ok())
    {
        current = match current {
            Some((first, last)) if last.text == m.text && last.last_word + 1 == m.last_word => {
                Some((first, *m))
            }
            _ => Some((*m, *m)),
        };
        let (first, last) = current?;
        let longer = best
            .is_none_or(|(bf, bl)| last.last_word - first.last_word > bl.last_word - bf.last_word);
        if longer {
            best = current;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instance(id: &str, statement: &str) -> Instance {
        Instance {
            benchmark: "b".into(),
            instance_id: id.into(),
            repo: "o/r".into(),
            base_commit: String::new(),
            problem_statement: statement.into(),
            patch: String::new(),
            test_patch: None,
            fail_to_pass: None,
            created_at: None,
        }
    }

    const ISSUE: &str = "Calling only() twice on a queryset with a deferred foreign key drops the \
        field that was selected first, and the resulting SQL query selects every column of the \
        related table instead of the ones asked for.";

    fn check(text: &str, threshold: f64) -> Vec<Hit> {
        let instances = vec![
            instance("o__r-1", ISSUE),
            instance("o__r-2", "something else entirely different here"),
        ];
        let index = build(&instances, 5, &[0, 1]);
        let mut trace = TraceView::new("s");
        trace.push(super::super::TextKind::Message, "unrelated opening message");
        trace.push(super::super::TextKind::Message, text);
        let options = Options {
            ngram: 5,
            threshold,
            ..Options::default()
        };
        find(&index, &instances, &trace, &options).0
    }

    #[test]
    fn a_reformatted_paste_is_found_with_its_longest_span() {
        let pasted = format!(
            "Here is the task:\n\n> **{}**\n\nPlease fix.",
            ISSUE.to_uppercase().replace(' ', "\n  ")
        );
        let hits = check(&pasted, 0.5);
        assert_eq!(hits.len(), 1);
        let hit = &hits[0];
        assert_eq!(hit.instance_id.as_deref(), Some("o__r-1"));
        assert!((hit.score - 1.0).abs() < 1e-9);
        assert_eq!(hit.evidence.text_index, Some(1));
        assert!(
            hit.evidence.matched.starts_with("CALLING\n  ONLY()"),
            "{}",
            hit.evidence.matched
        );
        assert!(
            hit.evidence.matched.ends_with("ASKED\n  FOR"),
            "{}",
            hit.evidence.matched
        );
    }

    #[test]
    fn a_partial_quote_scores_its_share() {
        let half = &ISSUE[..ISSUE.len() / 2];
        assert!(check(half, 0.5).is_empty());
        let hits = check(half, 0.3);
        assert!(
            hits[0].score > 0.3 && hits[0].score < 0.6,
            "{}",
            hits[0].score
        );
        assert!(check("calling only on a queryset twice is fine", 0.01).is_empty());
    }
}
