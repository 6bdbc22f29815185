import { resolveToday } from '../constructs/organization.ts';
import { analyzeOrganization } from '../constructs/analyze.ts';
import { formatFinding } from '../model/findings.ts';
import { Authorizer } from '../analysis/authorizer.ts';
import { explainRequest, explainSubject, resolveWho } from '../analysis/explain.ts';
import { readRbac } from '../analysis/objects.ts';
import { dateFlag } from './args.ts';
import { defineCommand } from './command.ts';
import { InputError, UsageError } from '../model/errors.ts';
import { loadDeclaration, placeFindings } from './load.ts';
import { resolveTarget, warnUnknown } from './rbac.ts';

const EXPLAIN_HELP = `Usage: orgctl explain USER|TOKEN [-n NS] [--spec FILE]
       orgctl explain USER|TOKEN -n NS VERB TYPE[/NAME] [--subresource SUB] [--spec FILE]

Every permission of a user (by email) or token (by id), each traced to the declaration that made
it (spec path or construct path), the binding and the role. With a request: why it is allowed,
or why not (e.g. "w:pods is reserved for admins"). Exit 0, or 1 for a denied request.
Examples:
  orgctl explain bob@acme.io -n web
  orgctl explain bob@acme.io -n web create pods`;

export const command = defineCommand({
  name: 'explain',
  synopsis: 'USER|TOKEN [-n NS] [VERB TYPE[/NAME]] [--spec FILE]',
  summary: 'Every permission traced to its declaration; why a request is allowed or denied.',
  help: EXPLAIN_HELP,
  flags: { namespace: 'string', subresource: 'string', spec: 'string', today: 'string' },
  aliases: { n: 'namespace' },
  positionals: true,
  async run({ flags, positionals }, io) {
    if (positionals.length !== 1 && positionals.length !== 3)
      throw new UsageError('expected USER|TOKEN, and optionally VERB TYPE[/NAME]');
    const today = resolveToday(dateFlag(flags.today), io.env);
    const loaded = await loadDeclaration(flags.spec, today);
    // Policies and the judgement of the RBAC, not the files: explaining needs no YAML.
    const result = analyzeOrganization(loaded.root, { today });
    if (!result.ok) {
      for (const f of placeFindings(loaded, result.findings)) io.err(formatFinding(f));
      io.err('the declaration breaks a policy: fix it first (orgctl check)');
      return 1;
    }
    const model = result.model;
    const who = resolveWho(model, positionals[0]!);
    if (!who) throw new InputError(`${JSON.stringify(positionals[0])} is neither a user nor a token of ${model.name}`);
    const docs = result.objects!.map((object, index) => ({ file: 'synthesized', index, object }));
    const authz = new Authorizer(readRbac(docs));
    const ns = flags.namespace;
    // As can-i and who-can warn: a name the declaration does not know, a namespace nothing is bound in.
    const unknown = who.email === undefined && who.tokenId === undefined;
    warnUnknown(authz, io, {
      ...(unknown ? { user: positionals[0]! } : {}),
      ...(ns !== undefined ? { namespace: ns } : {}),
    });
    if (positionals.length === 1) {
      for (const line of explainSubject(model, authz, who, ns)) io.out(line);
      return 0;
    }
    if (ns === undefined) throw new UsageError('a request needs -n NS');
    const t = resolveTarget(positionals[2]!, flags.subresource ?? '', io);
    const { allowed, lines } = explainRequest(model, authz, who, {
      verb: positionals[1]!,
      namespace: t.namespaced ? ns : '',
      apiGroup: t.apiGroup,
      resource: t.resource,
      subresource: t.subresource,
      name: t.name,
    });
    for (const line of lines) io.out(line);
    return allowed ? 0 : 1;
  },
});
