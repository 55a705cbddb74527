//! `oidc-trust`: evaluate AWS IAM trust policies against CI OIDC tokens from a terminal
//! or a pipeline. This binary parses arguments, reads files and prints; every IAM
//! decision is made by the `oidc-trust` core crate.

mod analyze;
mod args;
mod batch;
mod eval;
mod generate;
mod guardrails;
mod input;
mod lint;
mod linted;
mod policies;
mod policy_test;
mod render;
mod replay;
mod reports;
mod wasi;
mod yaml;

use std::io::Write;
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
    wasi::enter_working_directory();
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
    // Every command writes through one locked standard output (line-buffered, so output
    // and stderr warnings interleave as they happen) and returns its write errors instead
    // of panicking.
    let mut out = std::io::stdout().lock();
    let result = match &cli.command {
        args::Command::Eval(a) if a.batch => batch::run(a, &mut out),
        args::Command::Eval(a) => eval::run(a, &style, &mut out),
        args::Command::Lint(a) => lint::run(a, &style, &mut out),
        args::Command::Replay(a) => replay::run(a, &style, &mut out),
        args::Command::Test(a) => policy_test::run(a, &style, &mut out),
        args::Command::WhoCan(a) => analyze::who_can(a, &style, &mut out),
        args::Command::Prove(a) => analyze::prove(a, &style, &mut out),
        args::Command::Diff(a) => analyze::diff(a, &style, &mut out),
        args::Command::Generate(a) => generate::run(a, &style, &mut out),
    };
    let result = result.and_then(|exit| out.flush().map(|()| exit));
    match result {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(e) => closed_or_failed(&e),
    }
}

/// Standard output failed. A reader that went away (`oidc-trust lint . | head`) ends the
/// command quietly, as a Unix tool killed by SIGPIPE would (128 + 13); any other write
/// error is reported.
fn closed_or_failed(e: &(dyn std::error::Error + 'static)) -> ExitCode {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::BrokenPipe {
                return ExitCode::from(141);
            }
        }
        cause = c.source();
    }
    let why = match e.downcast_ref::<std::io::Error>() {
        Some(io) => input::why(io),
        None => e.to_string(),
    };
    eprintln!("error: cannot write the output: {why}");
    ExitCode::from(Exit::BadInput as u8)
}
