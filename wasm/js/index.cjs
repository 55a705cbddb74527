// Node CommonJS entry: wasm-bindgen's Node glue reads the module next to it.
'use strict';
const glue = require('./oidc_trust_wasm.cjs');
const api = require('./api.cjs');

api.bind(glue);

module.exports = {
  OidcTrustError: api.OidcTrustError,
  CompiledPolicy: api.CompiledPolicy,
  compile: api.compile,
  evaluate: api.evaluate,
  decodeToken: api.decodeToken,
  parsePolicy: api.parsePolicy,
  TRACE_VERSION: api.TRACE_VERSION,
};
