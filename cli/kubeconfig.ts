/**
 * orgctl kubeconfig: a kubeconfig for a token, from its Secret as `kubectl get secret -o json`
 * prints it. The file holds a live credential: mode 0600, never overwritten without --force,
 * never written inside a git repository.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_NAMESPACE, isLiveToken, resolveToday, systemNamespaceOf, tokenAccountName } from '../model/model.ts';
import { SERVICE_ACCOUNT_NAME_ANNOTATION, SERVICE_ACCOUNT_TOKEN_TYPE } from '../synth/render.ts';
import { toYamlDocument } from '../synth/yaml.ts';
import type { ParsedArgs } from './args.ts';
import { defineCommand } from './command.ts';
import { InputError, unreadableFlagFile, UsageError, whyUnread } from '../model/errors.ts';
import type { Io } from '../model/io.ts';
import { MEMBERS_FILE, type MemberToken } from '../model/membership.ts';
import { serviceAccountUser } from '../analysis/authorizer.ts';
import { membershipDataOf } from '../analysis/membership.ts';
import { nearestName, shellCommand, showHidden } from '../model/text.ts';
import { DEFAULT_OUTPUT_DIR, readMembersText } from './output.ts';
import { replaceFile } from './replace-file.ts';
import { statOf } from './file-stamp.ts';
import { kubectlRefusesAuthorities, STD_BASE64 } from './go-pem.ts';

const KUBECONFIG_HELP = `Usage: orgctl kubeconfig TOKEN_ID --server URL [--secret FILE|-] [--namespace NS] [--cluster NAME]
                         [--dir DIR] [--out FILE [--force]]

Builds a kubeconfig for token TOKEN_ID: the cluster (server and certificate authority), the
token as the user, one context per namespace the token is granted (the first is current).
The Secret is what the cluster filled in, e.g.
  kubectl get secret -n acme-system token-ci-deploy -o json | orgctl kubeconfig ci-deploy --server https://lga1.example:6443 --out ~/.kube/ci-deploy
The Secret is refused unless it is the token's as the cluster filled it (namespace, type,
ServiceAccount, a token naming that ServiceAccount as its sub). Without --out the kubeconfig is printed. --out writes it with mode 0600, refuses an existing file
without --force, and refuses any folder it cannot prove is outside every git repository (a token must never be committed).
A deactivated token, or one past its \`expires\` (judged on ORGCTL_TODAY, else today), has nothing to hand over: refused.

  --dir DIR      the synthesized output that declares the token (default dist)`;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A JWT's subject (`sub`), read without checking its signature; undefined when it is no JWT naming one. */
function jwtSubject(jwt: string): string | undefined {
  const parts = jwt.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    return isObj(claims) && typeof claims.sub === 'string' ? claims.sub : undefined;
  } catch {
    return undefined;
  }
}

/** The token and CA from a token Secret, after checking it is the right Secret and is filled. */
export function readTokenSecret(
  secret: unknown,
  token: MemberToken,
  namespace: string,
): { token: string; caData: string } {
  if (!isObj(secret) || secret.kind !== 'Secret')
    throw new InputError('the input is not a Secret (expected `kubectl get secret NAME -o json`)');
  const meta = isObj(secret.metadata) ? secret.metadata : {};
  const name = String(meta.name ?? '');
  const data = isObj(secret.data) ? secret.data : {};
  // A ServiceAccount of the same name in another namespace is another identity. kubectl prints
  // the Secret's namespace always, and the cluster fills data.namespace with its ServiceAccount's.
  const filled = typeof data.namespace === 'string' ? Buffer.from(data.namespace, 'base64').toString() : undefined;
  for (const [said, how] of [
    [meta.namespace, ''],
    [filled, " (its data.namespace, which the cluster fills with its ServiceAccount's)"],
  ] as const)
    if (said !== undefined && said !== namespace)
      throw new InputError(
        `Secret ${name} is in namespace ${JSON.stringify(said)}${how}, not in ${namespace} where token ${token.id}'s ServiceAccount lives`,
      );
  if (meta.namespace === undefined)
    throw new InputError(
      `Secret ${name} names no namespace (metadata.namespace): give it as \`kubectl get secret -n ${namespace} NAME -o json\` prints it, from ${namespace} where token ${token.id}'s ServiceAccount lives`,
    );
  if (secret.type !== SERVICE_ACCOUNT_TOKEN_TYPE) {
    throw new InputError(`Secret ${name} is of type ${JSON.stringify(secret.type)}, not ${SERVICE_ACCOUNT_TOKEN_TYPE}`);
  }
  const sa = isObj(meta.annotations) ? meta.annotations[SERVICE_ACCOUNT_NAME_ANNOTATION] : undefined;
  if (sa !== token.serviceAccount) {
    throw new InputError(
      `Secret ${name} belongs to ServiceAccount ${JSON.stringify(sa)}, not to token ${token.id} (${token.serviceAccount})`,
    );
  }
  if (typeof data.token !== 'string' || typeof data['ca.crt'] !== 'string' || !data.token) {
    throw new InputError(
      `Secret ${name} holds no token yet: the cluster fills it once the ServiceAccount exists; try again in a moment`,
    );
  }
  const decoded = Buffer.from(data.token, 'base64').toString('utf8');
  if (!decoded || /[^\x21-\x7e]/.test(decoded))
    throw new InputError(`Secret ${name}: data.token is not a base64-encoded token`);
  // The token controller fills data.token only when it is empty, and the API server authenticates
  // a token by its own claims, not by the Secret holding it: one written there is whoever it names.
  const subject = serviceAccountUser(namespace, token.serviceAccount);
  const named = jwtSubject(decoded);
  if (named !== subject)
    throw new InputError(
      `Secret ${name}: data.token ${named === undefined ? 'is not a JWT naming a ServiceAccount (its sub claim)' : `names ${JSON.stringify(named)}`}, not ${subject}, as the token the cluster fills it with does: a token written there by hand acts as whoever it names`,
    );
  const ca = data['ca.crt'];
  const unreadable = STD_BASE64.test(ca)
    ? kubectlRefusesAuthorities(Buffer.from(ca, 'base64').toString('latin1'))
    : 'it is not base64';
  if (unreadable)
    throw new InputError(
      `Secret ${name}: data['ca.crt'] is not base64 of PEM certificates: ${unreadable}, where the cluster fills it with its certificate authority; kubectl refuses such a kubeconfig`,
    );
  return { token: decoded, caData: ca };
}

export interface KubeconfigInput {
  readonly org: string;
  readonly token: MemberToken;
  readonly server: string;
  readonly cluster: string;
  readonly credentials: { readonly token: string; readonly caData: string };
  /** Only this namespace, when given. */
  readonly namespace?: string;
}

/** The kubeconfig as an object: one context per granted namespace, the first current. */
export function buildKubeconfig(k: KubeconfigInput): Record<string, unknown> {
  const granted = [...k.token.namespaces, ...(k.token.customRbac ?? []).filter((n) => !k.token.namespaces.includes(n))];
  if (k.namespace !== undefined && !granted.includes(k.namespace)) {
    throw new UsageError(
      `token ${k.token.id} grants nothing in ${k.namespace} (it grants: ${granted.join(', ') || 'nothing yet'})`,
    );
  }
  const namespaces = k.namespace !== undefined ? [k.namespace] : granted.length ? granted : [DEFAULT_NAMESPACE];
  const user = `${k.org}-token-${k.token.id}`;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: k.cluster, cluster: { server: k.server, 'certificate-authority-data': k.credentials.caData } }],
    users: [{ name: user, user: { token: k.credentials.token } }],
    contexts: namespaces.map((ns) => ({
      name: `${k.cluster}-${ns}`,
      context: { cluster: k.cluster, user, namespace: ns },
    })),
    'current-context': `${k.cluster}-${namespaces[0]}`,
    preferences: {},
  };
}

/**
 * Whether a folder is provably outside every git repository. Only two answers prove it: no `.git`
 * in the folder or any folder above it, and git itself answering "not a git repository". Anything
 * else — git finding a repository, git refusing one ("dubious ownership"), git missing or failing
 * for any other reason, GIT_DIR set — is not proof, and a live credential is not written there.
 */
/**
 * Creates the folder `out` goes in (mode 0700: it holds credentials) when only that last folder is
 * missing, as `~/.kube` is on a fresh machine; when a folder higher up is missing too, that is more
 * likely a typo than a wish, and it says which.
 */
function makeParentFolder(out: string, io: Io): void {
  const parent = dirname(resolve(out));
  const stat = statOf(parent);
  if (stat) {
    if (!stat.isDirectory()) throw new InputError(`${out}: ${parent} is not a folder`);
    return;
  }
  const above = dirname(parent);
  if (!existsSync(above))
    throw new InputError(
      `${out}: the folder ${above} does not exist (a typo?); orgctl creates only the last folder, ${parent}`,
    );
  mkdirSync(parent, { mode: 0o700 });
  io.err(`created ${parent} (mode 0700)`);
}

export function outsideGitRepositories(
  folder: string,
  git = 'git',
): { outside: true } | { outside: false; why: string } {
  let dir = resolve(folder);
  while (!existsSync(dir)) dir = dirname(dir);
  try {
    dir = realpathSync(dir);
  } catch {
    return { outside: false, why: `cannot resolve ${dir}` };
  }
  if (process.env.GIT_DIR !== undefined || process.env.GIT_WORK_TREE !== undefined) {
    return { outside: false, why: 'GIT_DIR or GIT_WORK_TREE is set, so git may treat any folder as a repository' };
  }
  // Our own walk first: it does not stop where git does (a file system boundary, a safe.directory).
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, '.git'))) return { outside: false, why: `it is inside the git repository ${d}` };
    if (dirname(d) === d) break;
  }
  const r = spawnSync(git, ['-C', dir, 'rev-parse', '--show-toplevel'], {
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C', LANGUAGE: 'C' },
  });
  if (r.error) return { outside: false, why: `git could not be run to check (${r.error.message})` };
  if (r.status === 0) return { outside: false, why: `it is inside the git repository ${r.stdout.trim() || dir}` };
  const said = (r.stderr ?? '').trim();
  if (/^fatal: not a git repository/m.test(said) && !/dubious ownership/i.test(said)) return { outside: true };
  return {
    outside: false,
    why: `git could not tell whether it is in a repository (${said.split('\n')[0] || `exit ${r.status ?? r.signal}`})`,
  };
}

const KUBECONFIG_FLAGS = {
  server: 'string',
  secret: 'string',
  namespace: 'string',
  cluster: 'string',
  dir: 'string',
  out: 'string',
  force: 'boolean',
} as const;

function kubeconfigCommand({ flags, positionals }: ParsedArgs<typeof KUBECONFIG_FLAGS>, io: Io): number {
  if (positionals.length !== 1) throw new UsageError('expected one TOKEN_ID');
  const server = flags.server;
  if (server === undefined)
    throw new UsageError(
      "--server URL is required: the cluster API server's https:// address (kubectl config view shows it)",
    );
  // Parsed here, before the Secret is read: a bad port or host is said of the flag.
  if (!/^https:\/\/[^\s/]+/.test(server) || !URL.canParse(server))
    throw new UsageError(`--server ${JSON.stringify(server ?? '')} is not an https:// URL`);
  if (flags.cluster !== undefined && !flags.cluster.trim())
    throw new UsageError(
      `--cluster ${JSON.stringify(flags.cluster)} is empty: give the name each context starts with (lga1 makes lga1-web), or leave it out for the server's host`,
    );
  const dir = flags.dir ?? DEFAULT_OUTPUT_DIR;
  const members = membershipDataOf(readMembersText(dir));
  if (!members)
    throw new InputError(`${dir}/${MEMBERS_FILE} is not the membership data orgctl writes: run orgctl synth`);
  const token = members.tokens.find((t) => t.id === positionals[0]);
  if (!token) {
    const ids = members.tokens.map((t) => t.id);
    const meant = nearestName(positionals[0]!, ids);
    throw new InputError(
      `${dir}/${MEMBERS_FILE} declares no token ${JSON.stringify(positionals[0])}${meant ? `: did you mean ${meant}?` : ''} (tokens: ${ids.join(', ') || 'none'})`,
    );
  }
  // What orgctl writes, and nothing else: the name is a word of the command printed below, and the
  // Secret is checked against it (a forged members.json named `--kubeconfig=…`, R28-3).
  const account = tokenAccountName(token.id, token.rotation);
  if (token.serviceAccount !== account)
    throw new InputError(
      `${dir}/${MEMBERS_FILE}: token ${token.id} names the ServiceAccount ${JSON.stringify(token.serviceAccount)}, not ${account}, which orgctl writes for it: this is not the output orgctl synth writes (run it)`,
    );
  const org = members.organization?.name ?? 'org';
  // Its namespaces become contexts (names, the current one): only those the organization declares (R30-3).
  const declared = new Set([...(members.organization?.namespaces ?? []), systemNamespaceOf(org)]);
  const undeclared = [...token.namespaces, ...(token.customRbac ?? [])].find((ns) => !declared.has(ns));
  if (undeclared !== undefined)
    throw new InputError(
      `${dir}/${MEMBERS_FILE}: token ${token.id} names the namespace ${JSON.stringify(undeclared)}, which the organization does not declare: this is not the output orgctl synth writes (run it)`,
    );
  if (token.status === 'deactivated')
    throw new InputError(
      `token ${token.id} is deactivated: its ServiceAccount and Secret are left out of ${dir}/, so there is no token to hand over (activate it first)`,
    );
  if (!isLiveToken(token, resolveToday(undefined, io.env)))
    throw new InputError(
      `token ${token.id} has expired (it held through ${token.expires}): synthesis leaves its ServiceAccount and Secret out from the next day, so Argo CD prunes them and there is no token to hand over (set a later \`expires\` and rotate it)`,
    );
  // Left to the default on a terminal, reading would wait, silent, for a Secret nobody is typing.
  if (flags.secret === undefined && io.stdinIsTerminal)
    throw new UsageError(
      `standard input is a terminal: pipe the Secret in (${shellCommand(['kubectl', 'get', 'secret', '-n', systemNamespaceOf(org), token.serviceAccount, '-o', 'json'])} | ${shellCommand(['orgctl', 'kubeconfig', token.id, '--server', server])}), or give --secret FILE`,
    );
  const secretSource = flags.secret ?? '-';
  let secretText: string;
  try {
    secretText =
      secretSource === '-' ? (io.stdin ? io.stdin() : readFileSync(0, 'utf8')) : readFileSync(secretSource, 'utf8');
  } catch (e) {
    // Standard input is the default, given by no flag: naming --secret would name what nobody typed.
    if (secretSource === '-') throw new InputError(`standard input: cannot read the Secret (${whyUnread(e)})`);
    throw unreadableFlagFile('--secret', secretSource, e);
  }
  let secret: unknown;
  try {
    secret = JSON.parse(secretText);
  } catch {
    throw new InputError(
      `${secretSource === '-' ? 'standard input' : secretSource}: not JSON (use kubectl get secret NAME -o json)`,
    );
  }
  const credentials = readTokenSecret(secret, token, systemNamespaceOf(org));
  const config = buildKubeconfig({
    org,
    token,
    server,
    cluster: flags.cluster ?? new URL(server).hostname,
    credentials,
    ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
  });
  const text = toYamlDocument(config);
  const out = flags.out;
  if (out === undefined) {
    io.out(text.trimEnd());
    return 0;
  }
  const where = outsideGitRepositories(dirname(resolve(out)));
  if (!where.outside)
    throw new InputError(
      `${out}: refused, because ${where.why}: a token must never be committed, so it is written only where no git repository is proven; write it elsewhere (e.g. ~/.kube/)`,
    );
  if (existsSync(out) && !flags.force) throw new InputError(`${out} exists: give --force to replace it`);
  makeParentFolder(out, io);
  replaceFile(out, text, 0o600);
  io.err(
    showHidden(
      `wrote ${out} (mode 0600): contexts ${(config.contexts as { name: string }[]).map((c) => c.name).join(', ')}`,
    ),
  );
  return 0;
}

export const command = defineCommand({
  name: 'kubeconfig',
  summary: 'A kubeconfig for a token, from its Secret (kubectl get secret -o json).',
  help: KUBECONFIG_HELP,
  flags: KUBECONFIG_FLAGS,
  aliases: { n: 'namespace' },
  positionals: true,
  run: kubeconfigCommand,
});
