//! The lint reports machines and pull requests read — JSON, SARIF, Markdown — written as
//! the walk goes: each input's findings leave memory once written, so a scan of a large
//! tree stays flat. JSON and SARIF are streamed (their arrays are written element by
//! element, the small parts that need the whole run — errors, SARIF's rules — at the end);
//! Markdown keeps its rows, a few hundred bytes per finding, for its summary on top.

use std::io::{self, Write};

use oidc_trust::{Diagnostic, FindingSeverity, LINT_VERSION};
use serde_json::{json, Value};

use crate::linted::{Counts, Linted};
use crate::render;

/// A report written while the inputs are linted.
pub(crate) trait Report {
    /// Writes what `l` adds.
    fn add(&mut self, l: &Linted, out: &mut dyn Write) -> io::Result<()>;
    /// Writes the rest, once every input is in.
    fn finish(&mut self, counts: &Counts, out: &mut dyn Write) -> io::Result<()>;
}

/// `serde_json`'s pretty text, every line but the first indented by `by` spaces (for a
/// value written inside a larger document).
fn pretty_at(v: &Value, by: usize) -> String {
    let text = serde_json::to_string_pretty(v).unwrap_or_default();
    text.replace('\n', &format!("\n{}", " ".repeat(by)))
}

/// Writes array elements one by one: `[`, the elements, `]`, as `to_string_pretty` would.
#[derive(Default)]
struct Items {
    written: usize,
}

impl Items {
    fn item(&mut self, v: &Value, indent: usize, out: &mut dyn Write) -> io::Result<()> {
        let sep = if self.written == 0 { "\n" } else { ",\n" };
        self.written += 1;
        write!(out, "{sep}{}{}", " ".repeat(indent), pretty_at(v, indent))
    }

    /// The closing bracket, on its own line unless the array is empty.
    fn close(&self, indent: usize, out: &mut dyn Write) -> io::Result<()> {
        if self.written == 0 {
            write!(out, "]")
        } else {
            write!(out, "\n{}]", " ".repeat(indent.saturating_sub(2)))
        }
    }
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

fn with_file(d: &Diagnostic, file: &str) -> Value {
    let mut e = render::error_json(d);
    if let Value::Object(m) = &mut e {
        m.insert("file".into(), file.into());
    }
    e
}

/// The versioned JSON form: `{"version": 1, "findings": [...], "errors": [...],
/// "warnings": [...], "policies": N}`.
#[derive(Default)]
pub(crate) struct Json {
    started: bool,
    findings: Items,
    errors: Vec<Value>,
    warnings: Vec<Value>,
}

impl Json {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            self.started = true;
            write!(out, "{{\n  \"version\": {LINT_VERSION},\n  \"findings\": [")?;
        }
        Ok(())
    }
}

impl Report for Json {
    fn add(&mut self, l: &Linted, out: &mut dyn Write) -> io::Result<()> {
        self.start(out)?;
        for (file, resource, f) in l.findings() {
            let v = json!({
                "code": f.code,
                "severity": f.severity,
                "message": f.message,
                "help": f.help,
                "fix": f.fix,
                "scenario": f.scenario,
                "statement": f.statement,
                "location": location_json(file, resource, &f.location),
            });
            let mut v = v;
            if let (Some(by), Some(o)) = (&f.blocked_by, v.as_object_mut()) {
                o.insert("blockedBy".into(), by.clone().into());
            }
            self.findings.item(&v, 4, out)?;
        }
        self.errors
            .extend(l.errors().map(|(file, d)| with_file(d, file)));
        // File problems that are not errors: a module not modelled, a policy known only
        // after apply, a file with no trust policy.
        self.warnings.extend(
            l.problems
                .iter()
                .filter(|(_, d)| !d.is_error())
                .map(|(file, d)| with_file(d, file)),
        );
        Ok(())
    }

    fn finish(&mut self, counts: &Counts, out: &mut dyn Write) -> io::Result<()> {
        self.start(out)?;
        self.findings.close(4, out)?;
        let errors = pretty_at(&Value::Array(std::mem::take(&mut self.errors)), 2);
        let warnings = pretty_at(&Value::Array(std::mem::take(&mut self.warnings)), 2);
        // How many trust policies were linted: zero findings from zero policies is not a
        // clean bill (a wrong path, a tree without roles).
        writeln!(
            out,
            ",\n  \"errors\": {errors},\n  \"warnings\": {warnings},\n  \"policies\": {}\n}}",
            counts.policies
        )
    }
}

/// SARIF 2.1.0, as GitHub code scanning reads it: one rule per code, one result per
/// finding, located on the exact value. Results come first in the run object so that
/// they can be streamed; the rules they index follow.
#[derive(Default)]
pub(crate) struct Sarif {
    started: bool,
    results: Items,
    rule_ids: Vec<&'static str>,
    rules: Vec<Value>,
    notifications: Vec<Value>,
}

impl Sarif {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            self.started = true;
            write!(
                out,
                "{{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {{\n      \"results\": ["
            )?;
        }
        Ok(())
    }

    fn rule(&mut self, f: &oidc_trust::Finding) -> usize {
        if let Some(i) = self.rule_ids.iter().position(|r| *r == f.code) {
            return i;
        }
        self.rule_ids.push(f.code);
        self.rules.push(json!({
            "id": f.code,
            "name": f.code,
            "shortDescription": { "text": f.code.replace('-', " ") },
            "fullDescription": { "text": f.help },
            "help": { "text": f.fix },
            "defaultConfiguration": { "level": level(f.severity) },
            "properties": { "security-severity": security_severity(f.severity), "tags": ["security", "iam", "oidc"] },
        }));
        self.rule_ids.len() - 1
    }
}

impl Report for Sarif {
    fn add(&mut self, l: &Linted, out: &mut dyn Write) -> io::Result<()> {
        self.start(out)?;
        for (file, resource, f) in l.findings() {
            let index = self.rule(f);
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
            let result = json!({
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
            });
            self.results.item(&result, 8, out)?;
        }
        // Files that could not be read are not results (no rule failed) but the run must
        // not look clean: they are tool notifications, which code scanning shows.
        for (file, d) in l.errors() {
            let mut physical =
                json!({ "artifactLocation": { "uri": file.trim_start_matches("./") } });
            if let (Some(s), Value::Object(m)) = (d.location.span, &mut physical) {
                m.insert(
                    "region".into(),
                    json!({ "startLine": s.start.line, "startColumn": s.start.column }),
                );
            }
            self.notifications.push(json!({
                "level": "error",
                "descriptor": { "id": d.code },
                "message": { "text": format!("{} ({})", d.message, d.help) },
                "locations": [{ "physicalLocation": physical }],
            }));
        }
        Ok(())
    }

    fn finish(&mut self, _: &Counts, out: &mut dyn Write) -> io::Result<()> {
        self.start(out)?;
        self.results.close(8, out)?;
        let tool = json!({ "driver": {
            "name": "oidc-trust",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://github.com/oidc-trust/oidc-trust",
            "rules": std::mem::take(&mut self.rules),
        }});
        let notifications = std::mem::take(&mut self.notifications);
        let invocations = json!([{
            "executionSuccessful": notifications.is_empty(),
            "toolExecutionNotifications": notifications,
        }]);
        writeln!(
            out,
            ",\n      \"tool\": {},\n      \"invocations\": {}\n    }}\n  ]\n}}",
            pretty_at(&tool, 6),
            pretty_at(&invocations, 6)
        )
    }
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

/// Markdown for a pull-request comment: a summary line and one table row per finding.
#[derive(Default)]
pub(crate) struct Markdown {
    rows: String,
    errors: String,
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

impl Report for Markdown {
    fn add(&mut self, l: &Linted, _: &mut dyn Write) -> io::Result<()> {
        for (file, resource, f) in l.findings() {
            let within = resource.map(|r| format!(" `{r}`")).unwrap_or_default();
            let at = match f.location.span {
                Some(s) => format!("`{file}:{}:{}`{within}", s.start.line, s.start.column),
                None => format!("`{file}` `{}`{within}", f.location.pointer),
            };
            self.rows.push_str(&format!(
                "| {} | `{}` | {} | {} | {} |\n",
                f.severity.name(),
                f.code,
                cell(&at),
                cell(&f.message),
                cell(&f.fix)
            ));
        }
        for (file, d) in l.errors() {
            let at = d
                .location
                .span
                .map(|s| format!(":{}:{}", s.start.line, s.start.column))
                .unwrap_or_default();
            self.errors.push_str(&format!(
                "\n`{file}{at}`: {} ({})\n",
                cell(&d.message),
                cell(&d.help)
            ));
        }
        Ok(())
    }

    fn finish(&mut self, counts: &Counts, out: &mut dyn Write) -> io::Result<()> {
        let mut text = String::from("### oidc-trust lint\n\n");
        let total = counts.total();
        let policies = |n: usize| format!("{n} trust polic{}", if n == 1 { "y" } else { "ies" });
        if total == 0 && self.errors.is_empty() {
            text.push_str(&format!("No findings in {}.\n", policies(counts.policies)));
            return out.write_all(text.as_bytes());
        }
        text.push_str(&format!(
            "**{total} finding{}** ({}) in {}\n\n",
            if total == 1 { "" } else { "s" },
            counts.by_severity(),
            policies(counts.policies)
        ));
        if total > 0 {
            text.push_str("| severity | rule | where | finding | fix |\n|---|---|---|---|---|\n");
        }
        text.push_str(&self.rows);
        text.push_str(&self.errors);
        out.write_all(text.as_bytes())
    }
}
