//! Human-readable output: the verdict first, then a tree of statements and conditions
//! with ✓/✗ and the reason, and diagnostics with the offending source line.

use std::fmt::Write;

use oidc_trust::{
    ConditionTrace, Decision, Diagnostic, ElementTrace, Evaluation, NoteLevel, Severity,
};

/// Output styling.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub(crate) color: bool,
}

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn green(&self, t: &str) -> String {
        self.paint("32", t)
    }
    fn red(&self, t: &str) -> String {
        self.paint("31", t)
    }
    fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }
    fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
    fn mark(&self, ok: bool) -> String {
        if ok {
            self.green("✓")
        } else {
            self.red("✗")
        }
    }
}

fn at(loc: &oidc_trust::Location) -> String {
    let file = loc
        .file
        .as_deref()
        .map(|f| format!("{f}:"))
        .unwrap_or_default();
    match loc.span {
        Some(s) => format!("{file}{}:{}", s.start.line, s.start.column),
        None => format!("{file}{}", loc.pointer),
    }
}

/// Renders an evaluation as text.
pub(crate) fn evaluation(e: &Evaluation, st: &Style) -> String {
    let mut out = String::new();
    let verdict = match e.decision {
        Decision::Allow => st.bold(&st.green("ALLOW")),
        Decision::Deny => st.bold(&st.red("DENY")),
    };
    let summary = e
        .summary
        .split_once(": ")
        .map(|(_, rest)| rest)
        .unwrap_or(&e.summary);
    let _ = writeln!(out, "{verdict}  {summary}");
    let _ = writeln!(out, "  {} {}", st.dim("principal"), e.request.principal);
    let _ = writeln!(out, "  {} {}", st.dim("action   "), e.request.action);
    for s in &e.statements {
        let _ = writeln!(out);
        let sid = s
            .sid
            .as_ref()
            .map(|sid| format!(" {sid}"))
            .unwrap_or_default();
        let head = match &s.rcp {
            Some(rcp) => format!("{} ({:?})", rcp.describe(), s.effect),
            None => format!("Statement {}{sid} ({:?})", s.index, s.effect),
        };
        let _ = writeln!(
            out,
            "{} {}  {}",
            st.mark(s.applies),
            st.bold(&head),
            st.dim(&format!("[{}]", at(&s.location)))
        );
        let _ = writeln!(out, "  {}", s.summary);
        element(&mut out, st, "Principal", &s.principal);
        element(&mut out, st, "Action", &s.action);
        if let Some(r) = &s.resource {
            element(&mut out, st, "Resource", r);
        }
        for c in &s.conditions {
            condition(&mut out, st, c);
        }
    }
    if !e.notes.is_empty() {
        let _ = writeln!(out, "\nNotes");
        for n in &e.notes {
            let tag = match n.level {
                NoteLevel::Info => st.dim("info"),
                NoteLevel::Warning => st.yellow("warning"),
                NoteLevel::Assumption => st.yellow("assumption"),
            };
            let _ = writeln!(out, "  {tag}: {}", n.message);
        }
    }
    if !e.request.unexposed_claims.is_empty() {
        let _ = writeln!(
            out,
            "\n{} {}",
            st.dim("Claims AWS does not expose as condition keys for this issuer:"),
            e.request.unexposed_claims.join(", ")
        );
    }
    out
}

fn element(out: &mut String, st: &Style, name: &str, e: &ElementTrace) {
    let _ = writeln!(out, "  {} {:<10} {}", st.mark(e.matched), name, e.why);
}

fn condition(out: &mut String, st: &Style, c: &ConditionTrace) {
    let _ = writeln!(
        out,
        "  {} {} {}  {}",
        st.mark(c.satisfied),
        st.bold(&c.operator),
        c.key,
        st.dim(&format!("[{}]", at(&c.key_location)))
    );
    let _ = writeln!(out, "      {}", c.why);
    for v in &c.values {
        let resolved = v
            .resolved
            .as_ref()
            .map(|r| format!(" → \"{r}\""))
            .unwrap_or_default();
        match &v.request {
            Some(r) => {
                let _ = writeln!(
                    out,
                    "      {} \"{}\"{resolved} vs \"{r}\": {}",
                    st.mark(v.matched),
                    v.value,
                    v.why
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "      {} \"{}\"{resolved}: {}",
                    st.dim("·"),
                    v.value,
                    v.why
                );
            }
        }
    }
}

/// Renders a diagnostic with the source line it points at.
pub(crate) fn diagnostic(d: &Diagnostic, file: &str, text: Option<&str>, st: &Style) -> String {
    let mut out = String::new();
    let label = match d.severity {
        Severity::Error => st.bold(&st.red(&format!("error[{}]", d.code))),
        Severity::Warning => st.bold(&st.yellow(&format!("warning[{}]", d.code))),
    };
    let _ = writeln!(out, "{label}: {}", d.message);
    if d.location.span.is_some() || !d.location.pointer.is_empty() || d.input != "options" {
        out.push_str(&snippet(file, &d.location, text, st));
    }
    let _ = writeln!(out, "  = help: {}", d.help);
    out
}

/// ` --> file:line:col (pointer)` and the source line with a caret under the span.
pub(crate) fn snippet(
    file: &str,
    location: &oidc_trust::Location,
    text: Option<&str>,
    st: &Style,
) -> String {
    let mut out = String::new();
    let pointer = if location.pointer.is_empty() {
        String::new()
    } else {
        format!(" ({})", location.pointer)
    };
    let Some(span) = location.span else {
        let _ = writeln!(out, "  --> {file}{pointer}");
        return out;
    };
    let _ = writeln!(
        out,
        "  --> {file}:{}:{}{pointer}",
        span.start.line, span.start.column
    );
    if let Some(line) = text.and_then(|t| t.lines().nth(span.start.line.saturating_sub(1) as usize))
    {
        let width = if span.end.line == span.start.line {
            (span.end.column.saturating_sub(span.start.column)).max(1)
        } else {
            1
        };
        // A long line (a policy in one JSON string) is shown around the span, not from its
        // start, so that the carets stay under the value.
        const SHOWN: usize = 160;
        let column = span.start.column.saturating_sub(1) as usize;
        let skip = if column + (width.min(80) as usize) < SHOWN {
            0
        } else {
            column.saturating_sub(40)
        };
        let count = line.chars().count();
        let mut shown: String = line.chars().skip(skip).take(SHOWN).collect();
        if skip > 0 {
            shown.insert(0, '…');
        }
        if count > skip + SHOWN {
            shown.push('…');
        }
        let column = column - skip + usize::from(skip > 0);
        let gutter = span.start.line.to_string().len();
        let _ = writeln!(out, "{:>gutter$} |", "");
        let _ = writeln!(out, "{} | {shown}", span.start.line);
        let pad = " ".repeat(column);
        let _ = writeln!(
            out,
            "{:>gutter$} | {pad}{}",
            "",
            st.red(&"^".repeat(width.min(80) as usize))
        );
    }
    out
}

/// A severity label, coloured by how bad it is.
pub(crate) fn severity(s: oidc_trust::FindingSeverity, st: &Style) -> String {
    use oidc_trust::FindingSeverity as F;
    let name = s.name();
    match s {
        F::Critical | F::High => st.bold(&st.red(name)),
        F::Medium => st.bold(&st.yellow(name)),
        F::Low | F::Info => st.dim(name),
    }
}

/// ✓ or ✗, coloured.
pub(crate) fn mark(ok: bool, st: &Style) -> String {
    st.mark(ok)
}

/// The JSON form of an error (`--format json`, batch lines, lint's `errors`).
pub(crate) fn error_json(d: &oidc_trust::Diagnostic) -> serde_json::Value {
    serde_json::to_value(d.flat()).unwrap_or(serde_json::Value::Null)
}
