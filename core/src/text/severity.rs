//! How bad a finding is. Shared by the CI token models (each attacker scenario carries
//! one), the replay and lint.

use serde::Serialize;

/// How bad it is when an attempt gets in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FindingSeverity {
    /// Worth knowing.
    Info,
    /// A weakness with a narrow reach.
    Low,
    /// People inside the trusted scope who should not get in, do.
    Medium,
    /// Untrusted code or other projects of the same owner get in.
    High,
    /// Anyone on the CI service gets in.
    Critical,
}

impl FindingSeverity {
    /// The lowercase name.
    pub fn name(self) -> &'static str {
        match self {
            FindingSeverity::Info => "info",
            FindingSeverity::Low => "low",
            FindingSeverity::Medium => "medium",
            FindingSeverity::High => "high",
            FindingSeverity::Critical => "critical",
        }
    }

    /// Reads a name (`critical`, `high`...).
    pub fn parse(name: &str) -> Option<FindingSeverity> {
        [
            FindingSeverity::Info,
            FindingSeverity::Low,
            FindingSeverity::Medium,
            FindingSeverity::High,
            FindingSeverity::Critical,
        ]
        .into_iter()
        .find(|s| s.name().eq_ignore_ascii_case(name))
    }
}
