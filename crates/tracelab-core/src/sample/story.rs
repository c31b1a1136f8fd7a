//! The planted regression story: what changed, where, when, and what it did. This is the
//! ground truth that `sample-data/README.md` states and that the diagnosis must recover.
//!
//! Success probability is additive (a linear probability model), so each effect below is
//! exactly its size in percentage points in expectation:
//!
//! `p = BASE + model effect + task effect + Σ effects of the changes in force`.

use chrono::{DateTime, TimeZone, Utc};

/// Traffic slices and their share of sessions.
pub const SLICES: &[(&str, f64)] = &[("cli", 0.40), ("ide", 0.35), ("api", 0.25)];

/// Models, their share of sessions, their effect on success (pp / 100) and price
/// (USD per million input, output, cache-read, cache-write tokens).
pub struct ModelProfile {
    pub name: &'static str,
    pub share: f64,
    pub effect: f64,
    pub price: [f64; 4],
}

pub const MODELS: &[ModelProfile] = &[
    ModelProfile {
        name: "claude-sonnet-4-5",
        share: 0.45,
        effect: 0.0,
        price: [3.0, 15.0, 0.30, 3.75],
    },
    ModelProfile {
        name: "gpt-5-codex",
        share: 0.35,
        effect: -0.04,
        price: [1.25, 10.0, 0.125, 1.25],
    },
    ModelProfile {
        name: "gemini-2.5-pro",
        share: 0.20,
        effect: -0.10,
        price: [1.25, 10.0, 0.31, 1.625],
    },
];

/// Success probability of an average task on the best model before any change.
pub const BASE_SUCCESS: f64 = 0.62;
/// Task difficulty shifts success uniformly within ± this.
pub const TASK_EFFECT_SPREAD: f64 = 0.18;
/// A session is "long" when it makes at least this many tool calls.
pub const LONG_SESSION_TOOL_CALLS: i64 = 15;

/// The harness and its versions.
pub const HARNESS: &str = "atlas-agent";

/// First instant of the sample period (a Monday).
pub fn period_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 8, 3, 0, 0, 0).unwrap()
}
/// Days in the sample period: eight weeks.
pub const PERIOD_DAYS: i64 = 56;

/// Who a change reaches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach {
    AllSessions,
    /// Only sessions with at least [`LONG_SESSION_TOOL_CALLS`] tool calls.
    LongSessions,
}

/// One harness change: a knob (or the harness version) moving from one value to another on
/// some slices at given instants.
pub struct Change {
    pub name: &'static str,
    /// `system_prompt_hash`, `cache_policy`, `reasoning_effort` or `harness_version`.
    pub dimension: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    /// `(slice, switch-over instant as RFC 3339)`.
    pub rollout: &'static [(&'static str, &'static str)],
    /// Effect on success probability in percentage points.
    pub effect_pp: f64,
    pub reach: Reach,
    /// Multiplier on output tokens (and so on cost).
    pub output_tokens_factor: f64,
    pub why: &'static str,
}

/// The four knob changes and the harness upgrades of the story.
pub const CHANGES: &[Change] = &[
    Change {
        name: "system prompt rewrite",
        dimension: "system_prompt_hash",
        from: "sp-4c1e9a",
        to: "sp-9f27d3",
        rollout: &[("ide", "2026-08-19T14:00:00Z")],
        effect_pp: -8.0,
        reach: Reach::AllSessions,
        output_tokens_factor: 1.0,
        why: "the new prompt drops the instruction to run the tests before finishing",
    },
    Change {
        name: "thinking eviction in the prompt cache",
        dimension: "cache_policy",
        from: "retain-all",
        to: "evict-stale-thinking",
        rollout: &[("cli", "2026-09-01T09:00:00Z")],
        effect_pp: -15.0,
        reach: Reach::LongSessions,
        output_tokens_factor: 1.0,
        why:
            "older reasoning is evicted from the cached prefix, so long sessions forget their plan",
    },
    Change {
        name: "lower default reasoning effort",
        dimension: "reasoning_effort",
        from: "high",
        to: "medium",
        rollout: &[("api", "2026-09-09T17:00:00Z")],
        effect_pp: -6.0,
        reach: Reach::AllSessions,
        output_tokens_factor: 0.6,
        why:
            "less reasoning per step: 40% fewer output tokens and cheaper sessions, but fewer fixes",
    },
    Change {
        name: "harness upgrade 2.4.0",
        dimension: "harness_version",
        from: "2.3.1",
        to: "2.4.0",
        rollout: &[
            ("cli", "2026-08-10T10:00:00Z"),
            ("ide", "2026-08-11T10:00:00Z"),
            ("api", "2026-08-12T10:00:00Z"),
        ],
        effect_pp: 0.0,
        reach: Reach::AllSessions,
        output_tokens_factor: 1.0,
        why: "a refactor of the tool runner; no behaviour change (the change with no effect)",
    },
    Change {
        name: "harness upgrade 2.5.0",
        dimension: "harness_version",
        from: "2.4.0",
        to: "2.5.0",
        rollout: &[
            ("api", "2026-09-21T10:00:00Z"),
            ("cli", "2026-09-22T10:00:00Z"),
            ("ide", "2026-09-23T10:00:00Z"),
        ],
        effect_pp: 0.0,
        reach: Reach::AllSessions,
        output_tokens_factor: 1.0,
        why: "telemetry and log-format changes only; also no effect",
    },
];

/// The harness knobs and version in force for a session of `slice` starting at `at`.
#[derive(Debug, Clone, PartialEq)]
pub struct Knobs {
    pub harness_version: &'static str,
    pub system_prompt_hash: &'static str,
    pub cache_policy: &'static str,
    pub reasoning_effort: &'static str,
    /// The changes in force, by index into [`CHANGES`].
    pub active: Vec<usize>,
}

impl Knobs {
    pub fn at(slice: &str, at: DateTime<Utc>) -> Knobs {
        let mut knobs = Knobs {
            harness_version: "2.3.1",
            system_prompt_hash: "sp-4c1e9a",
            cache_policy: "retain-all",
            reasoning_effort: "high",
            active: Vec::new(),
        };
        for (i, change) in CHANGES.iter().enumerate() {
            let live = change.rollout.iter().any(|(s, when)| {
                *s == slice
                    && at
                        >= DateTime::parse_from_rfc3339(when)
                            .expect("valid instant")
                            .with_timezone(&Utc)
            });
            if !live {
                continue;
            }
            knobs.active.push(i);
            match change.dimension {
                "harness_version" => knobs.harness_version = change.to,
                "system_prompt_hash" => knobs.system_prompt_hash = change.to,
                "cache_policy" => knobs.cache_policy = change.to,
                "reasoning_effort" => knobs.reasoning_effort = change.to,
                other => unreachable!("unknown dimension {other}"),
            }
        }
        knobs
    }

    /// Sum of the active changes' effects on success probability for a session.
    pub fn success_shift(&self, long: bool) -> f64 {
        self.active
            .iter()
            .map(|&i| &CHANGES[i])
            .filter(|c| c.reach == Reach::AllSessions || long)
            .map(|c| c.effect_pp / 100.0)
            .sum()
    }

    pub fn output_tokens_factor(&self) -> f64 {
        self.active
            .iter()
            .map(|&i| CHANGES[i].output_tokens_factor)
            .product()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn changes_reach_only_their_slice_after_their_date() {
        let before = Knobs::at("ide", t("2026-08-19T13:59:59Z"));
        let after = Knobs::at("ide", t("2026-08-19T14:00:00Z"));
        assert_eq!(before.system_prompt_hash, "sp-4c1e9a");
        assert_eq!(after.system_prompt_hash, "sp-9f27d3");
        assert_eq!(
            Knobs::at("cli", t("2026-09-27T00:00:00Z")).system_prompt_hash,
            "sp-4c1e9a"
        );
        assert_eq!(after.harness_version, "2.4.0");
    }

    #[test]
    fn the_cache_change_only_hurts_long_sessions() {
        let k = Knobs::at("cli", t("2026-09-05T00:00:00Z"));
        assert_eq!(k.success_shift(false), 0.0);
        assert!((k.success_shift(true) + 0.15).abs() < 1e-12);
    }

    #[test]
    fn the_worst_case_probability_stays_positive() {
        let worst_effects: f64 = CHANGES.iter().map(|c| c.effect_pp.min(0.0) / 100.0).sum();
        let worst_model = MODELS.iter().map(|m| m.effect).fold(0.0, f64::min);
        assert!(BASE_SUCCESS + worst_model - TASK_EFFECT_SPREAD + worst_effects > 0.0);
        const { assert!(BASE_SUCCESS + TASK_EFFECT_SPREAD < 1.0) };
    }
}
