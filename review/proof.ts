/**
 * Self-proving output: the privileged review never trusts that head's dist/ came from head's
 * declaration (org/org.ts is code, and can lie to `synth --check`). It recovers the organization
 * from the membership data and bindings that head dist/ carries, renders that organization with
 * this (the base's) engine, and compares the two byte for byte. Anything orgctl would not write (a
 * binding to a role outside the catalog, a ClusterRoleBinding, an aggregation label, a missing
 * namespace, an unknown kind, an extra field, an extra file) differs, and fails the proof with its
 * file and document index. The policies then run on the recovered organization: what Argo CD will
 * apply is exactly what was judged.
 */
import { Construct } from 'constructs';
import { Organization } from '../constructs/organization.ts';
import type { OutputFile } from '../synth/files.ts';
import { synthesize } from '../constructs/synthesize.ts';
import type { Finding } from '../model/findings.ts';
import type { OrgModel } from '../model/model.ts';
import { importRbac } from './import.ts';
import { declaredInFiles, HEAD_POLICIES, OUTPUT_PROOF } from './output-proof.ts';
import type { ManifestDoc, RbacSet } from '../analysis/objects.ts';
import type { Membership } from '../analysis/snapshot.ts';
import type { RuleResult } from '../policies/change/context.ts';
import type { Engine, HeadProofCheck } from './head-proof.ts';

/** A file of an output folder as read: what synthesis writes (path, content), and how errors name it. */
export interface OutputFileText extends OutputFile {
  readonly label: string;
}

interface Proof {
  /** True when the output is exactly what orgctl renders from its own data, and no policy fails on it. */
  readonly ok: boolean;
  /** Where the output differs from its re-rendering: `file#document: what`. Empty when it is orgctl's, or when nothing was rendered. */
  readonly differences: readonly string[];
  /** False when the recovered organization breaks a policy: orgctl then renders nothing to compare with. */
  readonly compared: boolean;
  /** This engine's rendering, kept when it differs from the output (a head proof may vouch for that output). */
  readonly rendered?: readonly OutputFile[];
  /** The policies' findings on the recovered organization (errors fail the review). */
  readonly findings: readonly Finding[];
  /** The organization recovered and declared; absent when it cannot be declared (no policy ran on it). */
  readonly model?: OrgModel;
}

/**
 * A proof as `orgctl prove --format json` writes it (what `review --head-proof` reads): the
 * verdict, never the organization itself.
 */
export const proofRecord = ({ ok, differences, findings, model }: Proof) => ({
  ok,
  differences,
  findings,
  recovered: model !== undefined,
});

/** A document's identity for a message: `RoleBinding web/acme:w:full`. */
function describe(text: string | undefined): string {
  if (text === undefined) return 'nothing';
  const field = (key: string, pad: string) =>
    new RegExp(`^${pad}${key}: (.+)$`, 'm').exec(text)?.[1]?.replace(/^"|"$/g, '');
  const kind = field('kind', '') ?? '(no kind)';
  const ns = field('namespace', '  ');
  return `${kind} ${ns ? `${ns}/` : ''}${field('name', '  ') ?? '(no name)'}`;
}

/** The documents of one file's text (everything after the header, split at `---` lines). */
const documentsOf = (text: string): string[] => text.split(/^---\n/m).slice(1);

/** Where `written` (head) differs from `rendered` (what orgctl makes of head's own data). */
function differences(written: readonly OutputFileText[], rendered: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of written) {
    seen.add(f.path);
    const want = rendered.get(f.path);
    if (want === undefined) {
      out.push(`${f.label}: orgctl would not write this file for this organization`);
      continue;
    }
    if (want === f.content) continue;
    if (!f.path.endsWith('.yaml')) {
      out.push(`${f.label}: differs from the membership data orgctl writes for this organization`);
      continue;
    }
    const got = documentsOf(f.content);
    const expected = documentsOf(want);
    const first = got.findIndex((d, i) => d !== expected[i]);
    if (first < 0 && got.length === expected.length) {
      out.push(`${f.label}: its header differs from orgctl's`);
      continue;
    }
    const at = first < 0 ? Math.min(got.length, expected.length) : first;
    const extra = got.length - expected.length;
    out.push(
      `${f.label}#${at}: ${describe(got[at])} is not what orgctl renders here (${describe(expected[at])})` +
        (extra > 0
          ? `; the file holds ${extra} document(s) more than orgctl writes`
          : extra < 0
            ? `; the file lacks ${-extra} document(s) orgctl writes`
            : ''),
    );
  }
  for (const path of [...rendered.keys()].filter((p) => !seen.has(p)).sort())
    out.push(`${path}: missing (orgctl writes it for this organization)`);
  return out;
}

/**
 * Proves `files` (an output folder, read strictly into `docs`) is exactly what orgctl renders from
 * the organization they describe, on `today`, and judges that organization by every policy.
 */
export function proveOutput(
  files: readonly OutputFileText[],
  docs: readonly ManifestDoc[],
  today: string,
  read?: { readonly rbac: RbacSet; readonly membership: Membership },
): Proof {
  const { spec } = importRbac(docs, read ? { read } : {});
  const root = new Construct(undefined as never, '');
  try {
    // At construct paths: the recovered spec is no file, and its indices are not the declaration's.
    Organization.fromSpec(root, spec, { today, schema: false, specPaths: false, userRecords: true });
  } catch (e) {
    return {
      ok: false,
      differences: [`the organization recovered from the output cannot be declared: ${(e as Error).message}`],
      compared: false,
      findings: [],
    };
  }
  const result = synthesize(root, { today, declaredIn: declaredInFiles(files) });
  const findings = result.findings; // sorted by synthesize
  if (!result.ok) {
    // No files to compare with: the organization the output describes breaks a policy.
    return { ok: false, differences: [], compared: false, findings, model: result.model };
  }
  const rendered = new Map(result.files.map((f) => [f.path, f.content]));
  const diffs = differences(files, rendered);
  return {
    ok: !diffs.length && !findings.some((f) => f.severity === 'error'),
    differences: diffs,
    compared: true,
    ...(diffs.length ? { rendered: result.files } : {}),
    findings,
    model: result.model,
  };
}

/** The first differences, for a message: at most `max`, then how many more. */
function firstDifferences(differences: readonly string[], max = 20): string {
  const more = differences.length - max;
  return `${differences.slice(0, max).join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

/** A head proof given to the review (`--head-proof`), judged, and the engine judging it. */
interface HeadProofJudged {
  readonly check: HeadProofCheck;
  readonly running: Engine;
  /**
   * When the head proof is accepted: this engine's findings on head dist/ as written (its bytes are
   * vouched for by the head's engine only), which fail head-policies like the recovered ones.
   */
  readonly written?: readonly Finding[];
}

/** `output-proof` when this engine's re-rendering differs from head dist/. */
function differingOutput(proof: Proof, head: HeadProofJudged | undefined): RuleResult {
  if (head?.check.accepted)
    return {
      rule: OUTPUT_PROOF,
      ok: true,
      message: `head dist/ is proved by ${head.running.name} ${head.check.version} (the version head's package-lock.json installs, trusted through this upgrade's \`engine-change\` approval); this ${head.running.name} ${head.running.version} renders ${proof.differences.length} file(s) differently: ${firstDifferences(proof.differences, 5)}`,
    };
  return {
    rule: OUTPUT_PROOF,
    ok: false,
    message: `head dist/ is not what orgctl renders from the organization it describes, so what Argo CD would apply was never judged: ${firstDifferences(proof.differences)}. Run \`npm run synth\` and commit dist/ as written.${head ? ` The head proof was not accepted: ${head.check.accepted ? '' : head.check.reason}.` : ''}`,
  };
}

/**
 * The proof as review results: `output-proof` (the bytes) and `head-policies` (every policy on
 * head). A head proof (`head`) may stand in for the byte comparison only, never for the policies.
 * `wholeBecause` says why the proof against base did not spare it.
 */
export function proofResults(proof: Proof, head?: HeadProofJudged, wholeBecause?: string): RuleResult[] {
  const errors = [...proof.findings, ...(head?.written ?? [])].filter((f) => f.severity === 'error');
  return [
    proof.differences.length
      ? differingOutput(proof, head)
      : !proof.compared
        ? {
            rule: OUTPUT_PROOF,
            ok: false,
            message:
              'head dist/ was not compared with anything: the organization it describes breaks a policy (head-policies), so orgctl renders nothing from it',
          }
        : {
            rule: OUTPUT_PROOF,
            ok: true,
            message: `head dist/ is exactly what orgctl renders from its own membership data and bindings (re-rendered with the base's engine, compared byte for byte${wholeBecause ? `; whole, as ${wholeBecause}` : ''})`,
          },
    ...(!proof.model
      ? [
          {
            rule: HEAD_POLICIES,
            ok: false,
            message:
              "the organization head dist/ describes cannot be declared with the base's orgctl, so no policy judged it (see output-proof)",
          },
        ]
      : errors.length
        ? errors.map((f) => ({ rule: HEAD_POLICIES, ok: false, message: `${f.rule} ${f.subject}: ${f.message}` }))
        : [
            {
              rule: HEAD_POLICIES,
              ok: true,
              message: 'every organization policy passes on the organization head dist/ describes',
            },
          ]),
  ];
}
