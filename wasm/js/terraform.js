// The Terraform API of the npm package (`oidc-trust/terraform`): reads `.tf` and
// `.tf.json` text (a whole module, one file, or a pasted block) into trust policies, then
// lints and evaluates them with the lint and main modules and moves every location into
// the HCL.
//
// Its WebAssembly module holds only the reader: evaluation and lint run in their own
// modules, so the engine is not shipped twice. Like api.js, this file keeps to top-level
// `export function|class|const` so the build can derive terraform-impl.cjs; its imports
// are rewritten to requires.
import { OidcTrustError, call, describe, evaluate, usage, moduleSlot } from './api.js';
import { lint } from './lint.js';

const slot = moduleSlot('Terraform', 'oidc-trust/terraform');

/** Internal: installs the loaded Terraform glue. Not part of the public API. */
export function bindTerraform(glue) {
  slot.bind(glue);
}

// Files cross the boundary flat: path, text, path, text...
function sourceFiles(source) {
  if (typeof source === 'string') return ['main.tf', source];
  if (source !== null && typeof source === 'object' && !Array.isArray(source)) {
    const flat = [];
    for (const [path, text] of Object.entries(source)) {
      if (typeof text !== 'string') {
        throw usage('invalid-argument', `file \`${path}\` must be text, got ${describe(text)}`, 'pass { "main.tf": "resource ..." }', '', 'policy');
      }
      flat.push(path, text);
    }
    if (flat.length === 0) throw usage('invalid-argument', 'no files given', 'pass { "main.tf": "resource ..." }', '', 'policy');
    return flat;
  }
  throw usage('invalid-argument', `the Terraform source must be text or an object of path → text, got ${describe(source)}`,
    'pass the text of a .tf file, or { "main.tf": "...", "variables.tf": "..." }', '', 'policy');
}

// Options of a one-call function: what the read takes, what picks the policy, and what
// goes on to lint() or evaluate().
function splitOptions(options) {
  if (options === undefined || options === null) return { read: {}, resource: undefined, rest: {} };
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw usage('invalid-option', `the options must be an object, got ${describe(options)}`, 'e.g. { vars: { org: "acme" } }');
  }
  const { vars, varFiles, resource, ...rest } = options;
  if (resource !== undefined && typeof resource !== 'string') {
    throw usage('invalid-option', `resource must be a resource address, got ${describe(resource)}`, 'e.g. "aws_iam_role.deploy"', '/resource');
  }
  return { read: { vars, varFiles }, resource, rest };
}

// `vars` flat (name, value...) and `varFiles`, checked.
function readArgs(options) {
  const { read, resource, rest } = splitOptions(options);
  for (const name of Object.keys(rest).concat(resource === undefined ? [] : ['resource'])) {
    throw usage('unknown-option', `unknown option \`${name}\``, 'the read options are vars, varFiles', `/${name}`);
  }
  const flat = [];
  if (read.vars !== undefined) {
    if (read.vars === null || typeof read.vars !== 'object' || Array.isArray(read.vars)) {
      throw usage('invalid-option', `vars must be an object of name → value, got ${describe(read.vars)}`, 'e.g. { org: "acme", repos: \'["api"]\' }', '/vars');
    }
    for (const [name, value] of Object.entries(read.vars)) {
      if (typeof value !== 'string') {
        throw usage('invalid-option', `variable \`${name}\` must be text, as after --var, got ${describe(value)}`, 'write lists and objects in HCL: \'["acme/api"]\'', `/vars/${name}`);
      }
      flat.push(name, value);
    }
  }
  const varFiles = read.varFiles ?? [];
  if (!Array.isArray(varFiles) || varFiles.some((f) => typeof f !== 'string')) {
    throw usage('invalid-option', `varFiles must be an array of paths among the files given, got ${describe(read.varFiles)}`, 'e.g. ["prod.tfvars"]', '/varFiles');
  }
  return { vars: flat, varFiles };
}

// A location as the engine writes it: `pointer`, and `span` / `file` when known (and, in
// a trace's `locations` table, the `text` written there).
function isLocation(value) {
  if (typeof value.pointer !== 'string') return false;
  for (const key of Object.keys(value)) {
    if (key !== 'pointer' && key !== 'span' && key !== 'file' && key !== 'text') return false;
  }
  return true;
}

// A diagnostic as the package writes it: flat, with `pointer`, `line`, `column`, `span`.
function isFlatDiagnostic(value) {
  return typeof value.code === 'string' && typeof value.pointer === 'string' && 'line' in value && 'span' in value;
}

function collectLocations(value, out) {
  if (Array.isArray(value)) {
    for (const item of value) collectLocations(item, out);
  } else if (value !== null && typeof value === 'object') {
    if (isLocation(value) || isFlatDiagnostic(value)) {
      out.push(value);
      return;
    }
    for (const key of Object.keys(value)) collectLocations(value[key], out);
  }
}

/** Trust policies read from Terraform source, kept so that results can be located in it. */
export class TerraformSource {
  #source;
  #summary;

  constructor(source) {
    if (source === undefined || source === null || typeof source.summary !== 'function') {
      throw usage('invalid-argument', 'TerraformSource is made by readTerraform()', 'call readTerraform(text)');
    }
    this.#source = source;
    this.#summary = JSON.parse(call(() => source.summary()));
    // The policy JSON is returned as `policy`, ready for evaluate() and lint().
    this.#summary.policies = this.#summary.policies.map(({ text, ...p }) => ({ ...p, policy: text }));
  }

  #live() {
    if (this.#source === undefined) {
      throw usage('freed', 'this Terraform source was freed', 'read the source again');
    }
    return this.#source;
  }

  /** The trust policies found: resource address, file, and the policy as JSON text. */
  get policies() {
    return this.#summary.policies;
  }

  /** Problems of the source (a file that is not HCL, a module not modelled...), each with its file. */
  get diagnostics() {
    return this.#summary.diagnostics;
  }

  /** The files read, module files first. */
  get files() {
    return this.#summary.files;
  }

  /** The index of the policy `resource` names, or of the only one. */
  #pick(resource) {
    const policies = this.#summary.policies;
    const names = policies.map((p) => p.resource).filter(Boolean).join(', ');
    if (resource === undefined) {
      if (policies.length === 1) return 0;
      if (policies.length === 0) {
        const error = this.#summary.diagnostics.find((d) => d.severity === 'error');
        if (error) throw new OidcTrustError(error, this.#summary.diagnostics);
        throw usage('no-trust-policy', 'no trust policy found in the Terraform source', 'paste an aws_iam_role, a jsonencode({...}) value or an aws_iam_policy_document block', '', 'policy');
      }
      throw usage('several-policies', `the source holds ${policies.length} trust policies`, `pick one with { resource: ADDRESS }: ${names}`, '/resource');
    }
    const index = policies.findIndex((p) => p.resource === resource);
    if (index < 0) throw usage('unknown-resource', `the source holds no trust policy named \`${resource}\``, `the policies it holds: ${names}`, '/resource');
    return index;
  }

  /**
   * Moves every location inside `result` (a trace, a lint report, or any object made of
   * them) from the text of policy `index` into the Terraform files. Returns `result`.
   */
  locate(index, result) {
    const source = this.#live();
    const found = [];
    collectLocations(result, found);
    if (found.length === 0) return result;
    const spans = new Uint32Array(found.length * 2).fill(0xffffffff);
    found.forEach((l, i) => {
      if (l.span) {
        spans[2 * i] = l.span.start.byte;
        spans[2 * i + 1] = l.span.end.byte;
      }
    });
    const moved = JSON.parse(call(() => source.locate(index, spans, found.map((l) => l.pointer))));
    found.forEach((l, i) => {
      const m = moved[i];
      if (m === undefined) return;
      if (isFlatDiagnostic(l)) {
        l.span = m.span ?? null;
        l.line = m.span ? m.span.start.line : null;
        l.column = m.span ? m.span.start.column : null;
        if (m.file !== undefined) l.file = m.file;
        return;
      }
      delete l.span;
      delete l.file;
      Object.assign(l, m);
    });
    return result;
  }

  /** What policy `index`'s source leaves unsure: `{ findings, notes }`, located. */
  #caveats(index) {
    const source = this.#live();
    return JSON.parse(call(() => source.caveats(index)));
  }

  /**
   * Lints every policy: one report each, located in the Terraform files, with
   * `unresolved-value` findings for values known only at deploy time.
   */
  lint(options) {
    return this.#summary.policies.map((p, index) => {
      let report;
      try {
        report = lint(p.policy, options);
      } catch (err) {
        // A policy IAM would refuse: its errors are the report, the others still linted.
        if (!(err instanceof OidcTrustError) || err.input !== 'policy') throw err;
        report = { version: 1, findings: [], diagnostics: err.diagnostics, replays: [] };
      }
      this.locate(index, report);
      report.findings.push(...this.#caveats(index).findings);
      return { resource: p.resource, file: p.file, report };
    });
  }

  /**
   * Evaluates one policy (the only one, or `options.resource`) against a token or claims;
   * the trace is located in the Terraform files and notes what the source left unsure.
   */
  evaluate(claimsOrToken, options) {
    const { read, resource, rest } = splitOptions(options);
    if (read.vars !== undefined || read.varFiles !== undefined) {
      throw usage('invalid-option', 'vars and varFiles are read options', 'give them to readTerraform()', '/vars');
    }
    const index = this.#pick(resource);
    const trace = this.locate(index, evaluate(this.#summary.policies[index].policy, claimsOrToken, rest));
    trace.notes.push(...this.#caveats(index).notes);
    return trace;
  }

  /** Releases the WebAssembly memory now (garbage collection would, later). */
  free() {
    const source = this.#source;
    this.#source = undefined;
    if (source !== undefined) source.free();
  }

  /** `using source = readTerraform(...)` frees it at the end of the block. */
  [Symbol.dispose ?? Symbol.for('Symbol.dispose')]() {
    this.free();
  }
}

/**
 * Reads Terraform source: the text of one file or block (even a bare `jsonencode({...})`),
 * or a module as { path: text }. Options: `vars` ({ name: value }, as `--var`), `varFiles`
 * (paths among the files, as `--var-file`).
 */
export function readTerraform(source, options) {
  const glue = slot.get();
  const files = sourceFiles(source);
  const { vars, varFiles } = readArgs(options);
  const alone = typeof source === 'string';
  return new TerraformSource(call(() => glue.readTerraform(files, vars, varFiles, alone)));
}

/** Reads and lints in one call: `{ policies: [{ resource, file, report }], diagnostics }`. */
export function lintTerraform(source, options) {
  const { read: readOptions, rest } = splitOptions(options);
  const read = readTerraform(source, readOptions);
  try {
    return { policies: read.lint(rest), diagnostics: read.diagnostics };
  } finally {
    read.free();
  }
}

/** Reads and evaluates in one call; `options.resource` picks the policy when there are several. */
export function evaluateTerraform(source, claimsOrToken, options) {
  const { read: readOptions, resource, rest } = splitOptions(options);
  const read = readTerraform(source, readOptions);
  try {
    return read.evaluate(claimsOrToken, { ...rest, resource });
  } finally {
    read.free();
  }
}
