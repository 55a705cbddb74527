//! What the CLI test binaries share: running `oidc-trust` from the repository root, as a
//! user would, without colour.
#![allow(dead_code, reason = "each test binary uses a part")]

use std::process::{Command, Output};

/// Runs the built `oidc-trust` with `args` from the repository root.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_oidc-trust"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("oidc-trust runs")
}

/// Output bytes as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A run's standard output as text.
pub fn stdout(o: &Output) -> String {
    text(&o.stdout)
}
