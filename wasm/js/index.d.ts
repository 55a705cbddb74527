/// <reference lib="esnext.disposable" />
// Types of the npm package `oidc-trust`. The shapes mirror the Rust core's serialised
// types (trace format version 1); fields are only ever added within a version.

/** A point in a text. `line` and `column` are 1-based; `utf16` indexes JS strings. */
export interface Position {
  byte: number;
  line: number;
  column: number;
  utf16: number;
}

/** A range of text, end exclusive. */
export interface Span {
  start: Position;
  end: Position;
}

/** Where something is: an RFC 6901 JSON pointer and, when read from text, its span. */
export interface Location {
  pointer: string;
  span?: Span;
  /** The file the span is in, when the policy was read out of other files (`oidc-trust/terraform`). */
  file?: string;
}

/** Which input a diagnostic is about. */
export type InputName = 'policy' | 'claims' | 'token' | 'options' | 'spec';

/** A finding about an input: an error (no evaluation) or a warning. */
export interface Diagnostic {
  /** Stable identifier, e.g. `json-syntax`, `missing-principal`. */
  code: string;
  severity: 'error' | 'warning';
  message: string;
  /** What to do about it. */
  help: string;
  input: InputName;
  pointer: string;
  line: number | null;
  column: number | null;
  span: Span | null;
}

/** Thrown for any input the engine cannot use. The module stays usable afterwards. */
export declare class OidcTrustError extends Error {
  readonly name: 'OidcTrustError';
  /** Stable identifier, as in `Diagnostic.code`. */
  readonly code: string;
  readonly help: string;
  readonly input: InputName;
  /** JSON pointer into the input. */
  readonly pointer: string;
  /** For `evaluateMany` / `decideMany`: which item of the list. */
  readonly index?: number;
  readonly line: number | null;
  readonly column: number | null;
  readonly span: Span | null;
  /** Every diagnostic of the input (a policy may have several errors). */
  readonly diagnostics: Diagnostic[];
}

/** A JSON value as it appears in a token. */
export type ClaimValue = null | boolean | number | string | ClaimValue[] | { [name: string]: ClaimValue };

/** Token claims (the JWT payload). */
export type Claims = { [name: string]: ClaimValue };

/** Options of an evaluation. */
export interface EvaluateOptions {
  /** The issuer (host and optional path). Default: the token's `iss`. */
  issuer?: string;
  /** The AWS account of the OIDC provider. Default: the policy's Federated principal's. */
  account?: string;
  /** Default: `sts:AssumeRoleWithWebIdentity`. */
  action?: string;
  /** What-if: treat every claim as a condition key, not only those AWS exposes. */
  allClaimsAreKeys?: boolean;
  /** Key catalog version: `2026-08` (default) or `2023-06`. */
  catalog?: '2026-08' | '2023-06' | (string & {});
  /** Evaluation time: sets `aws:CurrentTime`/`aws:EpochTime` and checks `exp`/`nbf`. */
  now?: Date | number | string;
  /** Extra context keys, e.g. `{ "aws:SourceIp": "203.0.113.7" }`. */
  context?: { [key: string]: string | string[] };
  /** The organisation's resource control policies, evaluated with the trust policy. */
  rcps?: Rcp[];
  /** The role's ARN, for RCP statements whose `Resource` names particular roles. */
  roleArn?: string;
}

/**
 * A resource control policy: its JSON text, its parsed object, or `{ name, policy }` (the
 * name findings and traces give it; default `rcps[i]`). What Organizations refuses in an
 * RCP (`Allow`, a principal other than `"*"`, `NotAction`...) throws, with `input: "rcp"`
 * and the RCP's `index`.
 */
export type Rcp = string | object | { name?: string; policy: string | object };

/** Options of `lint` (`oidc-trust/lint`). */
export interface LintOptions {
  /** The account that should own the OIDC provider. */
  account?: string;
  /** Key catalog version. */
  catalog?: string;
  /** The organisation's RCPs: holes they close are marked `blockedBy`. */
  rcps?: Rcp[];
  /** The role's ARN, for RCP statements that name particular roles. */
  roleArn?: string;
}

export type Decision = 'allow' | 'deny';

export type DecisionReason =
  | { kind: 'allowed'; statements: number[] }
  | { kind: 'explicitDeny'; statements: number[] }
  /** A statement of an organisation RCP denied (no Deny of the trust policy did). */
  | { kind: 'rcpDeny'; statements: number[] }
  | { kind: 'noAllow' }
  | { kind: 'tagSessionNotAllowed'; statements: number[] };

/** `assumption`: AWS's behaviour is undocumented here and the engine assumed. */
export interface Note {
  level: 'info' | 'warning' | 'assumption';
  code: string;
  message: string;
  pointer?: string;
}

/**
 * A request key that does not come from the claim it is named after (those are in
 * `RequestSummary.claims`).
 */
export interface ContextKey {
  key: string;
  values: string[];
  /** `claim`/`whatIf`: from the token claim `claim` (`whatIf`: made a key by `allClaimsAreKeys`). */
  source: 'claim' | 'whatIf' | 'sessionTags' | 'clock' | 'given';
  claim?: string;
}

export interface RequestSummary {
  issuer: string;
  /**
   * Present only for AWS's built-in providers (their name). Otherwise the caller is
   * `arn:aws:iam::ACCOUNT:oidc-provider/ISSUER`, with `account` or the literal `ACCOUNT`.
   */
  principal?: string;
  account?: string;
  accountSource: 'given' | 'policy' | 'unknown';
  action: string;
  catalog: string;
  /**
   * The keys `ISSUER:NAME` whose source is the token claim `NAME`: their values as AWS sees
   * them (text; one string when there is one value, else an array).
   */
  claims?: Record<string, string | string[]>;
  /** The other request keys (AWS keys, what-if claims, given context). */
  keys?: ContextKey[];
  /** Claims AWS does not expose as condition keys for this issuer. */
  unexposedClaims?: string[];
}

/**
 * A place in the policy (or in an RCP or the file it was read from) and the text written
 * there: an entry of `Evaluation.locations` / `CompiledPolicy.locations`. Traces refer to
 * entries by index (`at`, `keyAt`).
 */
export interface TraceLocation extends Location {
  /** The operator, key or value written there; absent for a whole statement or element. */
  text?: string;
}

/** One value of a Principal, Action or Resource element: its text is `locations[at].text`. */
export interface ElementValue {
  matched: boolean;
  at: number;
}

/** The check of a Principal, Action or Resource element. */
export interface ElementTrace {
  matched: boolean;
  why: string;
  at: number;
  values: ElementValue[];
}

export type Absence =
  | { kind: 'claimMissing'; claim: string }
  | { kind: 'claimNotExposed'; claim: string }
  | { kind: 'claimNotAValue'; claim: string }
  | { kind: 'otherIssuer'; issuer: string }
  | { kind: 'timeNotGiven' }
  | { kind: 'notGiven' };

/**
 * One policy value (`locations[at].text`) compared with one request value: for each policy
 * value in order, one entry per request value; one entry without `request` when the key is
 * absent.
 */
export interface ValueTrace {
  /** The request value compared; absent when the key is absent. */
  request?: string;
  /** After policy-variable substitution, when the value has variables. */
  resolved?: string;
  /** Before negation. */
  matched: boolean;
  why: string;
  at: number;
}

export interface ConditionTrace {
  satisfied: boolean;
  why: string;
  /** The operator as written is `locations[at].text`. */
  at: number;
  /** The key as written is `locations[keyAt].text`. */
  keyAt: number;
  /**
   * The request's values for the key, when they are not simply those of the request key
   * named like it (ASCII case-insensitively): look there first. None when `absence` is set.
   */
  requestValues?: string[];
  /** Why the key is absent, when it is. */
  absence?: Absence;
  values: ValueTrace[];
}

/** One statement, in policy order (its index is its position). */
export interface StatementTrace {
  effect: 'Allow' | 'Deny';
  sid?: string;
  at: number;
  /** Principal, action and every condition matched. */
  applies: boolean;
  summary: string;
  principal: ElementTrace;
  action: ElementTrace;
  /** An RCP statement's `Resource`/`NotResource` check. */
  resource?: ElementTrace;
  conditions: ConditionTrace[];
  /** For a statement of an organisation RCP: which RCP, and its place there. */
  rcp?: { name: string; index: number; sid?: string };
}

/**
 * The full answer in trace format v2, the same JSON as `oidc-trust eval --format json`.
 * `evaluate()` returns it self-contained (`locations` and `diagnostics` inlined);
 * `CompiledPolicy.evaluate` leaves both out: they are `compiled.locations` and
 * `compiled.diagnostics`.
 */
export interface Evaluation {
  version: 2;
  decision: Decision;
  reason: DecisionReason;
  summary: string;
  request: RequestSummary;
  statements: StatementTrace[];
  notes: Note[];
  /** The JOSE header, when the claims came from a JWT. */
  tokenHeader?: Claims;
  /** Warnings about the policy (one-shot `evaluate()` only). */
  diagnostics?: Diagnostic[];
  /** The table `at` and `keyAt` index (one-shot `evaluate()` only). */
  locations?: TraceLocation[];
}

/** The parsed policy, as `parsePolicy` and `CompiledPolicy.policy` return it. */
export interface Policy {
  version: '2012-10-17' | '2008-10-17' | 'missing';
  statements: Statement[];
}

export interface Statement {
  index: number;
  sid: string | null;
  effect: 'Allow' | 'Deny';
  location: Location;
  principal: {
    location: Location;
    any: boolean;
    values: { kind: 'Federated' | 'AWS' | 'Service' | 'CanonicalUser'; value: string; location: Location }[];
  };
  action: {
    negated: boolean;
    location: Location;
    patterns: { text: string; location: Location }[];
  };
  conditions: Condition[];
}

export interface Condition {
  operator: {
    base: string;
    qualifier: 'ForAnyValue' | 'ForAllValues' | null;
    ifExists: boolean;
  };
  operatorText: string;
  operatorLocation: Location;
  key: string;
  keyLocation: Location;
  values: { text: string; location: Location }[];
}

export interface ParsedPolicy {
  /** Null when any diagnostic is an error. */
  policy: Policy | null;
  diagnostics: Diagnostic[];
}

export interface DecodedToken {
  header: Claims;
  claims: Claims;
  /** Whether the token has a signature segment. It is never verified. */
  signed: boolean;
  /** Expiry, not-before and issued-at remarks at `now`. */
  notes: Note[];
}

/** A policy parsed once with its options. Free it, or let `using` / GC do it. */
export declare class CompiledPolicy {
  private constructor();
  /** Warnings about the policy. */
  readonly diagnostics: Diagnostic[];
  /** The parsed policy. */
  readonly policy: Policy;
  /** The policy's locations with their text: what every trace's `at` and `keyAt` index. */
  readonly locations: TraceLocation[];
  /**
   * Evaluates one token (raw JWT), claims JSON text, or claims object (the trace refers to
   * `locations`). `decision` and `reason` are computed at once, without the trace; the rest
   * of the explanation is built the first time it is read, from this policy and a copy of
   * the claims taken now: a result stays valid after further calls, but its explanation
   * must be read before `free()` (afterwards reading it throws `freed`).
   */
  evaluate(claimsOrToken: Claims | string): Evaluation;
  /** Evaluates many in one call, every trace built at once; a bad item throws with its `index`. */
  evaluateMany(list: ReadonlyArray<Claims | string>): Evaluation[];
  /** The decision alone, faster: no trace is built. */
  decide(claimsOrToken: Claims | string): Decision;
  decideMany(list: ReadonlyArray<Claims | string>): Decision[];
  /** Releases the WebAssembly memory now. Using the policy afterwards throws `freed`. */
  free(): void;
  [Symbol.dispose](): void;
}

/** Parses a policy (object or JSON text) and the options once. */
export declare function compile(policy: object | string, options?: EvaluateOptions): CompiledPolicy;

/** Evaluates a policy against one token or claims object. */
export declare function evaluate(
  policy: object | string,
  claimsOrToken: Claims | string,
  options?: EvaluateOptions,
): Evaluation;

/** Decodes a JWT without verifying it. `now` defaults to the current time. */
export declare function decodeToken(jwt: string, options?: { now?: Date | number | string }): DecodedToken;

export type FindingSeverity = 'critical' | 'high' | 'medium' | 'low' | 'info';

/** One lint finding; rules are listed in the project's docs/lint.md. */
export interface Finding {
  /** Stable rule code, e.g. `missing-sub`, `admits-pull-request`. */
  code: string;
  severity: FindingSeverity;
  message: string;
  /** Why it matters. */
  help: string;
  /** What to change. */
  fix: string;
  /** The exact offending value in the policy. */
  location: Location;
  statement?: number;
  /** The attacker scenario that proved a hole. */
  scenario?: string;
  /** A hole the organisation's RCPs close: the RCP statement that denies it (severity info). */
  blockedBy?: string;
}

/** One attacker token and the verdict on it. */
export interface Attempt {
  scenario: string;
  who: string;
  severity: FindingSeverity;
  claims: Claims;
  decision: Decision;
  statements: number[];
  culprit?: Location;
  /** Denied by an RCP although the trust policy alone lets it in: that RCP statement. */
  blockedBy?: string;
}

/** The attacker replay for one trusted issuer. */
export interface Replay {
  issuer: string;
  model: string;
  intended: Claims;
  intendedDecision: Decision;
  attempts: Attempt[];
}

export interface LintReport {
  version: 1;
  /** Most severe first. */
  findings: Finding[];
  /** Warnings about the policy. */
  diagnostics: Diagnostic[];
  replays: Replay[];
}

/** Parses a policy without evaluating it. */
export declare function parsePolicy(policy: object | string): ParsedPolicy;

/** The trace format version every Evaluation carries. */
export declare const TRACE_VERSION: 2;
