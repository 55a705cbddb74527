// Browser and Deno entry of `oidc-trust/terraform`: the main module (which evaluates),
// the lint module and the Terraform reader's module.
import './web.js';
import './lint-web.js';
import init, * as glue from './oidc_trust_terraform.js';
import { bindTerraform } from './terraform.js';

await init({ module_or_path: new URL('./oidc_trust_terraform_bg.wasm', import.meta.url) });
bindTerraform(glue);

export { readTerraform, lintTerraform, evaluateTerraform, TerraformSource } from './terraform.js';
export { OidcTrustError } from './api.js';
