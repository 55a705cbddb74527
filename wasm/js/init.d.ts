// Types of `oidc-trust/init`: the API of `oidc-trust`, loaded by the caller.
export * from './index.js';

/** Loads the WebAssembly module (from `input`, or the `.wasm` next to the package); call once before the API. */
export declare function init(input?: URL | string | Response | BufferSource | WebAssembly.Module | Promise<Response>): Promise<void>;

/** Loads the WebAssembly module from its bytes or a compiled module, synchronously. */
export declare function initSync(bytes: BufferSource | WebAssembly.Module): void;

/** Loads the linter's WebAssembly module (from `input`, or the `.wasm` next to the package); call once before `lint`. */
export declare function initLint(input?: URL | string | Response | BufferSource | WebAssembly.Module | Promise<Response>): Promise<void>;

/** Loads the linter's WebAssembly module from its bytes (`oidc-trust/lint/wasm`) or a compiled module, synchronously. */
export declare function initLintSync(bytes: BufferSource | WebAssembly.Module): void;

export { lint } from './lint.js';
