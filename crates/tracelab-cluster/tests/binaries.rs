//! The two binaries start and explain themselves (this test also makes `cargo test
//! --workspace` build them for the cluster tests in `tests/`).

use std::process::Command;

#[test]
fn scheduler_and_executor_print_their_help() {
    for bin in [
        env!("CARGO_BIN_EXE_tracelab-scheduler"),
        env!("CARGO_BIN_EXE_tracelab-executor"),
    ] {
        let out = Command::new(bin).arg("--help").output().unwrap();
        assert!(out.status.success(), "{bin} --help failed");
        assert!(String::from_utf8_lossy(&out.stdout).contains("--port"));
    }
}
