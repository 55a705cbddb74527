// A static file server for loopback only: the playground's dist/ and the npm package's
// browser test. No directory listings, no paths outside the root. A file's precompressed
// copy (`FILE.br`, `FILE.gz`, written by the playground build) is sent instead when the
// browser accepts that encoding.
//
//   node scripts/serve.mjs DIR [PORT]     (PORT 0: any free port; prints the address)
import { createServer } from 'node:http';
import { readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

const isFile = (path) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** Serves `dir` on 127.0.0.1:`port`; resolves to the listening server. */
export async function serve(dir, port = 0) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    let path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(root, path));
    try {
      if (!(file === root || file.startsWith(root + sep)) || !statSync(file).isFile()) throw new Error('not found');
      const accepted = String(req.headers['accept-encoding'] ?? '');
      const encoding = [['br', '.br'], ['gzip', '.gz']].find(([name, ext]) => new RegExp(`\\b${name}\\b`).test(accepted) && isFile(file + ext));
      const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache', vary: 'accept-encoding' };
      if (encoding) headers['content-encoding'] = encoding[0];
      res.writeHead(200, headers);
      res.end(readFileSync(encoding ? file + encoding[1] : file));
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', ok);
  });
  return server;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dir = 'dist', port = '8080'] = process.argv.slice(2);
  const server = await serve(dir, Number(port));
  console.log(`serving ${dir} on http://127.0.0.1:${server.address().port}/ (Ctrl-C stops)`);
}
