// The entry for bundlers and apps that load the module themselves: no top-level await.
// Call `await init()` once (it fetches the .wasm next to this file, which bundlers copy
// through `new URL(..., import.meta.url)`), or `initSync(bytes)` with the module's bytes
// (`oidc-trust/wasm`, e.g. through esbuild's binary loader); then use the API as usual.
import initGlue, { initSync as initGlueSync } from './oidc_trust_wasm.js';
import * as glue from './oidc_trust_wasm.js';
import { bind } from './api.js';

let loading;

/**
 * Loads the WebAssembly module: from `input` (a URL, a Response, bytes or a compiled
 * module) or from the `.wasm` next to this file. Safe to call more than once.
 */
export function init(input) {
  loading ??= initGlue({ module_or_path: input ?? new URL('./oidc_trust_wasm_bg.wasm', import.meta.url) }).then(() => {
    bind(glue);
  });
  return loading;
}

/** Loads the WebAssembly module from its bytes (or a compiled module), synchronously. */
export function initSync(bytes) {
  initGlueSync({ module: bytes });
  bind(glue);
  loading = Promise.resolve();
}

export { OidcTrustError, CompiledPolicy, compile, evaluate, decodeToken, parsePolicy, TRACE_VERSION } from './api.js';
