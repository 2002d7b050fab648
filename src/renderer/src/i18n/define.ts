export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Flat messages of one area of the UI: `{name}` in a message is replaced by a parameter. */
export type Messages = Readonly<Record<string, string>>;

/** An area's messages in every language; Chinese must have exactly the English keys. */
export function defineMessages<const T extends Messages>(m: { readonly en: T; readonly 'zh-CN': { readonly [K in keyof T]: string } }) {
  return m;
}
