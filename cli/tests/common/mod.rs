//! What the CLI test binaries share: running `oidc-trust` from the repository root, as a
//! user would, without colour.
//!
//! `OIDC_TRUST_BIN` runs them against another build of the same CLI: the test command
//! points it at the WASI build run by Node (`npx oidc-trust`), so the one suite checks both.
#![allow(dead_code, reason = "each test binary uses a part")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The CLI under test: this crate's binary, or the one `OIDC_TRUST_BIN` names.
pub fn bin() -> Command {
    match std::env::var_os("OIDC_TRUST_BIN") {
        Some(path) if !path.is_empty() => Command::new(path),
        _ => Command::new(env!("CARGO_BIN_EXE_oidc-trust")),
    }
}

/// Runs the built `oidc-trust` with `args` from the repository root.
pub fn run(args: &[&str]) -> Output {
    bin()
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("oidc-trust runs")
}

/// Runs `oidc-trust` with `args` in `dir`.
pub fn run_in(dir: &std::path::Path, args: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("oidc-trust runs")
}

/// Runs `oidc-trust` with `args` and `input` on its standard input.
pub fn run_stdin(args: &[&str], input: &str) -> Output {
    let mut child = bin()
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("oidc-trust runs");
    if let Some(mut stdin) = child.stdin.take() {
        // A command that stops reading early closes the pipe: not this test's failure.
        let _ = stdin.write_all(input.as_bytes());
    }
    child.wait_with_output().expect("oidc-trust finishes")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A run's standard output as text.
pub fn stdout(o: &Output) -> String {
    text(&o.stdout)
}
