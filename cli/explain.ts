import { resolveToday, type OrgModel } from '../model/model.ts';
import { formatFinding } from '../model/findings.ts';
import type { Manifest } from '../synth/manifest.ts';
import { Authorizer } from '../analysis/authorizer.ts';
import { withBootstrap } from '../analysis/bootstrap.ts';
import {
  explainNonResource,
  explainRequest,
  explainSubject,
  explainSubjectData,
  resolveWho,
  subjectMeant,
  usernamesDeclared,
} from '../analysis/explain.ts';
import { readRbac } from '../analysis/objects.ts';
import { dateFlag } from './args.ts';
import { defineCommand } from './command.ts';
import { InputError, UsageError } from '../model/errors.ts';
import { declarationBefore, explainIndexOf, readExplainIndex, writeExplainIndex } from './explain-cache.ts';
import { declarationFile } from './paths.ts';
import { NO_BOOTSTRAP_FLAG, NO_BOOTSTRAP_HELP, checkVerb, parseTarget, resourceQuestion, warnUnknown } from './rbac.ts';

/** Whose roles a verb no role names is missing from (checkVerb): what the declaration synthesizes. */
const DECLARED = 'of the declaration';

const EXPLAIN_HELP = `Usage: orgctl explain USER|TOKEN [-n NS] [--spec FILE] [--today YYYY-MM-DD] [--format text|json] [--no-bootstrap]
       orgctl explain USER|TOKEN [-n NS] VERB TYPE[/NAME] [--subresource SUB] [--spec FILE] [--format text|json] [--no-bootstrap]
       orgctl explain USER|TOKEN VERB /NON-RESOURCE-URL [--spec FILE] [--format text|json] [--no-bootstrap]

Every permission of a user (by email or Kubernetes username) or token (by id or its
ServiceAccount's username), each traced to the declaration that made it (spec path or construct
path), the binding and the role. With a request: why it is allowed, or why not (e.g. "w:pods is
reserved for admins"). Exit 0, or 1 for a denied request.
A request is evaluated where the API server evaluates it: in -n NS for a namespaced type (-n is
then required); Namespace X (namespaces/X, its status and finalize) in namespace X, whatever -n
says; any other cluster-scoped type by ClusterRoleBindings only, as a non-resource URL.
The bootstrap access every cluster gives each authenticated user (discovery, health, self-reviews)
is listed once, after the namespaces, and an answer it decides says so.
Asked about one namespace of a spec file (-n NS, or the one a request is evaluated in), it keeps
an index of the checked organization in node_modules/.cache/orgctl/explain: later questions about
the same file (same bytes, date and orgctl) read only that namespace's part.
  --format json   the same as JSON (a request: allowed, the rule, binding, declaration, the lines)
${NO_BOOTSTRAP_HELP}
Examples:
  orgctl explain bob@acme.io -n web
  orgctl explain bob@acme.io -n web create pods
  orgctl explain bob@acme.io get /healthz`;

export const command = defineCommand({
  name: 'explain',
  summary: 'Every permission traced to its declaration; why a request is allowed or denied.',
  help: EXPLAIN_HELP,
  flags: {
    namespace: 'string',
    subresource: 'string',
    spec: 'string',
    today: 'string',
    format: ['text', 'json'],
    [NO_BOOTSTRAP_FLAG]: 'boolean',
  },
  aliases: { n: 'namespace' },
  positionals: true,
  async run({ flags, positionals }, io) {
    if (positionals.length !== 1 && positionals.length !== 3)
      throw new UsageError('expected USER|TOKEN, and optionally VERB TYPE[/NAME]');
    const today = resolveToday(dateFlag(flags.today), io.env);
    const ns = flags.namespace;
    const [subject, verb, what] = positionals as [string, string | undefined, string | undefined];
    const url = what?.startsWith('/') ?? false;
    if (url && (ns !== undefined || flags.subresource !== undefined))
      throw new UsageError('a non-resource URL takes neither --subresource nor -n');
    // A request on a type, read before the declaration: the namespace it is evaluated in is what is placed.
    const target = what !== undefined && !url ? parseTarget(what, flags.subresource ?? '') : undefined;
    if (target?.target.namespaced && ns === undefined)
      throw new UsageError(`a request needs -n NS: ${target.target.resource} is namespaced`);
    const question = target && resourceQuestion(verb!, target.target, { namespace: ns });
    // The namespace the answer is about, and the one placed: the one listed; the one a request is
    // evaluated in, as can-i and the API server evaluate it (Namespace object X: in X, whatever -n
    // says; a cluster-scoped type or a non-resource URL: '', ClusterRoleBindings only).
    const about = what === undefined ? ns : (question?.evaluatedIn ?? '');
    // A question about one namespace of a spec file asked about before (the same bytes, date and
    // orgctl) is answered from its index: the checked organization as that namespace sees it, and
    // the objects rendered there (cli/explain-cache.ts).
    const file = declarationFile(flags.spec);
    const index = about !== undefined ? explainIndexOf(file, today) : undefined;
    const view = index && about !== undefined ? readExplainIndex(index, about, subject) : undefined;
    let model: OrgModel;
    let objects: readonly Manifest[];
    /** The namespaces the organization declares (whose names a warning may suggest). */
    let declared: readonly string[];
    // The index holds only the one asked about: a name it does not know as a user, invitee or token
    // is looked for in the whole declaration, so that the error or warning can say whom it means.
    const fromView = view && resolveWho(view.model, subject, today);
    if (view && (fromView?.email !== undefined || fromView?.tokenId !== undefined))
      ({ model, objects, declared } = view);
    else {
      // What check judges, then the objects placed: explaining needs neither synth's rules over
      // them nor YAML. Loaded only here: an answer from the index needs neither the constructs nor
      // the rules.
      // An index answering as it is (a name it does not know) is not written again.
      const { loadDeclaration, loadSpec, placeFindings } = await import('./load.ts');
      const { MAX_SPEC_BYTES } = await import('../constructs/spec.ts');
      const before = !view && index && declarationBefore(index, MAX_SPEC_BYTES.json);
      const { placeCheckedDeclaration } = await import('../constructs/analyze.ts');
      // With an index to write, the text read once, whose stamp and hash the index keeps: the
      // path read again may name another file by then (a link re-pointed, a folder swapped: R120-1).
      const loaded = before ? loadSpec(file, today, before.text) : await loadDeclaration(flags.spec, today, io);
      // With an index to write, every namespace is placed (it holds them all), and the answer reads
      // them too; else, of one namespace, only it and what is cluster-wide.
      const one = about !== undefined && !before ? { namespace: about } : {};
      const result = placeCheckedDeclaration(loaded.declared, { today, ...one });
      if (!result.ok) {
        for (const f of placeFindings(loaded, result.findings)) io.err(formatFinding(f));
        io.err('the declaration breaks a policy: fix it first (orgctl check)');
        return 1;
      }
      model = result.model;
      objects = result.objects!;
      declared = model.namespaces.map((n) => n.name);
      if (index && before) writeExplainIndex(index, before, model, objects);
    }
    const who = resolveWho(model, subject, today);
    if (!who) {
      const meant = subjectMeant(model, subject);
      throw new InputError(
        `${JSON.stringify(subject)} is neither a user nor a token of ${model.name}${meant ? `: did you mean ${meant}?` : ''}`,
      );
    }
    const docs = objects.map((object, index) => ({ file: 'synthesized', index, object }));
    const rbac = readRbac(docs);
    const authz = new Authorizer(flags[NO_BOOTSTRAP_FLAG] ? rbac : withBootstrap(rbac));
    // As can-i and who-can warn: a name the declaration does not know, a namespace nothing is bound
    // in (the one listed, or the one a request names: -n of a namespaced type, X of namespaces/X).
    const unknown = who.email === undefined && who.tokenId === undefined;
    const named = what === undefined ? ns : question?.named;
    warnUnknown(authz, io, {
      ...(unknown ? { user: subject } : {}),
      ...(named !== undefined ? { namespace: named } : {}),
      namespaces: declared,
      bindingsOf: `what ${model.name} declares`,
      // Whom it declares, not whom the bindings read name (fewer from the index, or of one namespace).
      ...(unknown ? { subjects: usernamesDeclared(model) } : {}),
    });
    const json = flags.format === 'json';
    if (what === undefined || verb === undefined) {
      if (json) io.out(JSON.stringify(explainSubjectData(model, authz, who, ns), null, 2));
      else for (const line of explainSubject(model, authz, who, ns)) io.out(line);
      return 0;
    }
    let request: Record<string, string>;
    let answer: ReturnType<typeof explainRequest>;
    if (!question) {
      checkVerb(verb, true, rbac, '', DECLARED);
      request = { verb, path: what };
      answer = explainNonResource(model, authz, who, { verb, path: what });
    } else {
      for (const warning of [target?.warning, question.warning]) if (warning) io.err(warning);
      checkVerb(verb, false, rbac, question.evaluatedIn, DECLARED);
      request = question.attrs;
      answer = explainRequest(model, authz, who, question.attrs);
    }
    if (json)
      io.out(
        JSON.stringify(
          {
            allowed: answer.allowed,
            subject: who.label,
            request,
            ...(answer.by ? { by: answer.by } : {}),
            ...(answer.clusters ? { clusters: answer.clusters } : {}),
            lines: answer.lines,
          },
          null,
          2,
        ),
      );
    else for (const line of answer.lines) io.out(line);
    return answer.allowed ? 0 : 1;
  },
});
