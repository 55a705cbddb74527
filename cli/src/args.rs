//! Command-line arguments.

use std::io::IsTerminal;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::Style;

/// Evaluate AWS IAM role trust policies against CI OIDC tokens, with AWS's semantics and a
/// trace of every statement and condition.
#[derive(Debug, Parser)]
#[command(name = "oidc-trust", version, about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    /// When to colour text output (`NO_COLOR` is respected by `auto`).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub(crate) color: ColorChoice,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl Cli {
    pub(crate) fn style(&self) -> Style {
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        };
        Style { color }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Does this policy let this token assume the role? Prints the decision and why.
    ///
    /// Exit codes: 0 evaluated (and --expect met), 1 --expect not met, 2 bad input or usage.
    Eval(EvalArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Expect {
    Allow,
    Deny,
}

#[derive(Debug, Args)]
pub(crate) struct EvalArgs {
    /// The trust policy: a JSON file, or `-` for standard input.
    #[arg(long, value_name = "FILE", required_unless_present = "batch")]
    pub(crate) policy: Option<String>,
    /// The token's claims: a JSON file (or a file holding a raw JWT), or `-`.
    #[arg(long, value_name = "FILE", conflicts_with = "token", required_unless_present_any = ["token", "batch"])]
    pub(crate) claims: Option<String>,
    /// The token: a file holding a raw JWT, the JWT itself, or `-`. Decoded, not verified.
    #[arg(long, value_name = "FILE|JWT")]
    pub(crate) token: Option<String>,
    /// The issuer (host with optional path; `https://` is stripped). Default: the `iss` claim.
    #[arg(long, value_name = "HOST")]
    pub(crate) issuer: Option<String>,
    /// The AWS account of the OIDC provider. Default: the account in the policy's principal.
    #[arg(long, value_name = "ID")]
    pub(crate) account: Option<String>,
    /// The action to evaluate.
    #[arg(long, value_name = "ACTION", default_value = oidc_trust::DEFAULT_ACTION)]
    pub(crate) action: String,
    /// The evaluation time (epoch seconds or ISO 8601): checks exp/nbf and sets aws:CurrentTime.
    #[arg(long, value_name = "TIME")]
    pub(crate) now: Option<String>,
    /// Treat every claim as a condition key, not only those AWS exposes (what-if).
    #[arg(long)]
    pub(crate) all_claims_are_keys: bool,
    /// An extra request-context key, e.g. aws:SourceIp=203.0.113.7 (repeatable; `,` separates values).
    #[arg(long = "context", value_name = "KEY=VALUE")]
    pub(crate) context: Vec<String>,
    /// The condition-key catalog: which claims AWS exposes as keys (2026-08 or 2023-06).
    #[arg(long, value_name = "VERSION", default_value = "2026-08")]
    pub(crate) catalog: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// Exit with 1 unless the decision is this.
    #[arg(long, value_enum)]
    pub(crate) expect: Option<Expect>,
    /// Read JSON lines from standard input, one evaluation per line, and write one JSON line per input line.
    #[arg(long, conflicts_with_all = ["policy", "claims", "token", "expect"])]
    pub(crate) batch: bool,
    /// With --batch: include the full trace in every output line.
    #[arg(long, requires = "batch")]
    pub(crate) trace: bool,
}
