//! Any text as a Terraform plan, CloudFormation template or account authorization
//! details: reading and linting never panic, and every location stays inside the file.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let result = oidc_trust::lint_source(text, &Default::default());
    for doc in &result.documents {
        for f in &doc.report.findings {
            if let Some(span) = f.location.span {
                assert!(span.start.byte as usize <= text.len(), "{f:?}");
            }
        }
    }
});
