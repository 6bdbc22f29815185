import { isAdminOnly } from '../../model/catalog.ts';
import { loginAlone } from '../../model/model.ts';
import type { MemberUser } from '../../model/membership.ts';
import { githubIdLookup } from '../../model/text.ts';
import {
  cellsIn,
  customRulesOf,
  namespacesOf,
  tokenCells,
  type LazyCell,
  type Snapshot,
} from '../../analysis/snapshot.ts';
import { CLASS_BY_ID, firstUndeclared, type ClassId } from '../../analysis/classes.ts';
import type { Change } from '../../analysis/change.ts';
import type { SubjectDiff } from '../../analysis/diff.ts';
import {
  beneficiaries,
  changeList,
  clusterReach,
  editsOf,
  GAINS,
  handedOverFrom,
  personReach,
  reachText,
  sameLogin,
  secondAdmin,
  sharingMailbox,
  type ChangeRule,
  type ReviewInput,
  type RuleResult,
} from './context.ts';

/**
 * Access reserved for admins: an admin-only level (w:full, w:pods, ...), a class only admins may
 * hold, writes of custom resources the organization has not declared safe (forbidden-grant for
 * a person; a token's custom roles are the only roles that can hold them), or anything in a
 * namespace for admins only.
 */
function isAdminGrade(cell: LazyCell | undefined, side: Snapshot): boolean {
  if (!cell) return false;
  // Anything held in a namespace for admins only (adminsOnly) is, a cell of another scope in each it covers.
  if (namespacesOf(cell.scope, side.org).some((ns) => side.namespaceSettings.get(ns)?.adminsOnly)) return true;
  const c = cell.cell;
  if (c.covers.some(isAdminOnly) || c.classes.some((k) => CLASS_BY_ID.get(k)?.severity === 'error')) return true;
  return customRulesOf(side, cell).some((rules) => firstUndeclared(rules, side.org.safeCustomResources) !== undefined);
}

/**
 * A staging on a deactivated token (gains-dormant) of access reserved for admins, held once it is
 * reactivated: no cell holds it yet, so its own levels and classes say it (a live token's cells would).
 */
const stagesAdminGrade = (c: Change): boolean =>
  c.kind === 'gains-dormant' &&
  (!!c.levels?.some(isAdminOnly) || !!c.classes?.some((k) => CLASS_BY_ID.get(k as ClassId)?.severity === 'error'));

/** Whether `email` is an active admin on that side. */
const isActiveAdmin = (side: Snapshot, email: string): boolean => {
  const u = side.users.get(email);
  return !!u?.admin && u.status === 'active';
};

/**
 * The previous owner was handed the token value and keeps it until a rotation, so a token changes
 * hands only rotated: in this change, any handover from a person without a rotation fails,
 * whatever it allows (a later change could raise its access, or its old owner leave, and two
 * outputs cannot say who held it in between). Over the rolling window (`window`: its label, and
 * head as that pair read it), a handover made before this rule, or outside this change, fails
 * while it matters: its old owner left (the seed deactivates a departing user's tokens with them),
 * or is no active admin while it holds access reserved for admins (what forbidden-grant refuses a
 * token they own); there only a rotation in this change counts (the window's diff cannot say
 * whether a rotation it shows came first). Why it fails whatever the approvals, or undefined.
 */
function keptByOldOwner(
  input: ReviewInput,
  d: SubjectDiff,
  window?: { readonly label: string; readonly head: Snapshot },
): string | undefined {
  const side = window?.head ?? input.head;
  const h = side.tokens.get(d.id);
  const previous = handedOverFrom(d, !window);
  if (!h || !previous) return undefined;
  const before = input.base.tokens.get(d.id);
  if (window && before && before.serviceAccount !== h.serviceAccount) return undefined; // rotated here
  const cells = tokenCells(side, h);
  const live = Object.keys(cells).sort();
  const what = `token ${d.id}: owner ${previous} → ${h.owner ?? '(none)'} without a rotation${window ? ` since ${window.label}` : ''}`;
  const fix = 'rotate it in the same change (`rotation`), whatever the approvals';
  const access = live.length ? ` and its access in ${live.join(', ')}` : '';
  if (input.head.users.get(previous)?.status !== 'active' && (live.length || !window)) {
    const how = input.head.users.has(previous) ? 'is deactivated' : 'leaves the organization';
    return `${what} while ${previous} ${how}: they keep the token value${access}; ${fix}`;
  }
  const reserved = live.filter((ns) => isAdminGrade(cells[ns], side));
  if (reserved.length && !isActiveAdmin(input.head, previous))
    return `${what}: ${previous} keeps the token value and would hold access reserved for admins in ${reserved.join(', ')}; ${fix}`;
  return window ? undefined : `${what}: ${previous} keeps the token value${access}; ${fix}`;
}

/**
 * Whether this change makes `h` an active admin matched on GitHub by login alone (loginAlone):
 * made admin or reactivated, given another login, or their account id dropped. Whoever holds the
 * login then approves as them, and nobody may approve that into base: declare the id in the same
 * change. An admin already so in base stays admin-github-id's warning, so that an organization
 * whose admins declare no id can still approve the change that declares them.
 */
const becomesLoginAlone = (b: MemberUser | undefined, h: MemberUser): boolean =>
  loginAlone(h) &&
  (!b || !b.admin || b.status !== 'active' || !sameLogin(b.github, h.github) || b.githubId !== undefined);

/** Changes of who holds a token and for how long. */
const CUSTODY = new Set(['token-owner', 'token-rotated', 'token-expiry']);

/** The seed: changes to an administrator's privileges must be applied by another administrator. */
export const adminChangeApproval: ChangeRule = {
  id: 'admin-change-approval',
  check(input) {
    const out: RuleResult[] = [];
    // What an address sharing a base admin's mailbox gains is that admin's (red team R70-3, R62-1's
    // class). Read, as gainers are, only for an edit of no admin's: every address's mailbox is read.
    let adminOf: ReadonlyMap<string, string> | undefined;
    const adminSharing = (id: string) =>
      (adminOf ??= sharingMailbox(
        input,
        [...input.base.users.values()].filter((u) => u.admin).map((u) => u.email),
      )).get(id);
    let gainers: ReadonlySet<string> | undefined;
    const gains = (id: string) => (gainers ??= beneficiaries(input)).has(id);
    for (const p of input.diff.people.map(editsOf).filter((d) => d !== undefined)) {
      const b = input.base.users.get(p.id);
      const h = input.head.users.get(p.id);
      const invitedAdmin = input.head.invites.get(p.id)?.admin && input.head.invites.get(p.id)?.state === 'pending';
      const judged = b?.admin || h?.admin || invitedAdmin;
      const admin = judged ? undefined : adminSharing(p.id);
      const theirs = admin !== undefined && admin !== p.id && gains(p.id);
      if (!judged && !theirs) continue;
      const second = secondAdmin(input, [p.id]);
      const who = b?.admin
        ? `admin ${p.id}`
        : theirs
          ? `${p.id} (sharing a mailbox with admin ${admin})`
          : `${p.id} (made admin)`;
      if (h && becomesLoginAlone(b, h)) {
        out.push({
          rule: this.id,
          ok: false,
          message: `${who}: ${changeList(p)}; declares GitHub login ${h.github} without its account id: whoever holds that login would approve, author and label as this admin; declare githubId beside github in this change (\`${githubIdLookup(h.github)}\` prints it), whatever the approvals${second.ok ? '' : `; it also needs an approval of the head commit from an admin who is neither an author nor ${p.id}${second.note}`}`,
        });
        continue;
      }
      // Whom the approving admin makes admin on GitHub: an account, or whoever holds a login.
      const alone =
        h && loginAlone(h)
          ? `; declares GitHub login ${h.github} without its account id: whoever holds that login will approve, author and label as this admin (admin-github-id)`
          : '';
      out.push({
        rule: this.id,
        ok: second.ok,
        message: second.ok
          ? `${who}: ${changeList(p)}${alone}; ${second.approved}`
          : `${who}: ${changeList(p)}${alone}: needs an approval of the head commit from an admin who is neither an author nor ${p.id}${second.note}`,
      });
    }
    // An admin's own grants reaching another cluster (a namespace joining one, a cluster added): no
    // line of theirs says so, and they hold them once no longer an admin (red team Y1). An admin
    // whose privileges change here is judged above, with the same second admin.
    const judged = new Set(input.diff.people.filter((p) => editsOf(p)).map((p) => p.id));
    const reach = clusterReach(input);
    for (const u of reach.length ? input.head.users.values() : []) {
      if (!u.admin || judged.has(u.email)) continue;
      const where = reachText(personReach(input, reach, u));
      if (!where) continue;
      const second = secondAdmin(input, [u.email]);
      const who = `admin ${u.email} (their own grants, now also in ${where})`;
      out.push({
        rule: this.id,
        ok: second.ok,
        message: second.ok
          ? `${who}; ${second.approved}`
          : `${who}: needs an approval of the head commit from an admin who is neither an author nor ${u.email}${second.note}`,
      });
    }
    // A token is a credential anyone holding it can use: one that gains admin-grade access is an admin-grade change.
    for (const t of input.diff.tokens.map(editsOf).filter((d) => d !== undefined)) {
      const h = input.head.tokens.get(t.id);
      if (!h) continue;
      // A handover without a rotation fails whatever the token allows: no need to judge its access.
      const kept = keptByOldOwner(input, t);
      if (kept) {
        out.push({ rule: this.id, ok: false, message: kept });
        continue;
      }
      const cells = tokenCells(input.head, h);
      const namespaces = [
        ...new Set(t.changes.filter((c) => GAINS.has(c.kind) && c.namespace).map((c) => c.namespace!)),
      ];
      // Who holds an admin-grade credential, and for how long, is admin-grade too: a new owner, a
      // fresh token (rotation) or a later or removed expiry of a token with admin-only access.
      const custody = t.changes.some(
        (c) =>
          CUSTODY.has(c.kind) &&
          !(c.kind === 'token-expiry' && typeof c.to === 'string' && (c.from === undefined || c.to < String(c.from))),
      );
      const grade = custody ? Object.keys(cells).filter((ns) => isAdminGrade(cells[ns], input.head)) : [];
      const reserved = [
        ...new Set([
          ...namespaces.filter((ns) => isAdminGrade(cells[ns], input.head)),
          ...grade,
          ...t.changes.filter(stagesAdminGrade).map((c) => c.namespace!),
        ]),
      ].sort();
      if (!reserved.length) continue;
      const previousOwner = input.base.tokens.get(t.id)?.owner;
      // The owners gain from the change and cannot be its second admin, unless all it does is
      // rotate the token: the same access, in the same hands, and the old token revoked.
      const rotationOnly = t.changes.every((c) => c.kind === 'token-rotated');
      const except = rotationOnly ? [] : [...new Set([h.owner, previousOwner].filter((o): o is string => !!o))];
      const second = secondAdmin(input, except);
      const who = `token ${t.id} (access reserved for admins in ${reserved.join(', ')})`;
      const notOwner = except.length ? ` nor its owner${except.length > 1 ? 's' : ''} ${except.join(', ')}` : '';
      out.push({
        rule: this.id,
        ok: second.ok,
        message: second.ok
          ? `${who}: ${changeList(t)}; ${second.approved}`
          : `${who}: ${changeList(t)}: an admin-grade change, needs an approval of the head commit from an admin who is not an author${notOwner}${second.note}`,
      });
    }
    // A handover split from the change that makes it matter (a later pull request raising the
    // token's access, or deactivating its old owner): judged over the rolling window too.
    if (input.window) {
      // A handover in this change is judged above, on this change.
      const handedHere = new Set(
        input.diff.tokens.filter((t) => t.changes.some((c) => c.kind === 'token-owner')).map((t) => t.id),
      );
      for (const t of input.window.diff.tokens) {
        const kept = handedHere.has(t.id) ? undefined : keptByOldOwner(input, t, input.window);
        if (kept) out.push({ rule: this.id, ok: false, message: kept });
      }
    }
    // Access is per cluster, the per-subject diff per namespace: a namespace joining a cluster, or
    // a cluster added, gives each token with admin-only access there that access in one more cluster.
    for (const t of input.head.tokens.values()) {
      const cells = tokenCells(input.head, t);
      const reached = reachText(
        reach.filter((r) => cellsIn(cells, r.namespace, r.cluster).some((c) => isAdminGrade(c, input.head))),
      );
      if (!reached) continue;
      const except = t.owner ? [t.owner] : [];
      const second = secondAdmin(input, except);
      const who = `token ${t.id} (access reserved for admins, now also in ${reached})`;
      out.push({
        rule: this.id,
        ok: second.ok,
        message: second.ok
          ? `${who}; ${second.approved}`
          : `${who}: an admin-grade change, needs an approval of the head commit from an admin who is not an author${t.owner ? ` nor its owner ${t.owner}` : ''}${second.note}`,
      });
    }
    return out.length ? out : [{ rule: this.id, ok: true, message: "no admin's privileges change" }];
  },
};
