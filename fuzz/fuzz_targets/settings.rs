//! Any text as repository settings files (split at NUL bytes; the first part is a trust
//! policy): reading and the layer-3 check never panic, and every finding points inside a
//! settings file that was read.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let mut parts = text.split('\0');
    let policy = parts.next().unwrap_or("");
    let mut check = oidc_trust::Layer3Check::new();
    check.add_source("policy.json", policy);
    let mut files: Vec<(String, &str)> = Vec::new();
    for (i, part) in parts.enumerate() {
        let name = format!("settings-{i}.json");
        if let Some(Ok(_)) = check.add_settings(&name, part) {
            files.push((name, part));
        }
    }
    for f in check.findings() {
        let file = f.location.file.as_deref().unwrap_or("");
        let (_, text) = files.iter().find(|(n, _)| n == file).expect("a finding points into a settings file");
        if let Some(span) = &f.location.span {
            assert!(span.end.byte as usize <= text.len(), "span inside the file");
        }
    }
});
