//! Share links: the inputs, compressed (lz-string, URI-safe) into the URL fragment, so
//! they never reach a server. A JWT loses its signature first: a link must not carry a
//! token that could be replayed, and the evaluation never needs the signature.
//!
//! Fragment forms: `#s=<payload>` (the playground) and `#embed=<payload>` (read-only,
//! compact, for an iframe). The payload is `1.` + compressed JSON; the version prefix
//! lets later formats coexist.

use oidc_trust::CatalogVersion;
use serde::{Deserialize, Serialize};

use crate::generate_view::Form;
use crate::state::{EvalTime, Inputs, Options};

/// Which view a fragment asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The full playground.
    Edit,
    /// The read-only embed.
    Embed,
}

/// The wire form: short keys, defaults left out, to keep links short.
#[derive(Debug, Serialize, Deserialize, Default)]
struct Wire {
    #[serde(rename = "p", default)]
    policy: String,
    #[serde(rename = "c", default)]
    claims: String,
    #[serde(rename = "r", default, skip_serializing_if = "String::is_empty")]
    resource: String,
    #[serde(rename = "i", default, skip_serializing_if = "String::is_empty")]
    issuer: String,
    #[serde(rename = "a", default, skip_serializing_if = "String::is_empty")]
    action: String,
    #[serde(rename = "n", default, skip_serializing_if = "String::is_empty")]
    account: String,
    #[serde(rename = "w", default, skip_serializing_if = "is_false")]
    all_claims_are_keys: bool,
    #[serde(rename = "k", default, skip_serializing_if = "Option::is_none")]
    catalog: Option<String>,
    /// Links made before the evaluation time was part of the state: `false` for "no time".
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    use_clock: Option<bool>,
    /// The evaluation time: `iat`, `off` or epoch seconds (never "now": see [`fixed`]).
    #[serde(rename = "e", default, skip_serializing_if = "Option::is_none")]
    time: Option<String>,
    /// The organisation RCP's text.
    #[serde(rename = "g", default, skip_serializing_if = "String::is_empty")]
    rcp: String,
}

fn is_false(b: &bool) -> bool {
    !b
}

const VERSION: &str = "1.";

/// The fragment (without `#`) that opens the Generate view on `form`.
pub fn generate_fragment(form: &Form) -> String {
    format!("generate={}", form_payload(form))
}

/// The fragment (without `#`) of the Generate view for an iframe: the live generator with
/// `form` as its preset, without the page around it.
pub fn generate_embed_fragment(form: &Form) -> String {
    format!("generate-embed={}", form_payload(form))
}

fn form_payload(form: &Form) -> String {
    let json = serde_json::to_string(form).unwrap_or_default();
    format!(
        "{VERSION}{}",
        lz_str::compress_to_encoded_uri_component(&json)
    )
}

/// Whether a fragment asks for the Generate view, and the form it carries: `None` for
/// another view, `Some(Ok(None))` for `#generate` alone.
pub fn restore_generate(fragment: &str) -> Option<Result<Option<Form>, String>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment == "generate" {
        return Some(Ok(None));
    }
    let payload = fragment
        .strip_prefix("generate=")
        .or_else(|| fragment.strip_prefix("generate-embed="))?;
    Some(decode_text(payload).and_then(|json| {
        serde_json::from_str(&json)
            .map(Some)
            .map_err(|e| format!("this link holds an unreadable intent: {e}"))
    }))
}

/// The fragment (without `#`) that restores `inputs` in `mode`.
pub fn fragment(inputs: &Inputs, mode: Mode) -> String {
    let o = &inputs.options;
    let wire = Wire {
        policy: inputs.policy.clone(),
        claims: without_signature(&inputs.claims),
        resource: inputs.resource.clone(),
        issuer: o.issuer.clone(),
        action: o.action.clone(),
        account: o.account.clone(),
        all_claims_are_keys: o.all_claims_are_keys,
        catalog: (o.catalog != CatalogVersion::default()).then(|| o.catalog.name().to_string()),
        use_clock: None,
        time: match o.time {
            EvalTime::Now => None,
            EvalTime::Issued => Some("iat".into()),
            EvalTime::Off => Some("off".into()),
            EvalTime::At(t) => Some(t.to_string()),
        },
        rcp: inputs.rcp.clone(),
    };
    let json = serde_json::to_string(&wire).unwrap_or_default();
    let payload = lz_str::compress_to_encoded_uri_component(&json);
    let key = match mode {
        Mode::Edit => "s",
        Mode::Embed => "embed",
    };
    format!("{key}={VERSION}{payload}")
}

/// Reads a fragment (with or without `#`); `None` when it holds no state. A damaged
/// link gives an error message instead of silently showing something else.
pub fn restore(fragment: &str) -> Option<Result<(Inputs, Mode), String>> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let (mode, payload) = if let Some(p) = fragment.strip_prefix("s=") {
        (Mode::Edit, p)
    } else if let Some(p) = fragment.strip_prefix("embed=") {
        (Mode::Embed, p)
    } else {
        return None;
    };
    Some(decode(payload).map(|inputs| (inputs, mode)))
}

/// Longer fragments are refused before decompressing: real links are a few KB.
const MAX_PAYLOAD: usize = 256 * 1024;

/// The JSON text a payload holds.
fn decode_text(payload: &str) -> Result<String, String> {
    if payload.len() > MAX_PAYLOAD {
        return Err("this link is too long to be a playground link".into());
    }
    let Some(compressed) = payload.strip_prefix(VERSION) else {
        return Err("this link was made by another version of the playground".into());
    };
    lz_str::decompress_from_encoded_uri_component(compressed)
        .and_then(|units| String::from_utf16(&units).ok())
        .ok_or_else(|| "this link is damaged (it may have been cut short when copied)".into())
}

fn decode(payload: &str) -> Result<Inputs, String> {
    let json = decode_text(payload)?;
    let wire: Wire = serde_json::from_str(&json)
        .map_err(|e| format!("this link holds unreadable state: {e}"))?;
    let defaults = Options::default();
    Ok(Inputs {
        policy: wire.policy,
        resource: wire.resource,
        claims: wire.claims,
        options: Options {
            issuer: wire.issuer,
            action: wire.action,
            account: wire.account,
            all_claims_are_keys: wire.all_claims_are_keys,
            catalog: wire
                .catalog
                .as_deref()
                .and_then(CatalogVersion::parse)
                .unwrap_or(defaults.catalog),
            time: match (wire.time.as_deref(), wire.use_clock) {
                (Some("iat"), _) => EvalTime::Issued,
                (Some("off"), _) | (None, Some(false)) => EvalTime::Off,
                (Some(t), _) => t
                    .parse()
                    .map(EvalTime::At)
                    .map_err(|_| format!("this link holds an unreadable time: {t}"))?,
                (None, _) => defaults.time,
            },
        },
        rcp: wire.rcp,
    })
}

/// The inputs with "now" replaced by the instant it is (or by no time, without a clock):
/// a link shows its reader the decision its author saw, whenever it is opened.
pub fn fixed(mut inputs: Inputs, clock: Option<i64>) -> Inputs {
    if inputs.options.time == EvalTime::Now {
        inputs.options.time = clock.map_or(EvalTime::Off, EvalTime::At);
    }
    inputs
}

/// A JWT without its signature (`header.payload.`); anything else unchanged.
pub fn without_signature(claims: &str) -> String {
    let t = claims.trim();
    if t.starts_with('{') || t.matches('.').count() != 2 {
        return claims.to_string();
    }
    match t.rfind('.') {
        Some(dot) => t[..=dot].to_string(),
        None => claims.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples::{POLICIES, TOKENS};
    use crate::state::State;

    fn inputs(claims: &str) -> Inputs {
        Inputs {
            policy: POLICIES[2].text.into(),
            resource: "aws_iam_role.deploy".into(),
            claims: claims.into(),
            options: Options {
                issuer: "token.actions.githubusercontent.com".into(),
                all_claims_are_keys: true,
                catalog: CatalogVersion::V2023,
                time: EvalTime::Off,
                ..Options::default()
            },
            rcp: crate::examples::RCP_EXAMPLE.text.into(),
        }
    }

    #[test]
    fn a_link_restores_every_input() {
        let original = inputs(TOKENS[0].text);
        for mode in [Mode::Edit, Mode::Embed] {
            let link = format!("#{}", fragment(&original, mode));
            assert_eq!(restore(&link), Some(Ok((original.clone(), mode))));
        }
    }

    #[test]
    fn a_link_never_carries_the_signature_and_still_evaluates_alike() {
        let jwt = TOKENS
            .iter()
            .find(|t| t.id == "main-jwt")
            .unwrap()
            .text
            .trim();
        let signature = &jwt[jwt.rfind('.').unwrap() + 1..];
        assert!(signature.len() > 20);
        let original = inputs(jwt);
        let frag = fragment(&original, Mode::Edit);
        let (restored, _) = restore(&frag).unwrap().unwrap();
        assert!(!restored.claims.contains(signature));
        assert!(restored.claims.ends_with('.'));
        let before = State::new(original, None);
        let after = State::new(restored, None);
        assert_eq!(
            before.analysis.evaluation.as_ref().unwrap().decision,
            after.analysis.evaluation.as_ref().unwrap().decision
        );
    }

    #[test]
    fn a_generate_link_carries_the_form() {
        let form = Form::default();
        let frag = generate_fragment(&form);
        assert_eq!(
            restore_generate(&format!("#{frag}")),
            Some(Ok(Some(form.clone())))
        );
        assert_eq!(restore_generate("#generate"), Some(Ok(None)));
        let embed = generate_embed_fragment(&form);
        assert!(embed.starts_with("generate-embed=1."));
        assert_eq!(restore_generate(&embed), Some(Ok(Some(form.clone()))));
        assert_eq!(restore_generate("#s=1.x"), None);
        assert!(matches!(
            restore_generate("#generate=1.damaged"),
            Some(Err(_))
        ));
    }

    #[test]
    fn a_link_fixes_the_time_it_was_made_at() {
        let mut original = inputs(TOKENS[0].text);
        for time in [EvalTime::Issued, EvalTime::Off, EvalTime::At(1_755_630_757)] {
            original.options.time = time;
            let (restored, _) = restore(&fragment(&original, Mode::Edit)).unwrap().unwrap();
            assert_eq!(restored.options.time, time);
        }
        original.options.time = EvalTime::Now;
        let made = fixed(original.clone(), Some(1_800_000_000));
        assert_eq!(made.options.time, EvalTime::At(1_800_000_000));
        assert_eq!(fixed(original, None).options.time, EvalTime::Off);
        // Links made before the time was state: `t: false` was "no clock", absent was "now".
        let old = |json: &str| {
            let payload = lz_str::compress_to_encoded_uri_component(json);
            restore(&format!("#s=1.{payload}"))
                .unwrap()
                .unwrap()
                .0
                .options
                .time
        };
        assert_eq!(old(r#"{"p":"{}","c":"","t":false}"#), EvalTime::Off);
        assert_eq!(old(r#"{"p":"{}","c":""}"#), EvalTime::Now);
        assert!(matches!(
            restore(&format!(
                "#s=1.{}",
                lz_str::compress_to_encoded_uri_component(r#"{"p":"","c":"","e":"soon"}"#)
            )),
            Some(Err(_))
        ));
    }

    #[test]
    fn fragments_are_url_safe_and_shorter_than_the_inputs() {
        let original = inputs(TOKENS[0].text);
        let frag = fragment(&original, Mode::Edit);
        assert!(frag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"=.-_+$".contains(&b)));
        assert!(frag.len() < original.policy.len() + original.claims.len() + original.rcp.len());
    }

    #[test]
    fn damaged_and_foreign_fragments_are_reported_not_guessed() {
        assert_eq!(restore(""), None);
        assert_eq!(restore("#section-2"), None);
        assert!(matches!(restore("#s=2.abc"), Some(Err(_))));
        let frag = fragment(&inputs(TOKENS[0].text), Mode::Edit);
        let cut = &frag[..frag.len() / 2];
        assert!(matches!(restore(cut), Some(Err(_))));
    }

    #[test]
    fn only_jwts_lose_a_segment() {
        assert_eq!(
            without_signature("{\"a\": \"x.y.z\"}"),
            "{\"a\": \"x.y.z\"}"
        );
        assert_eq!(without_signature("a.b.c"), "a.b.");
        assert_eq!(without_signature("a.b"), "a.b");
    }
}
