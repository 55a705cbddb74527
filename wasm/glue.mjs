// The JS glue wasm-bindgen writes, with one change: how a string is copied into WebAssembly
// memory. The glue copies it one character at a time in JavaScript while it is ASCII, and
// hands only the rest to TextEncoder.encodeInto. For the texts this package moves (a 1.4 KB
// JWT, a list of tokens joined into one text) that loop costs 2.9 us per 1.4 KB where
// encodeInto takes 0.1 us, so a string longer than 64 characters goes straight to the glue's
// own encodeInto path (the one it takes for non-ASCII text). That path reserves 3 bytes per
// character before it shrinks to what was written, and WebAssembly memory never shrinks:
// above 256 Ki characters the exact-size loop is kept (wasm/js/api.js sends lists in chunks
// of up to that length, LIST_CHUNK). The glue comes from the wasm-bindgen version pinned in
// Cargo.toml; the build stops if its loop is not found exactly once.
import { readFileSync, writeFileSync } from 'node:fs';

const LOOP = 'for (; offset < len; offset++) {';

/** Copies wasm-bindgen's glue from `from` to `to`, with the faster string copy. */
export function copyGlue(from, to) {
  const text = readFileSync(from, 'utf8');
  if (text.split(LOOP).length !== 2) throw new Error(`${from}: wasm-bindgen's string copy loop not found once; review wasm/glue.mjs`);
  writeFileSync(to, text.replace(LOOP, 'for (; offset < len && (len <= 64 || len > 262144); offset++) {'));
}
