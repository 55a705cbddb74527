//! The trace on the wire, format v2: what the CLI's `--format json`, the npm package's
//! `Evaluation` and `compiled.locations` carry.
//!
//! v2 holds what v1 holds (every statement, condition, comparison, absence reason and note)
//! but writes what a policy fixes only once. Every location, with the text written there
//! (an operator, a key, a value), is an entry of a [`LocationTable`]; the trace refers to it
//! by index (`at`, `keyAt`). A compiled policy builds its table once, and each evaluation
//! then carries only what varies with the token. One-shot output inlines the table as
//! `locations`.
//!
//! Besides the table, three things are written once instead of repeated:
//! - `request.claims` holds the keys `ISSUER:NAME` whose source is the claim `NAME` (the
//!   usual case): their values, one string when there is one; other keys stay in
//!   `request.keys` with their `source` (the order of the request's keys is not kept);
//! - a condition's `requestValues` is left out when it is the values of the request key
//!   named like the condition's key (ASCII case-insensitive), and absent with `absence`;
//! - `request.principal` is left out when it is `arn:aws:iam::ACCOUNT:oidc-provider/ISSUER`
//!   (the literal `ACCOUNT` when `account` is absent).
//!
//! `docs/trace.md` documents the format with an example. v1 (the derived serialisation of
//! [`Evaluation`] through [`TraceV1`]) stays available for one minor release.

use std::cell::Cell;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use crate::policy::model::{Effect, Policy, RcpStatement};
use crate::request::context::{ContextKey, KeySource};
use crate::text::source::Location;

use super::trace::{Absence, ConditionTrace, ElementTrace, Evaluation, StatementTrace, ValueTrace};

/// The trace format version that [`Evaluation::wire`] and [`Evaluation::one_shot`] write.
pub const TRACE_VERSION: u32 = 2;

/// The locations a v2 trace refers to by index, each with the text written there.
///
/// Both constructors list locations in the order a trace visits them (statement,
/// principal and its values, action and its values, resource, then each condition's
/// operator, key and values), so writing a trace walks the table with a cursor instead
/// of looking each location up: no hashing, and nothing to add to the WebAssembly module.
#[derive(Debug, Clone, Default)]
pub struct LocationTable {
    entries: Vec<Entry>,
}

/// One location and the text written at it (absent for a whole statement or element).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    location: Location,
    text: Option<String>,
}

impl LocationTable {
    /// Every location of `policy` (RCP statements included), in document order: the table
    /// a compiled policy sends once, and its evaluations refer to.
    pub fn of_policy(policy: &Policy) -> LocationTable {
        let mut table = LocationTable::default();
        for s in &policy.statements {
            table.push(&s.location, None);
            table.push(&s.principal.location, None);
            for v in &s.principal.values {
                table.push(&v.location, Some(&v.value));
            }
            table.push(&s.action.location, None);
            for p in &s.action.patterns {
                table.push(&p.location, Some(&p.text));
            }
            if let Some(r) = &s.resource {
                table.push(&r.location, None);
                for p in &r.patterns {
                    table.push(&p.location, Some(&p.text));
                }
            }
            // Conditions under one operator share its location: the table holds it once.
            let mut operator: Option<&Location> = None;
            for c in &s.conditions {
                if operator != Some(&c.operator_location) {
                    table.push(&c.operator_location, Some(&c.operator_text));
                }
                operator = Some(&c.operator_location);
                table.push(&c.key_location, Some(&c.key));
                for v in &c.values {
                    table.push(&v.location, Some(&v.text));
                }
            }
        }
        table
    }

    /// The locations `evaluation` refers to, in the order it does: the table one-shot
    /// output inlines (it holds locations a face moved into another file, too).
    pub fn of_evaluation(evaluation: &Evaluation) -> LocationTable {
        let mut table = LocationTable::default();
        for s in &evaluation.statements {
            table.push(&s.location, None);
            let elements = [Some(&s.principal), Some(&s.action), s.resource.as_ref()];
            for e in elements.into_iter().flatten() {
                table.push(&e.location, None);
                for v in &e.values {
                    table.push(&v.location, Some(&v.value));
                }
            }
            let mut operator: Option<&Location> = None;
            for c in &s.conditions {
                if operator != Some(&c.location) {
                    table.push(&c.location, Some(&c.operator));
                }
                operator = Some(&c.location);
                table.push(&c.key_location, Some(&c.key));
                // A policy value compared with several request values is listed once per
                // comparison, one after the other: the table holds it once.
                let mut last: Option<&Location> = None;
                for v in &c.values {
                    if last != Some(&v.location) {
                        table.push(&v.location, Some(&v.value));
                    }
                    last = Some(&v.location);
                }
            }
        }
        table
    }

    /// The index of `location` with `text`, looking at `hint` first: a trace visits the
    /// table in order, so the next location is almost always the one after the last. The
    /// exceptions (an operator shared by conditions, a value compared with several request
    /// values) are a little behind, so the search goes back from there first.
    fn find_from(&self, hint: usize, location: &Location, text: Option<&str>) -> Option<u32> {
        let is = |e: &Entry| e.location == *location && e.text.as_deref() == text;
        let (before, after) = self.entries.split_at(hint.min(self.entries.len()));
        let at = match after.first() {
            Some(e) if is(e) => hint,
            _ => match before.iter().rposition(is) {
                Some(i) => i,
                None => hint + after.iter().position(is)?,
            },
        };
        u32::try_from(at).ok()
    }

    fn push(&mut self, location: &Location, text: Option<&str>) {
        self.entries.push(Entry {
            location: location.clone(),
            text: text.map(str::to_string),
        });
    }
}

impl Serialize for LocationTable {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(&self.entries)
    }
}

impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("pointer", &self.location.pointer)?;
        if let Some(span) = &self.location.span {
            m.serialize_entry("span", span)?;
        }
        if let Some(file) = &self.location.file {
            m.serialize_entry("file", file)?;
        }
        if let Some(text) = &self.text {
            m.serialize_entry("text", text)?;
        }
        m.end()
    }
}

impl Evaluation {
    /// The v2 trace of one evaluation of a compiled policy: locations are indexes into
    /// `table` (built by [`LocationTable::of_policy`] from the same policy), and the
    /// policy's warnings, which do not vary per token, are left out.
    pub fn wire<'a>(&'a self, table: &'a LocationTable) -> TraceV2<'a> {
        TraceV2 {
            evaluation: self,
            table: Table::Shared(table),
            inline: false,
        }
    }

    /// The v2 trace of a one-shot evaluation: self-contained, with its `locations` table
    /// and the policy's warnings.
    pub fn one_shot(&self) -> TraceV2<'_> {
        TraceV2 {
            evaluation: self,
            table: Table::Owned(LocationTable::of_evaluation(self)),
            inline: true,
        }
    }

    /// [`Evaluation::one_shot`] with the table a compiled policy already holds (built by
    /// [`LocationTable::of_policy`] from the same policy), instead of building it again.
    pub fn one_shot_with<'a>(&'a self, table: &'a LocationTable) -> TraceV2<'a> {
        TraceV2 {
            evaluation: self,
            table: Table::Shared(table),
            inline: true,
        }
    }

    /// The v1 trace (deprecated; kept for one minor release).
    pub fn v1(&self) -> TraceV1<'_> {
        TraceV1(self)
    }
}

/// An [`Evaluation`] written as trace format v1 (`--trace-version 1`).
#[derive(Debug, Clone, Copy)]
pub struct TraceV1<'a>(&'a Evaluation);

impl Serialize for TraceV1<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

#[derive(Debug)]
enum Table<'a> {
    Shared(&'a LocationTable),
    Owned(LocationTable),
}

/// An [`Evaluation`] written as trace format v2.
#[derive(Debug)]
pub struct TraceV2<'a> {
    evaluation: &'a Evaluation,
    table: Table<'a>,
    /// Self-contained: the table and the policy's warnings written with the trace.
    inline: bool,
}

impl TraceV2<'_> {
    fn table(&self) -> &LocationTable {
        match &self.table {
            Table::Shared(t) => t,
            Table::Owned(t) => t,
        }
    }
}

/// Where the trace being written is in its table.
struct Cursor<'a> {
    table: &'a LocationTable,
    next: Cell<usize>,
}

impl Cursor<'_> {
    fn index(&self, location: &Location, text: Option<&str>) -> Option<u32> {
        let i = self.table.find_from(self.next.get(), location, text)?;
        self.next.set(i as usize + 1);
        Some(i)
    }
}

/// A reference into the table; a location the table lacks (never expected: a test
/// checks every corpus trace) is written whole rather than lost.
struct At<'a> {
    cursor: &'a Cursor<'a>,
    location: &'a Location,
    text: Option<&'a str>,
}

impl Serialize for At<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.cursor.index(self.location, self.text) {
            Some(i) => s.serialize_u32(i),
            None => Entry {
                location: self.location.clone(),
                text: self.text.map(str::to_string),
            }
            .serialize(s),
        }
    }
}

impl Serialize for TraceV2<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let e = self.evaluation;
        let table = self.table();
        let cursor = Cursor {
            table,
            next: Cell::new(0),
        };
        let cursor = &cursor;
        let mut m = s.serialize_struct("Trace", 10)?;
        m.serialize_field("version", &TRACE_VERSION)?;
        m.serialize_field("decision", &e.decision)?;
        m.serialize_field("reason", &e.reason)?;
        m.serialize_field("summary", &e.summary)?;
        m.serialize_field("request", &RequestV2(e))?;
        m.serialize_field(
            "statements",
            &seq(&e.statements, |st| StatementV2 {
                t: st,
                cursor,
                keys: &e.request.keys,
            }),
        )?;
        m.serialize_field("notes", &e.notes)?;
        if let Some(header) = &e.token_header {
            m.serialize_field("tokenHeader", header)?;
        }
        if self.inline {
            m.serialize_field("diagnostics", &e.diagnostics)?;
            m.serialize_field("locations", table)?;
        }
        m.end()
    }
}

/// A slice written through a mapping, without collecting it.
struct Seq<'a, T, F>(&'a [T], F);

/// Builds a [`Seq`]; the bound here lets the closure borrow from the items.
fn seq<'a, T, U, F: Fn(&'a T) -> U>(items: &'a [T], f: F) -> Seq<'a, T, F> {
    Seq(items, f)
}

impl<'a, T, F, U> Serialize for Seq<'a, T, F>
where
    F: Fn(&'a T) -> U,
    U: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(&self.1))
    }
}

struct RequestV2<'a>(&'a Evaluation);

/// The claim a key comes from when it is `ISSUER:CLAIM` from the claim `CLAIM`.
fn plain_claim<'k>(issuer: &str, k: &'k ContextKey) -> Option<&'k str> {
    let KeySource::Claim { claim } = &k.source else {
        return None;
    };
    let rest = k.key.strip_prefix(issuer)?.strip_prefix(':')?;
    (rest == claim).then_some(claim.as_str())
}

impl Serialize for RequestV2<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = &self.0.request;
        // A claim named twice (in two letter cases that are one key) keeps its own entry.
        let mut seen: Vec<&str> = Vec::new();
        let mut claims: Vec<(&str, &ContextKey)> = Vec::new();
        let mut others: Vec<&ContextKey> = Vec::new();
        for k in &r.keys {
            match plain_claim(&r.issuer, k) {
                Some(c) if !seen.contains(&c) => {
                    seen.push(c);
                    claims.push((c, k));
                }
                _ => others.push(k),
            }
        }
        // `arn:aws:iam::ACCOUNT:oidc-provider/ISSUER`, checked without building it.
        let standard = r
            .principal
            .strip_prefix("arn:aws:iam::")
            .and_then(|p| p.strip_prefix(r.account.as_deref().unwrap_or("ACCOUNT")))
            .and_then(|p| p.strip_prefix(":oidc-provider/"))
            == Some(r.issuer.as_str());
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("issuer", &r.issuer)?;
        if !standard {
            m.serialize_entry("principal", &r.principal)?;
        }
        if let Some(a) = &r.account {
            m.serialize_entry("account", a)?;
        }
        m.serialize_entry("accountSource", r.account_source)?;
        m.serialize_entry("action", &r.action)?;
        m.serialize_entry("catalog", &r.catalog)?;
        if !claims.is_empty() {
            m.serialize_entry("claims", &Claims(&claims))?;
        }
        if !others.is_empty() {
            m.serialize_entry("keys", &seq(&others, |k| KeyV2(k)))?;
        }
        if !r.unexposed_claims.is_empty() {
            m.serialize_entry("unexposedClaims", &r.unexposed_claims)?;
        }
        m.end()
    }
}

struct Claims<'a>(&'a [(&'a str, &'a ContextKey)]);

impl Serialize for Claims<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (claim, k) in self.0 {
            match k.values.as_slice() {
                [one] => m.serialize_entry(claim, one)?,
                many => m.serialize_entry(claim, many)?,
            }
        }
        m.end()
    }
}

struct KeyV2<'a>(&'a ContextKey);

impl Serialize for KeyV2<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let k = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("key", &k.key)?;
        m.serialize_entry("values", &k.values)?;
        let (source, claim) = match &k.source {
            KeySource::Claim { claim } => ("claim", Some(claim)),
            KeySource::WhatIf { claim } => ("whatIf", Some(claim)),
            KeySource::SessionTags => ("sessionTags", None),
            KeySource::Clock => ("clock", None),
            KeySource::Given => ("given", None),
        };
        m.serialize_entry("source", source)?;
        if let Some(c) = claim {
            m.serialize_entry("claim", c)?;
        }
        m.end()
    }
}

struct StatementV2<'a> {
    t: &'a StatementTrace,
    cursor: &'a Cursor<'a>,
    keys: &'a [ContextKey],
}

impl Serialize for StatementV2<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (t, table) = (self.t, self.cursor);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry::<str, Effect>("effect", &t.effect)?;
        if let Some(sid) = &t.sid {
            m.serialize_entry("sid", sid)?;
        }
        m.serialize_entry("at", &at(table, &t.location, None))?;
        m.serialize_entry("applies", &t.applies)?;
        m.serialize_entry("summary", &t.summary)?;
        m.serialize_entry("principal", &ElementV2(&t.principal, table))?;
        m.serialize_entry("action", &ElementV2(&t.action, table))?;
        if let Some(r) = &t.resource {
            m.serialize_entry("resource", &ElementV2(r, table))?;
        }
        m.serialize_entry(
            "conditions",
            &seq(&t.conditions, |c| ConditionV2 {
                c,
                cursor: table,
                keys: self.keys,
            }),
        )?;
        if let Some(rcp) = &t.rcp {
            m.serialize_entry::<str, RcpStatement>("rcp", rcp)?;
        }
        m.end()
    }
}

fn at<'a>(cursor: &'a Cursor<'a>, location: &'a Location, text: Option<&'a str>) -> At<'a> {
    At {
        cursor,
        location,
        text,
    }
}

struct ElementV2<'a>(&'a ElementTrace, &'a Cursor<'a>);

impl Serialize for ElementV2<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let ElementV2(e, table) = *self;
        let mut m = s.serialize_map(Some(4))?;
        m.serialize_entry("matched", &e.matched)?;
        m.serialize_entry("why", &e.why)?;
        m.serialize_entry("at", &at(table, &e.location, None))?;
        m.serialize_entry(
            "values",
            &seq(&e.values, |v| ValueRef {
                matched: v.matched,
                at: at(table, &v.location, Some(&v.value)),
            }),
        )?;
        m.end()
    }
}

#[derive(Serialize)]
struct ValueRef<'a> {
    matched: bool,
    at: At<'a>,
}

struct ConditionV2<'a> {
    c: &'a ConditionTrace,
    cursor: &'a Cursor<'a>,
    keys: &'a [ContextKey],
}

impl ConditionV2<'_> {
    /// Whether the request values are those of the one request key named like the
    /// condition's key, so a reader finds them there.
    fn values_implied(&self) -> bool {
        let Some(values) = &self.c.request_values else {
            return true;
        };
        let mut named = self
            .keys
            .iter()
            .filter(|k| k.key.eq_ignore_ascii_case(&self.c.key));
        matches!((named.next(), named.next()), (Some(k), None) if &k.values == values)
    }
}

impl Serialize for ConditionV2<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (c, table) = (self.c, self.cursor);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("satisfied", &c.satisfied)?;
        m.serialize_entry("why", &c.why)?;
        m.serialize_entry("at", &at(table, &c.location, Some(&c.operator)))?;
        m.serialize_entry("keyAt", &at(table, &c.key_location, Some(&c.key)))?;
        if !self.values_implied() {
            m.serialize_entry("requestValues", &c.request_values)?;
        }
        if let Some(a) = &c.absence {
            m.serialize_entry::<str, Absence>("absence", a)?;
        }
        m.serialize_entry(
            "values",
            &seq(&c.values, |v| ComparisonV2 { v, cursor: table }),
        )?;
        m.end()
    }
}

struct ComparisonV2<'a> {
    v: &'a ValueTrace,
    cursor: &'a Cursor<'a>,
}

impl Serialize for ComparisonV2<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.v;
        let mut m = s.serialize_map(None)?;
        if let Some(r) = &v.request {
            m.serialize_entry("request", r)?;
        }
        if let Some(r) = &v.resolved {
            m.serialize_entry("resolved", r)?;
        }
        m.serialize_entry("matched", &v.matched)?;
        m.serialize_entry("why", &v.why)?;
        m.serialize_entry("at", &at(self.cursor, &v.location, Some(&v.value)))?;
        m.end()
    }
}
