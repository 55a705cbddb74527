//! Generate → parse → evaluate: any intent built from the input either is refused with a
//! diagnostic or yields a policy IAM accepts that allows the intended job. The input is
//! also read as a spec file, and every artifact is generated for every provider.
#![no_main]
use libfuzzer_sys::fuzz_target;
use oidc_trust::{decide, generate, parse_policy, read_claims, read_intent, CiProvider, Decision, Intent, Repository, Request, RequestOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(intent) = read_intent(text) {
        let _ = generate(&intent);
    }
    let mut fields = text.split('\n');
    let mut next = || fields.next().unwrap_or("").to_string();
    let (owner, name, branch, env, workflow, actor, flags) = (next(), next(), next(), next(), next(), next(), next());
    let flag = |c: char| flags.contains(c);
    // A digit picks another provider: then only "refused, or a policy IAM accepts".
    let provider = flags.chars().find_map(|c| c.to_digit(10)).map(|d| CiProvider::ALL[d as usize % CiProvider::ALL.len()]);
    if let Some(p) = provider.filter(|p| *p != CiProvider::GitHub) {
        let intent = Intent {
            provider: p,
            account: "123456789012".into(),
            repositories: Repository::parse(p, &format!("{owner}/{name}")).into_iter().collect(),
            branches: if branch.is_empty() { vec![] } else { vec![branch.clone()] },
            environments: if env.is_empty() { vec![] } else { vec![env.clone()] },
            actors: if actor.is_empty() { vec![] } else { vec![actor.clone()] },
            any_ref: flag('a'),
            ..Intent::default()
        };
        if let Ok(g) = generate(&intent) {
            let parsed = parse_policy(&g.policy);
            assert!(parsed.diagnostics.iter().filter(|d| d.is_error()).all(|d| d.code == "disallowed-character" || d.code == "input-too-large"), "{:?}\n{}", parsed.diagnostics, g.policy);
        }
        return;
    }
    let intent = Intent {
        account: "123456789012".into(),
        repositories: vec![Repository { owner: owner.clone(), name: name.clone(), owner_id: Some("65".into()), id: Some("74".into()), ..Repository::default() }],
        branches: if branch.is_empty() { vec![] } else { vec![branch.clone()] },
        environments: if env.is_empty() { vec![] } else { vec![env] },
        pull_requests: flag('p'),
        any_ref: flag('a'),
        workflow: (!workflow.is_empty()).then(|| workflow.clone()),
        actors: if actor.is_empty() { vec![] } else { vec![actor.clone()] },
        custom_subject: flag('c'),
        immutable_subject: flag('i'),
        ..Intent::default()
    };
    let Ok(g) = generate(&intent) else { return };
    let parsed = parse_policy(&g.policy);
    let Some(policy) = parsed.policy else {
        // Only what IAM itself refuses (e.g. characters outside its range) may fail here.
        assert!(parsed.diagnostics.iter().filter(|d| d.is_error()).all(|d| d.code == "disallowed-character" || d.code == "input-too-large"), "{:?}\n{}", parsed.diagnostics, g.policy);
        return;
    };
    // The intended job on that branch, when its names are plain (no wildcards to fill).
    if branch.is_empty() || flag('i') || flag('c') || [&owner, &name, &branch, &actor, &workflow].iter().any(|s| s.contains(['*', '?', '"', '\\'])) {
        return;
    }
    let mut claims = serde_free_json(&[
        ("iss", "https://token.actions.githubusercontent.com".into()),
        ("aud", "sts.amazonaws.com".into()),
        ("sub", format!("repo:{owner}/{name}:ref:refs/heads/{branch}")),
        ("repository", format!("{owner}/{name}")),
        ("repository_id", "74".into()),
        ("repository_owner_id", "65".into()),
        ("ref", format!("refs/heads/{branch}")),
    ]);
    if !actor.is_empty() {
        claims = claims.replacen('{', &format!("{{\"actor\":\"{actor}\","), 1);
    }
    if !workflow.is_empty() {
        let (path, r) = workflow.split_once('@').unwrap_or((&workflow, "refs/heads/main"));
        let jwr = if path.starts_with(".github/") { format!("{owner}/{name}/{path}@{r}") } else { format!("{path}@{r}") };
        claims = claims.replacen('{', &format!("{{\"job_workflow_ref\":\"{jwr}\","), 1);
    }
    let Ok(c) = read_claims(&claims) else { return };
    let Ok(request) = Request::new(&c, &RequestOptions::default()) else { return };
    assert_eq!(decide(&policy, &request), Decision::Allow, "{claims}\n{}", g.policy);
});

fn serde_free_json(pairs: &[(&str, String)]) -> String {
    let body: Vec<String> = pairs.iter().map(|(k, v)| format!("\"{k}\":\"{v}\"")).collect();
    format!("{{{}}}", body.join(","))
}
