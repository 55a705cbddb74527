// The oidc-trust CLI itself, built for WASI (wasm32-wasip1), run on Node's WASI: what
// `npx oidc-trust` (cli.mjs) and the GitHub Action call. Same flags, output, exit codes and
// files as the native binary: the root of the file system is preopened (absolute paths
// work), the CLI is told the working directory (relative paths work) and whether standard
// output is a terminal (`--color auto`).
import { readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import { parse, relative, sep } from 'node:path';

// Node marks WASI experimental and says so on every start; the CLI's output is what the
// user asked for, so that one warning is dropped (every other warning stays).
const emitWarning = process.emitWarning;
process.emitWarning = function (warning, ...rest) {
  const kind = typeof rest[0] === 'string' ? rest[0] : rest[0]?.type;
  if (kind === 'ExperimentalWarning' && /WASI/.test(String(warning))) return;
  return emitWarning.call(process, warning, ...rest);
};

/** Runs the CLI with `args`; resolves to its exit code. */
export async function run(args, { cwd = process.cwd(), env = process.env } = {}) {
  const { WASI } = await import('node:wasi');
  const root = parse(cwd).root;
  const inside = relative(root, cwd).split(sep).filter(Boolean).join('/');
  const wasi = new WASI({
    version: 'preview1',
    args: ['oidc-trust', ...args],
    env: {
      ...env,
      OIDC_TRUST_WASI_CWD: `/${inside}`,
      // isatty, not process.stdout: creating that stream makes a pipe non-blocking, and
      // the CLI's writes to it would then fail with EAGAIN when the reader is slow.
      OIDC_TRUST_WASI_TTY: isatty(1) ? '1' : '0',
    },
    preopens: { '/': root },
    returnOnExit: true,
  });
  const module = await WebAssembly.compile(readFileSync(new URL('./oidc_trust_cli.wasm', import.meta.url)));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  return wasi.start(instance);
}

