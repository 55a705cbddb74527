//! Lint against the graded subvectors vectors: every `dangerous` policy must yield a
//! finding of high severity or worse, every `safe` one none of medium or worse.

use oidc_trust::{lint, FindingSeverity, LintOptions};
use oidc_trust_tests::subvector_suites;

/// Vectors whose grade judges something other than the policy made of them. Each entry
/// says why; the test fails if an entry stops being needed, so the list stays honest.
const GRADED_ON_SOMETHING_ELSE: [(&str, &str); 5] = [
    ("gh-aws-aud-pinned-official-action", "graded on the aud condition alone; the policy made of it has no sub condition, so any repository gets in (AWS refuses to create such a role today)"),
    ("gh-aws-aud-default-owner-url-rejected", "graded on the aud condition alone; the policy made of it has no sub condition"),
    ("gh-aws-environment-key-absent-claim-rejected", "graded on the environment key alone; the policy made of it has no sub condition, so any repository with an environment of that name gets in"),
    ("gh-aws-jwr-condition-key-sha-pin", "graded on the job_workflow_ref pin alone; without a caller pin every repository that calls the public reusable workflow gets in"),
    ("gh-aws-environment-colon-twin-collides", "the same policy is graded safe as gh-aws-environment-colon-encoded-exact; the twin needs a repository admin to create an environment named `Production%3AV1`, which lint rates low"),
];

#[test]
fn graded_vectors_get_the_findings_their_grade_calls_for() {
    let mut wrong = Vec::new();
    let mut excused_but_fine = Vec::new();
    let mut graded = 0;
    for suite in subvector_suites() {
        for v in &suite.vectors {
            let Some(j) = &v.judgment else { continue };
            graded += 1;
            let report = lint(&v.policy().to_string(), &LintOptions::default());
            let worst = report.worst();
            let ok = match j.grade.as_str() {
                "dangerous" => worst >= Some(FindingSeverity::High),
                "safe" => worst < Some(FindingSeverity::Medium),
                _ => true,
            };
            let excused = GRADED_ON_SOMETHING_ELSE.iter().any(|(id, _)| *id == v.id);
            match (ok, excused) {
                (true, true) => excused_but_fine.push(v.id.clone()),
                (false, false) => wrong.push(format!(
                    "{} ({}): worst finding {:?}: {}",
                    v.id,
                    j.grade,
                    worst,
                    report
                        .findings
                        .iter()
                        .map(|f| format!("{} {}", f.severity.name(), f.code))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
                _ => {}
            }
        }
    }
    assert!(graded >= 60, "{graded} graded vectors");
    assert!(
        wrong.is_empty(),
        "{} graded vectors disagree:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(
        excused_but_fine.is_empty(),
        "remove these from GRADED_ON_SOMETHING_ELSE: {excused_but_fine:?}"
    );
}

const GH: &str = "token.actions.githubusercontent.com";

/// A one-statement GitHub trust policy with `condition` (and the given effect, principal).
fn gh_policy(condition: serde_json::Value) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{GH}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition,
        }]
    })
    .to_string()
}

fn exact(sub: &str) -> serde_json::Value {
    serde_json::json!({"StringEquals": {
        format!("{GH}:aud"): "sts.amazonaws.com",
        format!("{GH}:sub"): sub,
        format!("{GH}:repository_id"): "74",
    }})
}

fn codes(text: &str) -> Vec<&'static str> {
    lint(text, &LintOptions::default())
        .findings
        .iter()
        .map(|f| f.code)
        .collect()
}

/// Asserts `code` fires on `bad` (at `pointer`, when given) and not on `good`.
fn rule(code: &str, bad: &str, good: &str, pointer: Option<&str>) {
    let report = lint(bad, &LintOptions::default());
    let hit = report.findings.iter().find(|f| f.code == code);
    let Some(f) = hit else {
        panic!("{code} does not fire on\n{bad}\nfindings: {:?}", codes(bad));
    };
    if let Some(p) = pointer {
        assert_eq!(f.location.pointer, p, "{code} points elsewhere");
        assert!(f.location.span.is_some(), "{code} has no span");
    }
    assert!(
        !f.help.is_empty() && !f.fix.is_empty(),
        "{code} needs help and a fix"
    );
    assert!(
        !codes(good).contains(&code),
        "{code} fires on the good example:\n{good}"
    );
}

#[test]
fn the_tight_policy_has_no_finding_above_info() {
    let report = lint(
        &gh_policy(exact("repo:acme/api:ref:refs/heads/main")),
        &LintOptions::default(),
    );
    assert!(
        report.worst() <= Some(FindingSeverity::Info),
        "{:#?}",
        report.findings
    );
}

#[test]
fn missing_sub_names_what_gets_in_and_says_aws_refuses_it() {
    let bad =
        gh_policy(serde_json::json!({"StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com"}}));
    rule(
        "missing-sub",
        &bad,
        &gh_policy(exact("repo:acme/api:ref:refs/heads/main")),
        None,
    );
    let f = lint(&bad, &LintOptions::default())
        .findings
        .into_iter()
        .find(|f| f.code == "missing-sub")
        .unwrap();
    assert_eq!(f.severity, FindingSeverity::Critical);
    assert!(f.help.contains("AWS refuses"), "{}", f.help);
    assert!(f.message.contains("another organisation"), "{}", f.message);
}

#[test]
fn a_deny_that_closes_the_hole_silences_it() {
    let open = gh_policy(
        serde_json::json!({"StringLike": {format!("{GH}:sub"): "repo:acme/api:*"}, "StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com"}}),
    );
    assert!(codes(&open).contains(&"admits-pull-request"));
    let mut closed: serde_json::Value = serde_json::from_str(&open).unwrap();
    closed["Statement"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "Effect": "Deny",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{GH}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {format!("{GH}:sub"): "repo:acme/api:pull_request"}}
        }));
    let closed = closed.to_string();
    assert!(
        !codes(&closed).contains(&"admits-pull-request"),
        "{:?}",
        codes(&closed)
    );
    assert!(
        codes(&closed).contains(&"admits-any-branch"),
        "the other holes stay"
    );
}

#[test]
fn each_hole_rule_fires_on_its_hole_and_points_at_the_value() {
    let tight = gh_policy(exact("repo:acme/api:ref:refs/heads/main"));
    let like = |sub: &str| {
        gh_policy(
            serde_json::json!({"StringLike": {format!("{GH}:sub"): sub}, "StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com"}}),
        )
    };
    let at = format!("/Statement/0/Condition/StringLike/{GH}:sub");
    rule(
        "admits-sibling-repo",
        &like("repo:acme/*"),
        &tight,
        Some(&at),
    );
    rule(
        "admits-look-alike-repo",
        &like("repo:acme/api*"),
        &tight,
        Some(&at),
    );
    rule(
        "admits-look-alike-org",
        &like("repo:acme*/api:ref:refs/heads/main"),
        &tight,
        Some(&at),
    );
    rule(
        "admits-pull-request",
        &like("repo:acme/api:*"),
        &tight,
        Some(&at),
    );
    rule(
        "admits-any-branch",
        &like("repo:acme/api:ref:refs/heads/*"),
        &tight,
        Some(&at),
    );
    rule(
        "admits-look-alike-branch",
        &like("repo:acme/api:ref:refs/heads/main*"),
        &tight,
        Some(&at),
    );
    rule(
        "admits-look-alike-environment",
        &like("repo:acme/api:environment:prod*"),
        &gh_policy(exact("repo:acme/api:environment:prod")),
        Some(&at),
    );
    // A weak value later in a list is found, and pointed at.
    let list = gh_policy(
        serde_json::json!({"StringLike": {format!("{GH}:sub"): ["repo:acme/api:ref:refs/heads/main", "repo:acme/*"]}}),
    );
    let f = lint(&list, &LintOptions::default())
        .findings
        .into_iter()
        .find(|f| f.code == "admits-sibling-repo")
        .unwrap();
    assert_eq!(f.location.pointer, format!("{at}/1"));
}

#[test]
fn reusable_workflow_pins_without_a_caller_pin_admit_foreign_callers() {
    let jwr = format!("{GH}:job_workflow_ref");
    let bad = gh_policy(serde_json::json!({"StringEquals": {
        format!("{GH}:aud"): "sts.amazonaws.com",
        format!("{GH}:sub"): "repo:acme/api:ref:refs/heads/main",
        jwr.clone(): "acme/shared/.github/workflows/deploy.yml@refs/heads/*",
    }}));
    // Under StringEquals the `*` is literal: the condition never matches.
    assert!(codes(&bad).contains(&"wildcard-in-string-equals"));
    let only_jwr = gh_policy(
        serde_json::json!({"StringLike": {format!("{GH}:sub"): "repo:*", jwr.clone(): "acme/shared/.github/workflows/deploy.yml@*"}}),
    );
    assert!(
        codes(&only_jwr).contains(&"admits-foreign-caller"),
        "{:?}",
        codes(&only_jwr)
    );
    assert!(codes(&only_jwr).contains(&"job-workflow-ref-unpinned"));
}

#[test]
fn mistakes_are_read_off_the_policy() {
    let good = gh_policy(exact("repo:acme/api:ref:refs/heads/main"));
    rule(
        "wildcard-in-string-equals",
        &gh_policy(exact("repo:acme/*")),
        &good,
        Some(&format!("/Statement/0/Condition/StringEquals/{GH}:sub")),
    );
    rule(
        "like-without-wildcard",
        &gh_policy(
            serde_json::json!({"StringLike": {format!("{GH}:sub"): "repo:acme/api:ref:refs/heads/main"}, "StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com"}}),
        ),
        &good,
        None,
    );
    let event = format!("{GH}:event_name");
    let mut never: serde_json::Value = exact("repo:acme/api:ref:refs/heads/main");
    never["StringEquals"][&event] = "push".into();
    let f_never = lint(&gh_policy(never.clone()), &LintOptions::default())
        .findings
        .into_iter()
        .find(|f| f.code == "unexposed-claim-key")
        .unwrap();
    assert_eq!(f_never.severity, FindingSeverity::Medium);
    assert!(!f_never.fix.contains("did you mean"), "{}", f_never.fix);
    // Key names are case-insensitive: `:Aud` is `:aud`, which the evaluator matches, so the
    // lint must not call it "never matches".
    let mut cased = exact("repo:acme/api:ref:refs/heads/main");
    cased["StringEquals"] = serde_json::json!({format!("{GH}:Aud"): "sts.amazonaws.com", format!("{GH}:REPOSITORY_ID"): "74"});
    let findings = lint(&gh_policy(cased), &LintOptions::default()).findings;
    assert!(
        !findings.iter().any(|f| f.code == "unexposed-claim-key"),
        "{findings:#?}"
    );
    // A mistyped key gets the key it most likely meant.
    for (typo, meant) in [
        ("sbu", "sub"),
        ("repository_ld", "repository_id"),
        ("Repository_LD", "repository_id"),
    ] {
        let mut typed = exact("repo:acme/api:ref:refs/heads/main");
        typed["StringEquals"][format!("{GH}:{typo}")] = "x".into();
        let f = lint(&gh_policy(typed), &LintOptions::default())
            .findings
            .into_iter()
            .find(|f| f.code == "unexposed-claim-key")
            .unwrap_or_else(|| panic!("{typo}: no finding"));
        assert!(
            f.fix.starts_with(&format!("did you mean `{GH}:{meant}`?")),
            "{typo}: {}",
            f.fix
        );
    }
    let mut always = exact("repo:acme/api:ref:refs/heads/main");
    always["StringNotEquals"] = serde_json::json!({event.clone(): "pull_request"});
    let f_always = lint(&gh_policy(always), &LintOptions::default())
        .findings
        .into_iter()
        .find(|f| f.code == "unexposed-claim-key")
        .unwrap();
    assert_eq!(
        f_always.severity,
        FindingSeverity::High,
        "a negated condition on an absent key protects nothing"
    );
    rule(
        "unexposed-claim-key",
        &gh_policy(never),
        &good,
        Some(&format!(
            "/Statement/0/Condition/StringEquals/{GH}:event_name"
        )),
    );
    let mut fav = exact("repo:acme/api:ref:refs/heads/main");
    fav["ForAllValues:StringEquals"] = serde_json::json!({format!("{GH}:environment"): "prod"});
    rule("forallvalues-single-valued", &gh_policy(fav), &good, None);
    let mut any = exact("repo:acme/api:ref:refs/heads/main");
    any["ForAnyValue:StringEquals"] = serde_json::json!({format!("{GH}:aud"): "sts.amazonaws.com"});
    // aud may be a list: ForAnyValue on it is fine; on sub it is not.
    assert!(!codes(&gh_policy(any)).contains(&"foranyvalue-single-valued"));
    let mut any_sub =
        serde_json::json!({"StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com"}});
    any_sub["ForAnyValue:StringEquals"] =
        serde_json::json!({format!("{GH}:sub"): "repo:acme/api:ref:refs/heads/main"});
    rule(
        "foranyvalue-single-valued",
        &gh_policy(any_sub),
        &good,
        None,
    );
    rule(
        "unexpected-aud",
        &gh_policy(
            serde_json::json!({"StringEquals": {format!("{GH}:aud"): "https://github.com/acme", format!("{GH}:sub"): "repo:acme/api:ref:refs/heads/main"}}),
        ),
        &good,
        None,
    );
    rule(
        "missing-aud",
        &gh_policy(
            serde_json::json!({"StringEquals": {format!("{GH}:sub"): "repo:acme/api:ref:refs/heads/main"}}),
        ),
        &good,
        None,
    );
    rule(
        "classic-subject",
        &gh_policy(
            serde_json::json!({"StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com", format!("{GH}:sub"): "repo:acme/api:ref:refs/heads/main"}}),
        ),
        &good,
        None,
    );
    rule(
        "job-workflow-ref-unpinned",
        &gh_policy(
            serde_json::json!({"StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com", format!("{GH}:sub"): "repo:acme/api:ref:refs/heads/main", format!("{GH}:job_workflow_ref"): "acme/api/.github/workflows/deploy.yml"}}),
        ),
        &good,
        None,
    );
}

#[test]
fn principals_actions_and_documents() {
    let good = gh_policy(exact("repo:acme/api:ref:refs/heads/main"));
    let mut star: serde_json::Value = serde_json::from_str(&good).unwrap();
    star["Statement"][0]["Principal"] = "*".into();
    rule(
        "principal-any",
        &star.to_string(),
        &good,
        Some("/Statement/0/Principal"),
    );
    let mut not_action: serde_json::Value = serde_json::from_str(&good).unwrap();
    let s = not_action["Statement"][0].as_object_mut().unwrap();
    s.remove("Action");
    s.insert("NotAction".into(), "sts:TagSession".into());
    rule(
        "allow-not-action",
        &not_action.to_string(),
        &good,
        Some("/Statement/0/NotAction"),
    );
    let other = LintOptions {
        account: Some("999999999999".into()),
        ..LintOptions::default()
    };
    assert!(lint(&good, &other)
        .findings
        .iter()
        .any(|f| f.code == "other-account-provider"));
    assert!(!codes(&good).contains(&"other-account-provider"));
    let dup = good.replacen(
        "\"StringEquals\":{",
        &format!("\"StringEquals\":{{\"{GH}:sub\":\"repo:acme/*\","),
        1,
    );
    rule("duplicate-key", &dup, &good, None);
    let big = gh_policy(
        serde_json::json!({"StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com", format!("{GH}:sub"): (0..80).map(|i| format!("repo:acme/api-{i}:ref:refs/heads/main")).collect::<Vec<_>>(), format!("{GH}:repository_owner_id"): "65"}}),
    );
    rule("policy-size-quota", &big, &good, None);
    let gitlab_key = good.replace(
        &format!("\"{GH}:repository_id\""),
        "\"gitlab.com:project_id\"",
    );
    rule("key-for-other-issuer", &gitlab_key, &good, None);
}

#[test]
fn other_ci_systems_have_their_own_holes() {
    let policy = |issuer: &str, sub: &str| {
        serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{issuer}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {format!("{issuer}:sub"): sub}, "StringEquals": {format!("{issuer}:aud"): "sts.amazonaws.com"}}}]}).to_string()
    };
    assert!(codes(&policy("gitlab.com", "project_path:grp/*")).contains(&"admits-sibling-project"));
    assert!(codes(&policy(
        "gitlab.com",
        "project_path:grp/app:ref_type:*:ref:main"
    ))
    .contains(&"admits-tag-named-like-branch"));
    assert!(codes(&policy(
        "gitlab.com",
        "project_path:grp/app:ref_type:branch:ref:*"
    ))
    .contains(&"admits-merge-request"));
    assert!(codes(&policy(
        "app.terraform.io",
        "organization:o:project:p:workspace:w:run_phase:*"
    ))
    .contains(&"admits-plan-phase"));
    assert!(
        codes(&policy("oidc.circleci.com/org/abc", "org/abc/project/*"))
            .contains(&"admits-other-project")
    );
    assert!(codes(&policy(
        "agent.buildkite.com",
        "organization:acme:pipeline:*"
    ))
    .contains(&"admits-other-pipeline"));
    let tight = policy(
        "app.terraform.io",
        "organization:o:project:p:workspace:w:run_phase:apply",
    );
    assert!(
        lint(&tight, &LintOptions::default()).worst() < Some(FindingSeverity::Medium),
        "{:?}",
        codes(&tight)
    );
}

#[test]
fn an_invalid_policy_gives_diagnostics_not_findings() {
    let report = lint("{\"Statement\": 3}", &LintOptions::default());
    assert!(report.findings.is_empty());
    assert!(report.diagnostics.iter().any(|d| d.is_error()));
}

/// Every container file, mutated a few hundred times: the reader may refuse, never panic,
/// and every finding it reports keeps a location inside the file.
#[test]
fn mutated_containers_never_break_the_reader() {
    let mut seed: u64 = 0x5eed_0001;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let dir = oidc_trust_tests::root().join("tests/fixtures/sources");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for _ in 0..150 {
            let mut bytes = text.clone().into_bytes();
            for _ in 0..1 + next() % 4 {
                let at = (next() as usize) % bytes.len().max(1);
                let choices = b"{}[]\":,\\%*u0 ";
                match next() % 3 {
                    0 => bytes[at] = choices[(next() as usize) % choices.len()],
                    1 => {
                        bytes.remove(at);
                    }
                    _ => bytes.insert(at, choices[(next() as usize) % choices.len()]),
                }
            }
            let mutated = String::from_utf8_lossy(&bytes);
            let lines = mutated.lines().count() as u32 + 1;
            let result = oidc_trust::lint_source(&mutated, &LintOptions::default());
            for d in &result.documents {
                for f in &d.report.findings {
                    if let Some(s) = f.location.span {
                        assert!(s.start.line >= 1 && s.start.line <= lines, "{f:?}");
                    }
                }
            }
        }
    }
}

/// A one-statement Allow policy for `issuer` with `condition`.
fn policy_for(issuer: &str, condition: serde_json::Value) -> String {
    oidc_trust_tests::trust_policy(issuer, condition).to_string()
}

/// Every rule of `docs/lint.md`, with a policy it fires on and a close one it does not.
fn rule_table() -> Vec<(&'static str, String, String)> {
    use serde_json::json;
    let gh = |c: serde_json::Value| policy_for(GH, c);
    let k = |claim: &str| format!("{GH}:{claim}");
    let tight = gh(exact("repo:acme/api:ref:refs/heads/main"));
    // No id pin: the other-organisation holes are the subject's alone.
    let like = |sub: &str| {
        gh(json!({"StringLike": {k("sub"): sub}, "StringEquals": {k("aud"): "sts.amazonaws.com"}}))
    };
    let with = |extra: serde_json::Value| {
        let mut c = exact("repo:acme/api:ref:refs/heads/main");
        for (op, kv) in extra.as_object().unwrap() {
            for (key, v) in kv.as_object().unwrap() {
                c[op][key] = v.clone();
            }
        }
        gh(c)
    };
    let gl = |sub: &str| {
        policy_for(
            "gitlab.com",
            json!({"StringLike": {"gitlab.com:sub": sub}, "StringEquals": {"gitlab.com:aud": "https://gitlab.com"}}),
        )
    };
    let gl_path = |sub: &str| {
        policy_for(
            "gitlab.com",
            json!({"StringEquals": {"gitlab.com:sub": sub, "gitlab.com:aud": "https://gitlab.com"}}),
        )
    };
    let tfc = |sub: &str| {
        policy_for(
            "app.terraform.io",
            json!({"StringLike": {"app.terraform.io:sub": sub}, "StringEquals": {"app.terraform.io:aud": "aws.workload.identity"}}),
        )
    };
    let cci = "oidc.circleci.com/org/abc";
    let circle = |sub: &str| {
        policy_for(
            cci,
            json!({"StringLike": {format!("{cci}:sub"): sub}, "StringEquals": {format!("{cci}:aud"): "abc"}}),
        )
    };
    let bb = "api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc";
    let bitbucket = |sub: &str| {
        policy_for(
            bb,
            json!({"StringLike": {format!("{bb}:sub"): sub}, "StringEquals": {format!("{bb}:aud"): "ari:cloud:bitbucket::workspace/1"}}),
        )
    };
    let other = |sub: &str| {
        policy_for(
            "oidc.example.com",
            json!({"StringLike": {"oidc.example.com:sub": sub}, "StringEquals": {"oidc.example.com:aud": "sts.amazonaws.com"}}),
        )
    };
    let gl_tight = policy_for(
        "gitlab.com",
        json!({"StringEquals": {"gitlab.com:sub": "project_path:grp/app:ref_type:branch:ref:main", "gitlab.com:aud": "https://gitlab.com", "gitlab.com:project_id": "42"}}),
    );
    let tfc_tight = tfc("organization:o:project:p:workspace:w:run_phase:apply");
    vec![
        ("missing-sub", gh(json!({"StringEquals": {k("aud"): "sts.amazonaws.com"}})), tight.clone()),
        ("admits-other-org", like("repo:*/api:ref:refs/heads/main"), tight.clone()),
        ("admits-look-alike-org", like("repo:acme*/api:ref:refs/heads/main"), tight.clone()),
        ("admits-sibling-repo", like("repo:acme/*"), tight.clone()),
        ("admits-look-alike-repo", like("repo:acme/api*"), tight.clone()),
        ("admits-pull-request", like("repo:acme/api:*"), tight.clone()),
        ("admits-any-branch", like("repo:acme/api:ref:refs/heads/*"), tight.clone()),
        ("admits-look-alike-branch", like("repo:acme/api:ref:refs/heads/main*"), tight.clone()),
        ("admits-tag", like("repo:acme/api:ref:refs/*"), tight.clone()),
        ("admits-other-environment", gh(json!({"StringLike": {k("sub"): ["repo:acme/api:environment:prod", "repo:acme/api:environment:*"]}})), gh(exact("repo:acme/api:environment:prod"))),
        ("admits-look-alike-environment", like("repo:acme/api:environment:prod*"), gh(exact("repo:acme/api:environment:prod"))),
        ("admits-any-environment", like("repo:acme/api:*"), tight.clone()),
        ("admits-other-workflow", with(json!({"StringLike": {k("job_workflow_ref"): "acme/api/.github/workflows/*@refs/heads/main"}})), with(json!({"StringEquals": {k("job_workflow_ref"): "acme/api/.github/workflows/deploy.yml@refs/heads/main"}}))),
        ("admits-foreign-caller", gh(json!({"StringLike": {k("sub"): "repo:*", k("job_workflow_ref"): "acme/shared/.github/workflows/deploy.yml@*"}})), with(json!({"StringEquals": {k("job_workflow_ref"): "acme/shared/.github/workflows/deploy.yml@refs/heads/main"}}))),
        ("admits-workflow-from-branch", with(json!({"StringLike": {k("job_workflow_ref"): "acme/api/.github/workflows/deploy.yml@*"}})), with(json!({"StringEquals": {k("job_workflow_ref"): "acme/api/.github/workflows/deploy.yml@refs/heads/main"}}))),
        ("admits-human-dispatch", with(json!({"StringLike": {k("actor"): ["release-bot", "*"]}})), with(json!({"StringEquals": {k("actor"): "release-bot"}}))),
        ("admits-other-enterprise", gh(json!({"StringLike": {k("sub"): "repo:*", k("enterprise_id"): "*"}})), with(json!({"StringEquals": {k("enterprise_id"): "123"}}))),
        ("admits-renamed-repo", gh(json!({"StringEquals": {k("sub"): "repo:acme/api:ref:refs/heads/main", k("aud"): "sts.amazonaws.com"}})), tight.clone()),
        ("admits-other-group", gl("project_path:*/app:ref_type:branch:ref:main"), gl_tight.clone()),
        ("admits-look-alike-group", gl("project_path:grp*/app:ref_type:branch:ref:main"), gl_tight.clone()),
        ("admits-sibling-project", gl("project_path:grp/*"), gl_tight.clone()),
        ("admits-subgroup-project", gl("project_path:grp/*"), gl_tight.clone()),
        ("admits-look-alike-project", gl("project_path:grp/app*:ref_type:branch:ref:main"), gl_tight.clone()),
        ("admits-merge-request", gl("project_path:grp/app:ref_type:branch:ref:*"), gl_tight.clone()),
        ("admits-tag-named-like-branch", gl("project_path:grp/app:ref_type:*:ref:main"), gl_tight.clone()),
        ("admits-reused-path", gl_path("project_path:grp/app:ref_type:branch:ref:main"), gl_tight.clone()),
        ("admits-other-project", tfc("organization:o:project:*"), tfc_tight.clone()),
        ("admits-other-workspace", tfc("organization:o:project:p:workspace:*:run_phase:apply"), tfc_tight.clone()),
        ("admits-look-alike-workspace", tfc("organization:o:project:p:workspace:w*:run_phase:apply"), tfc_tight.clone()),
        ("admits-plan-phase", tfc("organization:o:project:p:workspace:w:run_phase:*"), tfc_tight.clone()),
        ("admits-ssh-rerun", circle("org/abc/project/11111111-2222-3333-4444-555555555555/user/*"), circle("org/abc/project/11111111-2222-3333-4444-555555555555/user/66666666-7777-8888-9999-000000000000")),
        ("admits-other-repo", bitbucket("*"), bitbucket("{11111111-1111-1111-1111-111111111111}:*")),
        ("admits-other-pipeline", policy_for("agent.buildkite.com", json!({"StringLike": {"agent.buildkite.com:sub": "organization:acme:pipeline:*"}})), policy_for("agent.buildkite.com", json!({"StringLike": {"agent.buildkite.com:sub": "organization:acme:pipeline:deploy:ref:refs/heads/main:*"}}))),
        ("admits-other-subject", other("*"), other("intended-subject")),
        ("wildcard-in-string-equals", gh(exact("repo:acme/*")), tight.clone()),
        ("like-without-wildcard", like("repo:acme/api:ref:refs/heads/main"), tight.clone()),
        ("unexposed-claim-key", with(json!({"StringEquals": {k("event_name"): "push"}})), tight.clone()),
        ("forallvalues-single-valued", with(json!({"ForAllValues:StringEquals": {k("environment"): "prod"}})), tight.clone()),
        ("foranyvalue-single-valued", with(json!({"ForAnyValue:StringEquals": {k("environment"): "prod"}})), tight.clone()),
        ("job-workflow-ref-unpinned", with(json!({"StringEquals": {k("job_workflow_ref"): "acme/api/.github/workflows/deploy.yml"}})), tight.clone()),
        ("unexpected-aud", gh(json!({"StringEquals": {k("aud"): "https://github.com/acme", k("sub"): "repo:acme/api:ref:refs/heads/main", k("repository_id"): "74"}})), tight.clone()),
        ("missing-aud", gh(json!({"StringEquals": {k("sub"): "repo:acme/api:ref:refs/heads/main", k("repository_id"): "74"}})), tight.clone()),
        ("classic-subject", gh(json!({"StringEquals": {k("aud"): "sts.amazonaws.com", k("sub"): "repo:acme/api:ref:refs/heads/main"}})), tight.clone()),
        ("duplicate-key-case", with(json!({"StringEquals": {k("SUB"): "repo:acme/api:ref:refs/heads/main"}})), tight.clone()),
        ("intended-identity-denied", gh(exact("repo:acme/api:*")), tight.clone()),
    ]
}

#[test]
fn every_rule_fires_on_its_example_and_not_on_the_close_one() {
    for (code, bad, good) in rule_table() {
        rule(code, &bad, &good, None);
    }
}

/// Every code in `docs/lint.md` is exercised by a test with a failing and a passing example.
#[test]
fn every_documented_rule_is_tested() {
    let docs = std::fs::read_to_string(oidc_trust_tests::root().join("docs/lint.md")).unwrap();
    let mut tested: Vec<&str> = rule_table().iter().map(|(c, _, _)| *c).collect();
    // Tested above by name, or through the CLI (file inputs).
    tested.extend([
        "principal-any",
        "other-account-provider",
        "allow-not-action",
        "duplicate-key",
        "key-for-other-issuer",
        "policy-size-quota",
        "unresolved-value",
        "parameter-default",
        "custom-subject-template",
        // With RCPs: tests/integration/rcp.rs.
        "rcp-locks-out",
        "rcp-leaves-issuer-open",
    ]);
    // Layer 3, tested on the settings fixtures below.
    tested.extend(LAYER3_RULES);
    let documented: Vec<&str> = docs
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            l.split('|')
                .nth(1)
                .unwrap_or("")
                .split(',')
                .map(|c| c.trim().trim_matches('`'))
        })
        .filter(|c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
        .collect();
    let missing: Vec<&&str> = documented.iter().filter(|c| !tested.contains(c)).collect();
    assert!(
        missing.is_empty(),
        "documented rules without a test: {missing:?}"
    );
    assert!(
        documented.len() >= 45,
        "{} rules documented",
        documented.len()
    );
}

// Issue 14: wildcards inside an owner or repository name let look-alike names in; the
// replay fills them and lint says so (before, only `intended-identity-denied` fired).
#[test]
fn wildcards_inside_names_admit_look_alikes() {
    let like = |sub: &str| {
        gh_policy(
            serde_json::json!({"StringLike": {format!("{GH}:sub"): sub}, "StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com"}}),
        )
    };
    let at = format!("/Statement/0/Condition/StringLike/{GH}:sub");
    let tight = gh_policy(exact("repo:acme/api:ref:refs/heads/main"));
    for (sub, code, severity, example) in [
        (
            "repo:a?me/api:ref:refs/heads/main",
            "admits-look-alike-org",
            FindingSeverity::Critical,
            "azme",
        ),
        (
            "repo:a*e/api:ref:refs/heads/main",
            "admits-look-alike-org",
            FindingSeverity::Critical,
            "azze",
        ),
        (
            "repo:acme/a?i:ref:refs/heads/main",
            "admits-look-alike-repo",
            FindingSeverity::High,
            "azi",
        ),
    ] {
        rule(code, &like(sub), &tight, Some(&at));
        let report = lint(&like(sub), &LintOptions::default());
        assert!(
            !codes(&like(sub)).contains(&"intended-identity-denied"),
            "{sub}: the intended identity matches its own pattern"
        );
        let f = report.findings.iter().find(|f| f.code == code).unwrap();
        assert_eq!(f.severity, severity, "{sub}");
        assert!(f.message.contains(example), "{sub}: {}", f.message);
    }
}

// Issue 14: `repo:OWNER/REPO` with no context is a subject only a customised template of
// `repo` alone produces; with the default template the role is unusable.
#[test]
fn a_subject_without_context_says_which_template_it_assumes() {
    let bad = gh_policy(exact("repo:acme/api"));
    rule(
        "custom-subject-template",
        &bad,
        &gh_policy(exact("repo:acme/api:ref:refs/heads/main")),
        Some(&format!("/Statement/0/Condition/StringEquals/{GH}:sub")),
    );
    let report = lint(&bad, &LintOptions::default());
    let f = report
        .findings
        .iter()
        .find(|f| f.code == "custom-subject-template")
        .unwrap();
    assert!(f.help.contains("unusable"), "{}", f.help);
    let pr = report
        .findings
        .iter()
        .find(|f| f.code == "admits-pull-request")
        .unwrap();
    assert!(
        pr.message.contains("subject template `repo`") && pr.message.contains("unusable"),
        "{}",
        pr.message
    );
    assert_eq!(
        report.replays[0]
            .subject_template
            .as_ref()
            .map(|t| (t.keys.as_str(), t.context)),
        Some(("repo", false))
    );
    // A layer-4 template (with context) is a deliberate customisation: no finding.
    let layer4 = gh_policy(exact(
        "repo:acme/api:ref:refs/heads/main:job_workflow_ref:acme/api/.github/workflows/d.yml@refs/heads/main",
    ));
    assert!(!codes(&layer4).contains(&"custom-subject-template"));
}

/// A subject for pull requests only admits pull requests: a push to another branch or a tag
/// has its own `ref:` subject, so the branch and tag scenarios must not be reported.
#[test]
fn a_pull_request_subject_admits_pull_requests_not_pushes() {
    let policy = gh_policy(exact("repo:acme/api:pull_request"));
    let found = codes(&policy);
    assert!(found.contains(&"admits-pull-request"), "{found:?}");
    for push in [
        "admits-any-branch",
        "admits-look-alike-branch",
        "admits-tag",
    ] {
        assert!(!found.contains(&push), "{push} in {found:?}");
    }
}

// Issue 19: layer 3 checked offline. The fixtures are GitHub API responses for `acme/api`:
// `settings/` satisfies everything the policy relies on; each `fail/RULE/` removes one
// control and must fire exactly RULE.
const LAYER3_RULES: [&str; 6] = [
    "settings-missing",
    "environment-unprotected",
    "environment-any-branch",
    "branch-without-review",
    "workflow-without-code-owner",
    "settings-other-repository",
];

fn layer3(dir: &str, policy: Option<&str>) -> Vec<oidc_trust::Finding> {
    let root = oidc_trust_tests::root().join("tests/fixtures/layer3");
    let mut check = oidc_trust::Layer3Check::new();
    if let Some(p) = policy {
        check.add_source(
            "trust-policy.json",
            &std::fs::read_to_string(root.join(p)).unwrap(),
        );
    }
    let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let read = check.add_settings(&name, &std::fs::read_to_string(&f).unwrap());
        assert!(matches!(read, Some(Ok(_))), "{name}: {read:?}");
    }
    check.findings()
}

#[test]
fn layer_three_rules_fire_on_their_fixture_only() {
    let clean = layer3("settings", Some("trust-policy.json"));
    assert!(clean.is_empty(), "{clean:#?}");
    // (fixture, the rule it is for, its severity, file, pointer; and what else follows from
    // the one control removed: an unreviewed `main` also opens the environment that deploys
    // from it and makes its code owners' review unenforced).
    for (dir, code, severity, file, pointer, also) in [
        (
            "environment-unprotected",
            "environment-unprotected",
            FindingSeverity::High,
            "environments.json",
            "/environments/0",
            vec![],
        ),
        (
            "environment-any-branch",
            "environment-any-branch",
            FindingSeverity::Medium,
            "environments.json",
            "/environments/0",
            vec![],
        ),
        (
            "environment-any-branch-pattern",
            "environment-any-branch",
            FindingSeverity::Medium,
            "branch-policies-production.json",
            "/branch_policies/0/name",
            vec![],
        ),
        (
            "branch-without-review",
            "branch-without-review",
            FindingSeverity::High,
            "ruleset-42.json",
            "/rules/2",
            vec!["environment-any-branch", "workflow-without-code-owner"],
        ),
        (
            "workflow-without-code-owner",
            "workflow-without-code-owner",
            FindingSeverity::Medium,
            "codeowners.json",
            "/content",
            vec![],
        ),
        (
            "settings-other-repository",
            "settings-other-repository",
            FindingSeverity::Medium,
            "environments.json",
            "/repository",
            vec!["settings-missing"],
        ),
    ] {
        let found = layer3(&format!("fail/{dir}"), Some("trust-policy.json"));
        let mut codes: Vec<&str> = found.iter().map(|f| f.code).collect();
        codes.sort();
        let mut want: Vec<&str> = also.iter().copied().chain([code]).collect();
        want.sort();
        assert_eq!(codes, want, "{dir}: {found:#?}");
        let f = found.iter().find(|f| f.code == code).unwrap();
        assert_eq!(f.severity, severity, "{dir}");
        assert_eq!(f.location.file.as_deref(), Some(file), "{dir}");
        assert_eq!(f.location.pointer, pointer, "{dir}");
        assert!(f.location.span.is_some(), "{dir}: located at line:column");
        if code != "settings-other-repository" {
            assert!(
                f.message.contains("(in trust-policy.json)"),
                "{dir}: names the policy value: {}",
                f.message
            );
        }
    }
    // A repository the policy trusts with no settings given is said so.
    let missing = layer3("fail/settings-other-repository", Some("trust-policy.json"));
    let m = missing
        .iter()
        .find(|f| f.code == "settings-missing")
        .unwrap();
    assert!(m.message.contains("`acme/api`"), "{}", m.message);
    // Settings with no policy to hold them against are never a clean bill.
    let alone = layer3("settings", None);
    assert!(
        !alone.is_empty() && alone.iter().all(|f| f.code == "settings-other-repository"),
        "{alone:#?}"
    );
}

#[test]
fn layer_three_missing_settings_count_as_unprotected() {
    let policy = gh_policy(serde_json::json!({"StringEquals": {
        format!("{GH}:aud"): "sts.amazonaws.com",
        format!("{GH}:sub"): ["repo:acme/api:environment:prod", "repo:acme/api:ref:refs/heads/release/*"],
        format!("{GH}:job_workflow_ref"): "acme/api/.github/workflows/deploy.yml@refs/heads/main"}}));
    let mut check = oidc_trust::Layer3Check::new();
    check.add_policy("p.json", &policy);
    // Only the repository is known: no environments, no rulesets, no CODEOWNERS.
    let repo = r#"{"full_name": "acme/api", "default_branch": "main"}"#;
    assert!(matches!(
        check.add_settings("repo.json", repo),
        Some(Ok(oidc_trust::SettingsKind::Repository))
    ));
    let mut codes: Vec<&str> = check.findings().iter().map(|f| f.code).collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            "branch-without-review",
            "branch-without-review",
            "environment-unprotected",
            "workflow-without-code-owner"
        ]
    );
    // A ruleset on the default branch covers `main` but not `release/*`, whose `*` spans `/`.
    let ruleset = r#"{"name": "r", "source_type": "Repository", "source": "acme/api", "enforcement": "active", "target": "branch",
        "conditions": {"ref_name": {"include": ["~DEFAULT_BRANCH", "refs/heads/release/*"], "exclude": []}},
        "rules": [{"type": "pull_request", "parameters": {"required_approving_review_count": 2}}]}"#;
    assert!(matches!(
        check.add_settings("ruleset.json", ruleset),
        Some(Ok(_))
    ));
    let branches: Vec<String> = check
        .findings()
        .into_iter()
        .filter(|f| f.code == "branch-without-review")
        .map(|f| f.message)
        .collect();
    assert_eq!(branches.len(), 1, "{branches:?}");
    assert!(branches[0].contains("branch `release/*`"), "{branches:?}");
    // An evaluate-only ruleset protects nothing.
    let mut check = oidc_trust::Layer3Check::new();
    check.add_policy("p.json", &policy);
    let evaluate = ruleset.replace("\"active\"", "\"evaluate\"");
    assert!(matches!(
        check.add_settings("ruleset.json", &evaluate),
        Some(Ok(_))
    ));
    assert_eq!(
        check
            .findings()
            .iter()
            .filter(|f| f.code == "branch-without-review")
            .count(),
        2
    );
}

#[test]
fn layer_three_settings_of_the_wrong_shape_are_located_errors() {
    let mut check = oidc_trust::Layer3Check::new();
    for (text, code, pointer) in [
        (
            r#"{"total_count": 1, "environments": [{"name": 5}]}"#,
            "settings-shape",
            "/environments/0/name",
        ),
        (
            r#"{"total_count": 0, "environments": []}"#,
            "settings-repository",
            "",
        ),
        (
            r#"{"repository": "acme/api", "branch_policies": [{"name": "main"}]}"#,
            "settings-repository",
            "",
        ),
        (
            r#"{"name": "r", "enforcement": "active", "source_type": "Organization", "source": "acme", "rules": []}"#,
            "settings-repository",
            "",
        ),
        (
            r#"{"repository": "acme/api", "name": "r", "enforcement": "active", "rules": [{"type": "pull_request", "parameters": {"required_approving_review_count": "1"}}]}"#,
            "settings-shape",
            "/rules/0/parameters/required_approving_review_count",
        ),
        (
            r#"{"repository": "acme/web", "name": "r", "enforcement": "active", "source_type": "Repository", "source": "acme/api", "rules": []}"#,
            "settings-repository",
            "/repository",
        ),
        (
            r#"{"type": "file", "path": ".github/CODEOWNERS", "content": "!!!", "url": "https://api.github.com/repos/acme/api/contents/.github/CODEOWNERS"}"#,
            "settings-shape",
            "/content",
        ),
    ] {
        match check.add_settings("s.json", text) {
            Some(Err(d)) => {
                assert_eq!(
                    (d.code, d.location.pointer.as_str()),
                    (code, pointer),
                    "{text}"
                );
                assert!(d.location.span.is_some(), "{text}");
                assert!(d.help.contains("docs/lint.md"), "{text}: {}", d.help);
            }
            other => panic!("{text}: {other:?}"),
        }
    }
    assert!(!check.has_settings(), "refused files count for nothing");
    // Policies and other JSON are not settings.
    assert!(check
        .add_settings(
            "p.json",
            &gh_policy(exact("repo:acme/api:ref:refs/heads/main"))
        )
        .is_none());
    assert!(check.add_settings("x.json", "[]").is_none());
    assert!(check.add_settings("x.json", "not json").is_none());
}

// Issue 19, review notes: a review someone can skip, code owners nobody must ask, and an
// environment gated on branches anyone can push are not protection.
#[test]
fn layer_three_reviews_that_can_be_skipped_do_not_count() {
    let policy = gh_policy(serde_json::json!({"StringEquals": {
        format!("{GH}:aud"): "sts.amazonaws.com",
        format!("{GH}:sub"): ["repo:acme/api:environment:prod", "repo:acme/api:ref:refs/heads/main"],
        format!("{GH}:job_workflow_ref"): "acme/api/.github/workflows/deploy.yml@refs/heads/main"}}));
    let ruleset = |extra: &str, owners: bool| {
        format!(
            r#"{{"name": "main", "source_type": "Repository", "source": "acme/api", "enforcement": "active", "target": "branch",
            "conditions": {{"ref_name": {{"include": ["refs/heads/main"], "exclude": []}}}}{extra},
            "rules": [{{"type": "pull_request", "parameters": {{"required_approving_review_count": 1, "require_code_owner_review": {owners}}}}}]}}"#
        )
    };
    let envs = |rules: &str, policy: &str| {
        format!(
            r#"{{"repository": "acme/api", "total_count": 1, "environments": [{{"name": "prod", "protection_rules": [{rules}], "deployment_branch_policy": {policy}}}]}}"#
        )
    };
    let custom = r#"{"protected_branches": false, "custom_branch_policies": true}"#;
    let owners = r#"{"type": "file", "path": ".github/CODEOWNERS", "encoding": "base64", "content": "LyBAYWNtZS9wbGF0Zm9ybQo=",
        "url": "https://api.github.com/repos/acme/api/contents/.github/CODEOWNERS"}"#;
    let run = |files: &[String]| {
        let mut check = oidc_trust::Layer3Check::new();
        check.add_policy("p.json", &policy);
        for (i, f) in files.iter().enumerate() {
            assert!(
                matches!(check.add_settings(&format!("{i}.json"), f), Some(Ok(_))),
                "{f}"
            );
        }
        let mut codes: Vec<&str> = check.findings().iter().map(|f| f.code).collect();
        codes.sort();
        codes
    };
    let gate = |names: &[&str]| {
        let list: Vec<String> = names
            .iter()
            .map(|n| format!(r#"{{"name": "{n}", "type": "branch"}}"#))
            .collect();
        format!(
            r#"{{"repository": "acme/api", "environment": "prod", "branch_policies": [{}]}}"#,
            list.join(", ")
        )
    };
    // The clean case: main reviewed (code owners too), prod deploys from main only.
    let clean = vec![
        ruleset("", true),
        envs(r#"{"type": "branch_policy"}"#, custom),
        gate(&["main"]),
        owners.to_string(),
    ];
    assert_eq!(run(&clean), Vec::<&str>::new());
    // A write-role bypass: main is not reviewed, and what relies on it falls with it.
    let mut bypassed = clean.clone();
    bypassed[0] = ruleset(
        r#", "bypass_actors": [{"actor_type": "RepositoryRole", "actor_id": 4, "bypass_mode": "always"}]"#,
        true,
    );
    assert_eq!(
        run(&bypassed),
        [
            "branch-without-review",
            "environment-unprotected",
            "workflow-without-code-owner"
        ]
    );
    // Organisation admins may bypass: they can change the ruleset anyway.
    let mut admins = clean.clone();
    admins[0] = ruleset(
        r#", "bypass_actors": [{"actor_type": "OrganizationAdmin", "bypass_mode": "always"}]"#,
        true,
    );
    assert_eq!(run(&admins), Vec::<&str>::new());
    // Code owners named but their review not required.
    let mut unasked = clean.clone();
    unasked[0] = ruleset("", false);
    assert_eq!(run(&unasked), ["workflow-without-code-owner"]);
    // No reviewers, and the environment also deploys from `feature/*`, which anyone pushes.
    let mut open = clean.clone();
    open[2] = gate(&["main", "feature/*"]);
    assert_eq!(run(&open), ["environment-unprotected"]);
    // With a reviewer, the same gate is a medium finding.
    let mut reviewed = open.clone();
    reviewed[1] = envs(
        r#"{"type": "required_reviewers", "reviewers": [{"type": "Team"}]}, {"type": "branch_policy"}"#,
        custom,
    );
    assert_eq!(run(&reviewed), ["environment-any-branch"]);
    // Custom branch policies not given: without reviewers, not shown protected.
    let unknown: Vec<String> = vec![clean[0].clone(), clean[1].clone(), clean[3].clone()];
    assert_eq!(run(&unknown), ["environment-unprotected"]);
    // "Protected branches" without reviewers: which branches those are cannot be read.
    let protected = vec![
        clean[0].clone(),
        envs(
            "",
            r#"{"protected_branches": true, "custom_branch_policies": false}"#,
        ),
        clean[3].clone(),
    ];
    assert_eq!(run(&protected), ["environment-unprotected"]);
}
