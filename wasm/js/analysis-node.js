// Node ESM entry of `oidc-trust/analysis`: its module, loaded synchronously.
import { readFileSync } from 'node:fs';
import * as glue from './oidc_trust_analysis.js';
import { bindAnalysis } from './analysis.js';

glue.initSync({ module: readFileSync(new URL('./oidc_trust_analysis_bg.wasm', import.meta.url)) });
bindAnalysis(glue);

export { whoCan, prove, diff } from './analysis.js';
export { OidcTrustError } from './api.js';
