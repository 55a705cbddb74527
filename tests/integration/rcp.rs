//! Resource control policies evaluated with the trust policy (domain.md §8): the syntax
//! Organizations accepts, deny-wins evaluation, conditions on claims, the role as the
//! resource, and the analyses (who-can, prove) over both layers.

use oidc_trust::{
    decide, evaluate, find_rcps, parse_policy, parse_rcp, prove, read_claims, Decision,
    DecisionReason, NoteLevel, Policy, Proof, Rcp, Request, RequestOptions,
};
use serde_json::{json, Value};

const GH: &str = "token.actions.githubusercontent.com";
const ARN: &str = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

/// A loose role: any repository of any owner on GitHub.
fn loose_role() -> Policy {
    let text = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": ARN}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com"},
                      "StringLike": {format!("{GH}:sub"): "repo:*"}}}]});
    parse_policy(&text.to_string()).policy.unwrap()
}

/// AWS's sample shape: GitHub subjects must start with `repo:acme/`, GitLab's with
/// `project_path:acme/`; each statement only constrains its own issuer's tokens.
fn org_rcp() -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "GitHubOrg", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity", "Resource": "*",
         "Condition": {"StringNotLikeIfExists": {format!("{GH}:sub"): "repo:acme/*"}, "Null": {format!("{GH}:sub"): "false"}}},
        {"Sid": "GitLabGroup", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity", "Resource": "*",
         "Condition": {"StringNotLikeIfExists": {"gitlab.com:sub": "project_path:acme/*"}, "Null": {"gitlab.com:sub": "false"}}}
    ]})
}

fn rcp(name: &str, text: &Value) -> Rcp {
    let parsed = parse_rcp(&text.to_string());
    Rcp {
        name: name.into(),
        policy: parsed
            .policy
            .unwrap_or_else(|| panic!("{:#?}", parsed.diagnostics)),
    }
}

fn request(sub: &str, options: RequestOptions) -> Request {
    let claims = read_claims(
        &json!({"iss": format!("https://{GH}"), "aud": "sts.amazonaws.com", "sub": sub})
            .to_string(),
    )
    .unwrap();
    Request::new(&claims, &options).unwrap()
}

fn run(policy: &Policy, sub: &str) -> oidc_trust::Evaluation {
    let r = request(sub, RequestOptions::default());
    let e = evaluate(policy, &r);
    assert_eq!(decide(policy, &r), e.decision, "decide and evaluate agree");
    assert_eq!(
        oidc_trust::verdict(policy, &r),
        (e.decision, e.reason.clone()),
        "verdict and evaluate agree"
    );
    e
}

// §8.2: a Deny in any RCP denies, whatever the trust policy allows; the reason names the layer.
#[test]
fn rcp_deny_wins_over_the_trust_policy() {
    let guarded = loose_role().guarded_by(&[rcp("oidc-guard", &org_rcp())]);
    let e = run(&guarded, "repo:evil/api:ref:refs/heads/main");
    assert_eq!(e.decision, Decision::Deny);
    assert_eq!(
        e.reason,
        DecisionReason::RcpDeny {
            statements: vec![1]
        }
    );
    assert!(
        e.summary
            .starts_with("deny: RCP `oidc-guard` statement 0 (`GitHubOrg`) denies this token")
            && e.summary
                .contains("the trust policy alone would allow it (statement 0)"),
        "{}",
        e.summary
    );
    let s = &e.statements[1];
    let from = s.rcp.as_ref().unwrap();
    assert_eq!((from.name.as_str(), from.index), ("oidc-guard", 0));
    assert_eq!(s.resource.as_ref().map(|r| r.matched), Some(true));
    // The per-condition detail is the trust policy's: the token's value and the pattern.
    let c = s
        .conditions
        .iter()
        .find(|c| c.operator == "StringNotLikeIfExists")
        .unwrap();
    assert!(c.satisfied);
    assert_eq!(
        c.request_values.as_deref(),
        Some(&["repo:evil/api:ref:refs/heads/main".to_string()][..])
    );
    // The GitLab statement does not apply: a GitHub token has no `gitlab.com:sub`.
    assert!(!e.statements[2].applies);
    assert!(e.notes.iter().any(|n| n.code == "rcp-scope"));

    // The organisation's own repositories still get in: the RCP never grants, the role does.
    let ok = run(&guarded, "repo:acme/api:ref:refs/heads/main");
    assert_eq!(ok.decision, Decision::Allow);
    assert_eq!(
        ok.reason,
        DecisionReason::Allowed {
            statements: vec![0]
        }
    );
}

// §8.2: an RCP grants nothing; the trust policy must still allow.
#[test]
fn rcp_never_grants() {
    let closed = parse_policy(
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": ARN}, "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {format!("{GH}:sub"): "repo:acme/web:ref:refs/heads/main"}}}]})
        .to_string(),
    )
    .policy
    .unwrap();
    let full_access = rcp(
        "RCPFullAWSAccess",
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}),
    );
    let guarded = closed.guarded_by(&[full_access, rcp("oidc-guard", &org_rcp())]);
    // RCPFullAWSAccess lets everything through RCP evaluation and adds no statement.
    assert_eq!(guarded.statements.len(), 3);
    let e = run(&guarded, "repo:acme/api:ref:refs/heads/main");
    assert_eq!(
        (e.decision, e.reason),
        (Decision::Deny, DecisionReason::NoAllow)
    );
}

// §2.5 and §8.2: the trust policy's own Deny decides first; the RCP's is named too.
#[test]
fn trust_deny_and_rcp_deny() {
    let mut text = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Federated": ARN}, "Action": "sts:AssumeRoleWithWebIdentity"},
        {"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {"StringLike": {format!("{GH}:sub"): "repo:evil/*"}}}]});
    let trust = parse_policy(&text.to_string()).policy.unwrap();
    let guarded = trust.guarded_by(&[rcp("oidc-guard", &org_rcp())]);
    let e = run(&guarded, "repo:evil/api:ref:refs/heads/main");
    assert_eq!(
        e.reason,
        DecisionReason::ExplicitDeny {
            statements: vec![1]
        }
    );
    assert!(
        e.summary
            .ends_with("; RCP `oidc-guard` statement 0 (`GitHubOrg`) denies it too"),
        "{}",
        e.summary
    );
    text["Statement"].as_array_mut().unwrap().pop();
}

// §8.2 (oidc-trust's choice): a statement scoped to some roles is counted only when the role is known.
#[test]
fn rcp_resource_is_the_role() {
    let mut scoped = org_rcp();
    scoped["Statement"][0]["Resource"] = json!("arn:aws:iam::*:role/deploy-*");
    let guarded = loose_role().guarded_by(&[rcp("scoped", &scoped)]);
    let evil = "repo:evil/api:ref:refs/heads/main";

    let unknown = run(&guarded, evil);
    assert_eq!(
        unknown.decision,
        Decision::Allow,
        "not credited without the role"
    );
    let note = unknown
        .notes
        .iter()
        .find(|n| n.code == "rcp-role-unknown")
        .unwrap();
    assert_eq!(note.level, NoteLevel::Warning);
    assert!(note.message.contains("--role-arn"));

    let with_role = |arn: &str| {
        let r = request(
            evil,
            RequestOptions {
                role: Some(arn.into()),
                ..Default::default()
            },
        );
        let e = evaluate(&guarded, &r);
        assert_eq!(decide(&guarded, &r), e.decision);
        e
    };
    assert_eq!(
        with_role("arn:aws:iam::111122223333:role/deploy-api").decision,
        Decision::Deny
    );
    let other = with_role("arn:aws:iam::111122223333:role/admin");
    assert_eq!(other.decision, Decision::Allow);
    assert!(other.statements[1]
        .resource
        .as_ref()
        .unwrap()
        .why
        .contains("does not list the role"));

    // The role a policy belongs to (an account dump names it) serves when the request has none.
    let mut owned = loose_role();
    owned.role = Some("arn:aws:iam::111122223333:role/deploy-web".into());
    assert_eq!(
        run(&owned.guarded_by(&[rcp("scoped", &scoped)]), evil).decision,
        Decision::Deny
    );

    // NotResource: every role but those listed.
    let mut except = org_rcp();
    except["Statement"][0]
        .as_object_mut()
        .unwrap()
        .remove("Resource");
    except["Statement"][0]["NotResource"] = json!(["arn:aws:iam::*:role/breakglass"]);
    let guarded = loose_role().guarded_by(&[rcp("except", &except)]);
    let r = |arn: &str| {
        request(
            evil,
            RequestOptions {
                role: Some(arn.into()),
                ..Default::default()
            },
        )
    };
    assert_eq!(
        decide(&guarded, &r("arn:aws:iam::111122223333:role/breakglass")),
        Decision::Allow
    );
    assert_eq!(
        decide(&guarded, &r("arn:aws:iam::111122223333:role/deploy")),
        Decision::Deny
    );
}

// §1.4 and §8.2: an RCP that denies sts:TagSession stops a token with session tags.
#[test]
fn rcp_tag_session() {
    let trust = parse_policy(
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": ARN}, "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]}]})
        .to_string(),
    )
    .policy
    .unwrap();
    let no_tags = rcp(
        "no-tags",
        &json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
        "Principal": "*", "Action": "sts:TagSession", "Resource": "*"}]}),
    );
    let guarded = trust.guarded_by(&[no_tags]);
    let claims = read_claims(
        &json!({"iss": format!("https://{GH}"), "sub": "repo:acme/api:ref:refs/heads/main",
        "https://aws.amazon.com/tags": {"principal_tags": {"team": ["api"]}}})
        .to_string(),
    )
    .unwrap();
    let r = Request::new(&claims, &RequestOptions::default()).unwrap();
    let e = evaluate(&guarded, &r);
    assert_eq!(
        (decide(&guarded, &r), e.decision),
        (Decision::Deny, Decision::Deny)
    );
    assert_eq!(
        e.reason,
        DecisionReason::RcpDeny {
            statements: vec![1]
        }
    );
    assert!(e.summary.contains("session tags"), "{}", e.summary);
    assert_eq!(
        run(&guarded, "repo:acme/api:ref:refs/heads/main").decision,
        Decision::Allow
    );
}

/// The first error of an RCP text: (code, pointer, line, column).
fn refused(text: &str) -> (&'static str, String, u32, u32) {
    let e = parse_rcp(text).into_result().unwrap_err().error;
    let at = e
        .location
        .span
        .map(|s| (s.start.line, s.start.column))
        .unwrap_or((0, 0));
    (e.code, e.location.pointer, at.0, at.1)
}

// §8.1: what Organizations refuses in an RCP is a located error.
#[test]
fn rcp_syntax_errors_are_located() {
    let one = |statement: &str| {
        format!("{{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {statement}\n  ]\n}}")
    };
    let deny = r#"{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity", "Resource": "*"}"#;
    assert!(parse_rcp(&one(deny)).policy.is_some());
    assert_eq!(
        refused(&one(&deny.replace("Deny", "Allow"))),
        ("rcp-allow", "/Statement/0/Effect".into(), 4, 16)
    );
    assert_eq!(
        refused(&one(
            &deny.replace(r#""Principal": "*""#, r#""Principal": {"AWS": "*"}"#)
        )),
        ("rcp-principal", "/Statement/0/Principal".into(), 4, 37)
    );
    assert_eq!(
        refused(&one(&deny.replace(r#""Principal""#, r#""NotPrincipal""#))).0,
        "rcp-unsupported-element"
    );
    assert_eq!(
        refused(&one(&deny.replace(r#""Action""#, r#""NotAction""#))),
        (
            "rcp-unsupported-element",
            "/Statement/0/NotAction".into(),
            4,
            42
        )
    );
    assert_eq!(
        refused(&one(
            &deny.replace(r#""sts:AssumeRoleWithWebIdentity""#, r#""*""#)
        )),
        ("rcp-action-star", "/Statement/0/Action".into(), 4, 52)
    );
    assert_eq!(
        refused(&one(&deny.replace(r#", "Resource": "*""#, ""))),
        ("rcp-missing-resource", "/Statement/0".into(), 4, 5)
    );
    assert_eq!(
        refused(&one(deny).replace("2012-10-17", "2008-10-17")).0,
        "rcp-version"
    );
    assert_eq!(
        refused(&one(deny).replace("\"Version\": \"2012-10-17\",", "")).0,
        "rcp-version"
    );
    // Every character counts, whitespace included.
    let padded = one(deny).replace("\n  ]", &format!("{}\n  ]", " ".repeat(5200)));
    assert_eq!(refused(&padded).0, "rcp-size-quota");
    // A trust policy's own rules do not apply: no Federated principal is asked for.
    assert!(parse_rcp(&one(deny)).diagnostics.is_empty());
    // And an RCP is not a trust policy: `Resource` is refused there.
    assert_eq!(
        parse_policy(&one(deny))
            .into_result()
            .unwrap_err()
            .error
            .code,
        "resource-in-trust-policy"
    );
}

// `aws organizations describe-policy` output and plans: errors land in the file given.
#[test]
fn rcps_found_in_files() {
    let content =
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "sts:AssumeRoleWithWebIdentity", "Resource": "*"}]})
        .to_string();
    let described = format!(
        "{{\"Policy\": {{\n  \"PolicySummary\": {{\"Name\": \"oidc-guard\", \"Type\": \"RESOURCE_CONTROL_POLICY\"}},\n  \"Content\": {}\n}}}}",
        serde_json::to_string(&content).unwrap()
    );
    let found = find_rcps(&described).unwrap();
    assert_eq!(found[0].resource.as_deref(), Some("oidc-guard"));
    let error = parse_rcp(&found[0].text).into_result().unwrap_err().error;
    assert_eq!(error.code, "rcp-allow");
    let at = found[0].locate(&error.location).span.unwrap();
    assert_eq!(at.start.line, 3, "located on the Content line of the file");
    assert!(described[at.start.byte as usize..].starts_with("\\\"Allow\\\""));

    let scp = described.replace("RESOURCE_CONTROL_POLICY", "SERVICE_CONTROL_POLICY");
    assert_eq!(find_rcps(&scp).unwrap_err().code, "not-an-rcp");
    assert_eq!(find_rcps(r#"{"Policies": []}"#).unwrap_err().code, "no-rcp");

    let plan = json!({"format_version": "1.2", "planned_values": {"root_module": {"resources": [
        {"address": "aws_organizations_policy.scp", "type": "aws_organizations_policy",
         "values": {"type": "SERVICE_CONTROL_POLICY", "content": "{}"}},
        {"address": "aws_organizations_policy.oidc", "type": "aws_organizations_policy",
         "values": {"type": "RESOURCE_CONTROL_POLICY", "content": org_rcp().to_string()}}]}}});
    let found = find_rcps(&plan.to_string()).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].resource.as_deref(),
        Some("aws_organizations_policy.oidc")
    );
    assert!(parse_rcp(&found[0].text).policy.is_some());
}

// `.tf` source: RCPs come back apart from trust policies.
#[test]
fn rcps_in_terraform_source() {
    let read = oidc_trust::read_terraform_text(
        "org.tf",
        r#"
resource "aws_organizations_policy" "oidc" {
  name = "oidc-guard"
  type = "RESOURCE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Deny", Principal = "*", Action = "sts:AssumeRoleWithWebIdentity", Resource = "*"
      Condition = {
        StringNotLikeIfExists = { "token.actions.githubusercontent.com:sub" = "repo:acme/*" }
        Null = { "token.actions.githubusercontent.com:sub" = "false" }
      }
    }]
  })
}
resource "aws_organizations_policy" "scp" {
  name = "deny-leave"
  type = "SERVICE_CONTROL_POLICY"
  content = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "organizations:LeaveOrganization", Resource = "*" }] })
}
"#,
    );
    assert!(read.policies.is_empty(), "an RCP is not a trust policy");
    assert_eq!(read.rcps.len(), 1);
    assert_eq!(
        read.rcps[0].resource.as_deref(),
        Some("aws_organizations_policy.oidc")
    );
    let rcp = parse_rcp(&read.rcps[0].text).policy.unwrap();
    let e = run(
        &loose_role().guarded_by(&[Rcp {
            name: "oidc".into(),
            policy: rcp,
        }]),
        "repo:evil/x:ref:refs/heads/main",
    );
    assert_eq!(e.decision, Decision::Deny);
}

// The issue's example: with an RCP limited to `repo:acme/`, `sub=repo:acme/*` holds for any trust policy.
#[test]
fn prove_holds_with_the_rcp() {
    let only = [("sub".to_string(), "repo:acme/*".to_string())];
    let alone = prove(&loose_role(), GH, &only);
    assert!(matches!(alone, Proof::Counterexample { .. }), "{alone:?}");
    let guarded = loose_role().guarded_by(&[rcp("oidc-guard", &org_rcp())]);
    let proof = prove(&guarded, GH, &only);
    assert!(matches!(proof, Proof::Proved { .. }), "{proof:?}");
    let regions = oidc_trust::who_can(&guarded, None);
    assert_eq!(regions.len(), 1, "the RCP trusts no issuer of its own");
    assert!(regions[0].cases.iter().all(|c| c.confirmed));
}

/// Lint with `rcps`: (code, severity, blocked by) of every finding.
fn lint_with(
    policy: &Value,
    rcps: Vec<Rcp>,
) -> Vec<(&'static str, oidc_trust::FindingSeverity, Option<String>)> {
    let options = oidc_trust::LintOptions {
        rcps,
        ..Default::default()
    };
    oidc_trust::lint(&policy.to_string(), &options)
        .findings
        .into_iter()
        .map(|f| (f.code, f.severity, f.blocked_by))
        .collect()
}

fn gh_role(sub: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Federated": ARN}, "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {format!("{GH}:aud"): "sts.amazonaws.com"},
                      "StringLike": {format!("{GH}:sub"): sub}}}]})
}

// Lint with RCPs: closed holes stay listed at info with the RCP statement; the rest of the
// holes are judged on an identity both layers let in.
#[test]
fn lint_marks_the_holes_the_rcp_closes() {
    use oidc_trust::FindingSeverity::{High, Info};
    let alone = lint_with(&gh_role("repo:*"), Vec::new());
    assert!(alone
        .iter()
        .any(|(c, s, b)| *c == "admits-other-org" && *s > High && b.is_none()));
    let with = lint_with(&gh_role("repo:*"), vec![rcp("oidc-guard", &org_rcp())]);
    let other_org = with
        .iter()
        .find(|(c, _, _)| *c == "admits-other-org")
        .unwrap();
    assert_eq!(
        (other_org.1, other_org.2.as_deref()),
        (Info, Some("RCP `oidc-guard` statement 0 (`GitHubOrg`)"))
    );
    // A sibling repository of the organisation still gets in: the RCP allows all of acme.
    let sibling = with
        .iter()
        .find(|(c, _, _)| *c == "admits-sibling-repo")
        .unwrap();
    assert_eq!((sibling.1, &sibling.2), (High, &None));
    // The organisation's own jobs are not locked out, and GitHub is constrained.
    assert!(!with
        .iter()
        .any(|(c, _, _)| *c == "rcp-locks-out" || *c == "rcp-leaves-issuer-open"));
    // The report's replay is the guarded one: the other-org token is denied, and says by what.
    let options = oidc_trust::LintOptions {
        rcps: vec![rcp("oidc-guard", &org_rcp())],
        ..Default::default()
    };
    let report = oidc_trust::lint(&gh_role("repo:*").to_string(), &options);
    let attempt = report.replays[0]
        .attempts
        .iter()
        .find(|a| a.scenario == "other-org")
        .unwrap();
    assert_eq!(attempt.decision, Decision::Deny);
    assert!(attempt.blocked_by.is_some());
}

#[test]
fn lint_reports_lockout_and_open_issuers() {
    // rcp-locks-out: the role's own identity (acme/api) is outside the RCP's organisation.
    let mut other = org_rcp();
    other["Statement"][0]["Condition"]["StringNotLikeIfExists"][format!("{GH}:sub")] =
        json!("repo:other/*");
    let found = lint_with(
        &gh_role("repo:acme/api:ref:refs/heads/main"),
        vec![rcp("other", &other)],
    );
    assert!(found
        .iter()
        .any(|(c, s, _)| *c == "rcp-locks-out" && *s == oidc_trust::FindingSeverity::Medium));
    let fine = lint_with(
        &gh_role("repo:acme/api:ref:refs/heads/main"),
        vec![rcp("oidc-guard", &org_rcp())],
    );
    assert!(!fine.iter().any(|(c, _, _)| *c == "rcp-locks-out"));

    // rcp-leaves-issuer-open: an RCP for GitLab alone says nothing about GitHub tokens.
    let mut gitlab_only = org_rcp();
    gitlab_only["Statement"].as_array_mut().unwrap().remove(0);
    let open = lint_with(
        &gh_role("repo:acme/api:ref:refs/heads/main"),
        vec![rcp("gitlab", &gitlab_only)],
    );
    assert!(open
        .iter()
        .any(|(c, s, _)| *c == "rcp-leaves-issuer-open" && *s == oidc_trust::FindingSeverity::Low));
    assert!(!fine.iter().any(|(c, _, _)| *c == "rcp-leaves-issuer-open"));
}

// An account dump names each role's ARN: an RCP scoped to some roles applies to those only.
#[test]
fn account_dump_roles_are_matched_against_the_rcp_resource() {
    let mut scoped = org_rcp();
    scoped["Statement"][0]["Resource"] = json!("arn:aws:iam::*:role/deploy-*");
    let role = |name: &str| {
        json!({"RoleName": name, "Arn": format!("arn:aws:iam::111122223333:role/{name}"),
               "AssumeRolePolicyDocument": gh_role("repo:*")})
    };
    let dump = json!({"RoleDetailList": [role("deploy-api"), role("admin")]}).to_string();
    let options = oidc_trust::LintOptions {
        rcps: vec![rcp("scoped", &scoped)],
        ..Default::default()
    };
    let lint = oidc_trust::lint_source(&dump, &options);
    let blocked = |i: usize| {
        lint.documents[i]
            .report
            .findings
            .iter()
            .any(|f| f.code == "admits-other-org" && f.blocked_by.is_some())
    };
    assert_eq!(lint.documents[0].resource.as_deref(), Some("deploy-api"));
    assert!(blocked(0), "deploy-api is covered by the RCP");
    assert!(!blocked(1), "admin is not");
}

// Review fixes: an RCP that narrows a role's wildcard keeps the rest of the role's subject
// (no false lock-out); policy variables in `Resource` are not guessed at; an instance key
// with a dot still files a Terraform RCP as an RCP.
#[test]
fn guardrail_edge_cases() {
    let env_role = gh_role("repo:*:environment:prod");
    let found = lint_with(&env_role, vec![rcp("oidc-guard", &org_rcp())]);
    assert!(
        !found.iter().any(|(c, _, _)| *c == "rcp-locks-out"),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(c, s, b)| *c == "admits-sibling-repo"
            && *s >= oidc_trust::FindingSeverity::High
            && b.is_none()),
        "{found:?}"
    );

    let mut variable = org_rcp();
    variable["Statement"][0]["Resource"] = json!("arn:aws:iam::${aws:PrincipalAccount}:role/*");
    let guarded = loose_role().guarded_by(&[rcp("variable", &variable)]);
    let r = request(
        "repo:evil/api:ref:refs/heads/main",
        RequestOptions {
            role: Some("arn:aws:iam::111122223333:role/deploy".into()),
            ..Default::default()
        },
    );
    let e = evaluate(&guarded, &r);
    assert_eq!(
        (e.decision, decide(&guarded, &r)),
        (Decision::Allow, Decision::Allow)
    );
    assert!(e.statements[1]
        .resource
        .as_ref()
        .unwrap()
        .why
        .contains("policy variables"));

    let read = oidc_trust::read_terraform_text(
        "org.tf",
        r#"
resource "aws_organizations_policy" "oidc" {
  for_each = toset(["team.a"])
  name     = each.key
  type     = "RESOURCE_CONTROL_POLICY"
  content  = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Principal = "*", Action = "sts:AssumeRoleWithWebIdentity", Resource = "*" }] })
}
"#,
    );
    assert!(
        read.policies.is_empty(),
        "{:?}",
        read.policies
            .iter()
            .map(|p| &p.resource)
            .collect::<Vec<_>>()
    );
    assert_eq!(read.rcps.len(), 1);
}
