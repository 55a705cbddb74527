//! The `oidc-trust` binary as users run it: exit codes, text, JSON and batch output.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly"
)]

mod common;

use std::process::Output;

use common::text;

/// Runs `oidc-trust` with `args`, and `stdin` (or nothing) on its standard input.
fn run(args: &[&str], stdin: Option<&str>) -> Output {
    common::run_stdin(args, stdin.unwrap_or(""))
}

const POLICY: &str = "examples/policies/basic-repo.json";

#[test]
fn allow_deny_and_expectations() {
    let out = run(
        &[
            "eval",
            "--policy",
            POLICY,
            "--token",
            "examples/tokens/main.jwt",
            "--expect",
            "allow",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("ALLOW"));
    let out = run(
        &[
            "eval",
            "--policy",
            POLICY,
            "--claims",
            "examples/tokens/sibling-repo.json",
            "--expect",
            "allow",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("DENY"), "{stdout}");
    assert!(
        stdout.contains("✗ StringLike token.actions.githubusercontent.com:sub"),
        "{stdout}"
    );
    assert!(text(&out.stderr).contains("expectation not met"));
}

#[test]
fn json_output_is_the_versioned_trace() {
    let eval = [
        "eval",
        "--policy",
        POLICY,
        "--claims",
        "examples/tokens/main.json",
        "--format",
        "json",
    ];
    let out = run(&eval, None);
    assert_eq!(out.status.code(), Some(0));
    // Fields in the documented order, not sorted: the version first, the table last.
    let printed = text(&out.stdout);
    assert!(
        printed.starts_with("{\n  \"version\": 2,\n  \"decision\""),
        "{printed}"
    );
    assert!(printed.trim_end().ends_with("]\n}"), "locations last");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["version"], 2);
    assert_eq!(v["decision"], "allow");
    // v2: the condition's key is an entry of the inlined location table.
    let key_at = v["statements"][0]["conditions"][1]["keyAt"]
        .as_u64()
        .unwrap() as usize;
    assert_eq!(
        v["locations"][key_at]["text"],
        "token.actions.githubusercontent.com:sub"
    );
    assert_eq!(v["locations"][key_at]["span"]["start"]["line"], 16);
    // v1 stays available for one release.
    let mut args = [&eval[..], &["--trace-version", "1"]].concat();
    let v1_text = text(&run(&args, None).stdout);
    assert!(
        v1_text.starts_with("{\n  \"version\": 1,\n  \"decision\""),
        "{v1_text}"
    );
    let v1: serde_json::Value = serde_json::from_str(&v1_text).unwrap();
    assert_eq!(v1["version"], 1);
    assert_eq!(
        v1["statements"][0]["conditions"][1]["key"],
        "token.actions.githubusercontent.com:sub"
    );
    args[8] = "3";
    let refused = run(&args, None);
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("--trace-version"));
}

#[test]
fn bad_input_exits_2_with_a_located_error() {
    let out = run(
        &[
            "eval",
            "--policy",
            "-",
            "--claims",
            "examples/tokens/main.json",
        ],
        Some("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}"),
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("error[json-syntax]"), "{stderr}");
    assert!(stderr.contains("<stdin>:4:1"), "{stderr}");
    let out = run(&["eval", "--policy", "-", "--claims", "examples/tokens/main.json", "--format", "json"], Some("{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sts:*\", \"Resource\": \"*\"}]}"));
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "resource-in-trust-policy");
    assert_eq!(v["error"]["pointer"], "/Statement/0/Resource");
    assert_eq!(v["error"]["line"], 1);
    let out = run(
        &[
            "eval",
            "--policy",
            POLICY,
            "--token",
            "eyJhbGciOiJub25lIn0.e30",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("token-segments"));
    let out = run(
        &[
            "eval",
            "--policy",
            "missing.json",
            "--claims",
            "examples/tokens/main.json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["eval", "--policy", POLICY], None);
    assert_eq!(out.status.code(), Some(2), "usage errors exit 2");
}

#[test]
fn batch_answers_every_line_in_order() {
    let policy = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/policies/basic-repo.json"
    ))
    .unwrap();
    let policy: serde_json::Value = serde_json::from_str(&policy).unwrap();
    let good = serde_json::json!({"id": 1, "policy": policy, "claims": {"iss": "https://token.actions.githubusercontent.com", "aud": "sts.amazonaws.com", "sub": "repo:acme/api:ref:refs/heads/main"}});
    let other = serde_json::json!({"id": "b", "policy": policy.to_string(), "claims": {"aud": "sts.amazonaws.com", "sub": "repo:acme/other:ref:refs/heads/main"}, "issuer": "token.actions.githubusercontent.com"});
    let input =
        format!("{good}\nnot json\n{other}\n{{\"id\": 4, \"policy\": {{}}, \"token\": \"x\"}}\n");
    let out = run(&["eval", "--batch"], Some(&input));
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(
        (lines[0]["id"].clone(), lines[0]["decision"].clone()),
        (1.into(), "allow".into())
    );
    assert_eq!(lines[1]["error"]["code"], "json-syntax");
    assert_eq!(
        (lines[2]["id"].clone(), lines[2]["decision"].clone()),
        ("b".into(), "deny".into())
    );
    assert!(lines[3]["error"]["code"].is_string());
    let out = run(&["eval", "--batch", "--trace"], Some(&format!("{good}\n")));
    let line: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(line["trace"]["version"], 2);
    assert!(
        line["trace"]["locations"].is_array(),
        "each line stands alone"
    );
    // With its policy's warnings, as `eval --format json` gives them.
    let unversioned = r#"{"id": 2, "policy": {"Statement": [{"Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"}, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": {"StringEquals": {"token.actions.githubusercontent.com:sub": "repo:acme/api:ref:refs/heads/main"}}}]}, "claims": {"sub": "repo:acme/api:ref:refs/heads/main", "iss": "https://token.actions.githubusercontent.com"}}"#;
    let out = run(
        &["eval", "--batch", "--trace"],
        Some(&format!("{unversioned}\n")),
    );
    let line: serde_json::Value = serde_json::from_str(text(&out.stdout).trim()).unwrap();
    assert_eq!(line["trace"]["diagnostics"][0]["code"], "missing-version");
}
