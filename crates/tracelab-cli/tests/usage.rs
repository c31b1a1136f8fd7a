//! The binary's own contract with the shell: help on every verb, exit code 2 on bad usage.
//! (Also makes `cargo test --workspace` build the `tracelab` binary that `tests/` drives.)

use std::process::Command;

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tracelab"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn top_level_help_lists_the_verbs() {
    let (code, text) = run(&["--help"]);
    assert_eq!(code, 0);
    for verb in ["import", "export", "info", "gen-sample"] {
        assert!(text.contains(verb), "{verb} missing from:\n{text}");
    }
}

#[test]
fn unknown_flags_are_bad_usage() {
    assert_eq!(run(&["info", "--no-such-flag", "x"]).0, 2);
}
