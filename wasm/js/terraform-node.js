// Node ESM entry of `oidc-trust/terraform`: the main module (which evaluates), the lint
// module and the Terraform reader's module, all loaded synchronously.
import './node.js';
import './lint-node.js';
import { readFileSync } from 'node:fs';
import * as glue from './oidc_trust_terraform.js';
import { bindTerraform } from './terraform.js';

glue.initSync({ module: readFileSync(new URL('./oidc_trust_terraform_bg.wasm', import.meta.url)) });
bindTerraform(glue);

export { readTerraform, lintTerraform, evaluateTerraform, TerraformSource } from './terraform.js';
export { OidcTrustError } from './api.js';
