/**
 * Every command, in the top-level usage's order, each loaded only when it runs: can-i need not
 * load cdk8s, the schema or the constructs. The descriptors themselves (cli/command.ts) are in
 * the commands' modules.
 */
import type { Command } from './command.ts';

export interface CommandEntry {
  readonly name: string;
  /**
   * Answers from a bounded read, in well under a second (always, or for these arguments): the
   * optimizing compiler's background work would cost it more than it saves (bin/orgctl.mjs delays
   * it for these).
   * @default false
   */
  readonly quick?: boolean | ((args: readonly string[]) => boolean);
  load(): Promise<Command>;
}

/** Whether a command line runs a quick command (CommandEntry.quick). */
export function isQuick(argv: readonly string[]): boolean {
  const quick = COMMANDS.find((c) => c.name === argv[0])?.quick;
  return typeof quick === 'function' ? quick(argv.slice(1)) : quick === true;
}

/** who-can in one namespace reads only that namespace's documents (cli/partial-read.ts). */
const inOneNamespace = (args: readonly string[]): boolean =>
  args.some((a) => a === '-n' || a === '--namespace' || a.startsWith('--namespace='));

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'synth', load: () => import('./synth.ts').then((m) => m.command) },
  { name: 'check', load: () => import('./check.ts').then((m) => m.command) },
  { name: 'levels', quick: true, load: () => import('./levels.ts').then((m) => m.command) },
  { name: 'can-i', quick: true, load: () => import('./can-i.ts').then((m) => m.command) },
  { name: 'who-can', quick: inOneNamespace, load: () => import('./who-can.ts').then((m) => m.command) },
  { name: 'access', load: () => import('./access.ts').then((m) => m.command) },
  { name: 'diff', load: () => import('./diff.ts').then((m) => m.command) },
  { name: 'review', load: () => import('./review.ts').then((m) => m.command) },
  { name: 'prove', load: () => import('./prove.ts').then((m) => m.command) },
  { name: 'kubeconfig', load: () => import('./kubeconfig.ts').then((m) => m.command) },
  { name: 'members', load: () => import('./members.ts').then((m) => m.command) },
  { name: 'explain', load: () => import('./explain.ts').then((m) => m.command) },
  { name: 'import', load: () => import('./import.ts').then((m) => m.command) },
  { name: 'generate', load: () => import('./generate.ts').then((m) => m.command) },
  { name: 'init', load: () => import('./init.ts').then((m) => m.command) },
  { name: 'workflows', load: () => import('./workflows.ts').then((m) => m.command) },
];
