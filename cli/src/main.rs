//! `oidc-trust`: evaluate AWS IAM trust policies against CI OIDC tokens from a terminal
//! or a pipeline. This binary parses arguments, reads files and prints; every IAM
//! decision is made by the `oidc-trust` core crate.

mod analyze;
mod args;
mod batch;
mod eval;
mod generate;
mod input;
mod lint;
mod policy_test;
mod render;
mod replay;
mod yaml;

use std::process::ExitCode;

use clap::Parser;

/// The process exit codes, as documented in `oidc-trust eval --help`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Evaluated (and the expectation, if any, was met).
    Ok = 0,
    /// Evaluated, but the decision is not the one `--expect` asked for.
    ExpectationFailed = 1,
    /// Bad input or usage.
    BadInput = 2,
}

fn main() -> ExitCode {
    // `oidc-trust lint ... | head` closes stdout early; Rust's print macros then panic.
    // Exit quietly as a SIGPIPE'd Unix tool would (128 + 13) instead of printing a panic.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.to_string().contains("Broken pipe") {
            std::process::exit(141);
        }
        default_hook(info);
    }));
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                Exit::BadInput as u8
            } else {
                Exit::Ok as u8
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let style = cli.style();
    let exit = match &cli.command {
        args::Command::Eval(a) => eval::run(a, &style),
        args::Command::Lint(a) => lint::run(a, &style),
        args::Command::Replay(a) => replay::run(a, &style),
        args::Command::Test(a) => policy_test::run(a, &style),
        args::Command::WhoCan(a) => analyze::who_can(a, &style),
        args::Command::Prove(a) => analyze::prove(a, &style),
        args::Command::Diff(a) => analyze::diff(a, &style),
        args::Command::Generate(a) => generate::run(a, &style),
    };
    ExitCode::from(exit as u8)
}
