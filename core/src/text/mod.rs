//! Layer 0, text: reading JSON with positions, locations, diagnostics, notes and
//! severities. Everything above reports through these types; this layer knows no IAM.

pub(crate) mod diagnostic;
pub(crate) mod json;
pub(crate) mod note;
pub(crate) mod severity;
pub(crate) mod source;
