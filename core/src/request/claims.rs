//! Token claims: read from a JSON object or decoded from a raw JWT.
//!
//! The JWT is decoded, not verified: oidc-trust answers "would AWS let this token in",
//! and signature checking needs the issuer's keys, which a pure library does not fetch.
//! Every malformed token gets a located error naming the segment and what is wrong.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};

use crate::policy::value::{decode_base64url, format_epoch, is_base64url};
use crate::text::diagnostic::{Diagnostic, Reporter, Severity};
use crate::text::json::{self, Kind, Node};
use crate::text::note::Note;

/// The largest claims document or token accepted, in bytes. Real OIDC tokens are 1–4 KB.
pub const MAX_CLAIMS_BYTES: usize = 64 * 1024;

/// One claim value, as JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum ClaimValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, exactly as written.
    Number(String),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<ClaimValue>),
    /// An object, members in order.
    Object(Vec<(String, ClaimValue)>),
}

impl ClaimValue {
    /// Takes the parsed value apart (no copies: claims are read on every evaluation).
    fn from_node(node: Node) -> ClaimValue {
        match node.kind {
            Kind::Null => ClaimValue::Null,
            Kind::Bool(b) => ClaimValue::Bool(b),
            Kind::Number(n) => ClaimValue::Number(n),
            Kind::String(s) => ClaimValue::String(s),
            Kind::Array(items) => {
                ClaimValue::Array(items.into_iter().map(ClaimValue::from_node).collect())
            }
            Kind::Object(members) => ClaimValue::Object(
                members
                    .into_iter()
                    .map(|m| (m.key, ClaimValue::from_node(m.value)))
                    .collect(),
            ),
        }
    }

    /// The value as a string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ClaimValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The value as whole seconds, if it is a number (JWT `exp`, `nbf`, `iat`).
    pub fn as_seconds(&self) -> Option<i64> {
        match self {
            ClaimValue::Number(n) => n
                .parse::<i64>()
                .ok()
                .or_else(|| n.parse::<f64>().ok().map(|f| f as i64)),
            _ => None,
        }
    }

    pub(crate) fn describe(&self) -> &'static str {
        match self {
            ClaimValue::Null => "null",
            ClaimValue::Bool(_) => "a boolean",
            ClaimValue::Number(_) => "a number",
            ClaimValue::String(_) => "a string",
            ClaimValue::Array(_) => "an array",
            ClaimValue::Object(_) => "an object",
        }
    }
}

impl Serialize for ClaimValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ClaimValue::Null => s.serialize_unit(),
            ClaimValue::Bool(b) => s.serialize_bool(*b),
            ClaimValue::Number(n) => match (n.parse::<i64>(), n.parse::<f64>()) {
                (Ok(i), _) => s.serialize_i64(i),
                (_, Ok(f)) => s.serialize_f64(f),
                _ => s.serialize_str(n),
            },
            ClaimValue::String(v) => s.serialize_str(v),
            ClaimValue::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            ClaimValue::Object(members) => serialize_members(members, s),
        }
    }
}

fn serialize_members<S: Serializer>(
    members: &[(String, ClaimValue)],
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut map = s.serialize_map(Some(members.len()))?;
    for (k, v) in members {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// The claims of a token: names to values, in the order they were written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Claims {
    entries: Vec<(String, ClaimValue)>,
}

impl Serialize for Claims {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serialize_members(&self.entries, s)
    }
}

impl Claims {
    /// Builds claims from name/value pairs (later duplicates replace earlier ones).
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, ClaimValue)>) -> Claims {
        let mut claims = Claims::default();
        for (k, v) in pairs {
            claims.insert(k, v);
        }
        claims
    }

    /// Sets a claim.
    pub fn insert(&mut self, name: String, value: ClaimValue) {
        match self.entries.iter_mut().find(|(k, _)| *k == name) {
            Some(slot) => slot.1 = value,
            None => self.entries.push((name, value)),
        }
    }

    /// The value of a claim, by exact name.
    pub fn get(&self, name: &str) -> Option<&ClaimValue> {
        self.entries.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The claims in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ClaimValue)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// Keeps the claims whose name passes `keep`.
    pub fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.entries.retain(|(name, _)| keep(name));
    }

    /// How many claims there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// A decoded (not verified) JWT.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecodedToken {
    /// The JOSE header (`alg`, `kid`, `typ`...).
    pub header: Claims,
    /// The payload claims.
    pub claims: Claims,
    /// Whether the token had a non-empty signature segment. It is never checked.
    pub signed: bool,
}

/// Claims read from either form, with the header when the input was a token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimsInput {
    /// The claims.
    pub claims: Claims,
    /// The token's header, when the input was a JWT.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<Claims>,
}

/// Reads claims from a JSON object.
pub fn read_claims(text: &str) -> Result<Claims, Diagnostic> {
    read_claims_keeping(text, None)
}

/// [`read_claims`], keeping only the claims `keep` names, if given (the others are read,
/// so errors are the same, but not built).
fn read_claims_keeping(
    text: &str,
    keep: Option<&dyn Fn(&str) -> bool>,
) -> Result<Claims, Diagnostic> {
    let r = Reporter::new(text, "claims");
    if text.len() > MAX_CLAIMS_BYTES {
        return Err(r.make(
            Severity::Error,
            "input-too-large",
            format!(
                "the claims are {} bytes; oidc-trust reads up to {MAX_CLAIMS_BYTES}",
                text.len()
            ),
            "OIDC tokens carry a few dozen claims; check the input",
            "",
            (0, 0),
        ));
    }
    // Left-out claims are read (a malformed one is the same error) but not built.
    let node = r.json_keeping(text, keep)?;
    object_claims(node).map_err(|node| {
        r.make(
            Severity::Error,
            "claims-not-object",
            format!("claims must be a JSON object, found {}", node.kind.describe()),
            "write {\"sub\": \"repo:acme/api:ref:refs/heads/main\", \"aud\": \"sts.amazonaws.com\", ...} or pass the raw token",
            "",
            (node.start, node.end),
        )
    })
}

/// The claims of an object node (read with the claims to keep: the others are not in it);
/// any other node comes back for the error message.
fn object_claims(node: Node) -> Result<Claims, Node> {
    match node.kind {
        Kind::Object(members) => Ok(Claims::from_pairs(
            members
                .into_iter()
                .map(|m| (m.key, ClaimValue::from_node(m.value))),
        )),
        kind => Err(Node { kind, ..node }),
    }
}

/// Whether `text` is meant as claims JSON rather than a JWT. A JWT starts with base64url
/// (`eyJ...`); text that starts like JSON is read as JSON, so a list or a string gets
/// "claims must be an object", not a token error.
pub fn is_claims_json(text: &str) -> bool {
    text.trim_start().starts_with(['{', '[', '"'])
}

/// Reads claims from a JSON object or a raw JWT, whichever `text` is.
pub fn read_claims_or_token(text: &str) -> Result<ClaimsInput, Diagnostic> {
    read_claims_or_token_keeping(text, None)
}

/// [`read_claims_or_token`], keeping only the claims `keep` names, if given: every claim
/// is still read (a malformed one is the same error), but only those are built, which is
/// most of the cost of a whole token when a decision reads a few.
pub(crate) fn read_claims_or_token_keeping(
    text: &str,
    keep: Option<&dyn Fn(&str) -> bool>,
) -> Result<ClaimsInput, Diagnostic> {
    if is_claims_json(text) {
        Ok(ClaimsInput {
            claims: read_claims_keeping(text, keep)?,
            header: None,
        })
    } else {
        let token = decode_token_keeping(text, keep)?;
        Ok(ClaimsInput {
            claims: token.claims,
            header: Some(token.header),
        })
    }
}

/// Decodes a JWT (`header.payload.signature`, base64url) without checking its signature.
pub fn decode_token(text: &str) -> Result<DecodedToken, Diagnostic> {
    decode_token_keeping(text, None)
}

/// [`decode_token`], keeping only the payload's claims that `keep` names, if given.
fn decode_token_keeping(
    text: &str,
    keep: Option<&dyn Fn(&str) -> bool>,
) -> Result<DecodedToken, Diagnostic> {
    let r = Reporter::new(text, "token");
    let fail =
        |code: &'static str, message: String, help: &str, range: (usize, usize)| -> Diagnostic {
            r.make(Severity::Error, code, message, help, "", range)
        };
    if text.len() > MAX_CLAIMS_BYTES {
        return Err(fail(
            "input-too-large",
            format!(
                "the token is {} bytes; oidc-trust reads tokens of up to {MAX_CLAIMS_BYTES}",
                text.len()
            ),
            "CI tokens are 1 to 4 KB; check the input",
            (0, 0),
        ));
    }
    let start = text.len() - text.trim_start().len();
    let whole = text.trim();
    let trimmed = whole.strip_prefix("Bearer ").unwrap_or(whole);
    // Arithmetic, not a search: finding a 1 KB token in itself costs more than decoding it.
    let offset = start + (whole.len() - trimmed.len());
    if trimmed.is_empty() {
        return Err(fail(
            "token-empty",
            "the token is empty".into(),
            "paste the JWT: three base64url segments separated by dots",
            (0, 0),
        ));
    }
    let segments: Vec<&str> = trimmed.split('.').collect();
    if segments.len() != 3 {
        let help = if segments.len() == 5 {
            "this looks like an encrypted JWE; CI OIDC tokens are signed JWTs with three segments"
        } else {
            "a JWT has three base64url segments, header.payload.signature; check that it was copied whole"
        };
        return Err(fail(
            "token-segments",
            format!(
                "a JWT has three segments separated by `.`, found {}",
                segments.len()
            ),
            help,
            (offset, offset + trimmed.len()),
        ));
    }
    let mut at = offset;
    let mut ranges = Vec::with_capacity(3);
    for s in &segments {
        ranges.push((at, at + s.len()));
        at += s.len() + 1;
    }
    let names = ["header", "payload", "signature"];
    let mut decoded = Vec::with_capacity(2);
    for i in 0..2 {
        let (seg, range, name) = (
            segments.get(i).copied().unwrap_or(""),
            ranges.get(i).copied().unwrap_or((0, 0)),
            names.get(i).copied().unwrap_or(""),
        );
        if seg.is_empty() {
            return Err(fail(
                "token-segment-empty",
                format!("the token's {name} segment is empty"),
                "copy the whole token",
                range,
            ));
        }
        // Decoding checks every character; only a failure is looked at again, to say where.
        let Some(bytes) = decode_base64url(seg) else {
            if let Some(at) = seg.bytes().position(|b| !(is_base64url(b) || b == b'=')) {
                // A non-ASCII character starts at a char boundary: the first bad byte is its first.
                let bad = seg.get(at..).and_then(|t| t.chars().next()).unwrap_or('?');
                let pos = range.0 + at;
                return Err(fail("token-base64", format!("the token's {name} segment has `{}`, which is not base64url", bad.escape_default()), "JWT segments use only A-Z a-z 0-9 - and _; check for spaces or line breaks from copying", (pos, pos + bad.len_utf8())));
            }
            return Err(fail(
                "token-base64",
                format!("the token's {name} segment is not valid base64url"),
                "the segment's length is impossible for base64; it was probably cut short",
                range,
            ));
        };
        let json_text = String::from_utf8(bytes).map_err(|_| {
            fail(
                "token-utf8",
                format!("the token's {name} segment does not decode to UTF-8 text"),
                "this is not a JWT, or the segment is damaged",
                range,
            )
        })?;
        // The header is kept whole; the payload, as the caller asks (read whole, built in part).
        let node =
            json::parse_keeping(&json_text, if i == 0 { None } else { keep }).map_err(|e| {
                fail(
                    "token-json",
                    format!("the token's {name} is not JSON: {}", e.message),
                    "this is not a JWT, or the segment is damaged",
                    range,
                )
            })?;
        let claims = object_claims(node).map_err(|node| {
            fail(
                "token-json",
                format!(
                    "the token's {name} must be a JSON object, found {}",
                    node.kind.describe()
                ),
                "this is not a JWT",
                range,
            )
        })?;
        decoded.push(claims);
    }
    let claims = decoded.pop().unwrap_or_default();
    let header = decoded.pop().unwrap_or_default();
    Ok(DecodedToken {
        header,
        claims,
        signed: segments.get(2).is_some_and(|s| !s.is_empty()),
    })
}

/// STS honours `exp` with five minutes of clock skew (domain.md §2.5).
pub const CLOCK_SKEW_SECONDS: i64 = 300;

/// What `exp`, `nbf` and `iat` say about the token at `now` (epoch seconds).
pub fn token_time_notes(claims: &Claims, now: Option<i64>) -> Vec<Note> {
    let mut notes = Vec::new();
    let exp = claims.get("exp").and_then(ClaimValue::as_seconds);
    let nbf = claims.get("nbf").and_then(ClaimValue::as_seconds);
    let iat = claims.get("iat").and_then(ClaimValue::as_seconds);
    let Some(now) = now else {
        if let Some(exp) = exp {
            notes.push(Note::info(
                "token-expiry",
                format!(
                    "the token expires at {} (pass the current time to check it)",
                    format_epoch(exp)
                ),
            ));
        }
        return notes;
    };
    if let Some(exp) = exp {
        if now > exp + CLOCK_SKEW_SECONDS {
            notes.push(Note::warning("token-expired", format!("the token expired at {}, {} before {}; STS would refuse it before evaluating the policy", format_epoch(exp), duration(now - exp), format_epoch(now))));
        } else if now > exp {
            notes.push(Note::info(
                "token-expired-within-skew",
                format!(
                    "the token expired at {}, within STS's five-minute clock skew",
                    format_epoch(exp)
                ),
            ));
        } else {
            notes.push(Note::info(
                "token-valid",
                format!(
                    "the token is valid until {} ({} from now)",
                    format_epoch(exp),
                    duration(exp - now)
                ),
            ));
        }
    }
    if let Some(nbf) = nbf.filter(|nbf| *nbf > now + CLOCK_SKEW_SECONDS) {
        notes.push(Note::warning(
            "token-not-yet-valid",
            format!("the token is not valid before {}", format_epoch(nbf)),
        ));
    }
    if let Some(iat) = iat.filter(|iat| *iat > now + CLOCK_SKEW_SECONDS) {
        notes.push(Note::warning(
            "token-issued-in-future",
            format!(
                "the token was issued at {}, after the evaluation time",
                format_epoch(iat)
            ),
        ));
    }
    notes
}

fn duration(seconds: i64) -> String {
    let s = seconds.abs();
    if s >= 86_400 {
        format!("{} d {} h", s / 86_400, s % 86_400 / 3600)
    } else if s >= 3600 {
        format!("{} h {} min", s / 3600, s % 3600 / 60)
    } else if s >= 60 {
        format!("{} min {} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJyZXBvOmFjbWUvYXBpOnJlZjpyZWZzL2hlYWRzL21haW4iLCJleHAiOjE3ODcxNjcwNTd9.c2ln";

    #[test]
    fn decodes_a_token() {
        let t = decode_token(TOKEN).unwrap();
        assert_eq!(
            t.header.get("alg").and_then(ClaimValue::as_str),
            Some("RS256")
        );
        assert_eq!(
            t.claims.get("sub").and_then(ClaimValue::as_str),
            Some("repo:acme/api:ref:refs/heads/main")
        );
        assert!(t.signed);
        let input = read_claims_or_token(&format!("  Bearer {TOKEN}\n")).unwrap();
        assert!(input.header.is_some());
    }

    #[test]
    fn broken_tokens_say_which_segment() {
        let e = decode_token("abc.def").unwrap_err();
        assert_eq!(e.code, "token-segments");
        let e = decode_token("eyJhbGciOiJSUzI1NiJ9.eyJz dWIiOiJ4In0.sig").unwrap_err();
        assert_eq!(e.code, "token-base64");
        assert!(e.message.contains("payload"));
        assert_eq!(e.location.span.unwrap().start.column, 26);
        let e = decode_token("eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.sig").unwrap_err();
        assert_eq!(e.code, "token-json");
        let e = decode_token("eyJhbGciOiJSUzI1NiJ9.e.sig").unwrap_err();
        assert_eq!(e.code, "token-base64");
    }

    #[test]
    fn time_notes() {
        let claims = decode_token(TOKEN).unwrap().claims;
        let notes = token_time_notes(&claims, Some(1_787_167_057 + 3600));
        assert_eq!(notes[0].code, "token-expired");
        let notes = token_time_notes(&claims, Some(1_787_167_000));
        assert_eq!(notes[0].code, "token-valid");
    }
}
