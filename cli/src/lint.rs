//! `oidc-trust lint [PATH...]`: findings for every trust policy in the files, Terraform
//! modules and directories named (the current directory by default), as text, JSON, SARIF
//! or Markdown.
//!
//! Exit codes: 0 no finding at or above `--fail-on`, 1 some, 2 a file could not be read
//! or is not a policy IAM accepts (its errors are reported like findings' locations).

use std::io::{self, Write};
use std::path::Path;

use oidc_trust::{
    lint_source, Diagnostic, DocumentLint, Finding, FindingSeverity, LintOptions, TerraformOptions,
    LINT_VERSION,
};
use serde_json::{json, Value};

use crate::args::{LintArgs, LintFormat};
use crate::input;
use crate::policies::{self, Disk, Item};
use crate::render::{self, Style};
use crate::Exit;

/// One linted input: a file, or a Terraform module (whose policies name their files).
struct Linted {
    /// The input, as shown (relative to the directory walked).
    file: String,
    documents: Vec<DocumentLint>,
    /// Problems with the files, each with its file.
    problems: Vec<(String, Diagnostic)>,
}

impl Linted {
    /// (file, resource, finding) of every policy: the file a finding points into.
    fn findings(&self) -> impl Iterator<Item = (&str, Option<&str>, &Finding)> {
        self.documents.iter().flat_map(move |d| {
            d.report.findings.iter().map(move |f| {
                let file = f
                    .location
                    .file
                    .as_deref()
                    .or(d.file.as_deref())
                    .unwrap_or(&self.file);
                (file, d.resource.as_deref(), f)
            })
        })
    }

    /// (file, error) of the input: its files' and each policy's.
    fn errors(&self) -> impl Iterator<Item = (&str, &Diagnostic)> {
        self.problems
            .iter()
            .map(|(f, d)| (f.as_str(), d))
            .chain(self.documents.iter().flat_map(move |doc| {
                doc.report.diagnostics.iter().map(move |d| {
                    let file = d
                        .location
                        .file
                        .as_deref()
                        .or(doc.file.as_deref())
                        .unwrap_or(&self.file);
                    (file, d)
                })
            }))
            .filter(|(_, d)| d.is_error())
    }
}

/// Reads and lints everything the arguments name, handing each input to `each` as soon as
/// it is linted (so a walk's memory does not grow with the tree). Returns the number of
/// inputs (files and modules) read.
fn lint_all(
    args: &LintArgs,
    options: &LintOptions,
    tf: &TerraformOptions,
    each: &mut dyn FnMut(Linted, &Disk) -> io::Result<()>,
) -> io::Result<usize> {
    let paths: Vec<String> = if args.files.is_empty() {
        vec![".".into()]
    } else {
        args.files.clone()
    };
    let mut count = 0;
    for arg in &paths {
        let path = Path::new(arg);
        if path.is_dir() {
            let disk = Disk::new(path);
            let items = match policies::walk(path, &args.exclude) {
                Ok(items) => items,
                Err(d) => {
                    count += 1;
                    each(unreadable(arg, d), &disk)?;
                    continue;
                }
            };
            // Files a module read (`file()`, `templatefile()`) are linted with it.
            let mut read_by_modules: Vec<String> = Vec::new();
            for item in items {
                let linted = match item {
                    Item::Module(dir) => {
                        let (l, files) = lint_module(&dir, None, &disk, options, tf);
                        read_by_modules.extend(files);
                        l
                    }
                    Item::File(name) => {
                        if read_by_modules.contains(&name) {
                            continue;
                        }
                        let Some(text) = disk_text(&disk, &name) else {
                            continue;
                        };
                        // Files that hold no trust policy are passed over in silence.
                        if !policies::looks_like_policies(&text) {
                            continue;
                        }
                        let mut l = lint_text(&name, &text, options);
                        // A file with no trust policy is no news in a walk.
                        l.problems.retain(|(_, d)| d.code != "no-trust-policy");
                        if l.documents.is_empty() && l.problems.is_empty() {
                            continue;
                        }
                        l
                    }
                };
                if linted.documents.is_empty() && linted.problems.is_empty() {
                    continue;
                }
                count += 1;
                each(linted, &disk)?;
                disk.forget();
            }
            continue;
        }
        let disk = Disk::new(Path::new("."));
        count += 1;
        if policies::is_terraform(arg) {
            let name = policies::clean(path);
            let dir = path
                .parent()
                .map(policies::clean)
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| ".".into());
            if !path.is_file() {
                each(
                    unreadable(
                        arg,
                        input::usage_error(
                            "io",
                            format!("cannot read the file `{arg}`: it does not exist"),
                            "check the path",
                        ),
                    ),
                    &disk,
                )?;
                continue;
            }
            each(lint_module(&dir, Some(&name), &disk, options, tf).0, &disk)?;
            continue;
        }
        match input::read(arg, "policy") {
            Ok(source) => {
                disk.remember(&source.name, &source.text);
                let l = lint_text(&source.name, &source.text, options);
                each(l, &disk)?;
            }
            Err(d) => each(unreadable(arg, d), &disk)?,
        }
    }
    Ok(count)
}

fn disk_text(disk: &Disk, name: &str) -> Option<String> {
    use oidc_trust::Files as _;
    disk.read(name)
}

fn unreadable(file: &str, d: Diagnostic) -> Linted {
    Linted {
        file: file.to_string(),
        documents: Vec::new(),
        problems: vec![(file.to_string(), d)],
    }
}

/// A JSON or YAML file: a policy, a plan, a template, account details.
fn lint_text(name: &str, text: &str, options: &LintOptions) -> Linted {
    match crate::yaml::to_json_if_yaml(text) {
        Ok(converted) => {
            let mut source = lint_source(converted.json(text), options);
            converted.relocate(&mut source);
            Linted {
                file: name.to_string(),
                documents: source.documents,
                problems: source
                    .diagnostics
                    .into_iter()
                    .map(|d| (name.to_string(), d))
                    .collect(),
            }
        }
        Err(d) => unreadable(name, d),
    }
}

/// A Terraform module: every policy of the module in `dir`, or only those written in
/// `only` (a `.tf` file named on the command line; the rest of the module gives values).
fn lint_module(
    dir: &str,
    only: Option<&str>,
    disk: &Disk,
    options: &LintOptions,
    tf: &TerraformOptions,
) -> (Linted, Vec<String>) {
    let read = oidc_trust::read_terraform(dir, disk, tf);
    let documents = read
        .policies
        .iter()
        .filter(|p| only.is_none_or(|o| p.file.as_deref() == Some(o)))
        .map(|p| DocumentLint {
            report: p.lint(options),
            resource: p.resource.clone(),
            file: p.file.clone(),
            pointer: p.pointer.clone(),
        })
        .collect();
    let linted = Linted {
        file: only.unwrap_or(dir).to_string(),
        documents,
        problems: read.diagnostics,
    };
    (linted, read.files)
}

pub(crate) fn run(args: &LintArgs, style: &Style, stdout: &mut dyn Write) -> io::Result<Exit> {
    let options = match lint_options(args) {
        Ok(o) => o,
        Err(d) => {
            eprint!("{}", render::diagnostic(&d, "options", None, style));
            return Ok(Exit::BadInput);
        }
    };
    let tf = match input::terraform_options(&args.terraform.vars, &args.terraform.var_files) {
        Ok(t) => t,
        Err(d) => {
            eprint!("{}", render::diagnostic(&d, "options", None, style));
            return Ok(Exit::BadInput);
        }
    };
    let mut invalid = false;
    let mut failing = false;
    let mut kept: Vec<Linted> = Vec::new();
    let mut counts = Counts::default();
    let inputs = lint_all(args, &options, &tf, &mut |l, disk| {
        invalid |= l.errors().next().is_some();
        failing |= l.findings().any(|(_, _, f)| args.fail_on.fails(f.severity));
        counts.add(&l);
        match args.format {
            // Text is written as it comes, with each finding's line.
            LintFormat::Text => stdout.write_all(text_of(&l, disk, style).as_bytes()),
            _ => {
                kept.push(l);
                Ok(())
            }
        }
    })?;
    let out = match args.format {
        LintFormat::Text => counts.line(inputs),
        LintFormat::Json => pretty(&json_report(&kept)),
        LintFormat::Sarif => pretty(&sarif(&kept)),
        LintFormat::Markdown => markdown(&kept, &counts),
    };
    stdout.write_all(out.as_bytes())?;
    Ok(if invalid {
        Exit::BadInput
    } else if failing {
        Exit::ExpectationFailed
    } else {
        Exit::Ok
    })
}

fn lint_options(args: &LintArgs) -> Result<LintOptions, Diagnostic> {
    Ok(LintOptions {
        account: args.account.clone(),
        catalog: oidc_trust::support::catalog_option(&args.catalog)?,
    })
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_default() + "\n"
}

fn location_json(file: &str, resource: Option<&str>, l: &oidc_trust::Location) -> Value {
    let start = l.span.map(|s| s.start);
    let mut v = json!({
        "file": file,
        "pointer": l.pointer,
        "line": start.map(|p| p.line),
        "column": start.map(|p| p.column),
    });
    if let (Some(r), Value::Object(m)) = (resource, &mut v) {
        m.insert("resource".into(), r.into());
    }
    v
}

/// The versioned JSON form: `{"version": 1, "findings": [...], "errors": [...]}`.
fn json_report(linted: &[Linted]) -> Value {
    let findings: Vec<Value> = linted
        .iter()
        .flat_map(|l| {
            l.findings().map(|(file, resource, f)| {
                json!({
                    "code": f.code,
                    "severity": f.severity,
                    "message": f.message,
                    "help": f.help,
                    "fix": f.fix,
                    "scenario": f.scenario,
                    "statement": f.statement,
                    "location": location_json(file, resource, &f.location),
                })
            })
        })
        .collect();
    let errors: Vec<Value> = linted
        .iter()
        .flat_map(Linted::errors)
        .map(|(file, d)| {
            let mut e = render::error_json(d);
            if let Value::Object(m) = &mut e {
                m.insert("file".into(), file.into());
            }
            e
        })
        .collect();
    // File problems that are not errors: a module not modelled, a policy known only
    // after apply, a file with no trust policy.
    let warnings: Vec<Value> = linted
        .iter()
        .flat_map(|l| l.problems.iter())
        .filter(|(_, d)| !d.is_error())
        .map(|(file, d)| {
            let mut e = render::error_json(d);
            if let Value::Object(m) = &mut e {
                m.insert("file".into(), file.clone().into());
            }
            e
        })
        .collect();
    json!({ "version": LINT_VERSION, "findings": findings, "errors": errors, "warnings": warnings })
}

/// One input as text: its problems, then each finding with its line.
fn text_of(l: &Linted, disk: &Disk, st: &Style) -> String {
    let mut out = String::new();
    let text = |file: &str| disk.text(file);
    for (file, d) in &l.problems {
        out.push_str(&render::diagnostic(d, file, text(file).as_deref(), st));
    }
    for doc in &l.documents {
        let file = doc.file.as_deref().unwrap_or(&l.file);
        for d in doc.report.diagnostics.iter().filter(|d| d.is_error()) {
            let f = d.location.file.as_deref().unwrap_or(file);
            out.push_str(&render::diagnostic(d, f, text(f).as_deref(), st));
        }
    }
    for (file, resource, f) in l.findings() {
        let within = resource.map(|r| format!(" (in {r})")).unwrap_or_default();
        out.push_str(&format!(
            "{}[{}]: {}{within}\n",
            render::severity(f.severity, st),
            f.code,
            f.message
        ));
        out.push_str(&render::snippet(
            file,
            &f.location,
            text(file).as_deref(),
            st,
        ));
        out.push_str(&format!("  = why: {}\n  = fix: {}\n\n", f.help, f.fix));
    }
    out
}

/// Findings by severity, and policies, over every input.
#[derive(Default)]
struct Counts {
    findings: [usize; 5],
    policies: usize,
    /// Errors that kept a file or a policy from being read (each is also reported).
    errors: usize,
}

impl Counts {
    fn add(&mut self, l: &Linted) {
        self.policies += l.documents.len();
        self.errors += l.errors().count();
        for (_, _, f) in l.findings() {
            if let Some(slot) = self.findings.get_mut(f.severity as usize) {
                *slot += 1;
            }
        }
    }

    fn total(&self) -> usize {
        self.findings.iter().sum()
    }

    /// `critical 1, high 2`...
    fn by_severity(&self) -> String {
        [
            FindingSeverity::Critical,
            FindingSeverity::High,
            FindingSeverity::Medium,
            FindingSeverity::Low,
            FindingSeverity::Info,
        ]
        .iter()
        .filter_map(|s| {
            let n = self.findings.get(*s as usize).copied().unwrap_or(0);
            (n > 0).then(|| format!("{n} {}", s.name()))
        })
        .collect::<Vec<_>>()
        .join(", ")
    }

    /// The closing line of the text output: `2 findings in 3 files (1 high, 1 low)`.
    fn line(&self, inputs: usize) -> String {
        let total = self.total();
        let counts = self.by_severity();
        format!(
            "{total} finding{} in {inputs} file{}{}{}\n",
            if total == 1 { "" } else { "s" },
            if inputs == 1 { "" } else { "s" },
            if counts.is_empty() {
                String::new()
            } else {
                format!(" ({counts})")
            },
            match self.errors {
                0 => String::new(),
                1 => "; 1 error kept a policy from being read (above)".into(),
                n => format!("; {n} errors kept policies from being read (above)"),
            }
        )
    }
}

/// Markdown for a pull-request comment: a summary line and one table row per finding.
fn markdown(linted: &[Linted], counts: &Counts) -> String {
    let mut out = String::from("### oidc-trust lint\n\n");
    let total = counts.total();
    let errors: Vec<(&str, &Diagnostic)> = linted.iter().flat_map(Linted::errors).collect();
    if total == 0 && errors.is_empty() {
        out.push_str(&format!(
            "No findings in {} trust polic{}.\n",
            counts.policies,
            if counts.policies == 1 { "y" } else { "ies" }
        ));
        return out;
    }
    out.push_str(&format!(
        "**{total} finding{}** ({}) in {} trust polic{}\n\n",
        if total == 1 { "" } else { "s" },
        counts.by_severity(),
        counts.policies,
        if counts.policies == 1 { "y" } else { "ies" }
    ));
    if total > 0 {
        out.push_str("| severity | rule | where | finding | fix |\n|---|---|---|---|---|\n");
    }
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    for l in linted {
        for (file, resource, f) in l.findings() {
            let within = resource.map(|r| format!(" `{r}`")).unwrap_or_default();
            let at = match f.location.span {
                Some(s) => format!("`{file}:{}:{}`{within}", s.start.line, s.start.column),
                None => format!("`{file}` `{}`{within}", f.location.pointer),
            };
            out.push_str(&format!(
                "| {} | `{}` | {} | {} | {} |\n",
                f.severity.name(),
                f.code,
                cell(&at),
                cell(&f.message),
                cell(&f.fix)
            ));
        }
    }
    for (file, d) in errors {
        let at = d
            .location
            .span
            .map(|s| format!(":{}:{}", s.start.line, s.start.column))
            .unwrap_or_default();
        out.push_str(&format!(
            "\n`{file}{at}`: {} ({})\n",
            cell(&d.message),
            cell(&d.help)
        ));
    }
    out
}

/// SARIF 2.1.0, as GitHub code scanning reads it: one rule per code, one result per
/// finding, located on the exact value.
fn sarif(linted: &[Linted]) -> Value {
    let mut rules: Vec<Value> = Vec::new();
    let mut rule_ids: Vec<&str> = Vec::new();
    let mut results = Vec::new();
    for l in linted {
        for (file, resource, f) in l.findings() {
            let index = match rule_ids.iter().position(|r| *r == f.code) {
                Some(i) => i,
                None => {
                    rule_ids.push(f.code);
                    rules.push(json!({
                        "id": f.code,
                        "name": f.code,
                        "shortDescription": { "text": f.code.replace('-', " ") },
                        "fullDescription": { "text": f.help },
                        "help": { "text": f.fix },
                        "defaultConfiguration": { "level": level(f.severity) },
                        "properties": { "security-severity": security_severity(f.severity), "tags": ["security", "iam", "oidc"] },
                    }));
                    rule_ids.len() - 1
                }
            };
            let region = f.location.span.map(|s| {
                json!({
                    "startLine": s.start.line,
                    "startColumn": s.start.column,
                    "endLine": s.end.line,
                    "endColumn": s.end.column.max(s.start.column + 1),
                })
            });
            let mut physical =
                json!({ "artifactLocation": { "uri": file.trim_start_matches("./") } });
            if let (Some(r), Value::Object(m)) = (region, &mut physical) {
                m.insert("region".into(), r);
            }
            results.push(json!({
                "ruleId": f.code,
                "ruleIndex": index,
                "level": level(f.severity),
                "message": { "text": format!("{} Fix: {}", f.message, f.fix) },
                "locations": [{
                    "physicalLocation": physical,
                    "logicalLocations": [{
                        "fullyQualifiedName": match resource {
                            Some(r) => format!("{r}{}", f.location.pointer),
                            None => f.location.pointer.clone(),
                        },
                        "kind": "member",
                    }],
                }],
                "properties": { "severity": f.severity, "pointer": f.location.pointer },
            }));
        }
    }
    // Files that could not be read are not results (no rule failed) but the run must not
    // look clean: they are tool notifications, which code scanning shows with the run.
    let notifications: Vec<Value> = linted
        .iter()
        .flat_map(Linted::errors)
        .map(|(file, d)| {
            let mut physical =
                json!({ "artifactLocation": { "uri": file.trim_start_matches("./") } });
            if let (Some(s), Value::Object(m)) = (d.location.span, &mut physical) {
                m.insert(
                    "region".into(),
                    json!({ "startLine": s.start.line, "startColumn": s.start.column }),
                );
            }
            json!({
                "level": "error",
                "descriptor": { "id": d.code },
                "message": { "text": format!("{} ({})", d.message, d.help) },
                "locations": [{ "physicalLocation": physical }],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "oidc-trust",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/oidc-trust/oidc-trust",
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    })
}

fn level(s: FindingSeverity) -> &'static str {
    match s {
        FindingSeverity::Critical | FindingSeverity::High => "error",
        FindingSeverity::Medium => "warning",
        FindingSeverity::Low | FindingSeverity::Info => "note",
    }
}

/// GitHub's numeric scale: ≥9 critical, ≥7 high, ≥4 medium, else low.
fn security_severity(s: FindingSeverity) -> &'static str {
    match s {
        FindingSeverity::Critical => "9.5",
        FindingSeverity::High => "8.0",
        FindingSeverity::Medium => "5.5",
        FindingSeverity::Low => "3.0",
        FindingSeverity::Info => "1.0",
    }
}
