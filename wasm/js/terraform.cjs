// Node CommonJS entry of `oidc-trust/terraform`.
'use strict';
require('./index.cjs');
require('./lint.cjs');
const glue = require('./oidc_trust_terraform.cjs');
const terraform = require('./terraform-impl.cjs');
const api = require('./api.cjs');

terraform.bindTerraform(glue);

module.exports = {
  readTerraform: terraform.readTerraform,
  lintTerraform: terraform.lintTerraform,
  evaluateTerraform: terraform.evaluateTerraform,
  TerraformSource: terraform.TerraformSource,
  OidcTrustError: api.OidcTrustError,
};
