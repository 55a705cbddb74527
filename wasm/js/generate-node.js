// Node ESM entry of `oidc-trust/generate`: its module, loaded synchronously.
import { readFileSync } from 'node:fs';
import * as glue from './oidc_trust_generate.js';
import { bindGenerate } from './generate.js';

glue.initSync({ module: readFileSync(new URL('./oidc_trust_generate_bg.wasm', import.meta.url)) });
bindGenerate(glue);

export { generate } from './generate.js';
export { OidcTrustError } from './api.js';
