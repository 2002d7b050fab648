/** A syntax error; `incomplete` when the text simply ended too early (an interactive shell reads on). */
export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    readonly incomplete = false,
  ) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}

/** A command failed in the shell itself: printed as `sh: message`, with this status. */
export class ShellError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
    this.name = 'ShellError';
  }
}

/** `exit`: unwinds to the script or session (or the command substitution) that runs it. */
export class ExitRequest extends Error {
  constructor(readonly status: number) {
    super('exit');
    this.name = 'ExitRequest';
  }
}

/** `break N` / `continue N`: unwinds to the loop N levels up. */
export class LoopControl extends Error {
  constructor(
    readonly kind: 'break' | 'continue',
    readonly levels: number,
  ) {
    super(kind);
    this.name = 'LoopControl';
  }
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
