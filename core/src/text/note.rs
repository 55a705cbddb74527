//! Notes: remarks attached to a request or an evaluation (token timing, assumptions where
//! AWS's behaviour is undocumented). They live here, below the request and the trace,
//! because both produce them.

use serde::Serialize;

/// Severity of a [`Note`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum NoteLevel {
    /// For information.
    Info,
    /// Something that may change the outcome in practice (e.g. an expired token).
    Warning,
    /// AWS's behaviour here is undocumented; the evaluation assumed the most likely answer.
    Assumption,
}

/// A remark attached to an evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// How much it matters.
    pub level: NoteLevel,
    /// Stable identifier.
    pub code: &'static str,
    /// What it says.
    pub message: String,
    /// The policy location it concerns, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl Note {
    pub(crate) fn info(code: &'static str, message: String) -> Note {
        Note {
            level: NoteLevel::Info,
            code,
            message,
            pointer: None,
        }
    }
    pub(crate) fn warning(code: &'static str, message: String) -> Note {
        Note {
            level: NoteLevel::Warning,
            code,
            message,
            pointer: None,
        }
    }
    pub(crate) fn assumption(code: &'static str, message: String, pointer: Option<String>) -> Note {
        Note {
            level: NoteLevel::Assumption,
            code,
            message,
            pointer,
        }
    }
}
