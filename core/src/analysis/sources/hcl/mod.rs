//! Trust policies in Terraform source (`.tf`, `.tf.json`), read without Terraform.
//!
//! A Terraform module is a directory: every `.tf` and `.tf.json` file in it, with its
//! variables' values from defaults, `terraform.tfvars`, `*.auto.tfvars` and the faces'
//! `--var-file`/`--var`. The reader finds each trust policy the module would create:
//!
//! - `aws_iam_role.assume_role_policy` written as `jsonencode({...})`, a heredoc or quoted
//!   JSON string, `file(...)`/`templatefile(...)`, or `data.aws_iam_policy_document.N.json`
//!   (`for_each` and `count` expanded when they are known);
//! - `data "aws_iam_policy_document"` blocks no role uses, when they are trust policies,
//!   rendered as the AWS provider renders them ([`document`]);
//! - calls of the registry modules people build OIDC roles with ([`modules`]), and of
//!   local modules (`source = "./..."`), read with the call's arguments.
//!
//! Values are evaluated where they are static ([`eval`]); what is known only after apply
//! becomes an opaque `<what>` value and an `unresolved-value` finding, as CloudFormation
//! intrinsics do, so `repo:${var.org}/*` is still seen as organisation-wide. The core reads
//! no file itself: the face hands it a [`Files`].

mod document;
mod emit;
mod eval;
mod functions;
mod modules;
mod syntax;
mod value;

use super::{Embedded, FileIndex, FoundPolicy, STAND_IN_ACCOUNT};
use crate::text::diagnostic::{Diagnostic, Reporter, Severity as DiagnosticSeverity};
use crate::text::source::LineIndex;

use super::Mapping;
use eval::{join_path, Ctx, Scope, SourceFile};
use syntax::{At, Block, Body, Expr, Syntax};
use value::{sort_by_text, Kind, Val};

/// Where the reader gets files from: the faces implement it (the CLI over the file
/// system, the npm package and the playground over the texts they were given). Paths are
/// `/`-separated and relative to where the face started (`.` is that directory).
pub trait Files {
    /// The text of the file at `path`, if there is one and it is UTF-8 text.
    fn read(&self, path: &str) -> Option<String>;
    /// The names (not paths) of the files in directory `dir`.
    fn list(&self, dir: &str) -> Vec<String>;
}

/// Values for a module's input variables, as a face collects them.
#[derive(Debug, Clone, Default)]
pub struct TerraformOptions {
    /// `--var-file` paths, in order (each wins over the ones before, and over the module's
    /// `terraform.tfvars` and `*.auto.tfvars`).
    pub var_files: Vec<String>,
    /// `--var NAME=VALUE`, in order (they win over every file). A value that starts with
    /// `[` or `{` is read as an HCL expression, anything else as a string, as Terraform
    /// reads `-var`.
    pub vars: Vec<(String, String)>,
}

/// What reading a Terraform module found.
#[derive(Debug, Clone, Default)]
pub struct TerraformRead {
    /// The trust policies, in source order: each names its resource address and the file
    /// it is written in.
    pub policies: Vec<FoundPolicy>,
    /// The resource control policies (`aws_organizations_policy` of type
    /// `RESOURCE_CONTROL_POLICY`), read alike: parse them with [`crate::parse_rcp`].
    pub rcps: Vec<FoundPolicy>,
    /// Problems, each with the file it is located in: a file that is not HCL (with its
    /// line and column), a bad `--var`, a module oidc-trust does not model.
    pub diagnostics: Vec<(String, Diagnostic)>,
    /// The files read, module files first.
    pub files: Vec<String>,
}

/// Files larger than this are refused (no Terraform file is).
pub const MAX_TF_BYTES: usize = 4 * 1024 * 1024;

/// How deep local modules may call local modules.
const MAX_MODULE_DEPTH: usize = 8;

/// More instances than this (`count = 1000000`) are cut off.
const MAX_INSTANCES: usize = 256;

/// Whether `name` is a Terraform source file.
pub fn is_terraform_file(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

fn is_tfvars(name: &str) -> bool {
    name.ends_with(".tfvars") || name.ends_with(".tfvars.json")
}

/// Reads the Terraform module in directory `dir`: every trust policy it renders, each with
/// its resource address, its file and the way back from the policy to the HCL.
///
/// ```
/// use oidc_trust::{lint, read_terraform, Files, LintOptions, TerraformOptions};
///
/// /// A module in memory (a face reads the disk).
/// struct Module(Vec<(&'static str, &'static str)>);
/// impl Files for Module {
///     fn read(&self, path: &str) -> Option<String> {
///         let path = path.trim_start_matches("./");
///         self.0.iter().find(|(p, _)| *p == path).map(|(_, t)| t.to_string())
///     }
///     fn list(&self, _dir: &str) -> Vec<String> {
///         self.0.iter().map(|(p, _)| p.to_string()).collect()
///     }
/// }
///
/// let module = Module(vec![
///     ("variables.tf", r#"variable "org" { default = "acme" }"#),
///     ("main.tf", r#"
/// resource "aws_iam_role" "deploy" {
///   assume_role_policy = jsonencode({
///     Version = "2012-10-17"
///     Statement = [{
///       Effect    = "Allow"
///       Action    = "sts:AssumeRoleWithWebIdentity"
///       Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
///       Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:${var.org}/*" } }
///     }]
///   })
/// }"#),
/// ]);
/// let read = read_terraform(".", &module, &TerraformOptions::default());
/// let role = &read.policies[0];
/// assert_eq!(role.resource.as_deref(), Some("aws_iam_role.deploy"));
/// assert!(role.text.contains(r#""repo:acme/*""#));
/// // Findings point into main.tf.
/// let report = role.lint(&LintOptions::default());
/// let wide = report.findings.iter().find(|f| f.code == "admits-sibling-repo").unwrap(); // ok: a doc example on a literal input
/// assert_eq!(wide.location.span.unwrap().start.line, 9); // ok: a doc example on a literal input
/// ```
pub fn read_terraform(dir: &str, files: &dyn Files, options: &TerraformOptions) -> TerraformRead {
    let mut state = State::default();
    read_module(dir, files, options, None, "", 0, &mut state);
    state.finish()
}

/// Reads one text as a module of one file named `name`: a whole file, a block, or what the
/// playground gets pasted alone (`jsonencode({...})`, `assume_role_policy = ...`).
///
/// ```
/// let read = oidc_trust::read_terraform_text("pasted.tf", r#"jsonencode({
///   Version   = "2012-10-17"
///   Statement = [{ Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity",
///     Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" },
///     Condition = { StringEquals = { "token.actions.githubusercontent.com:sub" = var.subject } } }]
/// })"#);
/// // `var.subject` has no value: the policy holds an opaque value, and says so.
/// let policy = &read.policies[0];
/// assert!(policy.text.contains("<var.subject>"));
/// assert_eq!(policy.source_findings()[0].code, "unresolved-value");
/// ```
pub fn read_terraform_text(name: &str, text: &str) -> TerraformRead {
    let one = One {
        name: name.to_string(),
        text: text.to_string(),
    };
    let mut state = State::default();
    read_paths(
        ".",
        vec![name.to_string()],
        &one,
        &TerraformOptions::default(),
        None,
        "",
        0,
        &mut state,
    );
    state.finish()
}

/// One text, as the only file.
struct One {
    name: String,
    text: String,
}

impl Files for One {
    fn read(&self, path: &str) -> Option<String> {
        (path == self.name || join_path(".", path) == self.name).then(|| self.text.clone())
    }
    fn list(&self, _: &str) -> Vec<String> {
        vec![self.name.clone()]
    }
}

/// Everything read so far: the files (global ids), the policies, the problems.
#[derive(Default)]
struct State {
    sources: Vec<SourceFile>,
    embedded: Vec<Embedded>,
    /// (file id, at, code, message, help, error?)
    problems: Vec<Problem>,
}

struct Problem {
    file: usize,
    start: usize,
    end: usize,
    code: &'static str,
    message: String,
    help: String,
    error: bool,
}

impl State {
    fn finish(self) -> TerraformRead {
        let files = FileIndex {
            names: self.sources.iter().map(|s| s.name.as_str()).collect(),
            indexes: self
                .sources
                .iter()
                .map(|s| LineIndex::new(&s.text))
                .collect(),
        };
        let diagnostics = self
            .problems
            .iter()
            .map(|p| {
                let text = self
                    .sources
                    .get(p.file)
                    .map(|s| s.text.as_str())
                    .unwrap_or("");
                let r = Reporter::new(text, "policy");
                let severity = if p.error {
                    DiagnosticSeverity::Error
                } else {
                    DiagnosticSeverity::Warning
                };
                let name = files.names.get(p.file).copied().unwrap_or("").to_string();
                (
                    name,
                    r.make(
                        severity,
                        p.code,
                        p.message.clone(),
                        p.help.clone(),
                        "",
                        (p.start, p.end),
                    ),
                )
            })
            .collect();
        let (mut rcps, mut policies): (Vec<FoundPolicy>, Vec<FoundPolicy>) = self
            .embedded
            .into_iter()
            .map(|e| e.resolve(&files))
            .partition(|p| p.resource.as_deref().is_some_and(is_rcp_address));
        // A module of several files names each policy's file; one of one file too, so
        // that a face reading many modules can always say where a policy is.
        for p in policies.iter_mut().chain(rcps.iter_mut()) {
            if p.file.is_none() {
                p.file = files.names.first().map(|n| (*n).to_string());
            }
        }
        TerraformRead {
            policies,
            rcps,
            diagnostics,
            files: files.names.iter().map(|n| (*n).to_string()).collect(),
        }
    }
}

/// Whether a resource address is an `aws_organizations_policy`'s (only RCPs are read).
fn is_rcp_address(address: &str) -> bool {
    // The resource's type is the segment before its name; an instance key (`["a.b"]`)
    // may hold dots, so it goes first.
    let bare = match address.strip_suffix(']') {
        Some(inner) => inner.rfind('[').map_or(address, |i| &address[..i]),
        None => address,
    };
    bare.rsplit('.').nth(1) == Some("aws_organizations_policy")
}

/// Reads the module in `dir` (its `.tf`, `.tf.json` and tfvars files).
fn read_module(
    dir: &str,
    reader: &dyn Files,
    options: &TerraformOptions,
    inputs: Option<&[(String, Val)]>,
    prefix: &str,
    depth: usize,
    state: &mut State,
) {
    let mut names: Vec<String> = reader.list(dir);
    names.retain(|n| is_terraform_file(n));
    sort_by_text(&mut names, String::clone);
    let paths = names.iter().map(|n| join_path(dir, n)).collect();
    read_paths(dir, paths, reader, options, inputs, prefix, depth, state);
}

/// A parsed file: a body, or (a single pasted text) an expression.
enum Parsed {
    Body(Syntax),
    Expression(hcl_edit::expr::Expression),
    Broken,
}

fn parse(name: &str, text: &str, alone: bool) -> Result<Parsed, (usize, String, String)> {
    if text.len() > MAX_TF_BYTES {
        return Err((
            0,
            format!(
                "`{name}` is {} bytes; oidc-trust reads Terraform files up to {MAX_TF_BYTES}",
                text.len()
            ),
            "split the file".into(),
        ));
    }
    if name.ends_with(".json") {
        return match crate::text::json::parse(text) {
            Ok(n) => Ok(Parsed::Body(Syntax::Json(n))),
            Err(e) => Err((e.at, e.message, e.help)),
        };
    }
    syntax::bracket_guard(text)?;
    match hcl_edit::parser::parse_body(text) {
        Ok(b) => Ok(Parsed::Body(Syntax::Hcl(b))),
        Err(e) => {
            if alone {
                if let Ok(x) = hcl_edit::parser::parse_expr(text.trim()) {
                    return Ok(Parsed::Expression(x));
                }
            }
            let at = e.location().offset().min(text.len());
            let message = e.message().lines().next().unwrap_or("").trim().to_string();
            let message = if message.is_empty() {
                "not valid HCL".to_string()
            } else {
                format!("not valid HCL: {message}")
            };
            Err((at, message, "fix the syntax here (`terraform fmt` points at the same place); the other files are still read".into()))
        }
    }
}

/// Reads the module made of `paths` (and, unless it is a called module, the tfvars files
/// of `dir` and `options`).
#[allow(
    clippy::too_many_arguments,
    reason = "the recursion into local modules carries the caller's context"
)]
fn read_paths(
    dir: &str,
    mut paths: Vec<String>,
    reader: &dyn Files,
    options: &TerraformOptions,
    inputs: Option<&[(String, Val)]>,
    prefix: &str,
    depth: usize,
    state: &mut State,
) {
    let base = state.sources.len();
    let tf_count = paths.len();
    if inputs.is_none() {
        let mut auto: Vec<String> = reader
            .list(dir)
            .into_iter()
            .filter(|n| n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json"))
            .collect();
        sort_by_text(&mut auto, String::clone);
        let mut vars = vec![
            "terraform.tfvars".to_string(),
            "terraform.tfvars.json".to_string(),
        ];
        vars.extend(auto);
        paths.extend(vars.iter().map(|n| join_path(dir, n)));
        paths.extend(options.var_files.iter().cloned());
    }
    // One file read alone (a pasted text) may be a bare expression.
    let alone = tf_count == 1;
    let mut sources: Vec<SourceFile> = Vec::new();
    let mut parsed: Vec<Parsed> = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        let Some(text) = reader.read(p) else {
            // A module file is listed, so there: it is not text Terraform can read. A
            // `--var-file` may be missing. (The tfvars files read by default are optional.)
            let unreadable = if i < tf_count {
                Some((
                    "not-utf8",
                    format!("`{p}` is not UTF-8 text, so its resources are not read"),
                    "Terraform reads UTF-8 only: save the file as UTF-8",
                ))
            } else if i >= tf_count + 2 {
                Some((
                    "io",
                    format!("cannot read the variables file `{p}`"),
                    "check the path",
                ))
            } else {
                None
            };
            if let Some((code, message, help)) = unreadable {
                state.problems.push(Problem {
                    file: base + sources.len(),
                    start: 0,
                    end: 0,
                    code,
                    message,
                    help: help.into(),
                    error: true,
                });
                sources.push(SourceFile {
                    name: p.clone(),
                    text: String::new(),
                });
                parsed.push(Parsed::Broken);
            }
            continue;
        };
        let file = base + sources.len();
        match parse(p, &text, alone) {
            Ok(x) => parsed.push(x),
            Err((at, message, help)) => {
                state.problems.push(Problem {
                    file,
                    start: at,
                    end: at,
                    code: "hcl-syntax",
                    message,
                    help,
                    error: true,
                });
                parsed.push(Parsed::Broken);
            }
        }
        sources.push(SourceFile {
            name: p.clone(),
            text,
        });
    }
    let mut embedded: Vec<Embedded> = Vec::new();
    let mut problems: Vec<(At, &'static str, String)> = Vec::new();
    let mut calls: Vec<Call> = Vec::new();
    let (extras, virtuals): (Vec<SourceFile>, Vec<(usize, usize, String)>) = {
        let mut ctx = Ctx::new(&sources, base, dir, reader);
        if let [Parsed::Expression(x)] = parsed.as_slice() {
            let v = ctx.eval(Expr::Hcl(x), base, &Scope::default());
            let at = v.at.unwrap_or(At {
                file: base,
                start: 0,
                end: 0,
            });
            candidate(
                &ctx,
                &mut embedded,
                v,
                "jsonencode(...)".into(),
                at,
                &mut problems,
            );
        } else {
            let bodies: Vec<(usize, Body<'_>, bool)> = parsed
                .iter()
                .enumerate()
                .filter_map(|(i, p)| match p {
                    Parsed::Body(s) => Some((
                        base + i,
                        syntax::root(base + i, s),
                        paths.get(i).is_some_and(|n| is_tfvars(n)),
                    )),
                    _ => None,
                })
                .collect();
            ctx.documents = bodies
                .iter()
                .filter(|(_, _, tfvars)| !tfvars)
                .flat_map(|(f, body, _)| {
                    body.blocks_of("data")
                        .filter(|b| b.labels.first() == Some(&"aws_iam_policy_document"))
                        .filter_map(|b| b.labels.get(1).map(|n| (*n, b.clone(), *f)))
                        .collect::<Vec<_>>()
                })
                .collect();
            variables(&mut ctx, &bodies, inputs, options, &mut problems);
            let mut locals = Vec::new();
            for (file, body, _) in bodies.iter().filter(|b| !b.2) {
                for b in body.blocks_of("locals") {
                    for a in &b.body.attrs {
                        locals.push((a.name, a.expr, *file));
                    }
                }
            }
            ctx.set_locals(locals);
            ctx.known = known(&ctx, &bodies);
            find(
                &ctx,
                &bodies,
                prefix,
                alone,
                &mut embedded,
                &mut problems,
                &mut calls,
            );
        }
        (ctx.extra.take(), ctx.virtuals.take())
    };
    // Templates inside `.tf.json` strings were files of their own: back to the real file.
    let real = |file: usize, pos: usize| -> (usize, usize) {
        if file < eval::VIRTUAL {
            return (file, pos);
        }
        match virtuals.get(file - eval::VIRTUAL) {
            Some((f, offset, _)) => (*f, offset + pos),
            None => (0, 0),
        }
    };
    // Global ids: this module's files, then the files its `file()` calls read.
    for mut e in embedded {
        e.file = real(e.file, 0).0;
        if let Mapping::Nodes(nodes) = &mut e.map {
            for n in nodes.iter_mut() {
                let (f, start) = real(n.file, n.start);
                let (_, end) = real(n.file, n.end);
                n.file = f;
                n.start = start;
                n.end = end;
            }
        }
        state.embedded.push(e);
    }
    for (at, code, message) in problems {
        let (f, start) = real(at.file, at.start);
        let (_, end) = real(at.file, at.end);
        state.problems.push(Problem {
            file: f,
            start,
            end,
            code,
            message,
            help: help_for(code).into(),
            error: is_error(code),
        });
    }
    state.sources.extend(sources);
    state.sources.extend(extras);
    if depth < MAX_MODULE_DEPTH {
        for (name, mdir, args) in calls {
            // The arguments keep their spans in the caller's (real) files.
            let args: Vec<(String, Val)> = args
                .into_iter()
                .map(|(k, v)| (k, devirtualize(v, &real)))
                .collect();
            read_module(
                &mdir,
                reader,
                options,
                Some(&args),
                &format!("{prefix}module.{name}."),
                depth + 1,
                state,
            );
        }
    }
}

/// A local module call: its name, its folder, its arguments.
type Call = (String, String, Vec<(String, Val)>);

/// A problem of the reader: its code, where, what.
pub(crate) fn problem(code: &'static str, at: At, message: String) -> (At, &'static str, String) {
    (at, code, message)
}

/// Problems Terraform itself would refuse (the others are warnings: oidc-trust cannot
/// lint something, but the configuration may be fine).
fn is_error(code: &str) -> bool {
    matches!(code, "duplicate-sid" | "policy-not-json" | "invalid-var")
}

/// What to do about a problem of the reader, by code.
fn help_for(code: &str) -> &'static str {
    match code {
        "module-not-modelled" => "lint the module's own source, or the plan (`terraform show -json`)",
        "unresolved-policy" => "give the values it needs (defaults, tfvars, --var), or lint the plan (`terraform show -json`)",
        "invalid-var" => "write a string, or a list or object in HCL: --var 'repos=[\"acme/api\"]'",
        "policy-not-json" => "write the policy with jsonencode({...}) or as a JSON heredoc",
        "duplicate-sid" => "give each statement its own sid (Terraform refuses the data source as it is)",
        _ => "fix the configuration as the message says",
    }
}

/// Sets the module's variables: defaults, then tfvars files, then `--var` (or, for a called
/// module, the call's arguments over the defaults).
fn variables(
    ctx: &mut Ctx<'_>,
    bodies: &[(usize, Body<'_>, bool)],
    inputs: Option<&[(String, Val)]>,
    options: &TerraformOptions,
    problems: &mut Vec<(At, &'static str, String)>,
) {
    let mut vars: Vec<(String, Val)> = Vec::new();
    let set = |vars: &mut Vec<(String, Val)>, name: &str, v: Val| {
        vars.retain(|(n, _)| n != name);
        vars.push((name.to_string(), v));
    };
    for (file, body, tfvars) in bodies {
        if *tfvars {
            continue;
        }
        for b in body.blocks_of("variable") {
            let Some(name) = b.labels.first() else {
                continue;
            };
            if let Some(d) = b.body.attr("default") {
                let v = ctx.eval(d.expr, *file, &Scope::default());
                if !matches!(v.kind, Kind::Null) {
                    set(&mut vars, name, v);
                }
            }
        }
    }
    if let Some(given) = inputs {
        for (k, v) in given {
            set(&mut vars, k, v.clone());
        }
        ctx.vars = vars;
        return;
    }
    // tfvars files, in the order read (terraform.tfvars, *.auto.tfvars, --var-file).
    for (file, body, tfvars) in bodies {
        if !*tfvars {
            continue;
        }
        for a in &body.attrs {
            let v = ctx.eval(a.expr, *file, &Scope::default());
            set(&mut vars, a.name, v);
        }
    }
    for (name, raw) in &options.vars {
        let trimmed = raw.trim_start();
        let v = if trimmed.starts_with('[') || trimmed.starts_with('{') {
            match syntax::bracket_guard(raw).and_then(|()| {
                hcl_edit::parser::parse_expr(raw).map_err(|e| (0, e.to_string(), String::new()))
            }) {
                // Spans of a command-line value point nowhere: dropped, so findings point
                // at where the variable is used.
                Ok(x) => without_spans(ctx.eval(Expr::Hcl(&x), usize::MAX, &Scope::default())),
                Err(_) => {
                    problems.push(problem(
                        "invalid-var",
                        At {
                            file: 0,
                            start: 0,
                            end: 0,
                        },
                        format!("`--var {name}={raw}` is not a Terraform value"),
                    ));
                    continue;
                }
            }
        } else {
            Val::string(raw, None)
        };
        set(&mut vars, name, v);
    }
    ctx.vars = vars;
}

/// A value whose spans (and its strings' origins) are moved out of virtual files.
fn devirtualize(v: Val, real: &dyn Fn(usize, usize) -> (usize, usize)) -> Val {
    let span = |a: At| {
        let (file, start) = real(a.file, a.start);
        At {
            file,
            start,
            end: real(a.file, a.end).1,
        }
    };
    let at = v.at.map(span);
    let kind = match v.kind {
        Kind::Str(mut t) => {
            t.origin = t.origin.into_iter().map(|(f, p)| real(f, p)).collect();
            Kind::Str(t)
        }
        Kind::List(items) => Kind::List(items.into_iter().map(|i| devirtualize(i, real)).collect()),
        Kind::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|(k, ka, v)| (k, ka.map(span), devirtualize(v, real)))
                .collect(),
        ),
        Kind::Json(inner) => Kind::Json(Box::new(devirtualize(*inner, real))),
        other => other,
    };
    Val::new(kind, at)
}

fn without_spans(v: Val) -> Val {
    let kind = match v.kind {
        Kind::Str(mut t) => {
            t.origin.clear();
            Kind::Str(t)
        }
        Kind::List(items) => Kind::List(items.into_iter().map(without_spans).collect()),
        Kind::Map(entries) => Kind::Map(
            entries
                .into_iter()
                .map(|(k, _, v)| (k, None, without_spans(v)))
                .collect(),
        ),
        other => other,
    };
    Val::new(kind, None)
}

/// Resources and data sources whose attributes are known before apply: OIDC providers (by
/// their URL: the ARN a policy names), the caller's account, the partition, the region.
fn known(ctx: &Ctx<'_>, bodies: &[(usize, Body<'_>, bool)]) -> Vec<(String, Val)> {
    let mut out = Vec::new();
    for (file, body, tfvars) in bodies {
        if *tfvars {
            continue;
        }
        for (kind, prefix) in [("resource", ""), ("data", "data.")] {
            for b in body.blocks_of(kind) {
                let (Some(ty), Some(name)) = (b.labels.first(), b.labels.get(1)) else {
                    continue;
                };
                let at = Some(b.at);
                let attrs: Option<Vec<(&str, Val)>> = match *ty {
                    "aws_iam_openid_connect_provider" => {
                        let url = b
                            .body
                            .attr("url")
                            .map(|a| ctx.eval(a.expr, *file, &Scope::default()));
                        let arn = b
                            .body
                            .attr("arn")
                            .map(|a| ctx.eval(a.expr, *file, &Scope::default()));
                        match (url, arn) {
                            (_, Some(arn)) if arn.as_str().is_some() => Some(vec![("arn", arn)]),
                            (Some(url), _) if url.as_str().is_some() => {
                                let host = url
                                    .as_str()
                                    .unwrap_or("")
                                    .trim_start_matches("https://")
                                    .trim_end_matches('/')
                                    .to_string();
                                Some(vec![
                                    ("arn", Val::string(&format!("arn:aws:iam::{STAND_IN_ACCOUNT}:oidc-provider/{host}"), url.at)),
                                    ("url", url),
                                ])
                            }
                            _ => None,
                        }
                    }
                    "aws_caller_identity" if kind == "data" => {
                        Some(vec![("account_id", Val::string(STAND_IN_ACCOUNT, at))])
                    }
                    "aws_partition" if kind == "data" => Some(vec![
                        ("partition", Val::string("aws", at)),
                        ("dns_suffix", Val::string("amazonaws.com", at)),
                    ]),
                    "aws_region" if kind == "data" => Some(vec![
                        ("name", Val::string("us-east-1", at)),
                        ("region", Val::string("us-east-1", at)),
                    ]),
                    _ => None,
                };
                let Some(attrs) = attrs else { continue };
                let map = Val::new(
                    Kind::Map(
                        attrs
                            .into_iter()
                            .map(|(k, v)| (k.to_string(), at, v))
                            .collect(),
                    ),
                    at,
                );
                // `count` makes the address a list: `aws_iam_openid_connect_provider.x[0].arn`.
                let v = if b.body.attr("count").is_some() {
                    Val::new(Kind::List(vec![map]), at)
                } else {
                    map
                };
                out.push((format!("{prefix}{ty}.{name}"), v));
            }
        }
    }
    out
}

/// The instances of a resource block: one, or one per `count` index or `for_each` key,
/// each with its address suffix and the scope its body sees.
fn instances(ctx: &Ctx<'_>, b: &Block<'_>, file: usize) -> Vec<(String, Scope)> {
    let scope = Scope::default();
    if let Some(c) = b.body.attr("count") {
        let n = ctx.eval(c.expr, file, &scope);
        return match n.as_int() {
            Some(n) => (0..usize::try_from(n).unwrap_or(0).min(MAX_INSTANCES))
                .map(|i| {
                    let index = Val::new(Kind::Number(i.to_string()), None);
                    (
                        format!("[{i}]"),
                        scope.with(
                            "count",
                            Val::new(Kind::Map(vec![("index".into(), None, index)]), None),
                        ),
                    )
                })
                .collect(),
            None => vec![("[count.index]".into(), scope)],
        };
    }
    if let Some(f) = b.body.attr("for_each") {
        let coll = ctx.eval(f.expr, file, &scope);
        let pairs: Vec<(String, Val, Val)> = match &coll.kind {
            Kind::Map(entries) => entries
                .iter()
                .map(|(k, a, v)| (k.clone(), Val::string(k, *a), v.clone()))
                .collect(),
            Kind::List(items) => items
                .iter()
                .map(|v| (v.to_text().s, v.clone(), v.clone()))
                .collect(),
            _ => return vec![("[each.key]".into(), scope)],
        };
        return pairs
            .into_iter()
            .take(MAX_INSTANCES)
            .map(|(k, key, value)| {
                let each = Val::new(
                    Kind::Map(vec![
                        ("key".into(), key.at, key),
                        ("value".into(), value.at, value),
                    ]),
                    None,
                );
                (format!("[\"{k}\"]"), scope.with("each", each))
            })
            .collect();
    }
    vec![(String::new(), scope)]
}

/// Finds the module's trust policies (and the local modules it calls).
#[allow(clippy::too_many_arguments, reason = "the reader's outputs")]
fn find(
    ctx: &Ctx<'_>,
    bodies: &[(usize, Body<'_>, bool)],
    prefix: &str,
    alone: bool,
    embedded: &mut Vec<Embedded>,
    problems: &mut Vec<(At, &'static str, String)>,
    calls: &mut Vec<Call>,
) {
    let mut used: Vec<usize> = Vec::new();
    for (file, body, tfvars) in bodies {
        if *tfvars {
            continue;
        }
        for b in body.blocks_of("resource") {
            let (Some(&"aws_iam_role"), Some(name)) = (b.labels.first(), b.labels.get(1)) else {
                continue;
            };
            let Some(policy) = b.body.attr("assume_role_policy") else {
                continue;
            };
            for (suffix, scope) in instances(ctx, b, *file) {
                let v = ctx.eval(policy.expr, *file, &scope);
                if let Kind::Document(i) = v.kind {
                    used.push(i);
                }
                candidate(
                    ctx,
                    embedded,
                    v,
                    format!("{prefix}aws_iam_role.{name}{suffix}"),
                    policy.at,
                    problems,
                );
            }
        }
        // Resource control policies: `content` of an `aws_organizations_policy` whose `type`
        // is RESOURCE_CONTROL_POLICY (SCPs and the other policy types are not read).
        for b in body.blocks_of("resource") {
            let (Some(&"aws_organizations_policy"), Some(name)) =
                (b.labels.first(), b.labels.get(1))
            else {
                continue;
            };
            let (Some(content), Some(kind)) = (b.body.attr("content"), b.body.attr("type")) else {
                continue;
            };
            for (suffix, scope) in instances(ctx, b, *file) {
                let kind = ctx.eval(kind.expr, *file, &scope);
                if kind.as_str() != Some("RESOURCE_CONTROL_POLICY") {
                    continue;
                }
                let v = ctx.eval(content.expr, *file, &scope);
                if let Kind::Document(i) = v.kind {
                    used.push(i);
                }
                candidate(
                    ctx,
                    embedded,
                    v,
                    format!("{prefix}aws_organizations_policy.{name}{suffix}"),
                    content.at,
                    problems,
                );
            }
        }
        // Pasted alone: `assume_role_policy = ...` with no block around it.
        if alone {
            if let Some(a) = body.attr("assume_role_policy") {
                let v = ctx.eval(a.expr, *file, &Scope::default());
                if let Kind::Document(i) = v.kind {
                    used.push(i);
                }
                candidate(
                    ctx,
                    embedded,
                    v,
                    "assume_role_policy".into(),
                    a.at,
                    problems,
                );
            }
        }
    }
    // Every document once, so that those other documents name are known as parts.
    for i in 0..ctx.documents.len() {
        let _ = document_value(ctx, i, 0, &mut Vec::new());
    }
    let referenced = ctx.referenced.borrow().clone();
    for i in 0..ctx.documents.len() {
        if used.contains(&i) || referenced.contains(&i) {
            continue;
        }
        let Some((name, block, _)) = ctx.documents.get(i) else {
            continue;
        };
        let (name, at) = (name.to_string(), block.at);
        let Some(doc) = document_value(ctx, i, 0, problems) else {
            continue;
        };
        if is_trust_policy(&doc) {
            candidate(
                ctx,
                embedded,
                doc,
                format!("{prefix}data.aws_iam_policy_document.{name}"),
                at,
                problems,
            );
        }
    }
    for (file, body, tfvars) in bodies {
        if *tfvars {
            continue;
        }
        for b in body.blocks_of("module") {
            let Some(name) = b.labels.first() else {
                continue;
            };
            let eval = |n: &str| {
                b.body
                    .attr(n)
                    .map(|a| ctx.eval(a.expr, *file, &Scope::default()))
            };
            let Some(source) = eval("source").and_then(|v| v.as_str().map(str::to_string)) else {
                continue;
            };
            let version = eval("version").and_then(|v| v.as_str().map(str::to_string));
            let args: Vec<(String, Val)> = b
                .body
                .attrs
                .iter()
                .filter(|a| {
                    !matches!(
                        a.name,
                        "source" | "version" | "providers" | "count" | "for_each" | "depends_on"
                    )
                })
                .map(|a| {
                    (
                        a.name.to_string(),
                        ctx.eval(a.expr, *file, &Scope::default()),
                    )
                })
                .collect();
            if source.starts_with("./") || source.starts_with("../") {
                calls.push((name.to_string(), join_path(&ctx.dir, &source), args));
                continue;
            }
            match modules::rebuild(&source, version.as_deref(), &args, b.at) {
                modules::Rebuilt::Policy { doc, address } => {
                    candidate(
                        ctx,
                        embedded,
                        doc,
                        format!("{prefix}module.{name}.{address}"),
                        b.at,
                        problems,
                    );
                }
                modules::Rebuilt::NoRole => {}
                modules::Rebuilt::NotModelled if modules::looks_like_a_role_module(&source) => {
                    problems.push(problem("module-not-modelled", b.at, format!("module `{name}` (`{source}`) is not one oidc-trust models: the roles it creates are not linted")));
                }
                modules::Rebuilt::NotModelled => {}
            }
        }
    }
}

/// The rendered document of data source `i`.
pub(crate) fn document_value(
    ctx: &Ctx<'_>,
    i: usize,
    nesting: usize,
    problems: &mut Vec<(At, &'static str, String)>,
) -> Option<Val> {
    let (_, block, file) = ctx.documents.get(i)?;
    Some(document::render(ctx, block, *file, nesting, problems))
}

/// Whether a document is a trust policy: a statement with a principal and an
/// `sts:AssumeRole*` action.
fn is_trust_policy(doc: &Val) -> bool {
    let statements = match doc.get("Statement").map(|s| &s.kind) {
        Some(Kind::List(l)) => l.clone(),
        _ => Vec::new(),
    };
    statements.iter().any(|s| {
        let assume = |v: &Val| {
            v.to_text()
                .s
                .to_ascii_lowercase()
                .starts_with("sts:assumerole")
        };
        let action = match s.get("Action").map(|a| &a.kind) {
            Some(Kind::List(l)) => l.iter().any(assume),
            Some(_) => s.get("Action").is_some_and(assume),
            None => false,
        };
        s.get("Principal").is_some() && action
    })
}

/// A value that should be a policy: a rendered document, a `jsonencode` object, or JSON
/// text (a heredoc, a quoted string, `file()`).
fn candidate(
    ctx: &Ctx<'_>,
    out: &mut Vec<Embedded>,
    v: Val,
    address: String,
    at: At,
    problems: &mut Vec<(At, &'static str, String)>,
) {
    let v = match v.kind {
        // `jsonencode(...)`: the structure, with its spans.
        Kind::Json(inner) => *inner,
        _ => v,
    };
    let doc = match &v.kind {
        Kind::Document(i) => match document_value(ctx, *i, 0, problems) {
            Some(d) => d,
            None => return,
        },
        Kind::Map(_) => v,
        Kind::Str(t) => match document::parse_json_text(t, v.at.or(Some(at))) {
            Some(d) => d,
            None => {
                let (start, end) = v.at.map(|a| (a.start, a.end)).unwrap_or((at.start, at.end));
                let what = match crate::text::json::parse(&t.s) {
                    Err(e) => e.message,
                    Ok(_) => "it is not a JSON object".into(),
                };
                problems.push(problem(
                    "policy-not-json",
                    At {
                        file: v.at.map(|a| a.file).unwrap_or(at.file),
                        start,
                        end,
                    },
                    format!("the trust policy of `{address}` is not JSON: {what}"),
                ));
                return;
            }
        },
        Kind::Unknown(u) => {
            problems.push(problem(
                "unresolved-policy",
                v.at.unwrap_or(at),
                format!(
                    "the trust policy of `{address}` is `{}`, which {}: it cannot be linted",
                    u.what, u.why
                ),
            ));
            return;
        }
        _ => return,
    };
    out.push(emit::embedded(&doc, doc.at.unwrap_or(at), address));
}
