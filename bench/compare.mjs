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
import { loadPolicy } from '@cloud-copilot/iam-policy';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const oidc = await import(join(root, 'wasm', 'pkg', 'node.js'));
// iam-simulate's core engine, which `runSimulation` wraps: `authorize` over loaded policies
// and a built request. The package does not export it, so it is imported from its files
// (the path of version 0.1.173, which bench/package.json pins). Its public unvalidated path,
// `runUnsafeSimulation`, cannot stand in: it loads a resource policy without the name the
// engine reads, and throws.
const dist = join(here, 'node_modules', '@cloud-copilot', 'iam-simulate', 'dist', 'esm');
const { authorize } = await import(join(dist, 'core_engine', 'CoreSimulatorEngine.js'));
const { AwsRequestImpl } = await import(join(dist, 'request', 'request.js'));
const { RequestContextImpl } = await import(join(dist, 'requestContext.js'));
const { DiscoveryContextKeyConstraints } = await import(join(dist, 'context_keys', 'discoveryContextKeyConstraints.js'));

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

// The core engine as a caller holding a loaded policy would run it: the policy loaded once
// (as `compile` parses once), the request built from each token's keys, then `authorize`,
// whose analysis holds every statement's and condition's result (its explanation).
const loaded = loadPolicy(policy, { name: 'trust' });
const core = (contextVariables, resourcePolicy = loaded) => authorize({
  request: new AwsRequestImpl(PROVIDER, { resource: 'arn:aws:iam::123456789012:role/deploy', accountId: '123456789012' }, 'sts:AssumeRoleWithWebIdentity', new RequestContextImpl(contextVariables)),
  sessionPolicy: undefined,
  identityPolicies: [],
  serviceControlPolicies: [],
  resourceControlPolicies: [],
  resourcePolicy,
  permissionBoundaries: undefined,
  vpcEndpointPolicies: undefined,
  simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
});

// Decisions first: the engines must agree on every token, through each path.
let agree = 0;
const disagreements = [];
for (let i = 0; i < tokens.length; i++) {
  const ours = compiled.decide(tokens[i]);
  const r = await runSimulation(simulation(contexts[i]), {});
  const paths = {
    runSimulation: r.resultType === 'single' && r.overallResult === 'Allowed' ? 'allow' : 'deny',
    authorize: core(contexts[i]).result === 'Allowed' ? 'allow' : 'deny',
  };
  const differing = Object.entries(paths).filter(([, theirs]) => theirs !== ours);
  if (differing.length === 0) agree++;
  else disagreements.push(`${tokens[i].sub}: oidc-trust ${ours}, ${differing.map(([p, d]) => `${p} ${d}`).join(', ')}`);
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
const engine = await rate(() => { core(contexts[next()]); });
// One-shot against one-shot: the policy loaded on every call, as `evaluate` parses it.
const engineOneShot = await rate(() => { core(contexts[next()], loadPolicy(policy, { name: 'trust' })); });
const oneShot = await rate(() => { oidc.evaluate(policyText, tokens[next()]); });
const oneShotDecide = await rate(() => { const c = oidc.compile(policyText); c.decide(tokens[next()]); c.free(); });
const many = await rate(() => { compiled.evaluateMany(tokens); }, tokens.length);
const decideMany = await rate(() => { compiled.decideMany(tokens); }, tokens.length);
compiled.free();

const fmt = (x) => Math.round(x).toLocaleString('en-US');
console.log(`oidc-trust vs @cloud-copilot/iam-simulate 0.1.173 — Node ${process.version}, one core, ${tokens.length} tokens (${allowed} allowed)`);
console.log(`decisions agree on ${agree}/${tokens.length} tokens${disagreements.length ? `:\n  ${disagreements.join('\n  ')}` : ''}`);
const line = (name, x, against) => console.log(`${name.padEnd(58)} ${fmt(x).padStart(10)} /s   ${(x / sim).toFixed(1)}× / ${(x / against).toFixed(1)}×`);
console.log(`${'iam-simulate runSimulation (validated; decision + explanation)'.padEnd(58)} ${fmt(sim).padStart(10)} /s`);
console.log(`${'iam-simulate authorize, policy loaded per call (core engine)'.padEnd(58)} ${fmt(engineOneShot).padStart(10)} /s`);
console.log(`${'iam-simulate authorize, policy loaded once (core engine)'.padEnd(58)} ${fmt(engine).padStart(10)} /s`);
console.log('oidc-trust, rate against runSimulation / against the core engine (one-shot against per call, compiled against once):');
line('oidc-trust evaluate, one-shot (parse + full trace)', oneShot, engineOneShot);
line('oidc-trust compile().decide, one-shot (no trace)', oneShotDecide, engineOneShot);
line('oidc-trust compile().evaluateMany (full trace)', many, engine);
line('oidc-trust compile().decideMany (decision only)', decideMany, engine);

const jsonAt = process.argv.indexOf('--json');
if (jsonAt > 0) {
  writeFileSync(process.argv[jsonAt + 1], JSON.stringify({
    node: process.version,
    tokens: tokens.length,
    agree,
    disagreements,
    perSecond: { iamSimulate: sim, iamSimulateCore: engine, iamSimulateCoreOneShot: engineOneShot, evaluate: oneShot, decide: oneShotDecide, evaluateMany: many, decideMany },
  }, null, 2));
}
