//! Codes as data: every diagnostic, note and finding code that the core, the CLI or the npm
//! package can emit is documented (`docs/diagnostics.md`, `docs/lint.md`).

use std::path::Path;

use oidc_trust_tests::root;

/// Where a code is written in the source: the call or field that takes it.
const SHAPES: [&str; 16] = [
    "problem(",
    ".error(",
    ".warning(",
    "Note::info(",
    "Note::warning(",
    "Note::assumption(",
    "Diagnostic::options(",
    "options_error(",
    "usage_error(",
    "usage(",
    "bad(",
    "finding(",
    "code: ",
    "Severity::Error,",
    "Severity::Warning,",
    "=> (",
];

fn files(dir: &Path, ext: &str, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The codes written in `text` right after one of the shapes (unit tests left out).
fn codes_in(text: &str) -> Vec<String> {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut out = Vec::new();
    for shape in SHAPES.iter().chain(&["note("]) {
        let mut rest = text;
        while let Some(i) = rest.find(shape) {
            rest = &rest[i + shape.len()..];
            let after = rest.trim_start();
            let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                continue;
            };
            let body = &after[1..];
            let Some(end) = body.find(quote) else {
                continue;
            };
            let code = &body[..end];
            let is_code = !code.is_empty()
                && code.contains('-')
                && code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if is_code || matches!(code, "io" | "freed") {
                out.push(code.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_code_is_documented() {
    let mut sources = Vec::new();
    for dir in ["core/src", "cli/src", "wasm/src"] {
        files(&root().join(dir), "rs", &mut sources);
    }
    files(&root().join("wasm/js"), "js", &mut sources);
    let mut codes: Vec<String> = Vec::new();
    for f in &sources {
        codes.extend(codes_in(&std::fs::read_to_string(f).unwrap()));
    }
    codes.sort();
    codes.dedup();
    // Scenario ids (`other-org`) are the replay's, not codes: lint turns them into
    // `admits-...` codes, which are checked.
    let docs = std::fs::read_to_string(root().join("docs/diagnostics.md")).unwrap()
        + &std::fs::read_to_string(root().join("docs/lint.md")).unwrap();
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !docs.contains(&format!("`{c}`")))
        .collect();
    // The scan must see every kind of code, or it proves nothing.
    for sample in [
        "json-syntax",
        "missing-statement",
        "token-expired",
        "forallvalues-negated-absent",
        "admits-pull-request",
        "missing-sub",
        "unresolved-value",
        "two-stdin",
        "unknown-option",
        "invalid-intent",
    ] {
        assert!(
            codes.iter().any(|c| c == sample),
            "the scan misses `{sample}`"
        );
    }
    assert!(codes.len() > 120, "only {} codes found", codes.len());
    assert!(
        missing.is_empty(),
        "undocumented codes (add them to docs/diagnostics.md or docs/lint.md): {missing:?}"
    );
}
