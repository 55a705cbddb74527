// Node CommonJS entry of `oidc-trust/lint`.
'use strict';
const glue = require('./oidc_trust_lint.cjs');
const linter = require('./lint-impl.cjs');
const api = require('./api.cjs');

linter.bindLint(glue);

module.exports = {
  lint: linter.lint,
  OidcTrustError: api.OidcTrustError,
};
