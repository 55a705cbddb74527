// A TypeScript user of the package (CommonJS).
import oidc = require('oidc-trust');
import analysis = require('oidc-trust/analysis');

const e: oidc.Evaluation = oidc.evaluate('{}', 'eyJ...');
const d: oidc.Decision = oidc.compile('{}').decide({ sub: 'x' });
const who: analysis.RegionReport[] = analysis.whoCan('{}');
void [e, d, who];
