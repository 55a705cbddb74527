//! `oidc-trust lint FILE...`: findings for every policy, as text, JSON, SARIF or Markdown.
//!
//! Exit codes: 0 no finding at or above `--fail-on`, 1 some, 2 a file could not be read
//! or is not a policy IAM accepts (its errors are reported like findings' locations).

use oidc_trust::{
    lint_source, Diagnostic, Finding, FindingSeverity, LintOptions, SourceLint, LINT_VERSION,
};
use serde_json::{json, Value};

use crate::args::{LintArgs, LintFormat};
use crate::input;
use crate::render::{self, Style};
use crate::Exit;
use std::io::{self, Write};

/// One linted file.
struct Linted {
    file: String,
    text: String,
    source: SourceLint,
}

impl Linted {
    /// (resource, finding) of every policy in the file.
    fn findings(&self) -> impl Iterator<Item = (Option<&str>, &Finding)> {
        self.source.documents.iter().flat_map(|d| {
            d.report
                .findings
                .iter()
                .map(move |f| (d.resource.as_deref(), f))
        })
    }

    /// Errors: the file's own, and each policy's.
    fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.source
            .diagnostics
            .iter()
            .chain(
                self.source
                    .documents
                    .iter()
                    .flat_map(|d| &d.report.diagnostics),
            )
            .filter(|d| d.is_error())
    }
}

pub(crate) fn run(args: &LintArgs, style: &Style, stdout: &mut dyn Write) -> io::Result<Exit> {
    let options = match lint_options(args) {
        Ok(o) => o,
        Err(d) => {
            eprint!("{}", render::diagnostic(&d, "options", None, style));
            return Ok(Exit::BadInput);
        }
    };
    let mut linted = Vec::new();
    let mut unreadable: Vec<(String, Diagnostic)> = Vec::new();
    for file in &args.files {
        match input::read(file, "policy") {
            Ok(input) => match crate::yaml::to_json_if_yaml(&input.text) {
                Ok(converted) => {
                    let mut source = lint_source(converted.json(&input.text), &options);
                    converted.relocate(&mut source);
                    linted.push(Linted {
                        file: input.name,
                        text: input.text,
                        source,
                    });
                }
                Err(d) => unreadable.push((file.clone(), d)),
            },
            Err(d) => unreadable.push((file.clone(), d)),
        }
    }
    let out = match args.format {
        LintFormat::Text => text(&linted, &unreadable, style),
        LintFormat::Json => pretty(&json_report(&linted, &unreadable)),
        LintFormat::Sarif => pretty(&sarif(&linted)),
        LintFormat::Markdown => markdown(&linted, &unreadable),
    };
    stdout.write_all(out.as_bytes())?;
    let invalid = !unreadable.is_empty() || linted.iter().any(|l| l.errors().next().is_some());
    let failing = linted
        .iter()
        .flat_map(Linted::findings)
        .any(|(_, f)| args.fail_on.fails(f.severity));
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
fn json_report(linted: &[Linted], unreadable: &[(String, Diagnostic)]) -> Value {
    let findings: Vec<Value> = linted
        .iter()
        .flat_map(|l| {
            l.findings().map(move |(resource, f)| {
                json!({
                    "code": f.code,
                    "severity": f.severity,
                    "message": f.message,
                    "help": f.help,
                    "fix": f.fix,
                    "scenario": f.scenario,
                    "statement": f.statement,
                    "location": location_json(&l.file, resource, &f.location),
                })
            })
        })
        .collect();
    let mut errors: Vec<Value> = Vec::new();
    for l in linted {
        for d in l.errors() {
            let mut e = render::error_json(d);
            if let Value::Object(m) = &mut e {
                m.insert("file".into(), l.file.clone().into());
            }
            errors.push(e);
        }
    }
    for (file, d) in unreadable {
        let mut e = render::error_json(d);
        if let Value::Object(m) = &mut e {
            m.insert("file".into(), file.clone().into());
        }
        errors.push(e);
    }
    json!({ "version": LINT_VERSION, "findings": findings, "errors": errors })
}

fn text(linted: &[Linted], unreadable: &[(String, Diagnostic)], st: &Style) -> String {
    let mut out = String::new();
    for (file, d) in unreadable {
        out.push_str(&render::diagnostic(d, file, None, st));
    }
    let mut total = 0;
    for l in linted {
        for d in l.errors() {
            out.push_str(&render::diagnostic(d, &l.file, Some(&l.text), st));
        }
        for d in l.source.diagnostics.iter().filter(|d| !d.is_error()) {
            out.push_str(&render::diagnostic(d, &l.file, Some(&l.text), st));
        }
        for (resource, f) in l.findings() {
            total += 1;
            let within = resource.map(|r| format!(" (in {r})")).unwrap_or_default();
            out.push_str(&format!(
                "{}[{}]: {}{within}\n",
                render::severity(f.severity, st),
                f.code,
                f.message
            ));
            out.push_str(&render::snippet(&l.file, &f.location, Some(&l.text), st));
            out.push_str(&format!("  = why: {}\n  = fix: {}\n\n", f.help, f.fix));
        }
    }
    let counts = count_by_severity(linted);
    out.push_str(&format!(
        "{total} finding{} in {} file{}{}\n",
        if total == 1 { "" } else { "s" },
        linted.len() + unreadable.len(),
        if linted.len() + unreadable.len() == 1 {
            ""
        } else {
            "s"
        },
        if counts.is_empty() {
            String::new()
        } else {
            format!(" ({counts})")
        }
    ));
    out
}

fn count_by_severity(linted: &[Linted]) -> String {
    let all: Vec<&Finding> = linted
        .iter()
        .flat_map(|l| l.findings().map(|(_, f)| f))
        .collect();
    [
        FindingSeverity::Critical,
        FindingSeverity::High,
        FindingSeverity::Medium,
        FindingSeverity::Low,
        FindingSeverity::Info,
    ]
    .iter()
    .filter_map(|s| {
        let n = all.iter().filter(|f| f.severity == *s).count();
        (n > 0).then(|| format!("{n} {}", s.name()))
    })
    .collect::<Vec<_>>()
    .join(", ")
}

/// Markdown for a pull-request comment: a summary line and one table row per finding.
fn markdown(linted: &[Linted], unreadable: &[(String, Diagnostic)]) -> String {
    let mut out = String::from("### oidc-trust lint\n\n");
    let total: usize = linted.iter().map(|l| l.findings().count()).sum();
    if total == 0 && unreadable.is_empty() {
        out.push_str("No findings.\n");
        return out;
    }
    let counts = count_by_severity(linted);
    out.push_str(&format!(
        "**{total} finding{}** ({counts})\n\n",
        if total == 1 { "" } else { "s" }
    ));
    out.push_str("| severity | rule | where | finding | fix |\n|---|---|---|---|---|\n");
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    for l in linted {
        for (resource, f) in l.findings() {
            let within = resource.map(|r| format!(" `{r}`")).unwrap_or_default();
            let at = match f.location.span {
                Some(s) => format!("`{}:{}:{}`{within}", l.file, s.start.line, s.start.column),
                None => format!("`{}` `{}`{within}", l.file, f.location.pointer),
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
    for (file, d) in unreadable {
        out.push_str(&format!(
            "\n`{}`: {} ({})\n",
            file,
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
        for (resource, f) in l.findings() {
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
                json!({ "artifactLocation": { "uri": l.file.trim_start_matches("./") } });
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
