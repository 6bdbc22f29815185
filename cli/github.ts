import type { Io } from './io.ts';
export async function reviewOnGitHub(_flags: Readonly<Record<string, unknown>>, io: Io): Promise<number> {
  io.err('orgctl review --github: not available yet');
  return 2;
}
