/** A spec that cannot be read or does not fit the schema; `problems` are one line each. */
export class SpecError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'SpecError';
  }
}
