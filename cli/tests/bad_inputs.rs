//! The bad-input suite (`tests/bad-inputs/cases.json`, 100+ cases across policies, claims,
//! tokens, Terraform plans and source, CloudFormation and flags): every case exits 2 with a coded error
//! that says where, in JSON and in text. `tests/bad-inputs/record.py` wrote the expected
//! codes and positions; they were reviewed by hand.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly"
)]

mod common;

use serde_json::Value;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn args_for(case: &Value, path: &str, format: &str) -> Vec<String> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let mut out = match case["kind"].as_str().unwrap() {
        "policy" => s(&[
            "eval",
            "--policy",
            path,
            "--claims",
            "examples/tokens/main.json",
        ]),
        "claims" => s(&[
            "eval",
            "--policy",
            "examples/policies/basic-repo.json",
            "--claims",
            path,
        ]),
        "token" => s(&[
            "eval",
            "--policy",
            "examples/policies/basic-repo.json",
            "--token",
            path,
        ]),
        "terraform" | "cloudformation" | "hcl" => s(&["lint", path]),
        _ => {
            let extra: Vec<String> = case["args"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
                .collect();
            let mut v = s(&["eval"]);
            if !extra.iter().any(|a| a == "--policy") {
                v.extend(s(&["--policy", "examples/policies/basic-repo.json"]));
            }
            v.extend(s(&["--claims", "examples/tokens/main.json"]));
            v.extend(extra);
            v
        }
    };
    out.extend(s(&["--format", format]));
    out
}

#[test]
fn every_bad_input_is_a_located_coded_error_in_json_and_text() {
    let cases: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(format!("{ROOT}/tests/bad-inputs/cases.json")).unwrap(),
    )
    .unwrap();
    assert!(cases.len() >= 100, "{} cases", cases.len());
    let dir = std::env::temp_dir().join(format!("oidc-trust-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut wrong = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let name = case["name"].as_str().unwrap();
        let ext = if name.contains("YAML") {
            "yaml"
        } else {
            "json"
        };
        // Terraform: a module of its own (every .tf file of a directory is one module).
        let path = if case["kind"] == "hcl" {
            let module = dir.join(format!("case-{i}"));
            std::fs::create_dir_all(&module).unwrap();
            module.join("main.tf")
        } else {
            dir.join(format!("case-{i}.{ext}"))
        };
        std::fs::write(&path, case["text"].as_str().unwrap()).unwrap();
        let path = path.to_str().unwrap();
        let expect = &case["expect"];
        let json = common::bin()
            .current_dir(ROOT)
            .env("NO_COLOR", "1")
            .args(args_for(case, path, "json"))
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&json.stdout).unwrap_or(Value::Null);
        let err = if v["error"].is_object() {
            &v["error"]
        } else {
            &v["errors"][0]
        };
        let text_input = case["kind"] != "flags" && expect["line"].is_number();
        let ok = json.status.code() == Some(2)
            && err["code"] == expect["code"]
            && err["message"].as_str().is_some_and(|m| !m.is_empty())
            && err["help"].as_str().is_some()
            && err["pointer"].is_string()
            && (!text_input
                || (err["line"] == expect["line"] && err["column"] == expect["column"]));
        let text = common::bin()
            .current_dir(ROOT)
            .env("NO_COLOR", "1")
            .args(args_for(case, path, "text"))
            .output()
            .unwrap();
        let shown = format!(
            "{}{}",
            String::from_utf8_lossy(&text.stdout),
            String::from_utf8_lossy(&text.stderr)
        );
        let located =
            !text_input || shown.contains(&format!(":{}:{}", expect["line"], expect["column"]));
        let text_ok = text.status.code() == Some(2)
            && shown.contains(&format!(
                "error[{}]",
                expect["code"].as_str().unwrap_or("?")
            ))
            && located
            && !shown.contains("panicked");
        if !ok || !text_ok {
            wrong.push(format!(
                "{} / {name}: json {:?} {err}, text ok {text_ok}:\n{shown}",
                case["kind"],
                json.status.code()
            ));
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        wrong.is_empty(),
        "{} of {} cases:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}
