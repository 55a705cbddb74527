// The oidc-trust npm package against @cloud-copilot/iam-simulate, same process, same cases.
//
// Equal decision work: iam-simulate's validated `runSimulation` drops the generic
// `…:sub`/`…:aud` keys for AssumeRoleWithWebIdentity (see the project's peers survey), so
// the shared policy conditions on the provider-specific keys it keeps (repository, ref,
// job_workflow_ref, actor). Both engines get the same tokens: oidc-trust reads the claims,
// iam-simulate gets every condition key oidc-trust derives from them. Every decision is
// compared; a disagreement is reported, not hidden.
//
//   node bench/compare.mjs [--json FILE]   (after `npm --prefix wasm run build` and `npm --prefix bench install`)
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSimulation } from '@cloud-copilot/iam-simulate';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const oidc = await import(join(root, 'wasm', 'pkg', 'node.js'));

const GH = 'token.actions.githubusercontent.com';
const PROVIDER = `arn:aws:iam::123456789012:oidc-provider/${GH}`;
const policy = {
  Version: '2012-10-17',
  Statement: [{
    Effect: 'Allow',
    Principal: { Federated: PROVIDER },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: {
      StringEquals: {
        [`${GH}:repository`]: 'acme/api',
        [`${GH}:ref`]: 'refs/heads/main',
        [`${GH}:job_workflow_ref`]: 'acme/api/.github/workflows/deploy.yml@refs/heads/main',
      },
      StringLike: { [`${GH}:actor`]: ['release-bot', 'alice', 'ci-*'] },
    },
  }],
};
const policyText = JSON.stringify(policy);
const tokens = readdirSync(join(root, 'examples', 'tokens'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(root, 'examples', 'tokens', f), 'utf8')));

// The context keys oidc-trust derives from each token (its trace says which: the keys
// that come from the claim they are named after in `request.claims`, the others in
// `request.keys`).
const compiled = oidc.compile(policyText);
const contexts = tokens.map((t) => {
  const { issuer, claims = {}, keys = [] } = compiled.evaluate(t).request;
  return Object.fromEntries([
    ...Object.entries(claims).map(([name, v]) => [`${issuer}:${name}`, v]),
    ...keys.map((k) => [k.key, k.values.length === 1 ? k.values[0] : k.values]),
  ]);
});
const simulation = (contextVariables) => ({
  identityPolicies: [],
  serviceControlPolicies: [],
  resourceControlPolicies: [],
  resourcePolicy: policy,
  request: {
    action: 'sts:AssumeRoleWithWebIdentity',
    principal: PROVIDER,
    resource: { accountId: '123456789012', resource: 'arn:aws:iam::123456789012:role/deploy' },
    contextVariables,
  },
});

// Decisions first: the engines must agree on every token.
let agree = 0;
const disagreements = [];
for (let i = 0; i < tokens.length; i++) {
  const ours = compiled.decide(tokens[i]);
  const r = await runSimulation(simulation(contexts[i]), {});
  const theirs = r.resultType === 'single' && r.overallResult === 'Allowed' ? 'allow' : 'deny';
  if (ours === theirs) agree++;
  else disagreements.push(`${tokens[i].sub}: oidc-trust ${ours}, iam-simulate ${theirs} (${r.resultType} ${r.overallResult ?? ''})`);
}
const allowed = tokens.filter((t) => compiled.decide(t) === 'allow').length;

async function rate(fn, perCall = 1, ms = 1500) {
  const until = Date.now() + 200;
  while (Date.now() < until) await fn();
  let n = 0;
  const start = process.hrtime.bigint();
  const stop = Date.now() + ms;
  while (Date.now() < stop) {
    await fn();
    n++;
  }
  return (n * perCall) / (Number(process.hrtime.bigint() - start) / 1e9);
}

let k = 0;
const next = () => k++ % tokens.length;
const sim = await rate(async () => { const i = next(); await runSimulation(simulation(contexts[i]), {}); });
const oneShot = await rate(() => { oidc.evaluate(policyText, tokens[next()]); });
const oneShotDecide = await rate(() => { const c = oidc.compile(policyText); c.decide(tokens[next()]); c.free(); });
const many = await rate(() => { compiled.evaluateMany(tokens); }, tokens.length);
const decideMany = await rate(() => { compiled.decideMany(tokens); }, tokens.length);
compiled.free();

const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(`oidc-trust vs @cloud-copilot/iam-simulate 0.1.173 — Node ${process.version}, one core, ${tokens.length} tokens (${allowed} allowed)`);
console.log(`decisions agree on ${agree}/${tokens.length} tokens${disagreements.length ? `:\n  ${disagreements.join('\n  ')}` : ''}`);
console.log(`iam-simulate runSimulation (decision + explanation)   ${fmt(sim).padStart(10)} /s`);
console.log(`oidc-trust evaluate, one-shot (parse + full trace)    ${fmt(oneShot).padStart(10)} /s   ${(oneShot / sim).toFixed(1)}×`);
console.log(`oidc-trust compile().decide, one-shot (no trace)     ${fmt(oneShotDecide).padStart(10)} /s   ${(oneShotDecide / sim).toFixed(1)}×`);
console.log(`oidc-trust compile().evaluateMany (full trace)        ${fmt(many).padStart(10)} /s   ${(many / sim).toFixed(1)}×`);
console.log(`oidc-trust compile().decideMany (decision only)       ${fmt(decideMany).padStart(10)} /s   ${(decideMany / sim).toFixed(1)}×`);

const jsonAt = process.argv.indexOf('--json');
if (jsonAt > 0) {
  writeFileSync(process.argv[jsonAt + 1], JSON.stringify({
    node: process.version,
    tokens: tokens.length,
    agree,
    disagreements,
    perSecond: { iamSimulate: sim, evaluate: oneShot, decide: oneShotDecide, evaluateMany: many, decideMany },
  }, null, 2));
}
