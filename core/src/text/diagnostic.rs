//! Errors and warnings about user input, as data: a stable code, a severity, a one-line
//! message, a help text saying what to do, and the location (JSON pointer and span).
//!
//! Messages follow one style: lower-case, no final period, user input in backticks.
//! Codes are stable strings documented in `docs/diagnostics.md`; faces may match on them.

use serde::Serialize;

use crate::text::source::{LineIndex, Location};

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Accepted by IAM but odd, risky, or evaluated under an assumption.
    Warning,
    /// Refused by IAM, or unreadable: no evaluation happens.
    Error,
}

/// One finding about an input. Serialises flat (see [`FlatDiagnostic`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable identifier, e.g. `json-syntax` or `resource-in-trust-policy`.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// Which input the location refers to: `policy`, `claims`, `token`, `settings` or `options`.
    pub input: &'static str,
    /// Where in that input.
    pub location: Location,
}

impl Diagnostic {
    /// An error about the options or arguments (no text to point into, only a pointer):
    /// every face builds its usage errors with this.
    pub fn options(code: &'static str, message: String, help: &str, pointer: &str) -> Diagnostic {
        Diagnostic {
            code,
            severity: Severity::Error,
            message,
            help: help.into(),
            input: "options",
            location: Location::pointer_only(pointer),
        }
    }

    /// Whether this diagnostic stops evaluation.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl Diagnostic {
    /// The flat form faces hand to users: location split into `pointer`, `line`, `column`.
    pub fn flat(&self) -> FlatDiagnostic<'_> {
        let start = self.location.span.map(|s| s.start);
        FlatDiagnostic {
            code: self.code,
            severity: self.severity,
            message: &self.message,
            help: &self.help,
            input: self.input,
            pointer: &self.location.pointer,
            line: start.map(|p| p.line),
            column: start.map(|p| p.column),
            span: self.location.span,
        }
    }
}

impl Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.flat().serialize(s)
    }
}

/// A [`Diagnostic`] serialised flat, as the CLI's JSON errors and the npm package's
/// `OidcTrustError` show it. Line and column are 1-based; absent for inputs that are
/// not text (options).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct FlatDiagnostic<'a> {
    /// Stable identifier.
    pub code: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: &'a str,
    /// What to do.
    pub help: &'a str,
    /// Which input: `policy`, `claims`, `token`, `settings` or `options`.
    pub input: &'static str,
    /// JSON pointer into that input.
    pub pointer: &'a str,
    /// 1-based line of the start.
    pub line: Option<u32>,
    /// 1-based column (Unicode scalar values) of the start.
    pub column: Option<u32>,
    /// The full span, with byte and UTF-16 offsets.
    pub span: Option<crate::text::source::Span>,
}

/// Builds diagnostics for one input text, computing spans from byte ranges.
pub(crate) struct Reporter<'a> {
    text: &'a str,
    /// Built on the first location asked for: claims and tokens that read cleanly never
    /// need one, and building it is a pass over the whole text.
    index: std::cell::OnceCell<LineIndex<'a>>,
    input: &'static str,
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl<'a> Reporter<'a> {
    pub(crate) fn new(text: &'a str, input: &'static str) -> Self {
        Reporter {
            text,
            index: std::cell::OnceCell::new(),
            input,
            diagnostics: Vec::new(),
        }
    }

    pub(crate) fn location(&self, pointer: &str, start: usize, end: usize) -> Location {
        let index = self.index.get_or_init(|| LineIndex::new(self.text));
        Location {
            pointer: pointer.to_string(),
            span: Some(index.span(start, end)),
            file: None,
        }
    }

    pub(crate) fn make(
        &self,
        severity: Severity,
        code: &'static str,
        message: String,
        help: impl Into<String>,
        pointer: &str,
        range: (usize, usize),
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity,
            message,
            help: help.into(),
            input: self.input,
            location: self.location(pointer, range.0, range.1),
        }
    }

    /// Reads `text` as JSON; a syntax error becomes a `json-syntax` diagnostic where
    /// reading stopped.
    pub(crate) fn json(&self, text: &str) -> Result<crate::text::json::Node, Diagnostic> {
        self.json_keeping(text, None)
    }

    /// [`Reporter::json`] through [`crate::text::json::parse_keeping`].
    pub(crate) fn json_keeping(
        &self,
        text: &str,
        keep: Option<&dyn Fn(&str) -> bool>,
    ) -> Result<crate::text::json::Node, Diagnostic> {
        crate::text::json::parse_keeping(text, keep).map_err(|e| {
            self.make(
                Severity::Error,
                "json-syntax",
                e.message,
                e.help,
                "",
                (e.at, e.at),
            )
        })
    }

    pub(crate) fn error(
        &mut self,
        code: &'static str,
        message: String,
        help: impl Into<String>,
        pointer: &str,
        range: (usize, usize),
    ) {
        let d = self.make(Severity::Error, code, message, help, pointer, range);
        self.diagnostics.push(d);
    }

    pub(crate) fn warning(
        &mut self,
        code: &'static str,
        message: String,
        help: impl Into<String>,
        pointer: &str,
        range: (usize, usize),
    ) {
        let d = self.make(Severity::Warning, code, message, help, pointer, range);
        self.diagnostics.push(d);
    }
}

/// Levenshtein distance, for "did you mean" suggestions on short names.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let above = row.get(j + 1).copied().unwrap_or(usize::MAX);
            let left = row.get(j).copied().unwrap_or(usize::MAX);
            let value = (prev + cost)
                .min(above.saturating_add(1))
                .min(left.saturating_add(1));
            prev = above;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// The closest candidate within a small edit distance, compared case-insensitively.
pub(crate) fn suggest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let lower = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len() / 4).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_near_misses_only() {
        assert_eq!(
            suggest("StringEqual", ["StringEquals", "StringLike"]),
            Some("StringEquals")
        );
        assert_eq!(suggest("Banana", ["StringEquals", "StringLike"]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
