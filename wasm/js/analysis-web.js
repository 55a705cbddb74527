// Browser and Deno entry of `oidc-trust/analysis`.
import init, * as glue from './oidc_trust_analysis.js';
import { bindAnalysis } from './analysis.js';

await init({ module_or_path: new URL('./oidc_trust_analysis_bg.wasm', import.meta.url) });
bindAnalysis(glue);

export { whoCan, prove, diff } from './analysis.js';
export { OidcTrustError } from './api.js';
