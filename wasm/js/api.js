// The public API of the npm package, over the raw wasm-bindgen exports.
//
// Written once as an ES module; the build derives `api.cjs` from it by dropping the
// `export` keywords, so this file must keep to top-level `export function|class|const`
// and import nothing. Every entry point (Node ESM, Node CJS, Deno, browsers) calls
// `bind` with its own loaded glue before user code runs.
//
// Inputs cross into wasm as text (JSON or a JWT) and results come back as JSON text:
// one copy each way, then `JSON.parse`, which beats building objects through bindings.

let raw;

/** Internal: installs the loaded wasm-bindgen glue. Not part of the public API. */
export function bind(glue) {
  raw = glue;
}

const OPTION_NAMES = ['issuer', 'account', 'action', 'allClaimsAreKeys', 'catalog', 'now', 'context', 'rcps', 'roleArn'];

/** An input the engine cannot use, with where it is and what to do. */
export class OidcTrustError extends Error {
  constructor(error, diagnostics, cause, index) {
    super(error.message ?? 'oidc-trust error', cause === undefined ? undefined : { cause });
    this.name = 'OidcTrustError';
    this.code = error.code ?? 'internal-error';
    this.help = error.help ?? '';
    this.input = error.input ?? 'options';
    this.pointer = error.pointer ?? '';
    this.line = error.line ?? null;
    this.column = error.column ?? null;
    this.span = error.span ?? null;
    this.diagnostics = diagnostics ?? [];
    if (index !== undefined) this.index = index;
  }
}

export function usage(code, message, help, pointer = '', input = 'options', index = undefined) {
  return new OidcTrustError({ code, message, help, input, pointer }, [], undefined, index);
}

// Runs a raw call; turns the engine's thrown JSON into an OidcTrustError. Anything else
// (a trap would be a bug: the core has no panicking paths) is wrapped, not swallowed.
export function call(fn) {
  try {
    return fn();
  } catch (thrown) {
    if (typeof thrown === 'string') {
      let wire;
      try {
        wire = JSON.parse(thrown);
      } catch {
        wire = { error: { code: 'internal-error', message: thrown } };
      }
      throw new OidcTrustError(wire.error ?? {}, wire.diagnostics, undefined, wire.index);
    }
    if (thrown instanceof OidcTrustError) throw thrown;
    throw new OidcTrustError(
      {
        code: 'internal-error',
        message: `the WebAssembly module failed: ${thrown && thrown.message ? thrown.message : String(thrown)}`,
        help: 'this is a bug in oidc-trust: please report it with the input',
      },
      [],
      thrown,
    );
  }
}

/**
 * Internal: where one of the package's other modules (`what`, imported as `entry`) keeps
 * its glue: its entry point installs it (`bind`), and each call asks for it (`get`).
 */
export function moduleSlot(what, entry) {
  let raw;
  return {
    bind(glue) {
      raw = glue;
    },
    get() {
      if (raw === undefined) {
        throw usage('not-initialized', `the ${what} module is not loaded`, `import '${entry}', not its internal files`);
      }
      return raw;
    },
  };
}

function loaded() {
  if (raw === undefined) {
    throw usage('not-initialized', 'the WebAssembly module is not loaded', "with 'oidc-trust/init', call `await init()` (or `initSync(bytes)`) first; otherwise import the package entry point, not its internal files");
  }
  return raw;
}

// Policy: a JSON string (line:column in errors refer to it) or a parsed object.
export function policyText(policy) {
  if (typeof policy === 'string') return policy;
  if (policy !== null && typeof policy === 'object') return stringify(policy, 'policy');
  throw usage('invalid-argument', `the policy must be a JSON string or an object, got ${describe(policy)}`,
    'pass the policy document, e.g. JSON.parse(text) or the text itself', '', 'policy');
}

// Claims: an object, a JSON string, or a raw JWT string. `index`: the item of a list.
function claimsText(claims, index = undefined) {
  if (typeof claims === 'string') return claims;
  if (claims !== null && typeof claims === 'object' && !Array.isArray(claims)) return stringify(claims, 'claims', index);
  throw usage('invalid-argument', `the claims must be an object or a JWT string, got ${describe(claims)}`,
    'pass the token payload as an object, or the raw token', '', 'claims', index);
}

function stringify(value, input, index = undefined) {
  try {
    return JSON.stringify(value);
  } catch (e) {
    throw usage('invalid-argument', `the ${input} cannot be turned into JSON: ${e.message}`,
      'pass plain JSON data (no BigInt, no cycles)', '', input, index);
  }
}

export function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function optionalString(options, name) {
  const value = options[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw usage('invalid-option', `option \`${name}\` must be a string, got ${describe(value)}`, `e.g. { ${name}: "..." }`, `/${name}`);
  }
  return value;
}

// Turns the options object into compile()'s flat arguments, refusing what it cannot use.
function flatOptions(options) {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw usage('invalid-option', `the options must be an object, got ${describe(options)}`, 'e.g. { issuer: "token.actions.githubusercontent.com" }');
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.includes(name)) {
      const near = OPTION_NAMES.find((known) => known.toLowerCase() === name.toLowerCase());
      throw usage('unknown-option', `unknown option \`${name}\``,
        near ? `did you mean \`${near}\`?` : `the options are ${OPTION_NAMES.join(', ')}`, `/${name}`);
    }
  }
  const all = options.allClaimsAreKeys ?? false;
  if (typeof all !== 'boolean') {
    throw usage('invalid-option', `option \`allClaimsAreKeys\` must be a boolean, got ${describe(all)}`, 'pass true or false', '/allClaimsAreKeys');
  }
  return [
    optionalString(options, 'issuer'),
    optionalString(options, 'account'),
    optionalString(options, 'action'),
    all,
    optionalString(options, 'catalog'),
    timeOption(options.now),
    contextOption(options.context),
    ...rcpsOption(options),
  ];
}

/**
 * The `rcps` and `roleArn` options as the raw layer takes them: the RCPs' texts, their
 * names, and the role's ARN. An RCP is its JSON text, its parsed object, or
 * `{ name, policy }` (the name findings and traces give it; default `rcps[i]`).
 */
export function rcpsOption(options) {
  const rcps = options.rcps ?? [];
  if (!Array.isArray(rcps)) {
    throw usage('invalid-option', `option \`rcps\` must be an array of RCPs, got ${describe(rcps)}`,
      'e.g. { rcps: [rcpJsonText] } or { rcps: [{ name: "oidc-guard", policy: rcpObject }] }', '/rcps');
  }
  const texts = [];
  const names = [];
  rcps.forEach((rcp, i) => {
    const named = rcp !== null && typeof rcp === 'object' && !Array.isArray(rcp) && 'policy' in rcp;
    const policy = named ? rcp.policy : rcp;
    if (typeof policy === 'string') {
      texts.push(policy);
    } else if (policy !== null && typeof policy === 'object' && !Array.isArray(policy)) {
      texts.push(stringify(policy, 'rcp', i));
    } else {
      throw usage('invalid-option', `\`rcps[${i}]\` must be an RCP's JSON text or object, got ${describe(policy)}`,
        'pass the RCP document, or { name, policy }', `/rcps/${i}`);
    }
    const name = named && rcp.name !== undefined ? rcp.name : `rcps[${i}]`;
    if (typeof name !== 'string') {
      throw usage('invalid-option', `\`rcps[${i}].name\` must be a string, got ${describe(name)}`, 'e.g. { name: "oidc-guard", policy }', `/rcps/${i}/name`);
    }
    names.push(name);
  });
  return [texts, names, optionalString(options, 'roleArn')];
}

function timeOption(now) {
  if (now === undefined || now === null) return undefined;
  if (now instanceof Date) {
    if (Number.isNaN(now.getTime())) throw usage('invalid-time', 'option `now` is an invalid Date', 'pass a valid Date, epoch seconds, or an ISO 8601 string', '/now');
    return String(Math.floor(now.getTime() / 1000));
  }
  if (typeof now === 'number') {
    if (!Number.isFinite(now)) throw usage('invalid-time', `option \`now\` is ${now}`, 'pass epoch seconds as a finite number', '/now');
    return String(Math.floor(now));
  }
  if (typeof now === 'string') return now;
  throw usage('invalid-time', `option \`now\` must be a Date, epoch seconds or an ISO 8601 string, got ${describe(now)}`,
    'e.g. { now: new Date() }', '/now');
}

function contextOption(context) {
  const flat = [];
  if (context === undefined || context === null) return flat;
  if (typeof context !== 'object' || Array.isArray(context)) {
    throw usage('invalid-context', `option \`context\` must be an object of key → value(s), got ${describe(context)}`,
      'e.g. { context: { "aws:SourceIp": "203.0.113.7" } }', '/context');
  }
  for (const [key, value] of Object.entries(context)) {
    const values = Array.isArray(value) ? value : [value];
    values.forEach((v, i) => {
      if (typeof v !== 'string') {
        throw usage('invalid-context', `context key \`${key}\` has ${describe(v)}, not a string`,
          'give each value as a string, or a list of strings', `/context/${escapePointer(key)}${Array.isArray(value) ? `/${i}` : ''}`);
      }
      flat.push(key, v);
    });
  }
  return flat;
}

// The engine compares key names in ASCII lower case; `toLowerCase` would also fold
// non-ASCII letters and drop a claim the engine keeps.
function asciiLower(name) {
  return /[A-Z]/.test(name) ? name.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) | 32)) : name;
}

export function escapePointer(token) {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function claimsList(list) {
  if (!Array.isArray(list)) {
    throw usage('invalid-argument', `expected an array of claims or tokens, got ${describe(list)}`, 'pass [claims, ...]', '', 'claims');
  }
  return list.map((claims, i) => claimsText(claims, i));
}

// A list of texts crosses the boundary in chunks of up to LIST_CHUNK characters, each as one
// text joined by NUL: one copy per chunk instead of one per string. The glue reserves 3 bytes
// per character while it encodes a text (wasm/build.mjs, copyGlue, which keeps the
// exact-size copy above this length), and the module's memory never shrinks, so a chunk
// bounds what a long list costs it. A chunk that holds a NUL of its own (no JSON text or
// JWT does; the engine refuses one) crosses item by item, so every error is the item's,
// with its index in the whole list.
const LIST_CHUNK = 1 << 18;

function inChunks(texts, joined, each) {
  const results = [];
  for (let start = 0; start < texts.length;) {
    let end = start + 1;
    let size = texts[start].length;
    while (end < texts.length && size + 1 + texts[end].length <= LIST_CHUNK) {
      size += 1 + texts[end].length;
      end++;
    }
    const part = texts.slice(start, end);
    try {
      results.push(call(() => (part.some((t) => t.includes('\0')) ? each(part) : joined(part.join('\0'), part.length))));
    } catch (e) {
      if (e instanceof OidcTrustError && e.index !== undefined) e.index += start;
      throw e;
    }
    start = end;
  }
  return results;
}

// The raw verdict's reason kinds, in the order `Compiled::verdict` numbers them.
const REASON_KINDS = ['allowed', 'explicitDeny', 'rcpDeny', 'noAllow', 'tagSessionNotAllowed'];
// The parts of a compiled evaluation built when first read.
const EXPLAINED = ['summary', 'request', 'statements', 'notes'];
const EXPLAINED_WITH_HEADER = [...EXPLAINED, 'tokenHeader'];

/** A policy parsed once with its options; evaluate as many tokens as you like. */
export class CompiledPolicy {
  #compiled;
  #claimNames;
  #locations;

  constructor(compiled) {
    if (compiled === undefined || compiled === null || typeof compiled.evaluate !== 'function') {
      throw usage('invalid-argument', 'CompiledPolicy is made by compile()', 'call compile(policy, options)');
    }
    this.#compiled = compiled;
  }

  #live() {
    if (this.#compiled === undefined) {
      throw usage('freed', 'this compiled policy was freed', 'compile the policy again');
    }
    return this.#compiled;
  }

  /** Warnings about the policy (it has no errors, or compile() would have thrown). */
  get diagnostics() {
    const compiled = this.#live();
    return JSON.parse(call(() => compiled.diagnostics()));
  }

  /** The parsed policy: statements, conditions and their locations. */
  get policy() {
    const compiled = this.#live();
    return JSON.parse(call(() => compiled.policy()));
  }

  /**
   * The policy's locations, each with the text written there: the table that every trace
   * of this policy refers to by index (`at`, `keyAt`). Read once, then cached.
   */
  get locations() {
    const compiled = this.#live();
    this.#locations ??= JSON.parse(call(() => compiled.locations()));
    return this.#locations;
  }

  /**
   * Evaluates one token or claims object; returns its trace (locations by index into
   * `locations`). `decision` and `reason` are computed at once, without the trace; the
   * explanation (`summary`, `request`, `statements`, `notes`, `tokenHeader`) is built the
   * first time one of them is read, from this compiled policy and a copy of the claims
   * taken now. A result stays valid whatever is evaluated afterwards; read its explanation
   * before `free()`.
   */
  evaluate(claimsOrToken) {
    const compiled = this.#live();
    const text = claimsText(claimsOrToken);
    // The whole claims go to the verdict: the engine reads every claim (so one the policy
    // does not read can still make the input invalid, exactly as for the explanation) and
    // builds only those the decision needs.
    const verdict = call(() => compiled.verdict(text));
    let trace;
    const explain = () => {
      if (trace === undefined) {
        const live = this.#live();
        trace = JSON.parse(call(() => live.evaluate(text)));
      }
      return trace;
    };
    const kind = REASON_KINDS[verdict[1]];
    const e = {
      version: TRACE_VERSION,
      decision: verdict[0] === 1 ? 'allow' : 'deny',
      reason: kind === 'noAllow' ? { kind } : { kind, statements: Array.from(verdict.subarray(3)) },
    };
    // Each part is an accessor until read (or assigned); then it is a plain data property,
    // as in an eagerly built result.
    const settle = (name, value) => Object.defineProperty(e, name, { value, writable: true, enumerable: true, configurable: true });
    const names = verdict[2] === 1 ? EXPLAINED_WITH_HEADER : EXPLAINED;
    for (const name of names) {
      Object.defineProperty(e, name, {
        get: () => {
          const value = explain()[name];
          settle(name, value);
          return value;
        },
        set: (value) => settle(name, value),
        enumerable: true,
        configurable: true,
      });
    }
    return e;
  }

  /** Evaluates each token or claims object in one call; returns one trace per input. */
  evaluateMany(list) {
    const compiled = this.#live();
    const texts = claimsList(list);
    return inChunks(texts, (joined, n) => compiled.evaluateJoined(joined, n), (part) => compiled.evaluateMany(part))
      .flatMap((traces) => JSON.parse(traces));
  }

  // A decision reads only the claims the policy names: a claims object crosses the
  // boundary with those alone (the engine drops the others from a JWT or JSON text itself).
  #decisionText(claims, index = undefined) {
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) return claimsText(claims, index);
    this.#claimNames ??= new Set(JSON.parse(call(() => this.#compiled.claimNames())));
    const picked = {};
    for (const name of Object.keys(claims)) {
      if (this.#claimNames.has(asciiLower(name))) picked[name] = claims[name];
    }
    return stringify(picked, 'claims', index);
  }

  /** The decision alone, without the trace: "allow" or "deny". */
  decide(claimsOrToken) {
    const compiled = this.#live();
    const text = this.#decisionText(claimsOrToken);
    return call(() => compiled.decide(text)) ? 'allow' : 'deny';
  }

  /** The decisions alone, one per input. */
  decideMany(list) {
    const compiled = this.#live();
    if (!Array.isArray(list)) claimsList(list);
    const texts = list.map((claims, i) => this.#decisionText(claims, i));
    return inChunks(texts, (joined) => compiled.decideJoined(joined), (part) => compiled.decideMany(part))
      .flatMap((bytes) => Array.from(bytes, (b) => (b === 1 ? 'allow' : 'deny')));
  }

  /** Releases the WebAssembly memory now (garbage collection would, later). */
  free() {
    const compiled = this.#compiled;
    this.#compiled = undefined;
    if (compiled !== undefined) compiled.free();
  }

  /** `using policy = compile(...)` frees it at the end of the block. */
  [Symbol.dispose ?? Symbol.for('Symbol.dispose')]() {
    this.free();
  }
}

/** Parses a policy and the options once; throws OidcTrustError with every error. */
export function compile(policy, options) {
  const glue = loaded();
  const text = policyText(policy);
  const args = flatOptions(options);
  return new CompiledPolicy(call(() => glue.compile(text, ...args)));
}

/**
 * Evaluates a policy against one token or claims object; returns the full trace,
 * self-contained: its `locations` table and the policy's warnings inlined.
 */
export function evaluate(policy, claimsOrToken, options) {
  const glue = loaded();
  const text = policyText(policy);
  const args = flatOptions(options);
  const compiled = call(() => glue.compile(text, ...args));
  try {
    const claims = claimsText(claimsOrToken);
    return JSON.parse(call(() => compiled.evaluateOneShot(claims)));
  } finally {
    compiled.free();
  }
}

/** Decodes a JWT without verifying it; notes say whether it is expired at `now`. */
export function decodeToken(jwt, options) {
  const glue = loaded();
  if (typeof jwt !== 'string') {
    throw usage('invalid-argument', `the token must be a string, got ${describe(jwt)}`, 'pass the raw JWT (header.payload.signature)', '', 'token');
  }
  // The core has no clock: the caller's is the default, as jwt.io does.
  const now = options?.now === undefined ? String(Math.floor(Date.now() / 1000)) : timeOption(options.now);
  return JSON.parse(call(() => glue.decodeToken(jwt, now)));
}

/** Parses a policy without evaluating it: the parsed policy (or null) and every diagnostic. */
export function parsePolicy(text) {
  const glue = loaded();
  const source = policyText(text);
  return JSON.parse(call(() => glue.parsePolicy(source)));
}

/** The trace format version every Evaluation carries (docs/trace.md). */
export const TRACE_VERSION = 2;
