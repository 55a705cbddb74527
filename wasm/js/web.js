// Browser and Deno entry: fetches the module next to this file (bundlers rewrite the
// URL), once, at import time.
import init, * as glue from './oidc_trust_wasm.js';
import { bind } from './api.js';

await init({ module_or_path: new URL('./oidc_trust_wasm_bg.wasm', import.meta.url) });
bind(glue);

export { OidcTrustError, CompiledPolicy, compile, evaluate, decodeToken, parsePolicy, TRACE_VERSION } from './api.js';
