/**
 * `orgctl init`: every file of a new organization repository, as path → content. Pure: the
 * declaration is synthesized here (dist/ comes with it), the CLI writes the files. The repository
 * depends on orgctl like on any package: its workflows and scripts run the installed `orgctl`.
 */
import { Construct } from 'constructs';
import { Organization } from '../constructs/organization.ts';
import type { OrgSpec } from '../constructs/spec.ts';
import { synthesize } from '../constructs/synthesize.ts';
import type { Finding } from '../model/findings.ts';
import { byText } from '../model/text.ts';
import { applyCommand, IN_EACH_CLUSTER, inNamespace } from '../analysis/hand-applied.ts';
import { DEFAULT_ARGOCD_NAMESPACE } from '../policies/org/undeployable-namespace.ts';
import { toYamlDocument } from '../synth/yaml.ts';

interface ScaffoldOptions {
  /** The organization's name (a DNS label). */
  readonly org: string;
  /** The owner's email: the first admin. */
  readonly owner: string;
  /** The owner's GitHub login (the review knows admins by it). */
  readonly github?: string;
  /** The owner's GitHub account id (`githubId`): the review counts the login as theirs only from that account. Only with `github`. */
  readonly githubId?: number;
  /** The repository Argo CD reads dist/ from: dist/argocd/ is generated (`delivery.argocd.repoURL`). */
  readonly argocd?: string;
  /**
   * The identity Argo CD applies with, or each it reaches its clusters as: the boundary is written
   * (`delivery.argocd.boundary`), with `namedClusterResources`, which it needs. Only with `argocd`.
   */
  readonly boundary?: readonly string[];
  /**
   * The namespace Argo CD runs in, when the imported cluster shows it elsewhere than its default
   * (`delivery.argocd.namespace`). Only with `argocd`.
   */
  readonly argocdNamespace?: string;
  /** org/org.ts (constructs) or org/org.yaml (a spec). */
  readonly format: 'ts' | 'yaml';
  /** An organization imported from a cluster (`orgctl import`): declared as it is, written as a spec. */
  readonly imported?: OrgSpec;
  /** The running orgctl's package.json: its name, version and the versions of what the declaration imports. */
  readonly engine: {
    readonly version: string;
    readonly dependencies: Readonly<Record<string, string>>;
    readonly devDependencies?: Readonly<Record<string, string>>;
    /** Versions orgctl pins for its dependencies' dependencies: npm applies overrides only at a project's root. */
    readonly overrides?: Readonly<Record<string, unknown>>;
  };
  /** What package.json's `dependencies.orgctl` says (default `^VERSION`; init from a checkout: `file:vendor/orgctl-VERSION.tgz`). */
  readonly dependency?: string;
  /** The workflow templates (deploy/github/), name → text. */
  readonly workflows: ReadonlyMap<string, string>;
  readonly today: string;
}

type Scaffold =
  | { readonly ok: true; readonly files: ReadonlyMap<string, string>; readonly findings: readonly Finding[] }
  | { readonly ok: false; readonly findings: readonly Finding[] };

/** The organization's spec: its owner (ownedSpec), and where Argo CD reads the repository when given. */
function initialSpec(
  o: Pick<
    ScaffoldOptions,
    'org' | 'owner' | 'github' | 'githubId' | 'imported' | 'argocd' | 'boundary' | 'argocdNamespace'
  >,
): OrgSpec {
  const owner = o.owner.toLowerCase();
  const spec = ownedSpec(o, owner);
  if (o.argocd === undefined) return spec;
  const s = spec.spec as { delivery?: { argocd?: Record<string, unknown> } };
  return {
    ...spec,
    spec: { ...spec.spec, delivery: { ...s.delivery, argocd: { ...s.delivery?.argocd, ...argoCdSettings(o) } } },
  } as OrgSpec;
}

/** What init declares of Argo CD: where it reads dist/ and, with a boundary, the settings it needs. */
const argoCdSettings = (o: Pick<ScaffoldOptions, 'argocd' | 'boundary' | 'argocdNamespace'>) => ({
  repoURL: o.argocd,
  ...(o.argocdNamespace !== undefined ? { namespace: o.argocdNamespace } : {}),
  ...(o.boundary?.length
    ? {
        namedClusterResources: true,
        boundary: { appliedBy: o.boundary.length === 1 ? o.boundary[0]! : [...o.boundary] },
      }
    : {}),
});

/** The owner's GitHub login and account id, as given. */
const ownerLogin = (o: Pick<ScaffoldOptions, 'github' | 'githubId'>) => ({
  ...(o.github ? { github: o.github } : {}),
  ...(o.githubId !== undefined ? { githubId: o.githubId } : {}),
});

/** The organization's spec with its owner: the owner alone, or the imported one with the owner (and their login) made sure of. */
function ownedSpec(o: Pick<ScaffoldOptions, 'org' | 'github' | 'githubId' | 'imported'>, owner: string): OrgSpec {
  const login = ownerLogin(o);
  if (!o.imported) {
    return {
      apiVersion: 'orgctl/v1',
      kind: 'Organization',
      metadata: { name: o.org },
      spec: { owner, users: [{ email: owner, ...login, admin: true }] },
    } as OrgSpec;
  }
  const spec = structuredClone(o.imported) as OrgSpec & { spec: { users?: Record<string, unknown>[] } };
  const users = (spec.spec.users ??= []);
  const mine = users.find((u) => u.email === owner);
  if (mine) Object.assign(mine, { admin: true, ...login });
  else users.unshift({ email: owner, ...login, admin: true });
  return { ...spec, metadata: { ...spec.metadata, name: o.org }, spec: { ...spec.spec, owner } } as OrgSpec;
}

const DECLARATION = { ts: 'org/org.ts', yaml: 'org/org.yaml' } as const;

/** Every file of the new repository, dist/ synthesized; or the findings that stop the organization from synthesizing. */
export function scaffold(o: ScaffoldOptions): Scaffold {
  const format = o.imported ? 'yaml' : o.format;
  const declaredIn = DECLARATION[format];
  const spec = initialSpec(o);
  const root = new Construct(undefined as never, '');
  Organization.fromSpec(root, spec, { today: o.today });
  const result = synthesize(root, { today: o.today, declaredIn });
  if (!result.ok) return { ok: false, findings: result.findings };
  const files = new Map<string, string>();
  files.set('package.json', packageJson(o, format));
  if (format === 'ts') {
    files.set(declaredIn, declarationTs(o));
    files.set('tsconfig.json', TSCONFIG);
  } else files.set(declaredIn, declarationYaml(spec));
  for (const f of result.files) files.set(`dist/${f.path}`, f.content);
  for (const [name, text] of [...o.workflows].sort(([a], [b]) => byText(a, b)))
    files.set(`.github/workflows/${name}`, text);
  files.set('.gitignore', GITIGNORE);
  files.set('.ci/run', CI_RUN);
  const argo = (spec.spec as { delivery?: { argocd?: { namespace?: string } } }).delivery?.argocd;
  files.set('README.md', readme(o, declaredIn, argo?.namespace ?? DEFAULT_ARGOCD_NAMESPACE, spec));
  return { ok: true, files, findings: result.findings };
}

function packageJson(o: ScaffoldOptions, format: 'ts' | 'yaml'): string {
  const deps = o.engine.dependencies;
  const typescript = o.engine.devDependencies?.typescript;
  const pkg = {
    name: `${o.org}-organization`,
    version: '0.0.0',
    private: true,
    description: `The ${o.org} organization's people and access, as code (orgctl).`,
    type: 'module',
    scripts: {
      synth: 'orgctl synth',
      check: 'orgctl check',
      // No `orgctl check`: synth --check judges every policy it does, and the manifests, so each
      // finding would print once more.
      test: [...(format === 'ts' && typescript ? ['tsc --noEmit'] : []), 'orgctl synth --check', 'orgctl prove'].join(
        ' && ',
      ),
    },
    ...(format === 'yaml' ? { orgctl: { spec: DECLARATION.yaml } } : {}),
    dependencies: {
      ...(format === 'ts' ? { cdk8s: deps.cdk8s, constructs: deps.constructs } : {}),
      orgctl: o.dependency ?? `^${o.engine.version}`,
    },
    ...(format === 'ts' && typescript ? { devDependencies: { typescript } } : {}),
    ...(o.engine.overrides ? { overrides: o.engine.overrides } : {}),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * A plain value (strings, booleans, objects of them) as TypeScript source, as a person writes it:
 * on one line when it fits, else a property a line; `indent` is its line's.
 */
function tsValue(value: unknown, indent: string): string {
  if (typeof value === 'string') return quote(value);
  if (typeof value !== 'object' || value === null) return String(value);
  if (Array.isArray(value)) {
    const items = value.map((v) => tsValue(v, `${indent}  `));
    const line = `[${items.join(', ')}]`;
    return indent.length + line.length <= 90
      ? line
      : `[\n${items.map((i) => `${indent}  ${i},`).join('\n')}\n${indent}]`;
  }
  const props = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${tsValue(v, `${indent}  `)}`);
  const line = `{ ${props.join(', ')} }`;
  return indent.length + line.length <= 90 ? line : `{\n${props.map((p) => `${indent}  ${p},`).join('\n')}\n${indent}}`;
}

function declarationTs(o: ScaffoldOptions): string {
  const owner = o.owner.toLowerCase();
  const options = Object.entries({ ...ownerLogin(o), admin: true })
    .map(([k, v]) => `${k}: ${tsValue(v, '')}`)
    .join(', ');
  return `/**
 * The ${o.org} organization: who is in it and what each person may do where. Edit it, run
 * \`npm run synth\` (it checks every policy and writes dist/), and open a pull request with both.
 */
import { App } from 'cdk8s';
import { Organization } from 'orgctl';

${
  o.argocd === undefined
    ? `const org = new Organization(new App(), ${quote(o.org)}, { owner: ${quote(owner)} });`
    : `const org = new Organization(new App(), ${quote(o.org)}, {
  owner: ${quote(owner)},
  // Where Argo CD reads dist/: dist/argocd/ holds its AppProject and ApplicationSet${
    !o.boundary?.length
      ? '.'
      : `, and the
  // boundary each cluster applies by hand, which judges what Argo CD (appliedBy) applies for it.`
  }
  argocd: ${tsValue(argoCdSettings(o), '  ')},
});`
}

// The owner: the first admin.
org.user(${quote(owner)}, { ${options} });

// A namespace, a user and their access levels (\`npx orgctl levels\` lists them):
//   const web = org.namespace('web');
//   web.grant(org.user('bob@example.com', { github: 'bob' }), 'r:pods', 'w:services');

export default org;
`;
}

function declarationYaml(spec: OrgSpec): string {
  return `# yaml-language-server: $schema=../node_modules/orgctl/schema/org.schema.json\n${toYamlDocument(spec as unknown as Record<string, unknown>)}`;
}

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      // org/ may split the declaration, and a test imports it (README: Testing your declaration), as
      // orgctl loads it: `./org.ts`. Without this, npm test's tsc refuses that import (TS5097).
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      types: [],
    },
    include: ['org'],
  },
  null,
  2,
)}\n`;

// access.html: the page `orgctl access --format html --out access.html` writes (orgctl's README).
const GITIGNORE = `node_modules/
*.log
/access.html
`;

const CI_RUN = `#!/usr/bin/env bash
# CI: a clean clone on a fresh machine. Installs the locked orgctl, then runs the organization's
# tests: every policy, dist/ exactly what the declaration synthesizes, and what orgctl renders
# from the organization dist/ describes.
set -euo pipefail
cd "$(dirname "$0")/.."
node --version
npm ci --no-audit --no-fund
npm test
`;

/**
 * How a new orgctl is installed here: from the registry the dependency names, or, for a tarball
 * (orgctl is not on npm's public registry, where `orgctl@latest` is whoever claims the name), packed
 * into this repository's vendor/.
 */
const upgradeSteps = (tarball: boolean): string =>
  tarball
    ? "orgctl is a dependency like any other, installed from a tarball this repository holds (orgctl is\nnot on npm's public registry, where `orgctl@latest` is whoever claims the name):\n`npm pack --pack-destination` this repository's `vendor/` in the new orgctl's checkout, then\n`npm install ./vendor/orgctl-VERSION.tgz` here, and remove the old tarball"
    : 'orgctl is a dependency like any other: `npm install orgctl@latest`';

/** The new repository's README; `argocdNamespace`: where its Argo CD runs, as the spec says. */
/**
 * The README's example of a change to a spec. A key written twice in YAML is refused, so lines to
 * paste under a `users:` the file already holds would fail: a new organization's file is shown whole,
 * as it then reads; an imported one (which may be long) as the lines to add to its lists.
 */
function yamlExample(spec: OrgSpec, imported: boolean): string {
  if (imported)
    return '```yaml\n  users:  # add to the lists already there: a key written twice is refused\n    - { email: bob@example.com, github: bob }\n  namespaces: [{ name: web }]\n  grants:\n    - { user: bob@example.com, namespace: web, levels: ["r:pods", "w:services"] }\n```';
  const body = spec.spec;
  const changed: OrgSpec = {
    ...spec,
    spec: {
      ...body,
      users: [...(body.users ?? []), { email: 'bob@example.com', github: 'bob' }],
      namespaces: [...(body.namespaces ?? []), { name: 'web' }],
      grants: [...(body.grants ?? []), { user: 'bob@example.com', namespace: 'web', levels: ['r:pods', 'w:services'] }],
    },
  };
  return `\`\`\`yaml\n${declarationYaml(changed)}\`\`\``;
}

/** A TypeScript declaration is code: what approving a change to it approves (README's threat model). */
const CODE_APPROVED = `
Approving a change also approves its code in \`org/\`: once merged it runs wherever synth runs (CI,
your machine at your next \`npm run synth\`, with your files and environment), and the review shows
what the change grants, not what its code does. Read that diff as code: a declaration needs nothing
but orgctl's constructs.`;

function readme(o: ScaffoldOptions, declaredIn: string, argocdNamespace: string, spec: OrgSpec): string {
  // A `file:` dependency: a tarball the repository holds, upgraded and proved otherwise.
  const tarball = o.dependency?.startsWith('file:') ?? false;
  const ts = declaredIn.endsWith('.ts');
  const example = ts
    ? "```ts\nconst web = org.namespace('web');\nweb.grant(org.user('bob@example.com', { github: 'bob' }), 'r:pods', 'w:services');\n```"
    : yamlExample(spec, o.imported !== undefined);
  return `# ${o.org}: people and access

The ${o.org} organization's users, admins, namespaces, access levels and tokens, declared in
[\`${declaredIn}\`](${declaredIn}) and synthesized by orgctl
into Kubernetes RBAC in \`dist/\`, which Argo CD applies. The owner is ${o.owner.toLowerCase()}.

## Changing access

1. \`npm ci\` once.
2. Edit \`${declaredIn}\`, for example${ts || o.imported ? '' : ' (bob, the namespace web and his grant added: the file then reads)'}:

${example}

3. \`npm run synth\`: checks every policy and writes \`dist/\`. \`npx orgctl diff --base HEAD --head dist\`
   shows who gains or loses what; \`npx orgctl levels\` lists the access levels.
4. Commit \`${declaredIn}\` and \`dist/\` together and open a pull request. \`npm test\` (CI runs it:
   \`.ci/run\`, \`.github/workflows/orgctl-check.yaml\`) checks every policy, that \`dist/\` is exactly
   what the declaration synthesizes, and that it is what orgctl renders from the organization it describes.

## Who approves what

The review job (\`.github/workflows/orgctl-review.yaml\`) judges each pull request with the orgctl
of the base branch, from the base's admins, and posts the \`orgctl/review\` check:

| change | rules | one admin | two admins or more |
|---|---|---|---|
| a namespace, a user, their levels, an invite, billing, deactivation, Add All, Remove All, a blank token with custom RBAC | \`actor-not-admin\` | the admin alone | any admin alone |
| making an admin, inviting one; a token with namespaces (\`w:full\` there), giving it more, rotating it | \`admin-change-approval\` | the admin alone | one admin, approved by another |
| your own privileges, a token you own | \`self-edit\` | nobody (make a second admin first) | another admin makes it, you approve |
| another admin's privileges (billing, demotion, deactivation) | \`self-edit\`, \`admin-change-approval\` | nobody | the other admin, approved by the admin it concerns |
| anything outside \`org/\` and \`dist/\`: \`package.json\` and \`package-lock.json\` (an orgctl upgrade), workflows | \`engine-change\` | the admin alone | one admin, approved by another who is not an author |
| removing more than a quarter of the users, grants or tokens | \`mass-removal\` | the label \`orgctl/override-mass-removal\` and an approval from an admin who is not an author | the same |
| the owner | \`owner-immutable\` | never in a pull request: only support changes it | the same |

Anyone else may propose any of these: an admin's approval makes it pass. Whoever makes it, every
policy judges the result (\`head-policies\`: \`w:pods\` and \`w:full\` stay with admins).${ts ? CODE_APPROVED : ''}

An admin who opens a pull request is one of the admins behind it only when its head commit is their
own signed commit, verified by GitHub: a commit someone else pushed on top, an unsigned one, or one
GitHub made (the web editor, **Update branch**) leaves only the approvals of the head commit. Sign
your commits (\`git config commit.gpgsign true\`) and push your own commit last.

\`npx orgctl review --base main --head dist --actor LOGIN --changed-path ${declaredIn}\` runs the same
judgement locally.

## Upgrading orgctl

${upgradeSteps(tarball)}, \`npx orgctl workflows --write\`
(npm never copies a release's workflows here: it writes them, and leaves any you edited by hand,
saying so), \`npm run synth\`, and commit \`package.json\`, \`package-lock.json\`,
${tarball ? 'the tarball, ' : ''}\`.github/workflows/\` and \`dist/\` together. The pull request is an engine change
(an admin who is not its author approves it: the review names the orgctl version and source that
\`package-lock.json\` installs, which is what the approval trusts), and whatever the new version
renders differently shows in its output diff, judged like any change.

The review runs the base branch's orgctl, which renders the old way. So the review workflow's
\`head-engine\` job, which holds no permission and no secret, installs the new orgctl from the pull
request's \`package-lock.json\` and proves \`dist/\` with it; when the old orgctl renders \`dist/\`
differently, \`output-proof\` passes on that proof, made by exactly the version the lock installs.
Every other rule, \`head-policies\` and the access diff are still the base's orgctl's.${
    tarball
      ? ` It proves no upgrade from a tarball, whose bytes no registry vouches for: an upgrade that
renders \`dist/\` differently fails \`output-proof\` until orgctl comes from a registry you trust.`
      : ''
  }

## Setting up

- GitHub: protect the default branch as orgctl's docs describe (\`node_modules/orgctl/docs/github.md\`
  once installed): require \`orgctl/review\` from the GitHub Actions app and \`check\`.
${
  o.argocd !== undefined
    ? `- Argo CD: \`dist/argocd/\` is generated for ${o.argocd}: apply it once, as [orgctl's README](node_modules/orgctl/README.md#delivery-with-argo-cd)
  says (\`${applyCommand(inNamespace(argocdNamespace), ['dist/argocd/appproject.yaml', 'dist/argocd/applicationset.yaml'])}\`).${
    !o.boundary?.length
      ? ''
      : `
  The boundary (\`dist/argocd/boundary.yaml\`) goes to each cluster, by hand, before the
  ApplicationSet: \`${applyCommand(IN_EACH_CLUSTER, ['dist/argocd/boundary.yaml'])}\` (Kubernetes
  1.30 or later; \`namedClusterResources\` needs an Argo CD release of 2026).`
  }`
    : `- Argo CD: add ${ts ? '`argocd: { repoURL: ... }` to the organization' : '`delivery: { argocd: { repoURL: ... } }` under `spec:`'} to generate
  \`dist/argocd/\`, and apply it once.`
}

Created by \`orgctl init\` (orgctl ${o.engine.version}).
`;
}
