// The entry for bundlers and apps that load the module themselves: no top-level await.
// Call `await init()` once (it fetches the .wasm next to this file, which bundlers copy
// through `new URL(..., import.meta.url)`), or `initSync(bytes)` with the module's bytes
// (`oidc-trust/wasm`, e.g. through esbuild's binary loader); then use the API as usual.
// `lint` has its own module: `await initLint()` (or `initLintSync(bytes)`, with
// `oidc-trust/lint/wasm`) loads it.
import initGlue, { initSync as initGlueSync } from './oidc_trust_wasm.js';
import * as glue from './oidc_trust_wasm.js';
import initLintGlue, { initSync as initLintGlueSync } from './oidc_trust_lint.js';
import * as lintGlue from './oidc_trust_lint.js';
import { bind } from './api.js';
import { bindLint } from './lint.js';

// One module's loading: asynchronous (once, however often it is called) or from its bytes.
// `where` gives the `.wasm` next to this file, written as `new URL(..., import.meta.url)`
// at the call site so that bundlers see it and copy the file.
function loader(initGlue, initGlueSync, glue, bindGlue, where) {
  let loading;
  return {
    load(input) {
      loading ??= initGlue({ module_or_path: input ?? where() }).then(() => {
        bindGlue(glue);
      });
      return loading;
    },
    loadSync(bytes) {
      initGlueSync({ module: bytes });
      bindGlue(glue);
      loading = Promise.resolve();
    },
  };
}

const main = loader(initGlue, initGlueSync, glue, bind, () => new URL('./oidc_trust_wasm_bg.wasm', import.meta.url));
const linter = loader(initLintGlue, initLintGlueSync, lintGlue, bindLint, () => new URL('./oidc_trust_lint_bg.wasm', import.meta.url));

/**
 * Loads the WebAssembly module: from `input` (a URL, a Response, bytes or a compiled
 * module) or from the `.wasm` next to this file. Safe to call more than once.
 */
export function init(input) {
  return main.load(input);
}

/** Loads the WebAssembly module from its bytes (or a compiled module), synchronously. */
export function initSync(bytes) {
  main.loadSync(bytes);
}

/**
 * Loads the linter's WebAssembly module (`lint`), its own module so that those who only
 * evaluate do not fetch it: from `input`, or the `.wasm` next to this file.
 */
export function initLint(input) {
  return linter.load(input);
}

/** Loads the linter's module from its bytes (`oidc-trust/lint/wasm`), synchronously. */
export function initLintSync(bytes) {
  linter.loadSync(bytes);
}

export { OidcTrustError, CompiledPolicy, compile, evaluate, decodeToken, parsePolicy, TRACE_VERSION } from './api.js';
export { lint } from './lint.js';
