// A TypeScript user of the package (ES modules). Type-checked with tsc --noEmit; it
// must compile against the published .d.ts without casts.
import { compile, decodeToken, evaluate, OidcTrustError, parsePolicy, TRACE_VERSION } from 'oidc-trust';
import { lint } from 'oidc-trust/lint';
import type { Finding as LintFinding } from 'oidc-trust/lint';
import { diff, prove, whoCan } from 'oidc-trust/analysis';
import type { Proof } from 'oidc-trust/analysis';
import { evaluateTerraform, lintTerraform, readTerraform } from 'oidc-trust/terraform';
import type { TerraformPolicy, TerraformSource } from 'oidc-trust/terraform';
import { generate } from 'oidc-trust/generate';
import type { Generated, Intent } from 'oidc-trust/generate';
import { init, initSync, initLint, initLintSync, evaluate as evaluateLoaded, lint as lintLoaded } from 'oidc-trust/init';
import type { CompiledPolicy, ConditionTrace, Decision, Evaluation, EvaluateOptions, Finding, LintReport } from 'oidc-trust';

const policy = { Version: '2012-10-17', Statement: [] };
const options: EvaluateOptions = { issuer: 'token.actions.githubusercontent.com', now: new Date(), context: { 'aws:SourceIp': '203.0.113.7' } };
const e: Evaluation = evaluate(policy, { sub: 'repo:acme/api:ref:refs/heads/main' }, options);
const decision: Decision = e.decision;
const failing: ConditionTrace[] = e.statements.flatMap((s) => s.conditions.filter((c) => !c.satisfied));
const version: 2 = TRACE_VERSION;
const keyOfFirst: string | undefined = e.locations?.[failing[0]?.keyAt ?? 0]?.text;

const compiled: CompiledPolicy = compile(JSON.stringify(policy));
const many: Evaluation[] = compiled.evaluateMany(['eyJ...', { sub: 'x' }]);
const decisions: Decision[] = compiled.decideMany([{ sub: 'x' }]);
compiled.free();

try {
  parsePolicy('{');
} catch (err) {
  if (err instanceof OidcTrustError) {
    const where: string = `${err.pointer} ${err.line ?? '?'}:${err.column ?? '?'} ${err.code}: ${err.help}`;
    void where;
  }
}
const parsed = parsePolicy(policy);
const firstKey: string | undefined = parsed.policy?.statements[0]?.conditions[0]?.key;
const alg = decodeToken('a.b.c').header['alg'];
const report: LintReport = lint(policy, { account: '123456789012' });
const critical: Finding[] = report.findings.filter((f) => f.severity === 'critical');
const sameFinding: LintFinding[] = critical;
const who: string[] = whoCan(policy).flatMap((r) => r.summary);
const proof: Proof = prove(policy, { sub: 'repo:acme/*' });
const counter = proof.result === 'counterexample' ? proof.claims : undefined;
const widened = diff(policy, policy)[0]?.newlyAdmitted.length;

// @ts-expect-error: options are checked
evaluate(policy, {}, { issuer: 3 });

const source: TerraformSource = readTerraform({ 'main.tf': 'resource ...' }, { vars: { org: 'acme' }, varFiles: ['prod.tfvars'] });
const found: TerraformPolicy[] = source.policies;
const tfTrace = source.evaluate({ sub: 'x' }, { resource: 'aws_iam_role.deploy', now: new Date() });
const located: string | undefined = tfTrace.locations?.[tfTrace.statements[0]?.at ?? 0]?.file;
const perResource: (string | null)[] = lintTerraform('jsonencode({})').policies.map((p) => p.resource);
const tfDecision: Decision = evaluateTerraform('resource ...', 'eyJ...', { resource: 'aws_iam_role.x', vars: { org: 'a' } }).decision;
source.free();
const intent: Intent = { provider: 'gitlab', account: '123456789012', repositories: [{ repo: 'acme/api', id: '100' }], branches: ['main'], layer3: true, codeOwners: ['@acme/maint'] };
const generated: Generated = generate(intent);
const controls: string[] = generated.layer3.map((f) => f.path);
const checked: LintReport = lint(generated.policy);
// @ts-expect-error: CircleCI has no branches
generate({ provider: 'circleci', account: '1', repositories: ['a/b'], branches: ['main'] });
// @ts-expect-error: the account is required
generate({ repositories: ['acme/api'] });
void [controls, checked];
await init();
initSync(new Uint8Array(8));
await initLint();
initLintSync(new Uint8Array(8));
const lintedLoaded: LintReport = lintLoaded('{}');
const loadedDecision: Decision = evaluateLoaded(policy, { sub: 'x' }).decision;
// @ts-expect-error: variables are text, as after --var
readTerraform('x', { vars: { count: 3 } });

void [decision, failing, version, keyOfFirst, many, decisions, firstKey, alg, critical, sameFinding, who, counter, widened, found, located, perResource, tfDecision, loadedDecision, lintedLoaded];
