// Invariant assertions for code that must also run in the browser, where node:assert does not exist.

export class InvariantError extends Error {
  constructor(message: string) {
    super(`invariant violated: ${message}`);
    this.name = "InvariantError";
  }
}

/** Asserts something that can only be false because of a bug in this program, never because of input. */
export function invariant(condition: unknown, message: string): asserts condition {
  if (!condition) throw new InvariantError(message);
}
