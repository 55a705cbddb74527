//! What `lint` holds about one input while it reports it — its policies' lints and its
//! files' problems — and the counts kept over the whole run. Shared by the text output
//! (`lint`) and the machine-readable reports (`reports`).

use oidc_trust::{Diagnostic, DocumentLint, Finding, FindingSeverity};

/// One linted input: a file, or a Terraform module (whose policies name their files).
pub(crate) struct Linted {
    /// The input, as shown (relative to the directory walked).
    pub(crate) file: String,
    pub(crate) documents: Vec<DocumentLint>,
    /// Problems with the files, each with its file.
    pub(crate) problems: Vec<(String, Diagnostic)>,
    /// A repository settings file (layer 3): its findings count, it is no policy.
    pub(crate) settings: bool,
}

impl Linted {
    /// (file, resource, finding) of every policy: the file a finding points into.
    pub(crate) fn findings(&self) -> impl Iterator<Item = (&str, Option<&str>, &Finding)> {
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
    pub(crate) fn errors(&self) -> impl Iterator<Item = (&str, &Diagnostic)> {
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

/// Findings by severity, and policies, over every input.
#[derive(Default)]
pub(crate) struct Counts {
    findings: [usize; 5],
    pub(crate) policies: usize,
    /// Errors that kept a file or a policy from being read (each is also reported).
    errors: usize,
}

impl Counts {
    pub(crate) fn add(&mut self, l: &Linted) {
        if !l.settings {
            self.policies += l.documents.len();
        }
        self.errors += l.errors().count();
        for (_, _, f) in l.findings() {
            if let Some(slot) = self.findings.get_mut(f.severity as usize) {
                *slot += 1;
            }
        }
    }

    pub(crate) fn total(&self) -> usize {
        self.findings.iter().sum()
    }

    /// `critical 1, high 2`...
    pub(crate) fn by_severity(&self) -> String {
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
    pub(crate) fn line(&self, inputs: usize) -> String {
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
                1 => "; 1 error kept a file or a policy from being read (above)".into(),
                n => format!("; {n} errors kept files or policies from being read (above)"),
            }
        )
    }
}
