// Builds the npm package `oidc-trust` into wasm/pkg/:
//   cargo (wasm32, size profiles) → wasm-bindgen (web + nodejs glue) → wasm-opt →
//   hand-written API layer and entry points → package.json, README, LICENSE, types.
// One .wasm serves every runtime: wasm-bindgen emits byte-identical modules for its
// targets (checked below), so only the JS glue differs.
//
//   node build.mjs [--dev]    --dev: skip wasm-opt (faster, larger)
//   node build.mjs --playground DIR   only the Terraform reader, for the playground
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildCli } from './cli-build.mjs';
import { copyGlue } from './glue.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const pkg = join(here, 'pkg');
const scratch = join(root, 'target', 'npm-glue');
const dev = process.argv.includes('--dev');

function run(cmd, args) {
  execFileSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}

function tool(bin) {
  const local = join(root, 'node_modules', '.bin', bin);
  return existsSync(local) ? local : bin;
}

// Five modules from one crate: the main one (the evaluator), `lint`, `analysis` (whoCan,
// prove, diff), `terraform` (the Terraform reader) and `generate` (the generator), each
// measured against the size budget on its own. The main module is the hot path and has
// room in its budget, so it is built for speed within size ("s", 1.4 to 1.6x faster than
// "z"); the others for size ("z"). BENCHMARKS.md has the measurements.
// Each feature build has its own target folder so that all stay cached.
const modules = [
  { name: 'oidc_trust_wasm', features: [], targetDir: join(root, 'target'), profile: 'wasm-npm-fast', opt: '-Os' },
  { name: 'oidc_trust_lint', features: ['--features', 'lint'], targetDir: join(root, 'target', 'lint'), profile: 'wasm-npm', opt: '-Oz' },
  { name: 'oidc_trust_analysis', features: ['--features', 'analysis'], targetDir: join(root, 'target', 'analysis'), profile: 'wasm-npm', opt: '-Oz' },
  { name: 'oidc_trust_terraform', features: ['--features', 'terraform'], targetDir: join(root, 'target', 'terraform'), profile: 'wasm-npm', opt: '-Oz' },
  { name: 'oidc_trust_generate', features: ['--features', 'generate'], targetDir: join(root, 'target', 'generate'), profile: 'wasm-npm', opt: '-Oz' },
];
const digest = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

// `--playground DIR [--module generate]`: only the Terraform reader (or the generator),
// browser glue, into DIR — a module the playground loads when first needed (when HCL is
// pasted, when the Generate view opens): their own builds keep the first load small.
const playgroundAt = process.argv.indexOf('--playground');
if (playgroundAt > 0) {
  const out = process.argv[playgroundAt + 1];
  const moduleAt = process.argv.indexOf('--module');
  const wanted = `oidc_trust_${moduleAt > 0 ? process.argv[moduleAt + 1] : 'terraform'}`;
  const m = modules.find((x) => x.name === wanted);
  if (!m) throw new Error(`--module: no module ${wanted}`);
  run('cargo', ['build', '--quiet', '-p', 'oidc-trust-wasm', '--target', 'wasm32-unknown-unknown', '--profile', m.profile, '--target-dir', m.targetDir, ...m.features]);
  const glue = join(scratch, `playground-${m.name}`);
  rmSync(glue, { recursive: true, force: true });
  run('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-name', m.name, '--out-dir', glue, join(m.targetDir, 'wasm32-unknown-unknown', m.profile, 'oidc_trust_wasm.wasm')]);
  mkdirSync(out, { recursive: true });
  if (dev) copyFileSync(join(glue, `${m.name}_bg.wasm`), join(out, `${m.name}_bg.wasm`));
  else run(tool('wasm-opt'), [m.opt, join(glue, `${m.name}_bg.wasm`), '-o', join(out, `${m.name}_bg.wasm`)]);
  copyGlue(join(glue, `${m.name}.js`), join(out, `${m.name}.js`));
  process.exit(0);
}

rmSync(scratch, { recursive: true, force: true });
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);
for (const m of modules) {
  run('cargo', ['build', '--quiet', '-p', 'oidc-trust-wasm', '--target', 'wasm32-unknown-unknown', '--profile', m.profile, '--target-dir', m.targetDir, ...m.features]);
  const built = join(m.targetDir, 'wasm32-unknown-unknown', m.profile, 'oidc_trust_wasm.wasm');
  for (const target of ['web', 'nodejs']) {
    run('wasm-bindgen', ['--target', target, '--no-typescript', '--out-name', m.name, '--out-dir', join(scratch, target), built]);
  }
  if (digest(join(scratch, 'web', `${m.name}_bg.wasm`)) !== digest(join(scratch, 'nodejs', `${m.name}_bg.wasm`))) {
    throw new Error(`wasm-bindgen emitted different ${m.name} modules for web and nodejs: the package needs one per target`);
  }
  const wasmOut = join(pkg, `${m.name}_bg.wasm`);
  if (dev) {
    copyFileSync(join(scratch, 'web', `${m.name}_bg.wasm`), wasmOut);
  } else {
    // wasm-opt from npm binaryen: Debian's older build silently corrupts this output.
    run(tool('wasm-opt'), [m.opt, join(scratch, 'web', `${m.name}_bg.wasm`), '-o', wasmOut]);
  }
  copyGlue(join(scratch, 'web', `${m.name}.js`), join(pkg, `${m.name}.js`));
  copyGlue(join(scratch, 'nodejs', `${m.name}.js`), join(pkg, `${m.name}.cjs`));
}

// The CLI for WASI: `npx oidc-trust` (bin cli.mjs).
buildCli(pkg);

const js = join(here, 'js');
for (const file of ['cli.mjs', 'init.js', 'init.d.ts', 'api.js', 'node.js', 'web.js', 'index.cjs', 'index.d.ts', 'lint.js', 'lint-node.js', 'lint-web.js', 'lint.cjs', 'lint.d.ts', 'analysis.js', 'analysis-node.js', 'analysis-web.js', 'analysis.cjs', 'analysis.d.ts', 'terraform.js', 'terraform-node.js', 'terraform-web.js', 'terraform.cjs', 'terraform.d.ts', 'generate.js', 'generate-node.js', 'generate-web.js', 'generate.cjs', 'generate.d.ts', 'README.md']) {
  copyFileSync(join(js, file), join(pkg, file));
}
// The same declarations serve `require`: TypeScript wants a .d.cts beside a .cjs.
copyFileSync(join(js, 'index.d.ts'), join(pkg, 'index.d.cts'));
copyFileSync(join(js, 'lint.d.ts'), join(pkg, 'lint.d.cts'));
copyFileSync(join(js, 'analysis.d.ts'), join(pkg, 'analysis.d.cts'));
copyFileSync(join(js, 'terraform.d.ts'), join(pkg, 'terraform.d.cts'));
copyFileSync(join(js, 'generate.d.ts'), join(pkg, 'generate.d.cts'));
writeFileSync(join(pkg, 'api.cjs'), toCommonJs(readFileSync(join(js, 'api.js'), 'utf8')));
writeFileSync(join(pkg, 'lint-impl.cjs'), toCommonJs(readFileSync(join(js, 'lint.js'), 'utf8')));
writeFileSync(join(pkg, 'analysis-impl.cjs'), toCommonJs(readFileSync(join(js, 'analysis.js'), 'utf8')));
writeFileSync(join(pkg, 'terraform-impl.cjs'), toCommonJs(readFileSync(join(js, 'terraform.js'), 'utf8')));
writeFileSync(join(pkg, 'generate-impl.cjs'), toCommonJs(readFileSync(join(js, 'generate.js'), 'utf8')));
copyFileSync(join(root, 'LICENSE'), join(pkg, 'LICENSE'));

const version = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/\[workspace\.package\][^[]*?\nversion = "([^"]+)"/)?.[1];
if (!version) throw new Error('no [workspace.package] version in Cargo.toml');
const manifest = JSON.parse(readFileSync(join(js, 'package.json'), 'utf8'));
manifest.version = version;
writeFileSync(join(pkg, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
for (const m of modules) {
  const bytes = readFileSync(join(pkg, `${m.name}_bg.wasm`));
  console.log(`oidc-trust ${version}: ${m.name}_bg.wasm ${kb(bytes.length)} raw, ${kb(gzipSync(bytes, { level: 9 }).length)} gzip -9${dev ? ' (dev: not optimised)' : ''}`);
}

{
  const cli = readFileSync(join(pkg, 'oidc_trust_cli.wasm'));
  console.log(`oidc-trust ${version}: oidc_trust_cli.wasm (npx oidc-trust) ${kb(cli.length)} raw, ${kb(gzipSync(cli, { level: 9 }).length)} gzip -9`);
}

// api.js, lint.js, analysis.js, terraform.js and generate.js keep to `export
// function|class|const` at top level (and the others to `import {...}` from './api.js' or
// './lint.js'), so CommonJS is the same text without `export`, the imports as requires (of
// api.cjs and lint-impl.cjs), and one module.exports line.
function toCommonJs(source) {
  const names = [];
  const body = source
    .replace(/^import \{([^}]*)\} from '\.\/(api|lint)\.js';$/gm, (_, list, from) => `const {${list}} = require('./${from === 'api' ? 'api.cjs' : 'lint-impl.cjs'}');`)
    .replace(/^export (function|class|const) (\w+)/gm, (_, kind, id) => {
      names.push(id);
      return `${kind} ${id}`;
    });
  if (/^\s*(import|export)\b/m.test(body)) throw new Error('api.js must not import or re-export: the CJS build cannot follow');
  return `'use strict';\n${body}\nmodule.exports = { ${names.join(', ')} };\n`;
}
