/**
 * Errors a command reports without a stack (exit 2), told apart by `name` (see cli/main.ts): the
 * CLI bundle and a declaration's bundle may each load their own copy of these classes.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Input that cannot be read: a missing folder, an unreadable file. Exit 2, no usage text. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}
