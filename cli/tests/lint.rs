//! `oidc-trust lint`, `replay` and `test` as users run them.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly"
)]

mod common;

use serde_json::Value;

use common::{run, run_stdin, stdout};

const WEAK: &str = "examples/policies/basic-repo.json";
const TIGHT: &str = "examples/policies/hardening-layer2.json";

#[test]
fn exit_codes_follow_fail_on() {
    assert_eq!(
        run(&["lint", WEAK]).status.code(),
        Some(1),
        "high findings fail by default"
    );
    assert_eq!(run(&["lint", TIGHT]).status.code(), Some(0));
    assert_eq!(
        run(&["lint", WEAK, "--fail-on", "critical"]).status.code(),
        Some(0)
    );
    assert_eq!(
        run(&["lint", TIGHT, "--fail-on", "low"]).status.code(),
        Some(1)
    );
    assert_eq!(run(&["lint", "no/such/file.json"]).status.code(), Some(2));
}

#[test]
fn text_points_at_the_value_with_why_and_fix() {
    let out = stdout(&run(&["lint", WEAK]));
    assert!(out.contains("high[admits-pull-request]"), "{out}");
    assert!(out.contains("basic-repo.json:16:54"), "{out}");
    assert!(out.contains("= fix:"), "{out}");
    assert!(
        out.lines().last().unwrap().contains("findings in 1 file"),
        "{out}"
    );
}

#[test]
fn json_is_versioned_and_located() {
    let v: Value =
        serde_json::from_str(&stdout(&run(&["lint", WEAK, TIGHT, "--format", "json"]))).unwrap();
    assert_eq!(v["version"], 1);
    let findings = v["findings"].as_array().unwrap();
    let pr = findings
        .iter()
        .find(|f| f["code"] == "admits-pull-request")
        .unwrap();
    assert_eq!(pr["severity"], "high");
    assert_eq!(pr["location"]["file"], WEAK);
    assert_eq!(pr["location"]["line"], 16);
    assert_eq!(pr["location"]["column"], 54);
    assert!(pr["location"]["pointer"]
        .as_str()
        .unwrap()
        .ends_with(":sub"));
    for key in ["code", "severity", "message", "help", "fix", "location"] {
        assert!(
            findings.iter().all(|f| !f[key].is_null()),
            "{key} everywhere"
        );
    }
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
}

#[test]
fn sarif_has_rules_results_and_regions() {
    let v: Value =
        serde_json::from_str(&stdout(&run(&["lint", WEAK, "--format", "sarif"]))).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run0 = &v["runs"][0];
    assert_eq!(run0["tool"]["driver"]["name"], "oidc-trust");
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let results = run0["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(
            region["endColumn"].as_u64().unwrap() > region["startColumn"].as_u64().unwrap()
                || region["endLine"].as_u64() > region["startLine"].as_u64()
        );
    }
    assert!(rules
        .iter()
        .all(|r| r["properties"]["security-severity"].is_string()));
}

#[test]
fn markdown_is_a_table_for_pull_requests() {
    let out = stdout(&run(&["lint", WEAK, "--format", "markdown"]));
    assert!(out.starts_with("### oidc-trust lint"));
    assert!(out.contains("| severity | rule | where | finding | fix |"));
    assert!(out.contains("| high | `admits-pull-request` |"), "{out}");
    let clean = stdout(&run(&[
        "lint",
        TIGHT,
        "--format",
        "markdown",
        "--fail-on",
        "never",
    ]));
    assert!(clean.contains("finding"), "{clean}");
}

#[test]
fn an_invalid_policy_is_an_input_error_with_its_location() {
    let dir = std::env::temp_dir().join(format!("oidc-trust-lint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\n  \"Statement\": [ }\n}").unwrap();
    let out = run(&["lint", bad.to_str().unwrap(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["errors"][0]["code"], "json-syntax");
    assert_eq!(v["errors"][0]["line"], 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn replay_lists_who_gets_in() {
    let out = run(&["replay", WEAK]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a high-severity attacker gets in"
    );
    let text = stdout(&out);
    assert!(
        text.contains("pull-request") && text.contains("GETS IN (high)"),
        "{text}"
    );
    assert!(text.contains("sub repo:acme/api:pull_request"), "{text}");
    assert_eq!(run(&["replay", TIGHT]).status.code(), Some(0));
    let v: Value =
        serde_json::from_str(&stdout(&run(&["replay", WEAK, "--format", "json"]))).unwrap();
    let attempts = v["replays"][0]["attempts"].as_array().unwrap();
    let pr = attempts
        .iter()
        .find(|a| a["scenario"] == "pull-request")
        .unwrap();
    assert_eq!(pr["decision"], "allow");
    assert_eq!(pr["claims"]["event_name"], "pull_request");
}

#[test]
fn policy_tests_run_like_a_test_runner() {
    let tests = "examples/tests/hardening-layer2.tests.json";
    let ok = run(&["test", TIGHT, tests]);
    assert_eq!(ok.status.code(), Some(0));
    assert!(
        stdout(&ok).ends_with("4 passed, 0 failed\n"),
        "{}",
        stdout(&ok)
    );
    let failing = run(&["test", WEAK, tests]);
    assert_eq!(failing.status.code(), Some(1));
    let text = stdout(&failing);
    assert!(text.contains("✗ pull requests are refused"), "{text}");
    assert!(text.contains("expected deny, got allow"), "{text}");
    assert!(text.ends_with("3 passed, 1 failed\n"), "{text}");
    assert_eq!(
        run(&["test", TIGHT, WEAK]).status.code(),
        Some(2),
        "a policy is not a tests file"
    );
}

/// The text of a file from (line, column), 1-based, to its end.
fn at(file: &str, line: u64, column: u64) -> String {
    let text =
        std::fs::read_to_string(format!("{}/../{file}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let rest: Vec<&str> = text.lines().skip(line as usize - 1).collect();
    rest.join("\n").chars().skip(column as usize - 1).collect()
}

fn findings(file: &str) -> Vec<Value> {
    let out = run(&["lint", file, "--format", "json", "--fail-on", "never"]);
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    v["findings"].as_array().unwrap().clone()
}

fn find<'a>(all: &'a [Value], code: &str, resource: &str) -> &'a Value {
    all.iter()
        .find(|f| f["code"] == code && f["location"]["resource"] == resource)
        .unwrap_or_else(|| panic!("no {code} in {resource}: {all:#?}"))
}

#[test]
fn terraform_plans_point_into_the_escaped_policy_string() {
    let file = "tests/fixtures/sources/terraform-plan.json";
    let all = findings(file);
    let f = find(&all, "admits-sibling-repo", "aws_iam_role.deploy");
    let l = &f["location"];
    assert_eq!(
        l["pointer"],
        "/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub"
    );
    assert!(at(
        file,
        l["line"].as_u64().unwrap(),
        l["column"].as_u64().unwrap()
    )
    .starts_with("\\\"repo:acme/*\\\""));
    // The child module's tight role and the rendered policy document are read too.
    assert!(all.iter().any(|f| f["location"]["resource"]
        == "data.aws_iam_policy_document.web_trust"
        && f["code"] == "admits-pull-request"));
    assert!(!all.iter().any(
        |f| f["location"]["resource"] == "module.api.aws_iam_role.this" && f["severity"] == "high"
    ));
    assert!(
        !all.iter()
            .any(|f| f["location"]["resource"] == "data.aws_iam_policy_document.s3_read"),
        "permission policies are not trust policies"
    );
}

#[test]
fn cloudformation_json_and_yaml_with_intrinsics() {
    for file in [
        "tests/fixtures/sources/cloudformation.json",
        "tests/fixtures/sources/cloudformation.yaml",
    ] {
        let all = findings(file);
        let unresolved = find(&all, "unresolved-value", "DeployRole");
        assert!(
            unresolved["message"].as_str().unwrap().contains("Fn::Sub"),
            "{file}"
        );
        let l = &unresolved["location"];
        let text = at(
            file,
            l["line"].as_u64().unwrap(),
            l["column"].as_u64().unwrap(),
        );
        let near: String = text.chars().take(120).collect();
        assert!(near.contains("repo:${GitHubOrg}/"), "{file}: {near}");
        assert!(
            all.iter()
                .any(|f| f["location"]["resource"] == "DeployRole" && f["severity"] == "high"),
            "{file}: the template's own wildcard is still judged"
        );
    }
    let yaml = findings("tests/fixtures/sources/cloudformation.yaml");
    let open = find(&yaml, "missing-sub", "OpenRole");
    assert_eq!(open["severity"], "critical");
    assert_eq!(open["location"]["line"], 34);
    let json = findings("tests/fixtures/sources/cloudformation.json");
    find(&json, "admits-sibling-repo", "StaticRole");
}

#[test]
fn cloudformation_sub_over_json_text_takes_defaults_and_marks_the_unknown() {
    let file = "tests/fixtures/sources/cloudformation-sub.json";
    let all = findings(file);
    // `repo:${GitHubOrg}/${Repo}:*` with the default `acme` and `Repo: api`.
    let wide = find(&all, "admits-pull-request", "DefaultedRole");
    let l = &wide["location"];
    assert_eq!(
        l["pointer"],
        "/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub"
    );
    let text = at(
        file,
        l["line"].as_u64().unwrap(),
        l["column"].as_u64().unwrap(),
    );
    assert!(
        text.starts_with("\\\"repo:${GitHubOrg}/${Repo}:*\\\""),
        "{text}"
    );
    let default = find(&all, "parameter-default", "DefaultedRole");
    assert!(default["message"].as_str().unwrap().contains("`acme`"));
    assert_eq!(default["location"]["line"], l["line"]);
    assert_eq!(default["location"]["column"], l["column"]);
    // `${Branch}` has no default: opaque, so the exact subject admits no branch of ours...
    let unknown = find(&all, "unresolved-value", "UnknownRole");
    assert!(unknown["message"].as_str().unwrap().contains("${Branch}"));
    assert!(!all
        .iter()
        .any(|f| f["location"]["resource"] == "UnknownRole" && f["severity"] == "high"));
    // ...and an evaluation says what it could not know.
    let claims = r#"{"iss":"https://token.actions.githubusercontent.com","aud":"sts.amazonaws.com","sub":"repo:acme/api:ref:refs/heads/main"}"#;
    let out = run_stdin(
        &[
            "eval",
            "--policy",
            file,
            "--resource",
            "DefaultedRole",
            "--claims",
            "-",
            "--format",
            "json",
        ],
        claims,
    );
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["decision"], "allow");
    let codes: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|n| n["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"parameter-default") && codes.contains(&"stand-in-account"),
        "{codes:?}"
    );
    let out = run_stdin(
        &[
            "eval",
            "--policy",
            file,
            "--resource",
            "UnknownRole",
            "--claims",
            "-",
            "--format",
            "json",
        ],
        claims,
    );
    let v: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["decision"], "deny");
    assert!(v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["code"] == "unresolved-value"));
}

#[test]
fn json_in_yaml_block_scalars_points_at_each_value() {
    let file = "tests/fixtures/sources/sam-template.yaml";
    let all = findings(file);
    for (resource, line, value) in [
        ("BlockRole", 27, "\"repo:acme/*\""),
        ("SubRole", 43, "\"repo:${GitHubOrg}/api:*\""),
    ] {
        let f = find(&all, "admits-pull-request", resource);
        let l = &f["location"];
        assert_eq!(l["line"], line, "{resource}");
        let text = at(file, line, l["column"].as_u64().unwrap());
        assert!(text.starts_with(value), "{resource}: {text}");
    }
    find(&all, "admits-sibling-repo", "BlockRole");
    let default = find(&all, "parameter-default", "SubRole");
    assert_eq!(default["location"]["line"], 43);
    assert!(
        !all.iter().any(|f| f["location"]["resource"] == "Api"),
        "a SAM function is not a role"
    );
}

#[test]
fn account_authorization_details_every_role_url_encoded_or_not() {
    let file = "tests/fixtures/sources/account-authorization-details.json";
    let all = findings(file);
    let f = find(&all, "admits-pull-request", "github-deploy");
    let l = &f["location"];
    assert!(at(
        file,
        l["line"].as_u64().unwrap(),
        l["column"].as_u64().unwrap()
    )
    .starts_with("%22repo%3Aacme%2Fapi%3A%2A%22"));
    assert!(!all
        .iter()
        .any(|f| f["location"]["resource"] == "api-deploy" && f["severity"] == "high"));
    assert!(
        !all.iter()
            .any(|f| f["location"]["resource"] == "lambda-exec"),
        "service roles trust no OIDC provider"
    );
}

#[test]
fn get_role_and_list_roles_output_is_read_role_by_role() {
    let file = "tests/fixtures/sources/get-role.json";
    let all = findings(file);
    let f = find(&all, "admits-pull-request", "github-deploy");
    let l = &f["location"];
    assert_eq!(
        l["pointer"],
        "/Statement/0/Condition/StringLike/token.actions.githubusercontent.com:sub"
    );
    assert!(at(
        file,
        l["line"].as_u64().unwrap(),
        l["column"].as_u64().unwrap()
    )
    .starts_with("\"repo:acme/api:*\""));

    let file = "tests/fixtures/sources/list-roles.json";
    let all = findings(file);
    // The organisation-wide role is reported under its name; the environment-bound one is not.
    let f = find(&all, "admits-sibling-repo", "org-wide");
    assert_eq!(f["severity"], "high");
    assert!(!all
        .iter()
        .any(|f| f["location"]["resource"] == "api-deploy" && f["severity"] == "high"));
}

#[test]
fn broken_containers_are_located_input_errors() {
    let plan = run(&[
        "lint",
        "tests/fixtures/sources/broken-plan.json",
        "--format",
        "json",
    ]);
    assert_eq!(plan.status.code(), Some(2));
    let v: Value = serde_json::from_str(&stdout(&plan)).unwrap();
    assert_eq!(v["errors"][0]["code"], "json-syntax");
    assert_eq!(v["errors"][0]["line"], 1);
    let yaml = run(&[
        "lint",
        "tests/fixtures/sources/broken-template.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(yaml.status.code(), Some(2));
    let v: Value = serde_json::from_str(&stdout(&yaml)).unwrap();
    assert_eq!(v["errors"][0]["code"], "yaml-syntax");
}

#[test]
fn replay_from_a_given_identity_and_with_traces() {
    let out = stdout(&run(&[
        "replay",
        WEAK,
        "--intended",
        "examples/tokens/environment.json",
    ]));
    assert!(
        out.contains("intended  ✓ repo:acme/api:environment:production"),
        "{out}"
    );
    assert!(
        out.contains("sub repo:zz-attacker/api:environment:production"),
        "{out}"
    );
    let v: Value = serde_json::from_str(&stdout(&run(&[
        "replay", WEAK, "--trace", "--format", "json",
    ])))
    .unwrap();
    let attempts = v["replays"][0]["attempts"].as_array().unwrap();
    let pr = attempts
        .iter()
        .find(|a| a["scenario"] == "pull-request")
        .unwrap();
    assert_eq!(pr["trace"]["decision"], "allow");
    let denied = attempts
        .iter()
        .find(|a| a["scenario"] == "other-org")
        .unwrap();
    assert!(
        denied["trace"].is_null(),
        "traces only for tokens that get in"
    );
    assert_eq!(
        run(&["replay", WEAK, "--intended", "not-a-token"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn policy_tests_in_yaml_and_a_closed_pipe_is_not_a_crash() {
    let out = run(&["test", WEAK, "examples/tests/basic-repo.tests.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).ends_with("2 passed, 1 failed\n"),
        "{}",
        stdout(&out)
    );
    let mut child = common::bin()
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        // ~95 KB: more than a pipe holds, so the writer meets the closed end whatever
        // the timing.
        .args(["replay", WEAK, "--trace", "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut first).unwrap();
    drop(child.stdout.take());
    let status = child.wait_with_output().unwrap();
    assert!(
        status.stderr.is_empty(),
        "a closed pipe ends the command quietly: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert_eq!(status.status.code(), Some(141), "as if killed by SIGPIPE");
}

#[test]
fn who_can_prove_and_diff_from_the_command_line() {
    let out = run(&["who-can", WEAK]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.contains("who: repository `acme/api`, any branch, tag, environment or pull request"),
        "{text}"
    );
    let v: Value =
        serde_json::from_str(&stdout(&run(&["who-can", TIGHT, "--format", "json"]))).unwrap();
    assert_eq!(v["issuers"][0]["cases"].as_array().unwrap().len(), 1);
    assert_eq!(v["issuers"][0]["cases"][0]["confirmed"], true);

    let proved = run(&[
        "prove",
        TIGHT,
        "--only",
        "sub=repo:acme/api:ref:refs/heads/main",
    ]);
    assert_eq!(proved.status.code(), Some(0), "{}", stdout(&proved));
    let counter = run(&[
        "prove",
        WEAK,
        "--only",
        "sub=repo:acme/api:ref:refs/heads/*",
        "--format",
        "json",
    ]);
    assert_eq!(counter.status.code(), Some(1));
    let v: Value = serde_json::from_str(&stdout(&counter)).unwrap();
    assert_eq!(v["result"], "counterexample");
    assert!(!v["claims"]["sub"]
        .as_str()
        .unwrap()
        .contains(":ref:refs/heads/"));
    assert_eq!(
        run(&["prove", WEAK, "--only", "nonsense"]).status.code(),
        Some(2)
    );

    assert_eq!(run(&["diff", WEAK, WEAK]).status.code(), Some(0));
    let widened = run(&["diff", TIGHT, WEAK]);
    assert_eq!(widened.status.code(), Some(1));
    assert!(stdout(&widened).contains("newly admitted"));
}

#[test]
fn generate_writes_a_policy_that_lints_clean_and_summarises_it() {
    let out = run(&[
        "generate",
        "--repo",
        "acme/api",
        "--account",
        "123456789012",
        "--branch",
        "main",
        "--repo-id",
        "74",
        "--owner-id",
        "65",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let policy = stdout(&out);
    let v: Value = serde_json::from_str(&policy).unwrap();
    assert_eq!(
        v["Statement"][0]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"],
        "repo:acme/api:ref:refs/heads/main"
    );
    let dir = std::env::temp_dir().join(format!("oidc-trust-gen-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("policy.json");
    std::fs::write(&file, &policy).unwrap();
    assert_eq!(
        run(&["lint", file.to_str().unwrap(), "--fail-on", "low"])
            .status
            .code(),
        Some(0),
        "nothing above info to fix"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let summary = stdout(&run(&[
        "generate",
        "--repo",
        "acme/api",
        "--account",
        "123456789012",
        "--branch",
        "main",
        "--format",
        "summary",
    ]));
    assert!(
        summary.contains("Excluded") && summary.contains("pull requests"),
        "{summary}"
    );
    let pr = run(&[
        "generate",
        "--repo",
        "acme/api",
        "--account",
        "123456789012",
        "--branch",
        "main",
        "--pull-requests",
    ]);
    assert!(String::from_utf8_lossy(&pr.stderr).contains("warning:"));
    assert_eq!(
        run(&[
            "generate",
            "--repo",
            "acme",
            "--account",
            "123456789012",
            "--branch",
            "main"
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        run(&[
            "generate",
            "--repo",
            "acme/api",
            "--account",
            "1",
            "--branch",
            "main"
        ])
        .status
        .code(),
        Some(2)
    );
}

// Issue 19: repository settings (layer 3) next to the policy, read offline.
#[test]
fn layer_three_settings_are_checked_against_the_policy() {
    const POLICY: &str = "tests/fixtures/layer3/trust-policy.json";
    let clean = run(&[
        "lint",
        POLICY,
        "tests/fixtures/layer3/settings",
        "--fail-on",
        "low",
    ]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("in 6 files"), "{}", stdout(&clean));
    let out = run(&[
        "lint",
        POLICY,
        "tests/fixtures/layer3/fail/environment-unprotected",
    ]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("high[environment-unprotected]: environment `production` of `acme/api`"),
        "{text}"
    );
    assert!(
        text.contains("--> tests/fixtures/layer3/fail/environment-unprotected/environments.json:5:5 (/environments/0)"),
        "{text}"
    );
    assert!(
        text.contains(
            "`repo:acme/api:environment:production` (in tests/fixtures/layer3/trust-policy.json)"
        ),
        "{text}"
    );
    let json: Value = serde_json::from_str(&stdout(&run(&[
        "lint",
        POLICY,
        "tests/fixtures/layer3/fail/branch-without-review/ruleset-42.json",
        "tests/fixtures/layer3/fail/branch-without-review/repository.json",
        "--format",
        "json",
    ])))
    .unwrap();
    let f = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "branch-without-review")
        .unwrap();
    assert_eq!(
        f["location"]["file"],
        "tests/fixtures/layer3/fail/branch-without-review/ruleset-42.json"
    );
    assert_eq!(f["location"]["line"], 33, "at the pull_request rule");
    // Settings files are not counted as policies.
    assert_eq!(json["policies"], 1, "{json}");
    // A plain CODEOWNERS file cannot say its repository: refused, exit 2.
    let dir = std::env::temp_dir().join(format!("oidc-trust-layer3-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("CODEOWNERS"), "* @acme/all\n").unwrap();
    std::fs::write(
        dir.join("envs.json"),
        r#"{"total_count": 1, "environments": [{"name": true}]}"#,
    )
    .unwrap();
    let codeowners = common::run_in(&dir, &["lint", "CODEOWNERS"]);
    assert_eq!(codeowners.status.code(), Some(2));
    assert!(
        stdout(&codeowners).contains("settings-repository")
            || common::text(&codeowners.stderr).contains("settings-repository")
    );
    let shape = common::run_in(&dir, &["lint", "."]);
    assert_eq!(
        shape.status.code(),
        Some(2),
        "a walk reports a settings file of the wrong shape"
    );
    assert!(
        stdout(&shape).contains(
            "error[settings-shape]: `/environments/0/name` should be a string, found a boolean"
        ),
        "{}",
        stdout(&shape)
    );
    std::fs::remove_dir_all(&dir).ok();
}
