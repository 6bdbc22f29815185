import type { ParsedArgs } from './args.ts';
import { defineCommand } from './command.ts';
import type { Io } from '../model/io.ts';
import type { MembershipData } from '../model/membership.ts';
import { table } from './who-can.ts';
import { dateFlag } from './args.ts';
import { datedRole } from '../analysis/ended-access.ts';
import { daysBetween, isExpired, resolveToday } from '../model/model.ts';
import { DEFAULT_OUTPUT_DIR, readMembersText } from './output.ts';

const MEMBERS_HELP = `Usage: orgctl members [--dir DIR] [--today YYYY-MM-DD] [--format text|json]

The organization's membership as synthesized (DIR/members.json, default dist): users with their
GitHub login, admin, billing and status; temporary access with its last day; invites with their
pending access; tokens. The same data is in the orgctl-users and orgctl-organization ConfigMaps
of the system namespace, for a billing portal or an identity provider to consume.

  --today DATE   the day temporary access is judged on (default: ORGCTL_TODAY, else today): what
                 ended before it is still bound until dist/ is synthesized again and Argo CD syncs`;

/** What a temporary access's last day is to `today`: days left, its last day, or ended while still bound. */
function accessState(until: string, today: string): string {
  if (isExpired(until, today)) return 'ended: run npm run synth';
  const left = daysBetween(today, until);
  return left === 0 ? 'last day' : `${left} day${left === 1 ? '' : 's'} left`;
}

/** A dated role as a person knows it: a level (r:full), a custom role by its name, their own rules. */
function accessName(org: string, role: string): string {
  const { what, name } = datedRole(role, org);
  return what === 'own rules' ? what : name;
}

/** One row per person, namespace and last day: the roles that end together, read as one. */
function temporaryAccessRows(m: MembershipData, today: string): string[][] {
  const rows = new Map<string, string[]>();
  for (const u of m.users)
    for (const e of u.expiring ?? []) {
      const key = JSON.stringify([u.email, e.namespace, e.until]);
      const row = rows.get(key) ?? [u.email, e.namespace, '', e.until, accessState(e.until, today)];
      row[2] = row[2]
        ? `${row[2]}, ${accessName(m.organization.name, e.role)}`
        : accessName(m.organization.name, e.role);
      rows.set(key, row);
    }
  return [...rows.values()];
}

const MEMBERS_FLAGS = { dir: 'string', today: 'string', format: ['text', 'json'] } as const;

function membersCommand({ flags }: ParsedArgs<typeof MEMBERS_FLAGS>, io: Io): number {
  const today = resolveToday(dateFlag(flags.today), io.env);
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
  const temporary = temporaryAccessRows(m, today);
  if (temporary.length) {
    io.out('');
    io.out(table([['TEMPORARY ACCESS', 'NAMESPACE', 'ACCESS', 'LAST DAY', 'STATE'], ...temporary]));
  }
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
