// The pre-commit hook as users adopt it: `pre-commit try-repo` (PyPI, installed by
// `scripts/setup python`) runs `oidc-trust-lint` from this repository on the files of a
// fixture repository. A wide role fails the hook with its finding; a tight policy, and
// files that hold no trust policy, pass. Prints TAP-like lines and "N passed, N failed".
//
//   node tests/precommit/run.mjs
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tools = process.env.OIDC_TRUST_PYTHON_TOOLS ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'oidc-trust', 'python');
const preCommit = join(tools, 'bin', 'pre-commit');
let passed = 0;
let failed = 0;
const check = (name, ok, detail = '') => {
  ok ? passed++ : failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - pre-commit: ${name}${ok ? '' : `\n  ${String(detail).slice(0, 800)}`}`);
};

const work = mkdtempSync(join(tmpdir(), 'oidc-trust-precommit-'));
const repo = join(work, 'repo');
const files = {
  'infra/main.tf': `resource "aws_iam_role" "deploy" {
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRoleWithWebIdentity"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com" }
      Condition = { StringLike = { "token.actions.githubusercontent.com:sub" = "repo:acme/*" } }
    }]
  })
}
`,
  'iam/trust.json': readFileSync(join(root, 'examples', 'policies', 'hardening-layer4.json'), 'utf8'),
  'package.json': '{"name": "app", "version": "1.0.0"}\n',
  '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n',
};
for (const [path, text] of Object.entries(files)) {
  mkdirSync(dirname(join(repo, path)), { recursive: true });
  writeFileSync(join(repo, path), text);
}
const env = { ...process.env, PRE_COMMIT_HOME: join(work, 'cache'), NO_COLOR: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const git = (...args) => spawnSync('git', args, { cwd: repo, env, encoding: 'utf8' });
git('init', '-q');
git('add', '-A');
const tryRepo = (...selection) => spawnSync(preCommit, ['try-repo', root, 'oidc-trust-lint', ...selection], { cwd: repo, env, encoding: 'utf8' });

let r = tryRepo('--all-files');
const out = `${r.stdout}${r.stderr}`;
check('a wide role fails the hook (the lint exits 1: a finding, not an error)', r.status === 1 && out.includes('- exit code: 1'), `${r.status} ${out}`);
check('its finding is shown with the file, line and column', out.includes('infra/main.tf:8:') && out.includes('admits-sibling-repo'), out);
check('files that hold no trust policy are passed over (no error about package.json or the workflow)', !out.includes('package.json') && !out.includes('ci.yml'), out);
r = tryRepo('--files', 'iam/trust.json', 'package.json', '.github/workflows/ci.yml');
check('a tight policy and unrelated files pass', r.status === 0, `${r.status} ${r.stdout}${r.stderr}`);
rmSync(work, { recursive: true, force: true });
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
