//! A tiny harness for the end-to-end tests: run the built `tracelab` binary and read what it
//! printed, and find the shared fixtures.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The committed sample archive.
pub fn sample_archive() -> PathBuf {
    repo_root().join("sample-data/archive")
}

/// The `tracelab` binary built beside this test (cargo builds it for the CLI crate's own
/// integration tests in the same `cargo test --workspace`).
pub fn tracelab_bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = dir.join(format!("tracelab{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build --workspace` first",
        bin.display()
    );
    bin
}

/// What a finished `tracelab` run printed.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

/// Runs `tracelab ARGS...` to completion.
pub fn tracelab(args: &[&str]) -> Run {
    Command::new(tracelab_bin())
        .args(args)
        .output()
        .unwrap()
        .into()
}

/// Runs `tracelab ARGS...`, asserting success, and parses its standard output as JSON.
pub fn tracelab_json(args: &[&str]) -> serde_json::Value {
    let run = tracelab(args);
    assert_eq!(run.code, 0, "tracelab {args:?} failed: {}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", run.stdout))
}
