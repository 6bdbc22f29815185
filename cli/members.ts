import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedArgs } from './args.ts';
import { defineCommand } from './command.ts';
import { InputError } from '../model/errors.ts';
import type { Io } from '../model/io.ts';
import { MEMBERS_FILE, type MembershipData } from '../model/membership.ts';
import { table } from './who-can.ts';
import { DEFAULT_OUTPUT_DIR } from './output.ts';

const MEMBERS_HELP = `Usage: orgctl members [--dir DIR] [--format text|json]

The organization's membership as synthesized (DIR/members.json, default dist): users with their
GitHub login, admin, billing and status; invites with their pending access; tokens. The same
data is in the orgctl-users and orgctl-organization ConfigMaps of the system namespace, for a
billing portal or an identity provider to consume.`;

/** DIR/members.json as text: what synthesis wrote for other systems to read. */
export function readMembersText(dir: string): string {
  const file = join(dir, MEMBERS_FILE);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file} cannot be read: run orgctl synth first, or give --dir`);
  }
}

const MEMBERS_FLAGS = { dir: 'string', format: ['text', 'json'] } as const;

function membersCommand({ flags }: ParsedArgs<typeof MEMBERS_FLAGS>, io: Io): number {
  const text = readMembersText(flags.dir ?? DEFAULT_OUTPUT_DIR);
  if (flags.format === 'json') {
    io.out(text.trimEnd());
    return 0;
  }
  const m = JSON.parse(text) as MembershipData;
  const yes = (b: boolean) => (b ? 'yes' : '-');
  io.out(
    table([
      ['USER', 'GITHUB', 'ADMIN', 'BILLING', 'STATUS'],
      ...m.users.map((u) => [
        u.email + (u.email === m.organization.owner ? ' (owner)' : ''),
        u.github ?? '-',
        yes(u.admin),
        yes(u.billing),
        u.status + (u.access ? ` (${u.access === 'all' ? 'Add All' : 'Remove All'})` : ''),
      ]),
    ]),
  );
  if (m.invites.length) {
    io.out('');
    io.out(
      table([
        ['INVITE', 'STATE', 'SSO', 'ADMIN', 'BILLING', 'ACCESS'],
        ...m.invites.map((i) => [
          i.email,
          i.state,
          yes(i.sso),
          yes(i.admin),
          yes(i.billing),
          i.grants.map((g) => `${[...(g.levels ?? []), ...(g.roles ?? [])].join(',')} in ${g.namespace}`).join('; ') ||
            '-',
        ]),
      ]),
    );
  }
  if (m.tokens.length) {
    io.out('');
    io.out(
      table([
        ['TOKEN', 'NAME', 'OWNER', 'NAMESPACES', 'EXPIRES', 'STATUS'],
        ...m.tokens.map((t) => [
          t.id,
          t.name ?? '-',
          t.owner ?? '-',
          t.namespaces.join(',') || '(blank)',
          t.expires ?? '-',
          t.status ?? 'active',
        ]),
      ]),
    );
  }
  return 0;
}

export const command = defineCommand({
  name: 'members',
  summary: 'Users, invites and tokens, as synthesized.',
  help: MEMBERS_HELP,
  flags: MEMBERS_FLAGS,
  run: membersCommand,
});
