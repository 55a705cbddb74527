//! `--rcp` and `--role-arn`: organisation guardrails through every command that evaluates.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly"
)]

mod common;

use common::{run, text};

const LOOSE: &str = "examples/policies/loose-any-repo.json";
const RCP: &str = "examples/rcps/trusted-oidc-tenants.json";

#[test]
fn eval_with_an_rcp_names_the_layer_that_decided() {
    let out = run(&[
        "eval",
        "--policy",
        LOOSE,
        "--claims",
        "examples/tokens/other-org.json",
        "--rcp",
        RCP,
        "--expect",
        "deny",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("DENY  RCP `examples/rcps/trusted-oidc-tenants.json` statement 0 (`EnforceTrustedGitHubOrg`) denies this token"), "{stdout}");
    assert!(stdout.contains("✓ RCP `examples/rcps/trusted-oidc-tenants.json` statement 0 (`EnforceTrustedGitHubOrg`) (Deny)  [examples/rcps/trusted-oidc-tenants.json:4:5]"), "{stdout}");
    assert!(stdout.contains("✓ Resource   `Resource` covers every role"));
    // Without the RCP the same token gets in.
    let alone = run(&[
        "eval",
        "--policy",
        LOOSE,
        "--claims",
        "examples/tokens/other-org.json",
        "--expect",
        "deny",
    ]);
    assert_eq!(alone.status.code(), Some(1));
    // JSON: the reason kind and the RCP statement with its file location.
    let json = run(&[
        "eval",
        "--policy",
        LOOSE,
        "--claims",
        "examples/tokens/other-org.json",
        "--rcp",
        RCP,
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["reason"]["kind"], "rcpDeny");
    assert_eq!(v["statements"][1]["rcp"]["name"], RCP);
    let at = v["statements"][1]["at"].as_u64().unwrap() as usize;
    assert_eq!(v["locations"][at]["file"], RCP);
    assert_eq!(v["statements"][1]["resource"]["matched"], true);
}

#[test]
fn rcps_from_describe_policy_and_terraform() {
    for rcp in [
        "tests/fixtures/rcp/describe-policy.json",
        "tests/fixtures/rcp/tf/org.tf",
    ] {
        let out = run(&[
            "eval",
            "--policy",
            LOOSE,
            "--claims",
            "examples/tokens/other-org.json",
            "--rcp",
            rcp,
            "--expect",
            "deny",
        ]);
        assert_eq!(out.status.code(), Some(0), "{rcp}: {}", text(&out.stderr));
        let name = if rcp.ends_with(".tf") {
            "aws_organizations_policy.oidc_tenants"
        } else {
            "oidc-tenants"
        };
        assert!(
            text(&out.stdout).contains(&format!("RCP `{name}` statement 0")),
            "{}",
            text(&out.stdout)
        );
    }
}

#[test]
fn a_bad_rcp_is_a_located_error() {
    let out = run(&[
        "eval",
        "--policy",
        LOOSE,
        "--claims",
        "examples/tokens/main.json",
        "--rcp",
        "tests/fixtures/rcp/allow.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with("error[rcp-allow]:"), "{stderr}");
    assert!(
        stderr.contains("--> tests/fixtures/rcp/allow.json:5:17 (/Statement/0/Effect)"),
        "{stderr}"
    );
    let scp = run(&[
        "who-can",
        LOOSE,
        "--rcp",
        "examples/policies/basic-repo.json",
    ]);
    assert_eq!(scp.status.code(), Some(2));
    assert!(
        text(&scp.stderr).contains("error[rcp-principal]"),
        "{}",
        text(&scp.stderr)
    );
}

#[test]
fn prove_who_can_diff_replay_and_test_see_both_layers() {
    let prove = |rcp: bool| {
        let mut args = vec!["prove", LOOSE, "--only", "sub=repo:acme/*"];
        if rcp {
            args.extend(["--rcp", RCP]);
        }
        run(&args)
    };
    assert_eq!(
        prove(false).status.code(),
        Some(1),
        "a counterexample without the RCP"
    );
    let with = prove(true);
    assert_eq!(with.status.code(), Some(0), "{}", text(&with.stdout));
    assert!(text(&with.stdout).starts_with("✓ every token the policy admits"));

    let who = text(&run(&["who-can", LOOSE, "--rcp", RCP]).stdout);
    assert!(
        who.contains("not (like `repo:acme/*`)") || who.contains("like `repo:acme/*`"),
        "{who}"
    );

    let replay = run(&["replay", LOOSE, "--rcp", RCP, "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&replay.stdout).unwrap();
    let other = v["replays"][0]["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["scenario"] == "other-org")
        .unwrap()
        .clone();
    assert_eq!(other["decision"], "deny");
    assert_eq!(
        other["blockedBy"],
        "RCP `examples/rcps/trusted-oidc-tenants.json` statement 0 (`EnforceTrustedGitHubOrg`)"
    );

    // diff: the same RCP on both sides; the loose role against the basic one newly refuses acme's other repos only.
    let diff = text(
        &run(&[
            "diff",
            LOOSE,
            "examples/policies/basic-repo.json",
            "--rcp",
            RCP,
        ])
        .stdout,
    );
    assert!(diff.contains("newly refused"), "{diff}");
    assert!(!diff.contains("evil"), "{diff}");
}

#[test]
fn role_arn_decides_scoped_statements() {
    let dir = std::env::temp_dir().join(format!("oidc-trust-rcp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let scoped = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../",
        "examples/rcps/trusted-oidc-tenants.json"
    ))
    .unwrap()
    .replacen(
        "\"Resource\": \"*\"",
        "\"Resource\": \"arn:aws:iam::*:role/deploy-*\"",
        1,
    );
    let path = dir.join("scoped.json");
    std::fs::write(&path, scoped).unwrap();
    let path = path.to_str().unwrap();
    let eval = |role: Option<&str>| {
        let mut args = vec![
            "eval",
            "--policy",
            LOOSE,
            "--claims",
            "examples/tokens/other-org.json",
            "--rcp",
            path,
            "--format",
            "json",
        ];
        if let Some(r) = role {
            args.extend(["--role-arn", r]);
        }
        let out = run(&args);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let unknown = eval(None);
    assert_eq!(unknown["decision"], "allow");
    assert!(unknown["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["code"] == "rcp-role-unknown"));
    assert_eq!(
        eval(Some("arn:aws:iam::111122223333:role/deploy-api"))["decision"],
        "deny"
    );
    assert_eq!(
        eval(Some("arn:aws:iam::111122223333:role/admin"))["decision"],
        "allow"
    );
}

#[test]
fn lint_with_rcps_counts_open_and_closed_holes() {
    let out = run(&["lint", LOOSE, "--rcp", RCP, "--fail-on", "never"]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("info[admits-other-org]: A repository `octo-repo` in another organisation (anyone on GitHub) can assume the role — blocked by RCP"), "{stdout}");
    assert!(stdout.contains("with the RCPs, examples/policies/loose-any-repo.json: 6 holes open, 1 closed by the RCPs\n"), "{stdout}");
    let sarif = run(&[
        "lint",
        LOOSE,
        "--rcp",
        RCP,
        "--format",
        "json",
        "--fail-on",
        "never",
    ]);
    assert!(text(&sarif.stdout).contains("\"blockedBy\""));
}

#[test]
fn generate_rcp_writes_a_guardrail_that_prove_confirms() {
    let dir = std::env::temp_dir().join(format!("oidc-trust-gen-rcp-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let out = run(&[
        "generate",
        "--rcp",
        "--spec",
        "examples/intents/github.yaml",
        "--spec",
        "examples/intents/gitlab.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains(
        "warning: the RCP denies web-identity federation from every issuer it does not list"
    ));
    let rcp = dir.join("rcp.json");
    std::fs::write(&rcp, &out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v["Statement"][1]["Condition"]["StringNotLikeIfExists"]["gitlab.com:sub"][0],
        "project_path:acme/*"
    );
    // The loose role, guarded by the generated RCP, admits only acme's repositories: by
    // name, or by immutable subject for the owner id the spec gives.
    let prove = |only: &str| {
        run(&[
            "prove",
            LOOSE,
            "--only",
            only,
            "--rcp",
            rcp.to_str().unwrap(),
        ])
    };
    assert_eq!(prove("sub=repo:acme*/*").status.code(), Some(0));
    let by_name = prove("sub=repo:acme/*");
    assert_eq!(
        by_name.status.code(),
        Some(1),
        "the immutable subject is a counterexample"
    );
    assert!(
        text(&by_name.stdout).contains("repo:acme@65/"),
        "{}",
        text(&by_name.stdout)
    );
    // Terraform: the policy and its attachment, read back by --rcp as well.
    let all = run(&[
        "generate",
        "--rcp",
        "--repo",
        "acme/api",
        "--format",
        "all",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(all.status.code(), Some(0), "{}", text(&all.stderr));
    assert!(text(&all.stdout).contains("rcp.tf"));
    let tf = dir.join("rcp.tf");
    let eval = run(&[
        "eval",
        "--policy",
        LOOSE,
        "--claims",
        "examples/tokens/other-org.json",
        "--rcp",
        tf.to_str().unwrap(),
        "--expect",
        "deny",
    ]);
    assert_eq!(
        eval.status.code(),
        Some(0),
        "{}{}",
        text(&eval.stdout),
        text(&eval.stderr)
    );
    // Other issuers trusted as given; formats an RCP has not are refused.
    let eks = run(&[
        "generate",
        "--rcp",
        "--repo",
        "acme/api",
        "--rcp-trust",
        "oidc.eks.us-east-1.amazonaws.com/id/ABC",
        "--format",
        "json",
    ]);
    assert!(text(&eks.stdout).contains("\"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub\": \"true\""));
    let bad = run(&[
        "generate",
        "--rcp",
        "--repo",
        "acme/api",
        "--format",
        "cloudformation",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    let two = run(&[
        "generate",
        "--spec",
        "examples/intents/github.yaml",
        "--spec",
        "examples/intents/gitlab.yaml",
    ]);
    assert_eq!(two.status.code(), Some(2));
}
