import { sameLogin, type ChangeRule, type RuleResult } from './context.ts';

/** The seed: to change the owner, contact support. No pull request can. */
export const ownerImmutable: ChangeRule = {
  id: 'owner-immutable',
  check(input) {
    const owner = input.base.org.owner;
    const out: RuleResult[] = [];
    if (input.diff.owner)
      out.push({
        rule: this.id,
        ok: false,
        message: `the owner changes from ${input.diff.owner.from} to ${input.diff.owner.to}: only support can change the owner`,
      });
    const h = input.head.users.get(owner);
    if (!h)
      out.push({
        rule: this.id,
        ok: false,
        message: `the owner ${owner} is removed: only support can change the owner`,
      });
    else if (!h.admin || h.status !== 'active')
      out.push({
        rule: this.id,
        ok: false,
        message: `the owner ${owner} is ${!h.admin ? 'demoted' : 'deactivated'}: only support can change the owner`,
      });
    // The GitHub login is who acts and approves as the owner in every review.
    const [from, to] = [input.base.users.get(owner)?.github, h?.github];
    if (h && !sameLogin(from, to))
      out.push({
        rule: this.id,
        ok: false,
        message: `the owner's GitHub login changes ${from ?? '(none)'} → ${to ?? '(none)'}: whoever holds it acts and approves as the owner; only support can change the owner`,
      });
    // So is the account it must be held by, once declared (declaring one only narrows who it is).
    const [fromId, toId] = [input.base.users.get(owner)?.githubId, h?.githubId];
    if (h && fromId !== undefined && fromId !== toId)
      out.push({
        rule: this.id,
        ok: false,
        message: `the owner's GitHub account id changes ${fromId} → ${toId ?? '(none)'}: whoever holds it acts and approves as the owner; only support can change the owner`,
      });
    return out.length ? out : [{ rule: this.id, ok: true, message: `the owner ${owner} stays an active admin` }];
  },
};
