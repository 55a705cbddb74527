// A TypeScript user of the package (CommonJS).
import oidc = require('oidc-trust');

const e: oidc.Evaluation = oidc.evaluate('{}', 'eyJ...');
const d: oidc.Decision = oidc.compile('{}').decide({ sub: 'x' });
void [e, d];
