//! What people paste when they paste a token: rarely the bare JWT. A token copied from a
//! log arrives in quotes or wrapped across lines, one copied from a request arrives with
//! `Bearer `, and one fetched from the Actions token endpoint arrives inside its response,
//! `{"count": 1, "value": "eyJ..."}`. [`unwrap_pasted_token`] finds the JWT in these and
//! says what it removed, so a face can accept them and show the user what it did.

use crate::text::json::{self, Kind};

/// A JWT found inside pasted text, and what was removed around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnwrappedToken {
    /// The bare token: `header.payload.signature`.
    pub token: String,
    /// What was removed, in words, outermost first (for a note such as "read after
    /// removing the surrounding quotes and the line breaks").
    pub removed: Vec<&'static str>,
}

/// The JWT inside `text` when `text` is a token wrapped in something people paste with it:
/// surrounding quotes (a JSON string), the token endpoint's `{"count": …, "value": …}`
/// response, `Bearer ` or `Authorization: Bearer `, and line breaks or spaces inside the
/// token. `None` when `text` is a bare token already, or not a wrapped token at all: the
/// caller then reads `text` as it is, and its errors point into what the user typed.
///
/// ```
/// use oidc_trust::support::unwrap_pasted_token;
///
/// let pasted = "{\"count\": 1,\n \"value\": \"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln\"}";
/// let found = unwrap_pasted_token(pasted);
/// assert_eq!(found.as_ref().map(|f| f.token.as_str()), Some("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"));
/// assert_eq!(found.map(|f| f.removed), Some(vec!["the token endpoint's {\"value\": …} wrapper"]));
/// assert_eq!(unwrap_pasted_token("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"), None);
/// ```
pub fn unwrap_pasted_token(text: &str) -> Option<UnwrappedToken> {
    let mut removed = Vec::new();
    let mut rest = text.trim().to_string();
    let t = rest.trim_start();
    if t.starts_with('{') {
        // The token endpoint's response. Claims JSON has `sub`, `iss`...: only an object
        // of `value` (and `count`) is read as the wrapper.
        let node = json::parse(&rest).ok()?;
        let Kind::Object(members) = node.kind else {
            return None;
        };
        if !members.iter().all(|m| m.key == "value" || m.key == "count") {
            return None;
        }
        let value = members.into_iter().find(|m| m.key == "value")?;
        let Kind::String(s) = value.value.kind else {
            return None;
        };
        removed.push("the token endpoint's {\"value\": …} wrapper");
        rest = s;
    } else if t.starts_with('"') {
        let Kind::String(s) = json::parse(&rest).ok()?.kind else {
            return None;
        };
        removed.push("the surrounding quotes");
        rest = s;
    } else if let Some(inner) = t.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')) {
        removed.push("the surrounding quotes");
        rest = inner.to_string();
    }
    let trimmed = rest.trim();
    let bare = [
        "Authorization: Bearer ",
        "authorization: bearer ",
        "Bearer ",
        "bearer ",
    ]
    .iter()
    .find_map(|p| trimmed.strip_prefix(p));
    let mut token = match bare {
        Some(b) => {
            removed.push("`Bearer `");
            b.trim().to_string()
        }
        None => trimmed.to_string(),
    };
    if token.chars().any(char::is_whitespace) {
        token.retain(|c| !c.is_whitespace());
        removed.push("the line breaks and spaces inside the token");
    }
    // Only a token: three base64url segments. Anything else is left to the readers, whose
    // errors then point into the text as typed.
    let segments = token.split('.').count();
    let jwt_chars = token
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'='));
    (!removed.is_empty() && segments == 3 && jwt_chars && token.starts_with("eyJ"))
        .then_some(UnwrappedToken { token, removed })
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";

    fn removed(text: &str) -> Option<Vec<&'static str>> {
        unwrap_pasted_token(text).map(|u| {
            assert_eq!(u.token, JWT, "{text}");
            u.removed
        })
    }

    #[test]
    fn wrappers_are_removed_and_named() {
        assert_eq!(
            removed(&format!("\"{JWT}\"")),
            Some(vec!["the surrounding quotes"])
        );
        assert_eq!(
            removed(&format!("'{JWT}'\n")),
            Some(vec!["the surrounding quotes"])
        );
        assert_eq!(removed(&format!("Bearer {JWT}")), Some(vec!["`Bearer `"]));
        assert_eq!(
            removed(&format!("Authorization: Bearer {JWT}")),
            Some(vec!["`Bearer `"])
        );
        let wrapped = format!("{}\n{}\n{}", &JWT[..10], &JWT[10..25], &JWT[25..]);
        assert_eq!(
            removed(&wrapped),
            Some(vec!["the line breaks and spaces inside the token"])
        );
        assert_eq!(
            removed(&format!("{{\"count\":1,\"value\":\"{JWT}\"}}")),
            Some(vec!["the token endpoint's {\"value\": …} wrapper"])
        );
        assert_eq!(
            removed(&format!("\"Bearer {}\n{}\"", &JWT[..9], &JWT[9..]).replace('\n', "\\n")),
            Some(vec![
                "the surrounding quotes",
                "`Bearer `",
                "the line breaks and spaces inside the token"
            ])
        );
    }

    #[test]
    fn other_text_is_left_to_the_readers() {
        assert_eq!(unwrap_pasted_token(JWT), None);
        assert_eq!(unwrap_pasted_token(&format!("  {JWT}\n")), None);
        // Claims JSON, even with a `value` claim, is claims.
        assert_eq!(
            unwrap_pasted_token(&format!("{{\"sub\":\"x\",\"value\":\"{JWT}\"}}")),
            None
        );
        assert_eq!(unwrap_pasted_token("{\"value\": 3}"), None);
        assert_eq!(unwrap_pasted_token("\"not a token\""), None);
        assert_eq!(unwrap_pasted_token("\"eyJ.a\""), None);
        assert_eq!(unwrap_pasted_token("{\"value\": \"eyJ\" "), None);
        assert_eq!(unwrap_pasted_token(""), None);
        assert_eq!(unwrap_pasted_token("\"'"), None);
    }
}
