//! Layer 4, eval: the decision. [`matcher`] holds every matching rule and `decide`;
//! [`evaluate`](mod@evaluate) runs the same rules with a trace; [`explain`] words each outcome; [`trace`]
//! is the one trace type every face shows, and [`wire`] writes it (format v2).

pub(crate) mod evaluate;
pub(crate) mod explain;
pub(crate) mod matcher;
pub(crate) mod trace;
pub(crate) mod wire;
