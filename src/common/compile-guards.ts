/**
 * Compile-time guards (types only, nothing runs): src/common is compiled with neither Node nor DOM
 * types; if either leaks in, these lines stop type-checking.
 */

// @ts-expect-error no DOM in the shared contract
export type NoDocument = Document;
// @ts-expect-error no Node in the shared contract
export type NoBuffer = Buffer;
// @ts-expect-error no Node in the shared contract
export type NoProcess = NodeJS.Process;
