//! Numbers and tables for people reading a terminal.

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A share as a percentage with one decimal.
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "-".into();
    }
    format!("{:.1}%", 100.0 * part as f64 / whole as f64)
}

/// A number with `decimals` decimals, or `–` when there is none (never `NaN`).
pub fn num(x: Option<f64>, decimals: usize) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "–".into(),
    }
}

/// A p-value: four decimals, or `<0.0001` (never `0.0000`, which would claim certainty).
pub fn p_value(p: Option<f64>) -> String {
    match p {
        Some(v) if v.is_finite() && v < 0.0001 => "<0.0001".into(),
        other => num(other, 4),
    }
}

/// `p = 0.0123` or `p < 0.0001`, for sentences.
pub fn p_clause(p: Option<f64>) -> String {
    let v = p_value(p);
    match v.strip_prefix('<') {
        Some(rest) => format!("p < {rest}"),
        None => format!("p = {v}"),
    }
}

/// Trace text made safe for a terminal: control characters (ANSI escapes included) are
/// shown as `\u{..}` instead of being interpreted. Newlines and tabs are kept.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if c.is_control() => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// [`printable`], on one line: newlines and tabs become spaces.
pub fn printable_line(text: &str) -> String {
    printable(&text.replace(['\n', '\t', '\r'], " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
