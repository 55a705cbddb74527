// The CLI from the installed package — `npx oidc-trust`, the WASI build run by Node, and
// the same file under Deno — against the native binary: the same output, byte for byte,
// and the same exit code, for every format and the commands users pipe into CI. Runs in
// the test project where run.mjs installed the packed tarball. Prints TAP-like lines.
//
//   node tests/npm/cli.mjs REPO_ROOT
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = process.argv[2];
const native = join(root, 'target', 'release', 'oidc-trust');
const deno = join(root, 'node_modules', '.bin', 'deno');
const env = { ...process.env, NO_COLOR: '1' };
const cases = [
  ['lint', join(root, 'tests', 'terraform', 'cases'), '--format', 'sarif'],
  ['lint', join(root, 'tests', 'terraform', 'cases'), '--format', 'json'],
  ['lint', join(root, 'tests', 'terraform', 'cases', '02-jsonencode-repo-wildcard', 'main.tf')],
  ['lint', join(root, 'examples'), '--format', 'markdown'],
  ['eval', '--policy', join(root, 'examples', 'policies', 'basic-repo.json'), '--token', join(root, 'examples', 'tokens', 'main.jwt'), '--format', 'json', '--now', '1787166800'],
  ['eval', '--policy', join(root, 'examples', 'terraform', 'main.tf'), '--claims', join(root, 'examples', 'tokens', 'pull-request.json'), '--resource', 'aws_iam_role.release'],
  ['who-can', join(root, 'examples', 'policies', 'hardening-layer2.json'), '--format', 'json'],
  ['generate', '--account', '123456789012', '--repo', 'acme/api', '--branch', 'main', '--format', 'json'],
  ['test', join(root, 'examples', 'policies', 'basic-repo.json'), join(root, 'examples', 'tests', 'basic-repo.tests.yaml')],
  ['lint', 'no/such/file.json'],
  ['--version'],
];
// Relative paths too: the CLI's working directory is the caller's.
const relative = ['lint', 'examples/terraform/main.tf', '--format', 'json'];

let passed = 0;
let failed = 0;
const report = (ok, name, detail) => {
  ok ? passed++ : failed++;
  console.log(`${ok ? 'ok' : 'not ok'} - ${name}${ok ? '' : `\n  ${detail}`}`);
};
const runIt = (cmd, args, cwd) => spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
const same = (name, a, b) => {
  const ok = a.status === b.status && a.stdout === b.stdout && a.stderr === b.stderr;
  const first = [...a.stdout].findIndex((c, i) => c !== b.stdout[i]);
  report(ok, name, `exit ${a.status} vs ${b.status}; stdout differs at ${first}: ${JSON.stringify(a.stdout.slice(Math.max(0, first - 40), first + 40))} vs ${JSON.stringify(b.stdout.slice(Math.max(0, first - 40), first + 40))}; stderr ${JSON.stringify(a.stderr.slice(0, 200))} vs ${JSON.stringify(b.stderr.slice(0, 200))}`);
};
for (const args of cases) {
  const want = runIt(native, args, process.cwd());
  same(`npx oidc-trust ${args.slice(0, 2).join(' ')}… = native`, runIt('npx', ['--no-install', 'oidc-trust', ...args], process.cwd()), want);
}
same('a relative path, from the caller\'s directory', runIt(process.execPath, [join(process.cwd(), 'node_modules', 'oidc-trust', 'cli.mjs'), ...relative], root), runIt(native, relative, root));
// Deno runs the same file through its Node compatibility.
same('under Deno: lint --format sarif = native', runIt(deno, ['run', '--quiet', '-A', join(process.cwd(), 'node_modules', 'oidc-trust', 'cli.mjs'), ...cases[0]], process.cwd()), runIt(native, cases[0], process.cwd()));
// A closed pipe ends it quietly, as natively (exit 141, nothing on stderr).
const piped = spawnSync('sh', ['-c', `npx --no-install oidc-trust lint ${cases[0][1]} | head -1 >/dev/null; echo "\${PIPESTATUS:-}"`], { env, encoding: 'utf8' });
report(piped.stderr === '', 'a closed pipe ends npx oidc-trust quietly', piped.stderr.slice(0, 300));
console.log(`# pass ${passed}\n# fail ${failed}`);
process.exitCode = failed ? 1 : 0;
