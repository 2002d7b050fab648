/**
 * A small runtime validator for values that cross a process boundary (IPC, WebSocket). Each validator
 * either returns the value, typed, or throws a ValidationError naming the path and what was expected.
 * No dependencies: this is part of the contract every process shares.
 */
export class ValidationError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path || 'value'}: expected ${expected}`);
    this.name = 'ValidationError';
  }
}

export type Validator<T> = (value: unknown, path: string) => T;
export type Infer<V> = V extends Validator<infer T> ? T : never;

/** The object a shape of validators accepts: fields whose validator allows `undefined` are optional. */
type OptionalKeys<S> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
export type ObjectOf<S> = {
  [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]>;
} & {
  [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined>;
} extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

function fail(path: string, expected: string, value: unknown): never {
  throw new ValidationError(path, `${expected}, got ${describe(value)}`);
}

export const v = {
  int(min: number, max: number): Validator<number> {
    return (value, path) => {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        fail(path, `an integer from ${min} to ${max}`, value);
      }
      return value;
    };
  },

  number(min: number, max: number): Validator<number> {
    return (value, path) => {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(path, `a number from ${min} to ${max}`, value);
      return value;
    };
  },

  boolean(): Validator<boolean> {
    return (value, path) => (typeof value === 'boolean' ? value : fail(path, 'true or false', value));
  },

  string(maxLength: number): Validator<string> {
    return (value, path) => {
      if (typeof value !== 'string' || value.length > maxLength) fail(path, `a string of at most ${maxLength} characters`, value);
      return value;
    };
  },

  oneOf<const T extends readonly (string | number)[]>(choices: T): Validator<T[number]> {
    return (value, path) => {
      if (!choices.includes(value as T[number])) fail(path, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`, value);
      return value as T[number];
    };
  },

  /** A 64-bit unsigned value written as `0x` and 1 to 16 hex digits (JSON has no bigint). */
  hex64(): Validator<string> {
    return (value, path) => {
      if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{1,16}$/.test(value)) fail(path, 'a hex string like "0x1f" (at most 64 bits)', value);
      return value.toLowerCase();
    };
  },

  optional<T>(inner: Validator<T>): Validator<T | undefined> {
    return (value, path) => (value === undefined ? undefined : inner(value, path));
  },

  object<S extends Record<string, Validator<unknown>>>(shape: S): Validator<ObjectOf<S>> {
    return (value, path) => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'an object', value);
      const input = value as Record<string, unknown>;
      for (const key of Object.keys(input)) {
        if (!(key in shape)) throw new ValidationError(path ? `${path}.${key}` : key, 'no such field');
      }
      const out: Record<string, unknown> = {};
      for (const [key, check] of Object.entries(shape)) {
        const field = check(input[key], path ? `${path}.${key}` : key);
        if (field !== undefined) out[key] = field;
      }
      return out as ObjectOf<S>;
    };
  },

  /** The positional arguments of a call, exactly this many (trailing optional ones may be left out). */
  args<const A extends readonly Validator<unknown>[]>(...validators: A): Validator<{ [K in keyof A]: Infer<A[K]> }> {
    return (value, path) => {
      if (!Array.isArray(value) || value.length > validators.length) fail(path, `a list of at most ${validators.length} arguments`, value);
      return validators.map((check, i) => check(value[i], `${path}[${i}]`)) as { [K in keyof A]: Infer<A[K]> };
    };
  },
};
