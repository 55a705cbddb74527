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
                    && (std::io::stdout().is_terminal() || crate::wasi::stdout_is_terminal())
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
    /// Find where strangers get in, and conditions that do not do what they read as.
    ///
    /// Exit codes: 0 no finding at or above --fail-on, 1 some, 2 a file is unreadable or
    /// not a policy IAM accepts.
    Lint(LintArgs),
    /// Mint the tokens an attacker could (other org, look-alike names, sibling repo, pull
    /// request, other branch...) and show which the policy lets in.
    ///
    /// Exit codes: 0 none of high severity or worse gets in, 1 some do, 2 bad input.
    Replay(ReplayArgs),
    /// Run policy tests: tokens or claims with the decision each must get.
    ///
    /// The tests file is JSON or YAML: `[{"name", "claims": {...} | "token": "JWT",
    /// "expect": "allow"|"deny", "issuer"?, "now"?}]` (or `{"tests": [...]}`). Prints one
    /// line per test and "N passed, N failed"; exit 1 when any fails, 2 on bad input.
    Test(TestArgs),
    /// Exactly who can assume the role: the admitted tokens as cases, with an example token
    /// each, and a sentence per case. Exact for string conditions; approximations are listed.
    WhoCan(WhoCanArgs),
    /// Prove every token the policy admits meets constraints, or show one that does not.
    ///
    /// Exit codes: 0 proved, 1 a counterexample (or inconclusive), 2 bad input.
    Prove(ProveArgs),
    /// What a policy change admits and refuses, each with an example token.
    ///
    /// Exit codes: 0 no change, 1 changes, 2 bad input.
    Diff(DiffArgs),
    /// Generate a hardened trust policy and everything around it (Terraform, CloudFormation,
    /// the CI configuration, GitHub's subject customisation) from who may assume the role.
    Generate(Box<GenerateArgs>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum GenerateFormat {
    /// The trust policy JSON.
    Json,
    /// Terraform: the OIDC provider (unless --provider-arn) and the role.
    Terraform,
    /// CloudFormation YAML: the OIDC provider (unless --provider-arn) and the role.
    Cloudformation,
    /// The CI configuration that assumes the role (a GitHub workflow, .gitlab-ci.yml...).
    Workflow,
    /// The `gh api` calls that set the repositories' OIDC subject format (GitHub, layer 4
    /// or immutable subjects).
    GhSub,
    /// Layer 3's controls: CODEOWNERS, the settings as gh/glab api calls, Terrateam's
    /// access control.
    Layer3,
    /// Who can assume the role, and what is excluded, in words.
    Summary,
    /// Every output, written as files into --out DIR.
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SubScope {
    /// PUT repos/OWNER/REPO/actions/oidc/customization/sub for each repository.
    Repo,
    /// PUT orgs/ORG/actions/oidc/customization/sub, then each repository opts in.
    Org,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProviderArg {
    /// GitHub Actions (also --issuer for an enterprise's own issuer or a GHE.com host).
    Github,
    /// GitLab CI/CD (--issuer for a self-managed host).
    Gitlab,
    /// CircleCI (--repo ORG_ID/PROJECT_ID).
    Circleci,
    /// HCP Terraform (--repo ORG/[PROJECT/]WORKSPACE).
    Terraform,
    /// Bitbucket Pipelines (--repo WORKSPACE/REPO_UUID, --owner-id WORKSPACE_UUID).
    Bitbucket,
    /// Buildkite (--repo ORG/PIPELINE).
    Buildkite,
}

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// The intent as a JSON or YAML file (fields as these flags, camelCase); flags override it.
    /// With --rcp, repeatable: one intent per CI system.
    #[arg(long, value_name = "FILE")]
    pub(crate) spec: Vec<String>,
    /// Write the organisation guardrail instead of a role: a resource control policy that
    /// lets web-identity federation in only from the intents' tenants (their repositories'
    /// owners) and issuers. --format json, terraform, summary or all.
    #[arg(long)]
    pub(crate) rcp: bool,
    /// With --rcp: another issuer the organisation trusts as it is (an EKS cluster's),
    /// repeatable; every issuer not listed is denied.
    #[arg(long = "rcp-trust", value_name = "HOST", requires = "rcp")]
    pub(crate) rcp_trust: Vec<String>,
    /// The CI system (default github).
    #[arg(long, value_enum)]
    pub(crate) provider: Option<ProviderArg>,
    /// A source that may assume the role: OWNER/REPO, or the provider's form (repeatable).
    #[arg(long = "repo", value_name = "OWNER/REPO")]
    pub(crate) repos: Vec<String>,
    /// The AWS account of the role and the OIDC provider.
    #[arg(long, value_name = "ID")]
    pub(crate) account: Option<String>,
    /// The role's name (default PROVIDER-deploy).
    #[arg(long, value_name = "NAME")]
    pub(crate) role: Option<String>,
    /// An existing IAM OIDC provider's ARN (default: Terraform and CloudFormation create it).
    #[arg(long, value_name = "ARN")]
    pub(crate) provider_arn: Option<String>,
    /// The AWS region of the CI configuration (default us-east-1).
    #[arg(long, value_name = "REGION")]
    pub(crate) region: Option<String>,
    /// A branch that may (repeatable; `*` and `?` allowed).
    #[arg(long = "branch", value_name = "B")]
    pub(crate) branches: Vec<String>,
    /// A tag pattern that may (repeatable).
    #[arg(long = "tag", value_name = "GLOB")]
    pub(crate) tags: Vec<String>,
    /// A deployment environment that may (repeatable; Bitbucket: its UUID).
    #[arg(long = "environment", value_name = "E")]
    pub(crate) environments: Vec<String>,
    /// HCP Terraform: a run phase that may, plan or apply (repeatable; default apply).
    #[arg(long = "phase", value_name = "PHASE")]
    pub(crate) phases: Vec<String>,
    /// Let pull-request runs in (they run unreviewed code).
    #[arg(long)]
    pub(crate) pull_requests: bool,
    /// Let any ref, environment or event in.
    #[arg(long)]
    pub(crate) any_ref: bool,
    /// Layer 1: the workflow file and ref, PATH@REF.
    #[arg(long, value_name = "PATH@REF")]
    pub(crate) workflow: Option<String>,
    /// Layer 2: the workflow's name (the `workflow` claim).
    #[arg(long, value_name = "NAME")]
    pub(crate) workflow_name: Option<String>,
    /// Layer 2: an actor who may trigger it (repeatable).
    #[arg(long = "actor", value_name = "LOGIN")]
    pub(crate) actors: Vec<String>,
    /// Hardening layers to apply (repeatable): 1 needs --workflow, 2 --actor or
    /// --workflow-name, 3 protects the CI configuration (needs --code-owner on GitHub),
    /// 4 customises the subject.
    #[arg(long = "layer", value_name = "1|2|3|4")]
    pub(crate) layers: Vec<u8>,
    /// Layer 3: who must review changes to the workflow files, @ORG/TEAM or @USER
    /// (repeatable; written to CODEOWNERS).
    #[arg(long = "code-owner", value_name = "@OWNER")]
    pub(crate) code_owners: Vec<String>,
    /// Layer 3: a required reviewer of each environment (repeatable, at most six; GitHub
    /// ORG/TEAM or USER).
    #[arg(long = "reviewer", value_name = "TEAM|USER")]
    pub(crate) reviewers: Vec<String>,
    /// Layer 3: administrators may not bypass the environments' protection.
    #[arg(long)]
    pub(crate) no_admin_bypass: bool,
    /// Layer 3 with Terrateam: the team (slug) that alone may change the CI configuration.
    #[arg(long, value_name = "SLUG")]
    pub(crate) terrateam_team: Option<String>,
    /// Layer 4: a customised subject (repo, context, job_workflow_ref); same as --layer 4.
    #[arg(long)]
    pub(crate) custom_subject: bool,
    /// Layer 4: a claim key of the customised subject, in order (repeatable; keep repo and
    /// context, e.g. --sub-key repo --sub-key context --sub-key runner_environment).
    #[arg(long = "sub-key", value_name = "KEY")]
    pub(crate) sub_keys: Vec<String>,
    /// Layer 4: the value of a subject key, KEY=VALUE (repeatable; e.g.
    /// runner_environment=github-hosted).
    #[arg(long = "sub-value", value_name = "KEY=VALUE")]
    pub(crate) sub_values: Vec<String>,
    /// Where gh-sub sets the subject format: each repository, or the organisation's
    /// template (repositories then opt in).
    #[arg(long, value_enum)]
    pub(crate) sub_scope: Option<SubScope>,
    /// Use immutable subjects; needs --owner-id and --repo-id per repository.
    #[arg(long)]
    pub(crate) immutable_subject: bool,
    /// The owner's immutable id, per --repo in order (repeatable).
    #[arg(long = "owner-id", value_name = "ID")]
    pub(crate) owner_ids: Vec<String>,
    /// The source's immutable id, per --repo in order (repeatable).
    #[arg(long = "repo-id", value_name = "ID")]
    pub(crate) repo_ids: Vec<String>,
    /// The issuer (an enterprise's own, a GHE.com host, a self-managed GitLab).
    #[arg(long, value_name = "HOST")]
    pub(crate) issuer: Option<String>,
    /// The audience (default per provider).
    #[arg(long, value_name = "AUD")]
    pub(crate) audience: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GenerateFormat::Json)]
    pub(crate) format: GenerateFormat,
    /// With --format all: the folder to write into (created if missing).
    #[arg(long, value_name = "DIR")]
    pub(crate) out: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct WhoCanArgs {
    /// The trust policy: a JSON file, or any file or Terraform module that holds it.
    #[arg(value_name = "POLICY")]
    pub(crate) policy: String,
    /// Only this issuer (default: every OIDC issuer the policy trusts).
    #[arg(long, value_name = "HOST")]
    pub(crate) issuer: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// With a file that holds several trust policies (Terraform, CloudFormation, a plan):
    /// the one to use, by resource address or logical id.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) resource: Option<String>,
    #[command(flatten)]
    pub(crate) terraform: TerraformArgs,
    #[command(flatten)]
    pub(crate) guardrails: GuardrailArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ProveArgs {
    /// The trust policy: a JSON file, or any file or Terraform module that holds it.
    #[arg(value_name = "POLICY")]
    pub(crate) policy: String,
    /// A constraint every admitted token must meet: CLAIM=GLOB (`*`, `?`), repeatable.
    #[arg(long = "only", value_name = "CLAIM=GLOB", required = true)]
    pub(crate) only: Vec<String>,
    /// The issuer (default: the one OIDC issuer the policy trusts).
    #[arg(long, value_name = "HOST")]
    pub(crate) issuer: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// With a file that holds several trust policies (Terraform, CloudFormation, a plan):
    /// the one to use, by resource address or logical id.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) resource: Option<String>,
    #[command(flatten)]
    pub(crate) terraform: TerraformArgs,
    #[command(flatten)]
    pub(crate) guardrails: GuardrailArgs,
}

#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The policy before the change.
    #[arg(value_name = "OLD")]
    pub(crate) old: String,
    /// The policy after the change.
    #[arg(value_name = "NEW")]
    pub(crate) new: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// With a file that holds several trust policies (Terraform, CloudFormation, a plan):
    /// the one to use, by resource address or logical id.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) resource: Option<String>,
    #[command(flatten)]
    pub(crate) terraform: TerraformArgs,
    #[command(flatten)]
    pub(crate) guardrails: GuardrailArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LintFormat {
    Text,
    Json,
    Sarif,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    Critical,
    High,
    Medium,
    Low,
    Info,
    Never,
}

impl FailOn {
    /// The least severity that fails the run (`never`: above critical).
    pub(crate) fn fails(self, s: oidc_trust::FindingSeverity) -> bool {
        use oidc_trust::FindingSeverity as F;
        let bar = match self {
            FailOn::Critical => F::Critical,
            FailOn::High => F::High,
            FailOn::Medium => F::Medium,
            FailOn::Low => F::Low,
            FailOn::Info => F::Info,
            FailOn::Never => return false,
        };
        s >= bar
    }
}

/// Organisation guardrails evaluated with the trust policy.
#[derive(Debug, Args)]
pub(crate) struct GuardrailArgs {
    /// A resource control policy applying to the role (repeatable): its JSON, `aws
    /// organizations describe-policy` output, a Terraform plan or state, or `.tf` source
    /// with an `aws_organizations_policy` of type RESOURCE_CONTROL_POLICY.
    #[arg(long = "rcp", value_name = "FILE")]
    pub(crate) rcps: Vec<String>,
    /// The ARN of the role (for RCPs whose `Resource` names particular roles).
    #[arg(long = "role-arn", value_name = "ARN")]
    pub(crate) role_arn: Option<String>,
}

/// Values for Terraform source's input variables.
#[derive(Debug, Args)]
pub(crate) struct TerraformArgs {
    /// A Terraform variable's value, NAME=VALUE (repeatable; a list or object in HCL:
    /// 'repos=["acme/api"]'). Wins over tfvars files.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub(crate) vars: Vec<String>,
    /// A tfvars file (repeatable), read after `terraform.tfvars` and `*.auto.tfvars`.
    #[arg(long = "var-file", value_name = "FILE")]
    pub(crate) var_files: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct LintArgs {
    /// Where the policies are: files (policy JSON, Terraform `.tf`/`.tf.json`, plans and
    /// states, CloudFormation/SAM/CDK templates, account details; `-` for standard input)
    /// and directories, walked as git sees them. Default: the current directory.
    #[arg(value_name = "PATH")]
    pub(crate) files: Vec<String>,
    /// Leave out paths matching this glob, relative to the directory walked (repeatable).
    #[arg(long, value_name = "GLOB")]
    pub(crate) exclude: Vec<String>,
    /// Pass over named files that hold no trust policy, as a directory walk does (for
    /// pre-commit, or `git diff --name-only`): without it, a named file must be one.
    #[arg(long)]
    pub(crate) skip_unrelated: bool,
    #[command(flatten)]
    pub(crate) terraform: TerraformArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = LintFormat::Text)]
    pub(crate) format: LintFormat,
    /// Exit with 1 when a finding is at least this severe.
    #[arg(long, value_enum, default_value_t = FailOn::High)]
    pub(crate) fail_on: FailOn,
    /// The account that should own the OIDC provider; providers of other accounts are flagged.
    #[arg(long, value_name = "ID")]
    pub(crate) account: Option<String>,
    /// The condition-key catalog (2026-08 or 2023-06).
    #[arg(long, value_name = "VERSION", default_value = "2026-08")]
    pub(crate) catalog: String,
    #[command(flatten)]
    pub(crate) guardrails: GuardrailArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    /// The trust policy: a JSON file, or any file or Terraform module that holds it (`-`
    /// for standard input).
    #[arg(value_name = "POLICY")]
    pub(crate) policy: String,
    /// The identity that should get in: a claims file, a token file or the JWT itself.
    /// Default: read off the policy.
    #[arg(long, value_name = "FILE|JWT")]
    pub(crate) intended: Option<String>,
    /// Include the full evaluation trace of every attacker token that gets in.
    #[arg(long)]
    pub(crate) trace: bool,
    /// The JSON trace format (1 is deprecated and goes in the next minor release).
    #[arg(long, value_enum, value_name = "N", default_value_t = TraceVersion::V2, hide_possible_values = true)]
    pub(crate) trace_version: TraceVersion,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub(crate) format: Format,
    /// With a file that holds several trust policies (Terraform, CloudFormation, a plan):
    /// the one to use, by resource address or logical id.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) resource: Option<String>,
    #[command(flatten)]
    pub(crate) terraform: TerraformArgs,
    #[command(flatten)]
    pub(crate) guardrails: GuardrailArgs,
}

#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// The trust policy: a JSON file, or any file or Terraform module that holds it.
    #[arg(value_name = "POLICY")]
    pub(crate) policy: String,
    /// The tests file (JSON or YAML).
    #[arg(value_name = "TESTS")]
    pub(crate) tests: String,
    /// With a file that holds several trust policies (Terraform, CloudFormation, a plan):
    /// the one to use, by resource address or logical id.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) resource: Option<String>,
    #[command(flatten)]
    pub(crate) terraform: TerraformArgs,
    #[command(flatten)]
    pub(crate) guardrails: GuardrailArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

/// The JSON trace format: 2 (current) or 1 (deprecated, kept for one minor release).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TraceVersion {
    /// Format v1: every location written in full, in every trace.
    #[value(name = "1")]
    V1,
    /// Format v2: locations by index into the trace's `locations` table (docs/trace.md).
    #[value(name = "2")]
    V2,
}

impl TraceVersion {
    /// An evaluation as JSON in this format (v2 self-contained: its `locations` inlined),
    /// to embed in another JSON value.
    pub(crate) fn json(self, e: &oidc_trust::Evaluation) -> serde_json::Value {
        let value = match self {
            TraceVersion::V1 => serde_json::to_value(e.v1()),
            TraceVersion::V2 => serde_json::to_value(e.one_shot()),
        };
        value.unwrap_or_default()
    }

    /// An evaluation as indented JSON text in this format, its fields in the documented
    /// order (a `serde_json::Value` would sort them).
    pub(crate) fn pretty(self, e: &oidc_trust::Evaluation) -> String {
        let text = match self {
            TraceVersion::V1 => serde_json::to_string_pretty(&e.v1()),
            TraceVersion::V2 => serde_json::to_string_pretty(&e.one_shot()),
        };
        text.unwrap_or_default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Expect {
    Allow,
    Deny,
}

#[derive(Debug, Args)]
pub(crate) struct EvalArgs {
    /// The trust policy: a JSON file, any file or Terraform module that holds it (a `.tf`,
    /// a plan, a template), or `-` for standard input.
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
    /// The JSON trace format (1 is deprecated and goes in the next minor release).
    #[arg(long, value_enum, value_name = "N", default_value_t = TraceVersion::V2, hide_possible_values = true)]
    pub(crate) trace_version: TraceVersion,
    /// With a file that holds several trust policies (Terraform, CloudFormation, a plan):
    /// the one to use, by resource address or logical id.
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) resource: Option<String>,
    #[command(flatten)]
    pub(crate) terraform: TerraformArgs,
    #[command(flatten)]
    pub(crate) guardrails: GuardrailArgs,
}
