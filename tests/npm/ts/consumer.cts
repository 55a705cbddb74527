// A TypeScript user of the package (CommonJS).
import oidc = require('oidc-trust');
import linter = require('oidc-trust/lint');
import analysis = require('oidc-trust/analysis');
import terraform = require('oidc-trust/terraform');
import generator = require('oidc-trust/generate');

const e: oidc.Evaluation = oidc.evaluate('{}', 'eyJ...');
const d: oidc.Decision = oidc.compile('{}').decide({ sub: 'x' });
const report: linter.LintReport = linter.lint('{}');
const who: analysis.RegionReport[] = analysis.whoCan('{}');
const tf: terraform.TerraformLint[] = terraform.lintTerraform({ 'main.tf': '' }).policies;
const generated: generator.Generated = generator.generate({ account: '123456789012', repositories: ['acme/api'], branches: ['main'] });
void [e, d, report, who, tf, generated];
