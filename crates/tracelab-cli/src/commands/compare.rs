use std::path::PathBuf;

use anyhow::{Context, Result};
use tracelab_core::diagnose::{self, report::Report, Comparison};

use crate::engine::EngineArgs;
use crate::text::{num, p_clause, p_value, printable_line, thousands};

#[derive(clap::Args)]
pub struct Args {
    /// The archive: a folder, or an s3://, gs://, az:// or file:// URL of one.
    archive: String,
    /// Cohort A (the baseline), as a filter: "slice=ide started<2026-08-19".
    #[arg(long, value_name = "FILTER")]
    a: String,
    /// Cohort B, compared against A (differences are B − A).
    #[arg(long, value_name = "FILTER")]
    b: String,
    /// Print {"a": {"sessions", "success_rate", "ci_low", "ci_high"}, "b": {...}, "difference_pp", "ci_low_pp", "ci_high_pp", "p_value", "paired", "metrics"}.
    #[arg(long)]
    json: bool,
    /// Also write a self-contained HTML report to this file.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
}

pub fn run(args: Args) -> Result<()> {
    let comparison = args.engine.run(&args.archive, |engine| async move {
        diagnose::compare(&engine, &args.a, &args.b).await
    })?;
    if let Some(path) = &args.html {
        let html = Report {
            title: "Cohort comparison".into(),
            archive: args.archive.clone(),
            comparison: Some(&comparison),
            ..Report::default()
        }
        .html();
        std::fs::write(path, html).with_context(|| format!("{}: cannot write", path.display()))?;
    }
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&comparison)?)?;
    } else {
        out!("{}", render(&comparison))?;
    }
    Ok(())
}

fn render(c: &Comparison) -> String {
    let pct = |x: Option<f64>| num(x.map(|v| 100.0 * v), 1);
    let mut out = format!(
        "{:<3}{:>10} {:>13} {:>9}  {:<18} filter\n",
        "", "sessions", "with outcome", "success", "95% interval"
    );
    for (name, r) in [("A", &c.a), ("B", &c.b)] {
        out.push_str(&format!(
            "{name:<3}{:>10} {:>13} {:>8}%  [{:>5}%, {:>5}%]   {}\n",
            thousands(r.sessions),
            thousands(r.with_outcome),
            pct(r.success_rate),
            pct(r.ci_low),
            pct(r.ci_high),
            printable_line(&r.filter)
        ));
    }
    out.push_str(&format!(
        "\nB − A: {} pp [{}, {}] (95% Newcombe), {} ({}), Holm-adjusted {}\n",
        num(c.difference_pp, 1),
        num(c.ci_low_pp, 1),
        num(c.ci_high_pp, 1),
        p_clause(c.p_value),
        c.test.unwrap_or("no test"),
        p_clause(c.p_value_holm)
    ));
    match &c.paired {
        Some(p) => out.push_str(&format!(
            "Paired on {} shared tasks: solved only in A {}, only in B {}, McNemar {} ({}); mean per-task difference {} pp [{}, {}]\n",
            thousands(p.shared_tasks), thousands(p.solved_in_a_only), thousands(p.solved_in_b_only), p_clause(Some(p.mcnemar_p)), p.mcnemar_test,
            num(p.mean_difference_pp, 1), num(p.ci_low_pp, 1), num(p.ci_high_pp, 1)
        )),
        None => out.push_str("Paired: the cohorts share no task\n"),
    }
    out.push_str(&format!(
        "\n{:<24}{:>12}{:>12}{:>12}  {:<26}{:>10}\n",
        "metric (median)", "A", "B", "B − A", "95% interval", "p (Holm)"
    ));
    for m in &c.metrics {
        // Decimals that suit the unit: whole tokens, cents and below for cost.
        let d = match m.unit {
            "tokens" => 0,
            "USD" => 4,
            "fraction" => 3,
            _ => 1,
        };
        out.push_str(&format!(
            "{:<24}{:>12}{:>12}{:>12}  {:<26}{:>10}\n",
            format!("{} ({})", m.metric, m.unit),
            num(m.a.median, d),
            num(m.b.median, d),
            num(m.difference, d),
            format!("[{}, {}]", num(m.ci_low, d), num(m.ci_high, d)),
            p_value(m.p_value_holm)
        ));
    }
    for note in &c.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out
}
