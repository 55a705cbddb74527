// Node CommonJS entry of `oidc-trust/generate`.
'use strict';
const glue = require('./oidc_trust_generate.cjs');
const generate = require('./generate-impl.cjs');
const api = require('./api.cjs');

generate.bindGenerate(glue);

module.exports = {
  generate: generate.generate,
  OidcTrustError: api.OidcTrustError,
};
