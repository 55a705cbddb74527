use oidc_trust::RequestOptions;
use oidc_trust_tests::{check_eval, read, root, GoldenCase};

/// Compares each trace with `tests/golden/<name>.json`; `UPDATE_GOLDEN=1` rewrites them.
#[test]
fn seed_policy_traces_match_golden_files() {
    let cases: Vec<GoldenCase> =
        serde_json::from_str(&read("tests/corpus/eval/cases.json")).unwrap();
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let mut mismatches = Vec::new();
    for case in &cases {
        let options = RequestOptions {
            now: case.now,
            ..RequestOptions::default()
        };
        let e = check_eval(&read(&case.policy), &read(&case.claims), &options);
        // The decision is asserted on its own, so that regenerating goldens cannot flip it.
        assert_eq!(
            e.decision.as_str(),
            case.expect,
            "{}: {}",
            case.name,
            e.summary
        );
        let actual = serde_json::to_string_pretty(&e.one_shot()).unwrap() + "\n";
        let path = root().join(format!("tests/golden/{}.json", case.name));
        if update {
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) if expected == actual => {}
            Ok(_) => mismatches.push(format!(
                "{} differs (run with UPDATE_GOLDEN=1 and review the diff)",
                case.name
            )),
            Err(_) => mismatches.push(format!(
                "{} has no golden file (run with UPDATE_GOLDEN=1)",
                case.name
            )),
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn traces_point_into_the_policy_text() {
    let text = read("examples/policies/hardening-layer2.json");
    let e = check_eval(
        &text,
        &read("examples/tokens/human-actor.json"),
        &RequestOptions::default(),
    );
    let failed: Vec<_> = e.statements[0]
        .conditions
        .iter()
        .filter(|c| !c.satisfied)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].key, "token.actions.githubusercontent.com:actor");
    let span = failed[0].key_location.span.unwrap();
    assert_eq!(
        &text[span.start.byte as usize..span.end.byte as usize],
        "\"token.actions.githubusercontent.com:actor\""
    );
    assert_eq!(
        failed[0].key_location.pointer,
        "/Statement/0/Condition/StringEquals/token.actions.githubusercontent.com:actor"
    );
    assert_eq!(failed[0].values.len(), 2, "one comparison per policy value");
}
