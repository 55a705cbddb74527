//! Layer 3, request: what STS evaluates. Claims from JSON or a JWT, the catalog of claims
//! AWS exposes as condition keys, and the request context built from both.

pub(crate) mod catalog;
pub(crate) mod claims;
pub(crate) mod context;
pub(crate) mod pasted;
