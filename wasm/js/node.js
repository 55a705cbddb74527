// Node ESM entry: loads the module synchronously from the package folder, so importing
// needs no top-level await and `require(esm)` would work too.
import { readFileSync } from 'node:fs';
import * as glue from './oidc_trust_wasm.js';
import { bind } from './api.js';

glue.initSync({ module: readFileSync(new URL('./oidc_trust_wasm_bg.wasm', import.meta.url)) });
bind(glue);

export { OidcTrustError, CompiledPolicy, compile, evaluate, decodeToken, parsePolicy, TRACE_VERSION } from './api.js';
