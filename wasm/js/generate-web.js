// Browser and Deno entry of `oidc-trust/generate`.
import init, * as glue from './oidc_trust_generate.js';
import { bindGenerate } from './generate.js';

await init({ module_or_path: new URL('./oidc_trust_generate_bg.wasm', import.meta.url) });
bindGenerate(glue);

export { generate } from './generate.js';
export { OidcTrustError } from './api.js';
