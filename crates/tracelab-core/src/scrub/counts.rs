//! How many values of each kind a scrub redacted: the figures an export report shows.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Redactions per kind, in kind order. Serialises as a plain map, `{"email": 3, "jwt": 1}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Counts {
    /// Kind (as in `[REDACTED:<kind>]`) to the number of values redacted as that kind.
    pub per_kind: BTreeMap<String, u64>,
}

impl Counts {
    /// Counts one redaction of `kind`.
    pub fn record(&mut self, kind: &str) {
        // Look up before inserting so a kind seen before costs no allocation.
        match self.per_kind.get_mut(kind) {
            Some(n) => *n += 1,
            None => {
                self.per_kind.insert(kind.to_owned(), 1);
            }
        }
    }

    /// Redactions of `kind`; 0 for a kind never seen.
    pub fn get(&self, kind: &str) -> u64 {
        self.per_kind.get(kind).copied().unwrap_or(0)
    }

    /// Adds `other`'s counts to these, kind by kind (for summing per-thread or per-file counts).
    pub fn merge(&mut self, other: &Counts) {
        for (kind, n) in &other.per_kind {
            *self.per_kind.entry(kind.clone()).or_insert(0) += n;
        }
    }

    /// Redactions of every kind together.
    pub fn total(&self) -> u64 {
        self.per_kind.values().sum()
    }

    /// True when nothing was redacted.
    pub fn is_empty(&self) -> bool {
        self.per_kind.is_empty()
    }

    /// Each kind with its count, in kind order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, u64)> {
        self.per_kind.iter().map(|(kind, &n)| (kind.as_str(), n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_merges_and_totals_per_kind() {
        let mut a = Counts::default();
        assert!(a.is_empty());
        a.record("email");
        a.record("email");
        a.record("jwt");
        let mut b = Counts::default();
        b.record("email");
        b.record("github_token");
        a.merge(&b);
        assert_eq!(a.get("email"), 3);
        assert_eq!(a.get("jwt"), 1);
        assert_eq!(a.get("github_token"), 1);
        assert_eq!(a.get("openai_key"), 0);
        assert_eq!(a.total(), 5);
        assert_eq!(
            a.iter().collect::<Vec<_>>(),
            [("email", 3), ("github_token", 1), ("jwt", 1)]
        );
    }

    #[test]
    fn is_a_plain_map_on_the_wire() {
        // `transparent` applies to both derives; reading proves the shape without a JSON
        // dependency here.
        let counts: Counts = toml::from_str("email = 2\njwt = 1\n").unwrap();
        assert_eq!(counts.get("email"), 2);
        assert_eq!(counts.total(), 3);
    }
}
