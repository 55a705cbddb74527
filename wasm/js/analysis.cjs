// Node CommonJS entry of `oidc-trust/analysis`.
'use strict';
const glue = require('./oidc_trust_analysis.cjs');
const analysis = require('./analysis-impl.cjs');
const api = require('./api.cjs');

analysis.bindAnalysis(glue);

module.exports = {
  whoCan: analysis.whoCan,
  prove: analysis.prove,
  diff: analysis.diff,
  OidcTrustError: api.OidcTrustError,
};
