// Browser and Deno entry of `oidc-trust/lint`.
import init, * as glue from './oidc_trust_lint.js';
import { bindLint } from './lint.js';

await init({ module_or_path: new URL('./oidc_trust_lint_bg.wasm', import.meta.url) });
bindLint(glue);

export { lint } from './lint.js';
export { OidcTrustError } from './api.js';
