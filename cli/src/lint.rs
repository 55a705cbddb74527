//! `oidc-trust lint [PATH...]`: findings for every trust policy in the files, Terraform
//! modules and directories named (the current directory by default), as text, JSON, SARIF
//! or Markdown.
//!
//! Exit codes: 0 no finding at or above `--fail-on`, 1 some, 2 a file could not be read
//! or is not a policy IAM accepts (its errors are reported like findings' locations).

use std::io::{self, Write};
use std::path::Path;

use oidc_trust::{
    lint_source_with, Diagnostic, DocumentLint, Finding, Layer3Check, LintOptions, LintReport,
    TerraformOptions, LINT_VERSION,
};

use crate::args::{LintArgs, LintFormat};
use crate::input;
use crate::linted::{Counts, Linted};
use crate::policies::{self, Disk, Item};
use crate::render::{self, Style};
use crate::reports::{self, Report};
use crate::Exit;

/// Reads and lints everything the arguments name, handing each input to `each` as soon as
/// it is linted (so a walk's memory does not grow with the tree). Repository settings files
/// (layer 3) are kept, and checked against every policy's values once all are read.
/// Returns the number of inputs (files and modules) read.
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
    let mut layer3 = Layer3Check::new();
    let mut settings: Vec<(String, String)> = Vec::new();
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
                        let (l, files) = lint_module(&dir, None, &disk, options, tf, &mut layer3);
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
                        // Named from the caller's directory: two walked folders may both
                        // hold an `environments.json`, and the report is written at the end.
                        let shown = policies::clean(&path.join(&name));
                        if let Some(read) = layer3.add_settings(&shown, &text) {
                            match read {
                                Ok(_) => settings.push((shown, text)),
                                Err(d) => {
                                    count += 1;
                                    each(unreadable(&name, d), &disk)?;
                                }
                            }
                            continue;
                        }
                        // Files that hold no trust policy are passed over in silence.
                        if !policies::looks_like_policies(&text) {
                            continue;
                        }
                        let mut l = lint_text(&name, &text, options, &mut layer3);
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
            each(
                lint_module(&dir, Some(&name), &disk, options, tf, &mut layer3).0,
                &disk,
            )?;
            continue;
        }
        if path.file_name().is_some_and(|n| n == "CODEOWNERS") {
            let d = input::usage_error(
                "settings-repository",
                format!("`{arg}` does not say which repository it belongs to"),
                "save it with `gh api repos/OWNER/REPO/contents/.github/CODEOWNERS > codeowners.json` and lint that (docs/lint.md, Layer 3)",
            );
            each(unreadable(arg, d), &disk)?;
            continue;
        }
        let source = input::read(arg, "policy").map(|source| {
            let read = layer3.add_settings(&source.name, &source.text);
            (source, read)
        });
        let source = match source {
            Ok((source, Some(read))) => {
                match read {
                    Ok(_) => {
                        // Counted with the report at the end.
                        count -= 1;
                        settings.push((source.name, source.text));
                    }
                    Err(d) => {
                        disk.remember(&source.name, &source.text);
                        each(unreadable(&source.name, d), &disk)?;
                    }
                }
                continue;
            }
            Ok((source, None)) => Ok(source),
            Err(d) => Err(d),
        };
        match source {
            // As a walk reads it: a file that holds no trust policy is no news.
            Ok(source)
                if args.skip_unrelated
                    && (!policies::looks_like_policies(&source.text)
                        || !policies::may_hold_policies(&source.name)) =>
            {
                count -= 1;
            }
            Ok(source) => {
                disk.remember(&source.name, &source.text);
                let mut l = lint_text(&source.name, &source.text, options, &mut layer3);
                if args.skip_unrelated {
                    l.problems.retain(|(_, d)| d.code != "no-trust-policy");
                    if l.documents.is_empty() && l.problems.is_empty() {
                        count -= 1;
                        continue;
                    }
                }
                each(l, &disk)?;
            }
            Err(d) => each(unreadable(arg, d), &disk)?,
        }
    }
    if layer3.has_settings() {
        let mut findings = layer3.findings();
        let disk = Disk::new(Path::new("."));
        for (name, text) in &settings {
            let (mut mine, rest): (Vec<Finding>, Vec<Finding>) = findings
                .into_iter()
                .partition(|f| f.location.file.as_deref() == Some(name.as_str()));
            findings = rest;
            mine.sort_by_key(|f| std::cmp::Reverse(f.severity));
            disk.remember(name, text);
            count += 1;
            let report = LintReport {
                version: LINT_VERSION,
                findings: mine,
                diagnostics: Vec::new(),
                replays: Vec::new(),
            };
            let linted = Linted {
                file: name.clone(),
                documents: vec![DocumentLint {
                    resource: None,
                    file: Some(name.clone()),
                    pointer: String::new(),
                    report,
                }],
                problems: Vec::new(),
                settings: true,
            };
            each(linted, &disk)?;
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
        settings: false,
    }
}

/// A JSON or YAML file: a policy, a plan, a template, account details.
fn lint_text(name: &str, text: &str, options: &LintOptions, layer3: &mut Layer3Check) -> Linted {
    match crate::yaml::to_json_if_yaml(text) {
        Ok(converted) => {
            let mut source = lint_source_with(converted.json(text), options, &mut |p, report| {
                layer3.add_found(name, p, report);
                // Reports print findings only: the replay behind them need not stay in
                // memory (an account dump of 10,000 roles held 300 MiB of it).
                report.replays = Vec::new();
            });
            converted.relocate(&mut source);
            Linted {
                file: name.to_string(),
                documents: source.documents,
                problems: source
                    .diagnostics
                    .into_iter()
                    .map(|d| (name.to_string(), d))
                    .collect(),
                settings: false,
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
    layer3: &mut Layer3Check,
) -> (Linted, Vec<String>) {
    let read = oidc_trust::read_terraform(dir, disk, tf);
    let documents = read
        .policies
        .iter()
        .filter(|p| only.is_none_or(|o| p.file.as_deref() == Some(o)))
        .map(|p| {
            let mut report = p.lint(options);
            layer3.add_found(p.file.as_deref().unwrap_or(dir), p, &report);
            report.replays = Vec::new();
            DocumentLint {
                report,
                resource: p.resource.clone(),
                file: p.file.clone(),
                pointer: p.pointer.clone(),
            }
        })
        .collect();
    let linted = Linted {
        file: only.unwrap_or(dir).to_string(),
        documents,
        problems: read.diagnostics,
        settings: false,
    };
    (linted, read.files)
}

pub(crate) fn run(args: &LintArgs, style: &Style, stdout: &mut dyn Write) -> io::Result<Exit> {
    let mut options = match lint_options(args) {
        Ok(o) => o,
        Err(d) => {
            eprint!("{}", render::diagnostic(&d, "options", None, style));
            return Ok(Exit::BadInput);
        }
    };
    options.rcps = match crate::guardrails::read(&args.guardrails.rcps, style) {
        Ok(r) => r,
        Err(exit) => return Ok(exit),
    };
    let guarded = !options.rcps.is_empty();
    let tf = match input::terraform_options(&args.terraform.vars, &args.terraform.var_files) {
        Ok(t) => t,
        Err(d) => {
            eprint!("{}", render::diagnostic(&d, "options", None, style));
            return Ok(Exit::BadInput);
        }
    };
    let mut invalid = false;
    let mut failing = false;
    let mut counts = Counts::default();
    // Text is written as it comes, with each finding's line; the others stream too.
    let mut report: Option<Box<dyn Report>> = match args.format {
        LintFormat::Text => None,
        LintFormat::Json => Some(Box::<reports::Json>::default()),
        LintFormat::Sarif => Some(Box::<reports::Sarif>::default()),
        LintFormat::Markdown => Some(Box::<reports::Markdown>::default()),
    };
    let inputs = lint_all(args, &options, &tf, &mut |l, disk| {
        invalid |= l.errors().next().is_some();
        failing |= l.findings().any(|(_, _, f)| args.fail_on.fails(f.severity));
        counts.add(&l);
        match report.as_mut() {
            None => stdout.write_all(text_of(&l, disk, style, guarded).as_bytes()),
            Some(r) => r.add(&l, stdout),
        }
    })?;
    match report.as_mut() {
        None => stdout.write_all(counts.line(inputs).as_bytes())?,
        Some(r) => r.finish(&counts, stdout)?,
    }
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
        role: args.guardrails.role_arn.clone(),
        rcps: Vec::new(),
    })
}

/// With RCPs, per policy (per role of an account dump): the holes still open, those the
/// RCPs close, and whether they lock the role's own identity out.
fn guardrail_lines(l: &Linted) -> String {
    let mut out = String::new();
    for doc in &l.documents {
        let f = &doc.report.findings;
        let open = f
            .iter()
            .filter(|f| f.scenario.is_some() && f.blocked_by.is_none())
            .count();
        let closed = f.iter().filter(|f| f.blocked_by.is_some()).count();
        let locked = f.iter().any(|f| f.code == "rcp-locks-out");
        let who = doc.resource.as_deref().unwrap_or(&l.file);
        out.push_str(&format!(
            "with the RCPs, {who}: {open} hole{} open, {closed} closed by the RCPs{}\n",
            if open == 1 { "" } else { "s" },
            if locked {
                "; the RCPs lock its own identity out"
            } else {
                ""
            }
        ));
    }
    out
}

fn text_of(l: &Linted, disk: &Disk, st: &Style, guarded: bool) -> String {
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
    if guarded {
        out.push_str(&guardrail_lines(l));
    }
    out
}
