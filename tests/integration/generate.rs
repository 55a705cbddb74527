//! The generator's round trip: for random intents, the generated policy allows every token
//! the intent names and denies the attackers, and lint finds nothing to fix.

use oidc_trust::{
    generate, lint, parse_policy, read_claims, Decision, FindingSeverity, Intent, LintOptions,
    Repository, Request, RequestOptions,
};
use proptest::prelude::*;
use serde_json::json;

const GH: &str = "token.actions.githubusercontent.com";

#[derive(Debug, Clone)]
struct Job {
    owner: String,
    owner_id: String,
    repo: String,
    repo_id: String,
    context: String,
    event: &'static str,
    ref_: String,
    environment: Option<String>,
    workflow: String,
    actor: String,
}

fn token(job: &Job, intent: &Intent) -> String {
    let repo = if intent.immutable_subject {
        format!(
            "{}@{}/{}@{}",
            job.owner, job.owner_id, job.repo, job.repo_id
        )
    } else {
        format!("{}/{}", job.owner, job.repo)
    };
    let mut sub = format!("repo:{repo}:{}", job.context);
    if intent.custom_subject {
        sub.push_str(&format!(":job_workflow_ref:{}", job.workflow));
    }
    let mut c = json!({
        "iss": format!("https://{GH}"), "aud": "sts.amazonaws.com", "sub": sub,
        "repository": format!("{}/{}", job.owner, job.repo), "repository_owner": job.owner,
        "repository_id": job.repo_id, "repository_owner_id": job.owner_id, "ref": job.ref_,
        "event_name": job.event, "job_workflow_ref": job.workflow, "actor": job.actor,
    });
    if let Some(e) = &job.environment {
        c["environment"] = e.clone().into();
    }
    c.to_string()
}

fn decide(policy: &str, claims: &str) -> Decision {
    let policy = parse_policy(policy).policy.unwrap();
    let claims = read_claims(claims).unwrap();
    oidc_trust::decide(
        &policy,
        &Request::new(&claims, &RequestOptions::default()).unwrap(),
    )
}

prop_compose! {
    fn intents()(
        repos in proptest::sample::subsequence(vec![("acme", "api"), ("acme", "web"), ("octo-org", "infra-tools")], 1..=2),
        branches in proptest::sample::subsequence(vec!["main", "release", "prod"], 1..=2),
        environments in proptest::sample::subsequence(vec!["production", "staging"], 0..=1),
        workflow in proptest::option::of(Just(".github/workflows/deploy.yml@refs/heads/main")),
        actors in proptest::sample::subsequence(vec!["release-bot", "alice"], 0..=2),
        custom in any::<bool>(),
        immutable in any::<bool>(),
    ) -> Intent {
        Intent {
            account: "123456789012".into(),
            repositories: repos.iter().enumerate().map(|(i, (o, n))| Repository {
                owner: o.to_string(), name: n.to_string(),
                owner_id: Some(if *o == "acme" { "65" } else { "66" }.into()),
                id: Some(format!("{}", 100 + i)),
            }).collect(),
            branches: branches.iter().map(|b| b.to_string()).collect(),
            environments: environments.iter().map(|e| e.to_string()).collect(),
            workflow: workflow.map(str::to_string),
            actors: actors.iter().map(|a| a.to_string()).collect(),
            custom_subject: custom && workflow.is_some(),
            immutable_subject: immutable,
            ..Intent::default()
        }
    }
}

fn intended_jobs(intent: &Intent) -> Vec<Job> {
    let mut out = Vec::new();
    for r in &intent.repositories {
        let workflow = match &intent.workflow {
            Some(w) => format!("{}/{}/{w}", r.owner, r.name),
            None => format!(
                "{}/{}/.github/workflows/any.yml@refs/heads/main",
                r.owner, r.name
            ),
        };
        let actor = intent
            .actors
            .first()
            .cloned()
            .unwrap_or_else(|| "octocat".into());
        let base = Job {
            owner: r.owner.clone(),
            owner_id: r.owner_id.clone().unwrap(),
            repo: r.name.clone(),
            repo_id: r.id.clone().unwrap(),
            context: String::new(),
            event: "push",
            ref_: String::new(),
            environment: None,
            workflow,
            actor,
        };
        for b in &intent.branches {
            out.push(Job {
                context: format!("ref:refs/heads/{b}"),
                ref_: format!("refs/heads/{b}"),
                ..base.clone()
            });
        }
        for e in &intent.environments {
            out.push(Job {
                context: format!("environment:{e}"),
                ref_: "refs/heads/main".into(),
                environment: Some(e.clone()),
                ..base.clone()
            });
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn generated_policies_admit_the_intent_and_refuse_attackers(intent in intents()) {
        let g = generate(&intent).unwrap();
        let parsed = parse_policy(&g.policy);
        prop_assert!(parsed.diagnostics.iter().all(|d| !d.is_error()), "{:?}", parsed.diagnostics);
        let jobs = intended_jobs(&intent);
        for job in &jobs {
            prop_assert_eq!(decide(&g.policy, &token(job, &intent)), Decision::Allow, "intended {:?}\n{}", job, g.policy);
        }
        let job = jobs[0].clone();
        let mut attackers = vec![
            ("sibling repo", Job { repo: "zz-other".into(), repo_id: "900".into(), ..job.clone() }),
            ("same-prefix repo", Job { repo: format!("{}-evil", job.repo), repo_id: "901".into(), ..job.clone() }),
            ("other org", Job { owner: "zz-attacker".into(), owner_id: "902".into(), repo_id: "903".into(), ..job.clone() }),
            ("other branch", Job { context: "ref:refs/heads/zz-feature".into(), ref_: "refs/heads/zz-feature".into(), environment: None, ..job.clone() }),
            ("tag", Job { context: "ref:refs/tags/v1".into(), ref_: "refs/tags/v1".into(), environment: None, ..job.clone() }),
            ("pull request", Job { context: "pull_request".into(), event: "pull_request", ref_: "refs/pull/1/merge".into(), environment: None, ..job.clone() }),
        ];
        if intent.workflow.is_some() {
            attackers.push(("other workflow", Job { workflow: format!("{}/{}/.github/workflows/other.yml@refs/heads/main", job.owner, job.repo), ..job.clone() }));
        }
        if !intent.actors.is_empty() {
            attackers.push(("other actor", Job { actor: "mallory".into(), ..job.clone() }));
        }
        for (who, a) in &attackers {
            // Other repositories keep their own workflow files.
            let mut a = a.clone();
            if a.owner != job.owner || a.repo != job.repo {
                a.workflow = a.workflow.replace(&format!("{}/{}/", job.owner, job.repo), &format!("{}/{}/", a.owner, a.repo));
            }
            prop_assert_eq!(decide(&g.policy, &token(&a, &intent)), Decision::Deny, "{} got in\n{}", who, g.policy);
        }
        let report = lint(&g.policy, &LintOptions::default());
        prop_assert!(report.worst() <= Some(FindingSeverity::Low), "lint: {:?}\n{}", report.findings.iter().map(|f| (f.code, f.severity)).collect::<Vec<_>>(), g.policy);
    }
}

#[test]
fn opt_ins_are_warned_about_and_bad_intents_refused() {
    let repo = Repository {
        owner: "acme".into(),
        name: "api".into(),
        ..Repository::default()
    };
    let base = Intent {
        account: "123456789012".into(),
        repositories: vec![repo.clone()],
        branches: vec!["main".into()],
        ..Intent::default()
    };
    let pr = generate(&Intent {
        pull_requests: true,
        ..base.clone()
    })
    .unwrap();
    assert!(pr.warnings.iter().any(|w| w.contains("pull-request")));
    assert!(pr.policy.contains("repo:acme/api:pull_request"));
    let any = generate(&Intent {
        any_ref: true,
        ..base.clone()
    })
    .unwrap();
    assert!(any.policy.contains("\"StringLike\"") && any.policy.contains("repo:acme/api:*"));
    assert!(generate(&Intent {
        account: "12".into(),
        ..base.clone()
    })
    .is_err());
    assert!(generate(&Intent {
        repositories: vec![],
        ..base.clone()
    })
    .is_err());
    assert!(generate(&Intent {
        branches: vec![],
        ..base.clone()
    })
    .is_err());
    assert!(generate(&Intent {
        repositories: vec![Repository {
            name: "*".into(),
            ..repo.clone()
        }],
        ..base.clone()
    })
    .is_err());
    assert!(
        generate(&Intent {
            immutable_subject: true,
            ..base.clone()
        })
        .is_err(),
        "immutable subjects need ids"
    );
    assert!(
        generate(&Intent {
            custom_subject: true,
            ..base.clone()
        })
        .is_err(),
        "layer 4 needs the workflow"
    );
    let plain = generate(&base).unwrap();
    assert!(plain.summary.contains("acme/api") && plain.summary.contains("Excluded"));
}

/// Found by the `generate` fuzz target: `${...}` in a name is a policy variable unless
/// written as a literal; `*` in an environment name is not a wildcard.
#[test]
fn names_with_dollar_and_star_stay_literal() {
    let intent = Intent {
        account: "123456789012".into(),
        repositories: vec![Repository {
            owner: "acme".into(),
            name: "api".into(),
            ..Repository::default()
        }],
        environments: vec!["prod*".into()],
        actors: vec!["bot${a}".into()],
        ..Intent::default()
    };
    let g = generate(&intent).unwrap();
    let claims = |env: &str, actor: &str| {
        json!({"iss": format!("https://{GH}"), "aud": "sts.amazonaws.com", "sub": format!("repo:acme/api:environment:{env}"), "environment": env, "actor": actor, "repository": "acme/api"}).to_string()
    };
    assert_eq!(
        decide(&g.policy, &claims("prod*", "bot${a}")),
        Decision::Allow,
        "{}",
        g.policy
    );
    assert_eq!(
        decide(&g.policy, &claims("prod-x", "bot${a}")),
        Decision::Deny,
        "`*` stays literal"
    );
    assert_eq!(
        decide(&g.policy, &claims("prod*", "bot")),
        Decision::Deny,
        "`${{a}}` is not a variable"
    );
}
