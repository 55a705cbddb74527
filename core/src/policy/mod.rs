//! Layer 2, policy: the trust-policy language. The model, the parser that builds it from
//! JSON text, operators, `*`/`?` patterns with policy variables, typed values, ARNs.

pub(crate) mod arn;
pub(crate) mod model;
pub(crate) mod operator;
pub(crate) mod parse;
pub(crate) mod pattern;
pub(crate) mod value;
