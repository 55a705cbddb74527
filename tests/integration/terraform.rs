//! Terraform source read without Terraform: the corpus in `tests/terraform/cases` (one
//! module per folder, every form a trust policy is written in, broken ones included),
//! each with its expected findings and problems (`tests/terraform/expected/NAME.json`,
//! `UPDATE_GOLDEN=1` rewrites them), the JSON Terraform would render for several
//! (`NAME.rendered.json`, written by hand from the provider's and the modules' rules), and
//! for a few the `terraform show -json` of the same configuration (`NAME.plan.json`), whose
//! reading must give the same policy and the same findings.

use std::path::{Path, PathBuf};

use oidc_trust::{
    find_policies, read_terraform, read_terraform_text, Files, FoundPolicy, LintOptions,
    TerraformOptions,
};
use oidc_trust_tests::root;
use serde_json::{json, Value};

/// A module folder on disk.
struct Dir(PathBuf);

impl Files for Dir {
    fn read(&self, path: &str) -> Option<String> {
        std::fs::read_to_string(self.0.join(path)).ok()
    }
    fn list(&self, dir: &str) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.0.join(dir)) else {
            return Vec::new();
        };
        entries
            .filter_map(Result::ok)
            .filter(|e| e.path().is_file())
            .filter_map(|e| e.file_name().into_string().ok())
            .collect()
    }
}

fn cases() -> Vec<(String, PathBuf)> {
    let dir = root().join("tests/terraform/cases");
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| (e.file_name().into_string().unwrap(), e.path()))
        .collect();
    out.sort();
    out
}

fn findings(p: &FoundPolicy) -> Vec<String> {
    let mut out: Vec<String> = p
        .lint(&LintOptions::default())
        .findings
        .iter()
        .map(|f| {
            let at = f
                .location
                .span
                .map(|s| format!("{}:{}", s.start.line, s.start.column))
                .unwrap_or_default();
            let file = f
                .location
                .file
                .as_deref()
                .or(p.file.as_deref())
                .unwrap_or("");
            format!("{} {} {file}:{at}", f.severity.name(), f.code)
        })
        .collect();
    out.sort();
    out
}

/// What the reader makes of a case: every policy with its findings, every problem.
fn summary(dir: &Path) -> Value {
    let read = read_terraform(".", &Dir(dir.to_path_buf()), &TerraformOptions::default());
    let policies: Vec<Value> = read
        .policies
        .iter()
        .map(|p| {
            json!({
                "resource": p.resource,
                "file": p.file,
                "findings": findings(p),
            })
        })
        .collect();
    let problems: Vec<String> = read
        .diagnostics
        .iter()
        .map(|(file, d)| {
            let at = d
                .location
                .span
                .map(|s| format!("{}:{}", s.start.line, s.start.column))
                .unwrap_or_default();
            format!(
                "{} {} {file}:{at}",
                if d.is_error() { "error" } else { "warning" },
                d.code
            )
        })
        .collect();
    json!({ "policies": policies, "problems": problems })
}

/// JSON with arrays of plain values sorted (the provider writes sets in an order of its
/// own, and condition values are ORed: order does not change what a policy admits).
fn normalized(v: &Value) -> Value {
    match v {
        Value::Array(items) => {
            let mut items: Vec<Value> = items.iter().map(normalized).collect();
            if items.iter().all(|i| !i.is_object() && !i.is_array()) {
                items.sort_by_key(|a| a.to_string());
            }
            Value::Array(items)
        }
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), normalized(v))).collect())
        }
        other => other.clone(),
    }
}

#[test]
fn the_corpus_reads_as_recorded() {
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    let cases = cases();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for (name, dir) in &cases {
        let actual = summary(dir);
        let path = root().join(format!("tests/terraform/expected/{name}.json"));
        if update {
            std::fs::write(&path, serde_json::to_string_pretty(&actual).unwrap() + "\n").unwrap();
            continue;
        }
        let expected: Value = match std::fs::read_to_string(&path) {
            Ok(t) => serde_json::from_str(&t).unwrap(),
            Err(_) => {
                wrong.push(format!("{name}: no expectation (UPDATE_GOLDEN=1)"));
                continue;
            }
        };
        if expected != actual {
            wrong.push(format!(
                "{name}:\n  expected {}\n  actual   {}",
                serde_json::to_string(&expected).unwrap(),
                serde_json::to_string(&actual).unwrap()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn policies_are_rendered_as_terraform_renders_them() {
    let mut compared = 0;
    for (name, dir) in cases() {
        let path = root().join(format!("tests/terraform/expected/{name}.rendered.json"));
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let expected: Value = serde_json::from_str(&text).unwrap();
        let read = read_terraform(".", &Dir(dir), &TerraformOptions::default());
        assert_eq!(read.policies.len(), 1, "{name}");
        let actual: Value = serde_json::from_str(&read.policies[0].text).unwrap();
        assert_eq!(normalized(&actual), normalized(&expected), "{name}");
        compared += 1;
    }
    assert!(compared >= 10, "{compared} rendered policies compared");
}

#[test]
fn source_and_plan_give_the_same_policy_and_findings() {
    let mut compared = 0;
    for (name, dir) in cases() {
        let path = root().join(format!("tests/terraform/expected/{name}.plan.json"));
        let Ok(plan) = std::fs::read_to_string(&path) else {
            continue;
        };
        let (_, from_plan) = find_policies(&plan).unwrap();
        let read = read_terraform(".", &Dir(dir), &TerraformOptions::default());
        assert_eq!(from_plan.len(), read.policies.len(), "{name}");
        for (p, s) in from_plan.iter().zip(&read.policies) {
            assert_eq!(p.resource, s.resource, "{name}");
            let a: Value = serde_json::from_str(&p.text).unwrap();
            let b: Value = serde_json::from_str(&s.text).unwrap();
            assert_eq!(normalized(&a), normalized(&b), "{name}");
            let codes = |f: &FoundPolicy| {
                let mut c: Vec<&str> = f
                    .lint(&LintOptions::default())
                    .findings
                    .iter()
                    .map(|x| x.code)
                    .collect();
                c.sort_unstable();
                c
            };
            assert_eq!(codes(p), codes(s), "{name}");
        }
        compared += 1;
    }
    assert!(compared >= 4, "{compared} plans compared");
}

// Issue 15: what the playground gets pasted: a block, a bare `jsonencode({...})`, an
// `assume_role_policy = ...` line, a policy document block.
#[test]
fn pasted_fragments_read_like_files() {
    let jsonencode = r#"jsonencode({
  Version = "2012-10-17"
  Statement = [{
    Effect    = "Allow"
    Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
    Action    = "sts:AssumeRoleWithWebIdentity"
    Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:acme/api:*" } }
  }]
})"#;
    let assignment = format!("assume_role_policy = {jsonencode}");
    let role = format!("resource \"aws_iam_role\" \"r\" {{\n  {assignment}\n}}");
    for text in [jsonencode.to_string(), assignment, role] {
        let read = read_terraform_text("pasted.tf", &text);
        assert!(
            read.diagnostics.is_empty(),
            "{text}: {:?}",
            read.diagnostics
        );
        assert_eq!(read.policies.len(), 1, "{text}");
        let report = read.policies[0].lint(&LintOptions::default());
        let pr = report
            .findings
            .iter()
            .find(|f| f.code == "admits-pull-request")
            .unwrap();
        // Located on the value in what was pasted.
        let span = pr.location.span.unwrap();
        let line = text.lines().nth(span.start.line as usize - 1).unwrap();
        assert!(
            line[span.start.column as usize - 1..].starts_with("\"repo:acme/api:*\""),
            "{line}"
        );
    }
    let broken = read_terraform_text(
        "pasted.tf",
        "resource \"aws_iam_role\" \"r\" {\n  assume_role_policy = jsonencode({\n}\n",
    );
    assert!(broken.policies.is_empty());
    let (_, d) = &broken.diagnostics[0];
    assert_eq!(d.code, "hcl-syntax");
    assert!(d.location.span.is_some());
}

/// Hostile inputs: deep nesting, huge counts, self-referring locals, recursion through
/// documents and modules: a result, never a panic or a hang.
#[test]
fn hostile_terraform_does_not_panic() {
    let deep = format!("locals {{ x = {}1{} }}\n", "[".repeat(300), "]".repeat(300));
    let counted = "resource \"aws_iam_role\" \"r\" {\n  count = 100000000\n  assume_role_policy = jsonencode({Statement = []})\n}\n";
    let cyclic = "locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_iam_role\" \"r\" {\n  assume_role_policy = jsonencode({Statement = [{Principal = local.a}]})\n}\n";
    let range = "locals { x = range(100000000) }\nresource \"aws_iam_role\" \"r\" {\n  assume_role_policy = jsonencode({Statement = local.x})\n}\n";
    let self_doc = "data \"aws_iam_policy_document\" \"d\" {\n  source_policy_documents = [data.aws_iam_policy_document.d.json]\n}\n";
    let long = format!(
        "locals {{ s = join(\"\", [for i in range(10000) : \"{}\"]) }}\n",
        "x".repeat(1000)
    );
    for text in [
        deep,
        counted.to_string(),
        cyclic.to_string(),
        range.to_string(),
        self_doc.to_string(),
        long,
    ] {
        let read = read_terraform_text("main.tf", &text);
        for p in &read.policies {
            let _ = p.lint(&LintOptions::default());
        }
    }
}

/// A chain of locals deeper than the evaluator follows becomes an opaque value whose
/// placeholder is plain ASCII: the policy stays one IAM would accept, and is still judged.
#[test]
fn a_chain_too_deep_is_opaque_not_a_broken_policy() {
    let mut text = String::from("locals {\n");
    for i in 0..500 {
        text.push_str(&format!("  l{i} = local.l{}\n", i + 1));
    }
    text.push_str("  l500 = \"repo:acme/*\"\n}\n");
    text.push_str(r#"resource "aws_iam_role" "r" {
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRoleWithWebIdentity",
    Principal = {Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
    Condition = {StringEquals = {"token.actions.githubusercontent.com:sub" = local.l0}}}]})
}
"#);
    let read = read_terraform_text("main.tf", &text);
    let report = read.policies[0].lint(&LintOptions::default());
    assert!(
        report.diagnostics.iter().all(|d| !d.is_error()),
        "{:?}",
        report.diagnostics
    );
    assert!(report.findings.iter().any(|f| f.code == "unresolved-value"));
    assert!(read.policies[0].text.is_ascii());
}

// Found by the `terraform` fuzz target (10 M-execution run): 1 KB of nested index brackets
// that `hcl-edit` parses in exponential time. Refused before the parser sees it, with the
// bracket that goes too deep; brackets in comments do not count, and real depth passes.
#[test]
fn deeply_nested_brackets_are_refused_not_parsed() {
    let hostile =
        std::fs::read_to_string(root().join("tests/fixtures/hostile/deep-index-brackets.tf"))
            .unwrap();
    let read = read_terraform_text("main.tf", &hostile);
    assert!(read.policies.is_empty());
    let (file, d) = &read.diagnostics[0];
    assert_eq!((file.as_str(), d.code), ("main.tf", "hcl-syntax"));
    assert!(d.message.contains("nested more than 12"), "{}", d.message);
    assert_eq!(
        d.location.span.map(|s| (s.start.line, s.start.column)),
        Some((1, 506))
    );
    // Twelve levels, as deep as anything real, still read.
    let deep_ok = format!(
        "resource \"aws_iam_role\" \"r\" {{\n  # {}\n  tags = {{ x = jsonencode({}1{}) }}\n}}\n",
        "[".repeat(40),
        "[".repeat(12),
        "]".repeat(12)
    );
    let read = read_terraform_text("main.tf", &deep_ok);
    assert!(
        read.diagnostics.iter().all(|(_, d)| d.code != "hcl-syntax"),
        "{:?}",
        read.diagnostics
    );
}
