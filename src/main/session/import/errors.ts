/**
 * Why a session file was refused. `line` is the 1-based line of the file the problem is on (line 1 is
 * the header); the message starts with it, so it can be shown as it is.
 */
export class SessionImportError extends Error {
  override readonly name = 'SessionImportError';

  constructor(
    readonly line: number,
    /** What is wrong, without the line prefix. */
    readonly detail: string,
    /** `line N is cut short` style messages put the line in the sentence itself. */
    message = `line ${line}: ${detail}`,
  ) {
    super(message);
  }
}

/** A value as it may appear in a message: short, JSON-quoted, never the whole of a huge field. */
export function shown(value: unknown): string {
  let text: string;
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') text = JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  else if (Array.isArray(value)) return 'an array';
  else if (value === null) return 'null';
  else if (typeof value === 'object') return 'an object';
  else text = String(value);
  return text.length > 48 ? text.slice(0, 48) + '…' : text;
}
