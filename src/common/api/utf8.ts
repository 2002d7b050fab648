/**
 * UTF-8 text codecs. TextEncoder and TextDecoder exist in every host the contract runs in (Node,
 * Chromium, Electron's processes) but belong to neither ES lib; typed here by hand so the shared
 * contract stays compiled without DOM and Node types.
 */
interface TextCodecs {
  TextEncoder: new () => { encode(text: string): Uint8Array };
  TextDecoder: new () => { decode(bytes: Uint8Array): string };
}

const codecs = globalThis as unknown as TextCodecs;
const encoder = new codecs.TextEncoder();
const decoder = new codecs.TextDecoder();

export const encodeUtf8 = (text: string): Uint8Array => encoder.encode(text);
export const decodeUtf8 = (bytes: Uint8Array): string => decoder.decode(bytes);
