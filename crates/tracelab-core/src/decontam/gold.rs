//! The `gold_patch` and `test_patch` checks: how much of a benchmark's patch the code a trace
//! wrote adds, measured two ways and the larger kept:
//!
//! - lines: the share of the patch's added lines (trimmed, whitespace collapsed, lines under
//!   8 bytes ignored) that the trace's edits add. Counted only when the matched lines are
//!   enough evidence ([`enough_lines`]), so a patch of one `return None` is not "found" in
//!   every trace that returns None;
//! - code-token n-grams (10 tokens by default, whitespace-blind, so re-indented code
//!   matches): the share of the n-grams of the patch's added runs that the edits add.
//!
//! The same scoring, applied to tool results instead of edits, tells `in_trace_leak` whether
//! the environment showed the agent the fix.

use std::collections::HashMap;

use super::hit::{Check, Evidence, Hit};
use super::instance::Instance;
use super::ngram::NgramIndex;
use super::patch::Added;
use super::tokens::specific_words;
use super::trace::TraceView;
use super::Options;

/// Whether matched lines totalling `bytes` bytes and `specific` project-chosen names (see
/// `tokens::specific_words`) are evidence: 40 bytes of anything, or 24 bytes with three names, as in
/// `if cothm is S.ComplexInfinity:` but not `if step is None:` or `return NotImplemented`.
pub(super) fn enough_lines(bytes: usize, specific: usize) -> bool {
    bytes >= 40 || (bytes >= 24 && specific >= 3)
}

/// The added lines and added-code n-grams of one patch per instance (gold or test).
pub(super) struct PatchIndex {
    lines: NgramIndex,
    ngrams: NgramIndex,
}

impl PatchIndex {
    /// `patches[i]` is instance `i`'s patch (empty when it has none).
    pub(super) fn build(patches: &[&str], n: usize, identity: &[u32]) -> PatchIndex {
        let mut lines = Vec::with_capacity(patches.len());
        let mut ngrams = Vec::with_capacity(patches.len());
        for patch in patches {
            let added = Added::of(patch, n);
            lines.push(added.lines.iter().map(|l| l.line.fp).collect());
            ngrams.push(added.ngrams);
        }
        PatchIndex {
            lines: NgramIndex::build(lines, identity),
            ngrams: NgramIndex::build(ngrams, identity),
        }
    }
}

/// How much of one instance's patch some texts add.
#[derive(Clone, Debug)]
pub(super) struct PatchScore {
    pub instance: u32,
    pub score: f64,
    pub detail: String,
    pub evidence: Evidence,
}

/// Scores every instance whose patch shares anything with `texts` (pairs of a text index in
/// the trace and what that text adds); keeps those at `threshold` or above.
pub(super) fn score(
    index: &PatchIndex,
    texts: &[(usize, &Added<'_>)],
    n: usize,
    threshold: f64,
) -> Vec<PatchScore> {
    // The first place each matched patch line appears in the trace, by line id.
    let mut lines: HashMap<u32, (usize, usize)> = HashMap::new();
    for (slot, (_, added)) in texts.iter().enumerate() {
        for (l, line) in added.lines.iter().enumerate() {
            if let Some(id) = index.lines.lookup(line.line.fp) {
                lines.entry(id).or_insert((slot, l));
            }
        }
    }
    let line_of = |&(slot, l): &(usize, usize)| texts[slot].1.lines[l].line;
    // Matched n-gram ids with the text they were found in, for evidence when no line matched.
    let ngram_hits: Vec<(u32, usize)> = texts
        .iter()
        .enumerate()
        .flat_map(|(slot, (_, added))| {
            let found = added
                .ngrams
                .iter()
                .filter_map(|&fp| index.ngrams.lookup(fp));
            found.map(move |id| (id, slot))
        })
        .collect();
    let mut ngram_ids: Vec<u32> = ngram_hits.iter().map(|h| h.0).collect();
    let mut line_ids: Vec<u32> = lines.keys().copied().collect();
    let line_counts = index.lines.tally(&mut line_ids);
    let ngram_counts: HashMap<u32, u32> = index.ngrams.tally(&mut ngram_ids).into_iter().collect();

    let mut instances: Vec<u32> = line_counts.iter().map(|c| c.0).collect();
    instances.extend(ngram_counts.keys());
    instances.sort_unstable();
    instances.dedup();
    let line_counts: HashMap<u32, u32> = line_counts.into_iter().collect();

    let mut scores = Vec::new();
    for instance in instances {
        let line_total = index.lines.total(instance);
        let ngram_total = index.ngrams.total(instance);
        let matched_lines = line_counts.get(&instance).copied().unwrap_or(0);
        let matched_ngrams = ngram_counts.get(&instance).copied().unwrap_or(0);
        let own: Vec<&(usize, usize)> = line_ids
            .iter()
            .filter(|&&id| index.lines.instances(id).binary_search(&instance).is_ok())
            .map(|id| &lines[id])
            .collect();
        let line_bytes: usize = own.iter().map(|l| line_of(l).bytes).sum();
        let specific: usize = own
            .iter()
            .map(|&&(slot, l)| specific_words(texts[slot].1.line_text(&texts[slot].1.lines[l])))
            .sum();
        let line_share = if line_total > 0 && enough_lines(line_bytes, specific) {
            f64::from(matched_lines) / f64::from(line_total)
        } else {
            0.0
        };
        let ngram_share = if ngram_total > 0 {
            f64::from(matched_ngrams) / f64::from(ngram_total)
        } else {
            0.0
        };
        let score = line_share.max(ngram_share);
        if score == 0.0 || score + 1e-9 < threshold {
            continue;
        }
        let detail = format!(
            "{matched_lines} of {line_total} added lines ({line_bytes} bytes) and {matched_ngrams} of {ngram_total} {n}-token n-grams"
        );
        let evidence = match own.iter().max_by_key(|l| line_of(l).bytes) {
            Some(&&(slot, l)) => {
                let (text_index, added) = texts[slot];
                let line = &added.lines[l];
                Evidence {
                    text_index: Some(text_index),
                    span: added.line_span(line),
                    ..Evidence::new(added.line_text(line), String::new())
                }
            }
            None => {
                let slot = ngram_hits
                    .iter()
                    .find(|(id, _)| index.ngrams.instances(*id).binary_search(&instance).is_ok())
                    .map(|h| h.1);
                Evidence {
                    text_index: slot.map(|slot| texts[slot].0),
                    ..Evidence::new("", String::new())
                }
            }
        };
        scores.push(PatchScore {
            instance,
            score,
            detail,
            evidence,
        });
    }
    scores
}

/// Runs `gold_patch` (with the gold index) or `test_patch` (with the test index) over what the
/// trace's edits add.
pub(super) fn find(
    index: &PatchIndex,
    check: Check,
    instances: &[Instance],
    edits: &[(usize, &Added<'_>)],
    trace: &TraceView<'_>,
    options: &Options,
) -> Vec<Hit> {
    let which = if check == Check::TestPatch {
        "test patch"
    } else {
        "gold patch"
    };
    score(index, edits, options.patch_ngram.max(1), options.threshold)
        .into_iter()
        .map(|found| {
            let instance = &instances[found.instance as usize];
            let mut evidence = found.evidence;
            evidence.detail = format!(
                "the session's edits add {} of the {which} of {}",
                found.detail, instance.instance_id
            );
            Hit::on_instance(
                trace.session_id,
                check,
                instance,
                found.score,
                evidence,
                options.strict,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOLD: &str =
        "diff --git a/pkg/scale.py b/pkg/scale.py\n--- a/pkg/scale.py\n+++ b/pkg/scale.py\n\
        @@ -10,4 +10,6 @@ def apply(values):\n     total = 0\n-    for v in values: total += v\n\
        +    for value in values:\n+        total += normalise(value, factor=self.factor)\n\
        +    return clamp(total, self.lower_bound, self.upper_bound)\n";

    const SHORT: &str = "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-    return 0\n+    return None\n";

    fn run(edits: &[&str]) -> Vec<PatchScore> {
        let index = PatchIndex::build(&[GOLD, SHORT], 4, &[0, 1]);
        let added: Vec<Added<'_>> = edits.iter().map(|e| Added::of(e, 4)).collect();
        let texts: Vec<(usize, &Added<'_>)> = added.iter().enumerate().collect();
        score(&index, &texts, 4, 0.5)
    }

    #[test]
    fn the_fix_split_over_two_reindented_edits_is_found() {
        let first = r#"{"path": "pkg/scale.py", "old_str": "    for v in values: total += v", "new_str": "  for value in values:\n      total += normalise(value, factor=self.factor)"}"#;
        let second = "\t\treturn clamp(total, self.lower_bound, self.upper_bound)";
        let found = run(&[first, second]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].instance, 0);
        assert!((found[0].score - 1.0).abs() < 1e-9, "{}", found[0].detail);
        let evidence = &found[0].evidence;
        assert_eq!(
            evidence.matched,
            "return clamp(total, self.lower_bound, self.upper_bound)"
        );
        assert_eq!(
            (evidence.text_index, evidence.span),
            (Some(1), Some([2, 57]))
        );
    }

    #[test]
    fn a_generic_line_alone_is_no_evidence() {
        assert!(run(&["if x:\n    return None\nreturn total"]).is_empty());
        assert!(run(&["for value in values:\n    print(value)"]).is_empty());
    }
}
