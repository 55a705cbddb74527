//! The CLI built for WASI (`wasm32-wasip1`), as the npm package's `npx oidc-trust` and the
//! GitHub Action run it. The host (`wasm/js/cli.mjs`) preopens the root of the file
//! system, so absolute paths work as natively; WASI has no working directory of its own,
//! so the host names it and the CLI moves there first, and relative paths work too.

/// The variable the host sets to the working directory, as a path inside the guest.
#[cfg(target_os = "wasi")]
const CWD: &str = "OIDC_TRUST_WASI_CWD";

/// Moves to the host's working directory (on WASI; natively there is nothing to do).
pub(crate) fn enter_working_directory() {
    #[cfg(target_os = "wasi")]
    if let Some(dir) = std::env::var_os(CWD) {
        // A directory that cannot be entered leaves paths relative to the root: every
        // file named then fails with its own located `io` error, nothing worse.
        let _ = std::env::set_current_dir(dir);
    }
}

/// Whether the host's standard output is a terminal: a WASI guest cannot tell, so the host
/// says so (`OIDC_TRUST_WASI_TTY=1`) and `--color auto` colours as it would natively.
pub(crate) fn stdout_is_terminal() -> bool {
    #[cfg(target_os = "wasi")]
    return std::env::var_os("OIDC_TRUST_WASI_TTY").is_some_and(|v| v == "1");
    #[cfg(not(target_os = "wasi"))]
    false
}
