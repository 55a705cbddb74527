//! Every bad input gets a stable code, a help text and a location; never a panic.

use oidc_trust::{decode_token, parse_policy, read_claims, Request, RequestOptions, Severity};

/// The first error's code, line and column.
fn first_error(text: &str) -> (&'static str, u32, u32) {
    let parsed = parse_policy(text);
    assert!(parsed.policy.is_none(), "expected an error for {text}");
    let d = parsed
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .expect("an error");
    assert!(!d.help.is_empty(), "{} has no help", d.code);
    let span = d.location.span.expect("a span");
    (d.code, span.start.line, span.start.column)
}

const HEAD: &str = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/x"}, "Action": "sts:AssumeRoleWithWebIdentity""#;

#[test]
fn policy_errors_are_located() {
    assert_eq!(
        first_error("{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",}\n  ]\n}"),
        ("json-syntax", 3, 24)
    );
    assert_eq!(first_error("[]"), ("policy-not-object", 1, 1));
    assert_eq!(
        first_error(&format!("{HEAD}, \"Resource\": \"*\"}}]}}")).0,
        "resource-in-trust-policy"
    );
    assert_eq!(
        first_error(&format!("{HEAD}, \"NotPrincipal\": \"*\"}}]}}")).0,
        "not-principal-in-trust-policy"
    );
    assert_eq!(
        first_error(&format!(
            "{HEAD}, \"Condition\": {{\"StringEqual\": {{\"x:sub\": \"a\"}}}}}}]}}"
        ))
        .0,
        "unknown-operator"
    );
    assert_eq!(
        first_error(&format!("{HEAD}, \"Condition\": {{\"x:sub\": \"a\"}}}}]}}")).0,
        "unknown-operator"
    );
    assert_eq!(
        first_error(&format!(
            "{HEAD}, \"Condition\": {{\"StringEquals\": {{\"x:sub\": {{\"a\": 1}}}}}}}}]}}"
        ))
        .0,
        "wrong-type"
    );
    assert_eq!(
        first_error(&format!(
            "{HEAD}, \"Condition\": {{\"NumericEquals\": {{\"x:n\": \"ten\"}}}}}}]}}"
        ))
        .0,
        "invalid-condition-value"
    );
    assert_eq!(
        first_error(&format!("{HEAD}, \"Effect\": \"allow\"}}]}}")).0,
        "invalid-effect"
    );
    assert_eq!(
        first_error(&format!("{HEAD}, \"Efect\": \"Allow\"}}]}}")).0,
        "unknown-element"
    );
    assert_eq!(
        first_error(r#"{"Version": "2012-10-18", "Statement": []}"#),
        ("invalid-version", 1, 13)
    );
    assert_eq!(
        first_error(
            r#"{"Statement": {"Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity"}}"#
        )
        .0,
        "missing-principal"
    );
    assert_eq!(
        first_error(
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "AssumeRole"}]}"#
        )
        .0,
        "invalid-action"
    );
    assert_eq!(
        first_error(
            "{\"Statement\": [], \"Version\": \"2012-10-17\", \"Id\": \"caf\u{e9} \u{2019}\"}"
        )
        .0,
        "disallowed-character"
    );
}

#[test]
fn odd_but_accepted_is_a_warning() {
    let text =
        format!("{HEAD}, \"Condition\": {{\"StringEquals\": {{\"gitlab.com:sub\": []}}}}}}]}}");
    let parsed = parse_policy(&text);
    assert!(parsed.policy.is_some());
    let codes: Vec<_> = parsed.diagnostics.iter().map(|d| d.code).collect();
    assert!(codes.contains(&"empty-list"), "{codes:?}");
    assert!(codes.contains(&"key-for-other-issuer"), "{codes:?}");
    let no_version = parse_policy(
        r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:*"}]}"#,
    );
    assert_eq!(no_version.diagnostics[0].code, "missing-version");
    let big = format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{"Effect": "Allow", "Principal": "*", "Action": "sts:*", "Condition": {{"StringEquals": {{"a:b": "{}"}}}}}}]}}"#,
        "x".repeat(3000)
    );
    assert!(parse_policy(&big)
        .diagnostics
        .iter()
        .any(|d| d.code == "policy-size-quota"));
}

#[test]
fn hostile_inputs_do_not_panic() {
    for text in [
        "",
        "{",
        "[[[[",
        "\"\\u",
        "{\"Statement\":",
        &"[".repeat(10_000),
        &"{\"a\":".repeat(5000),
        "\u{0}",
        "nul",
        "-",
        "1e",
        "{\"Statement\": null}",
    ] {
        let parsed = parse_policy(text);
        assert!(parsed.policy.is_none());
        assert!(!parsed.diagnostics.is_empty());
    }
    let huge = format!(
        "{{\"Statement\": [], \"Id\": \"{}\"}}",
        "a".repeat(oidc_trust::MAX_POLICY_BYTES)
    );
    assert_eq!(parse_policy(&huge).diagnostics[0].code, "input-too-large");
}

#[test]
fn claims_token_and_request_errors() {
    assert_eq!(read_claims("[1]").unwrap_err().code, "claims-not-object");
    assert_eq!(read_claims("{\"sub\": }").unwrap_err().code, "json-syntax");
    assert_eq!(
        decode_token("not a token").unwrap_err().code,
        "token-segments"
    );
    assert_eq!(decode_token("e30.e30.").unwrap().claims.len(), 0);
    let no_iss = read_claims("{\"sub\": \"x\"}").unwrap();
    assert_eq!(
        Request::new(&no_iss, &RequestOptions::default())
            .unwrap_err()
            .code,
        "missing-issuer"
    );
    let bad_account = RequestOptions {
        issuer: Some("https://gitlab.com/".into()),
        account: Some("12".into()),
        ..RequestOptions::default()
    };
    assert_eq!(
        Request::new(&no_iss, &bad_account).unwrap_err().code,
        "invalid-account"
    );
}
