// Node ESM entry of `oidc-trust/lint`: its module, loaded synchronously.
import { readFileSync } from 'node:fs';
import * as glue from './oidc_trust_lint.js';
import { bindLint } from './lint.js';

glue.initSync({ module: readFileSync(new URL('./oidc_trust_lint_bg.wasm', import.meta.url)) });
bindLint(glue);

export { lint } from './lint.js';
export { OidcTrustError } from './api.js';
