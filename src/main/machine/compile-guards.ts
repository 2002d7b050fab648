/**
 * Compile-time guards (types only, nothing runs): if the DOM library ever leaks into the main-process
 * TypeScript project (a dependency's typings can pull it in), these lines stop type-checking.
 * (Electron's typings declare a partial global `Document`, so that name proves nothing.)
 */

// @ts-expect-error the machine is compiled without DOM types
export type NoHtmlElement = HTMLElement;
// @ts-expect-error the machine is compiled without DOM types
export type NoCanvas = CanvasRenderingContext2D;
