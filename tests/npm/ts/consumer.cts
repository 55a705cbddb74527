// A TypeScript user of the package (CommonJS).
import oidc = require('oidc-trust');
import analysis = require('oidc-trust/analysis');
import terraform = require('oidc-trust/terraform');

const e: oidc.Evaluation = oidc.evaluate('{}', 'eyJ...');
const d: oidc.Decision = oidc.compile('{}').decide({ sub: 'x' });
const who: analysis.RegionReport[] = analysis.whoCan('{}');
const tf: terraform.TerraformLint[] = terraform.lintTerraform({ 'main.tf': '' }).policies;
void [e, d, who, tf];
