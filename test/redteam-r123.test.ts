/**
 * Red team R123: what orgctl writes against what the applying side reads, after the speed shortcuts
 * on the path from the model to dist/'s bytes and on the readers that judge them.
 *
 * R123-1: the strict reader judged an object's labels and its annotations against one cache of
 * verdicts by object (kubernetes-names' METADATA_JUDGED), and the YAML reader reads the same small
 * mapping's text as one frozen object wherever it is written. Annotations `acme.io/x: "not a label
 * value"` (accepted: an annotation's value is any text) made the same text under another object's
 * `labels` accepted unjudged, a label value the API server refuses: Argo CD applies nothing of that
 * file's Application, and every answer read from dist/ (revocations included) is not the cluster's.
 * The other way round, labels refused first refused the same annotations with the label's words.
 * Closed with its class: each judge keeps its own verdicts (judgedEach), none can share a store.
 *
 * Held (guards below, passing): (1) a declared text (an annotation, a token's name and note, a label,
 * a custom role's name and rules, a non-resource URL, the username prefix, an email's name) that Go's YAML 1.1 reading would take as a
 * boolean, null, number, timestamp, merge key, comment, other line break or other text: each is
 * refused by synth or written so that orgctl's strict reader (the API server's rules included), the `yaml` package in YAML 1.1 mode
 * and divergentConstruct read the text as declared (scalar quotes every reserved word: none is
 * longer than five characters, and a plain scalar never starts with a digit, sign or dot); a part
 * larger than the writer's buffer is written as its bytes, pairs across each slice boundary. (2)
 * plainSubject passes only subjects Subject's schema passes (2,000 generated, any values, extra
 * keys); the kind cache keys by apiVersion then kind in Maps (no `__proto__` collision) and past
 * its 256 pairs reads each kind afresh. (3) mailboxOf's fast path gives the full reading's mailbox
 * for 3,000 generated addresses (case, Unicode case, IDNA and fullwidth domains, a trailing dot,
 * subaddresses, dots, declared mail): it returns an address only where its domain reads as written
 * and nothing routes or splits it. Quotes, a trailing dot, an empty label and non-atext are refused
 * before any mailbox is read (invalid-text, red team R66).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdk8s';
import fc from 'fast-check';
import { Subject } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Subject';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { divergentConstruct } from '../cli/go-yaml.ts';
import { streamOutput } from '../cli/output.ts';
import { DocumentCache, parseOutput, type OutputText } from '../cli/output-read.ts';
import { Organization } from '../constructs/index.ts';
import { synthesize } from '../constructs/synthesize.ts';
import { mailboxOf, type MailDomain } from '../model/mailbox.ts';
import { plainSubject } from '../synth/kubernetes-schema.ts';
import { readCanonicalYaml } from '../synth/yaml.ts';
import { TODAY, tempDir } from './helpers.ts';
import { baseSpec, outputOf, type Spec } from './review/scenarios.ts';

/** A ConfigMap in namespace web whose metadata holds `meta` (its lines, two spaces in). */
const configMap = (name: string, meta: string): string =>
  `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n${meta}  name: ${name}\n  namespace: web\ndata:\n  a: b\n`;

/** baseSpec's output with `documents` after the documents of the file holding namespace web's objects. */
function forged(documents: string): OutputText[] {
  const files = outputOf(baseSpec());
  const web = files.find((f) => f.path.endsWith('resources.yaml') && f.content.includes('\n  namespace: web\n'))!;
  return files.map((f) => (f === web ? { ...f, content: f.content + documents } : f));
}

/** Why parseOutput refuses `files`, or undefined when it reads them. */
function refusedBy(files: readonly OutputText[]): string | undefined {
  try {
    parseOutput(files);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

describe('R123-1: labels and annotations of the same text are judged each by its own rules', () => {
  it('attack: annotations read first do not make a label value the API server refuses accepted', () => {
    // A value of its own: the reader's caches live as long as the process.
    const entry = '    acme.io/r123-1: "not a label value"\n';
    const refused = refusedBy(
      forged(configMap('noted', `  annotations:\n${entry}`) + configMap('labelled', `  labels:\n${entry}`)),
    );
    expect(refused).toContain(
      'ConfigMap web/labelled: label acme.io/r123-1 "not a label value" must be empty or letters, digits',
    );
  });

  it("attack: labels refused first do not refuse the same text as annotations, with a label's words", () => {
    const entry = '    acme.io/r123-1b: "not a label value"\n';
    const refused = refusedBy(
      forged(configMap('labelled', `  labels:\n${entry}`) + configMap('noted', `  annotations:\n${entry}`)),
    );
    expect(refused).toContain('ConfigMap web/labelled: label acme.io/r123-1b');
    expect(refused).not.toContain('ConfigMap web/noted');
  });

  it("held: base's annotations do not make the same text accepted as head's labels (one reading's cache, as a diff's)", () => {
    const entry = '    acme.io/r123-1e: "not a label value"\n';
    const cache = new DocumentCache();
    expect(() => parseOutput(forged(configMap('noted', `  annotations:\n${entry}`)), cache)).not.toThrow();
    expect(() => parseOutput(forged(configMap('labelled', `  labels:\n${entry}`)), cache)).toThrow(
      'ConfigMap web/labelled: label acme.io/r123-1e "not a label value" must be empty',
    );
  });

  it('held: the text alone, as labels refused, as annotations accepted', () => {
    const entry = (n: string) => `    acme.io/r123-1${n}: "not a label value"\n`;
    expect(refusedBy(forged(configMap('labelled', `  labels:\n${entry('c')}`)))).toContain(
      'ConfigMap web/labelled: label acme.io/r123-1c "not a label value" must be empty',
    );
    expect(refusedBy(forged(configMap('noted', `  annotations:\n${entry('d')}`)))).toBeUndefined();
  });
});

/**
 * Texts Go's YAML (sigs.k8s.io/yaml over goyaml.v2, YAML 1.1's rules) may read as another value than
 * a string, or as other text: its booleans and nulls in every case, numbers in every base, merge
 * keys, timestamps, indicators, comments, line breaks it reads and JSON does not, a BOM, surrogates,
 * Argo CD's skip marker, texts past the writer's caches and a part's slice.
 */
const HOSTILE = [
  ...['y', 'Y', 'yes', 'No', 'ON', 'off', 'oN', '~', 'null', 'NULL', 'Null', 'True', 'FALSE', 'tRUE', 'n', 'N'],
  ...['<<', '=', '0o17', '017', '0x1F', '1_000', '1:20', '.inf', '-.Inf', '.NaN', 'NaN', '2001-12-14', '1e400'],
  ...[`0x${'f'.repeat(20)}`, '0b101', '+1', '-0', '.5', '0', '1e3'],
  ...[' a', 'a ', '#a', 'a #b', 'a: b', 'a:b', 'a:', 'a:#', 'yes:', '-', '- a', '-a', '? a', '*a', '&a', '!a'],
  ...['|a', '>a', '%a', '%YAML 1.1', '@a', '`a', '"a"', "'a'", '{{x}}', '[a]', '_', '__proto__', '\\', 'http://x'],
  ...['a\nb', 'a\n', '\na', '\n', 'a\n\nb', 'a \nb', 'a\n b', 'a\n\tb', '\tb\nc', 'a\n#b', 'a\n- b', 'x:\n y'],
  ...['---', '...', 'a\n---\nb', 'a\n...\nb', 'a\tb', '\t', 'a\r\nb', 'a\rb', 'a\u000bb', '\u0000', '\u007f'],
  ...['a\u0085b', 'a\u2028b', 'a\u2029b', '\ufeffa', '\ufffe', '\u00a0a', 'a\u00a0', '\u3000', 'a\u200bb'],
  ...['\u212a', '\ud83d\ude00', '\ud800', 'a\udc00', '+argocd:skip-file-rendering', 'a\n+argocd:skip-file-rendering'],
  ...[`${'x'.repeat(70)}:`, `${'é'.repeat(1000)}`, `${'x'.repeat(2000)}\ud83d\ude00`, '\ud83d\ude00'.repeat(600)],
];

/** Where a declared text is written: each field of the spec that takes any string the schema lets through. */
const FIELDS: Record<string, (s: Spec, text: string) => void> = {
  note: (s, t) => {
    s.spec.tokens[0].note = t;
  },
  tokenName: (s, t) => {
    s.spec.tokens[0].name = t;
  },
  annotation: (s, t) => {
    s.spec.namespaces[0].annotations = { 'acme.io/x': t };
  },
  label: (s, t) => {
    s.spec.namespaces[0].labels = { 'acme.io/x': t };
  },
  rule: (s, t) => {
    s.spec.customRoles = [
      { name: 'reader', rules: [{ apiGroups: [t], resources: [t], verbs: [t], resourceNames: [t] }] },
    ];
    s.spec.grants.push({ user: 'bob@acme.io', namespace: 'data', customRole: 'reader' });
  },
  customRole: (s, t) => {
    s.spec.customRoles = [{ name: t, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }] }];
    s.spec.grants.push({ user: 'bob@acme.io', namespace: 'data', customRole: t });
  },
  usernamePrefix: (s, t) => {
    s.spec.identity = { usernamePrefix: t };
  },
  nonResourceURL: (s, t) => {
    s.spec.customRoles = [{ name: 'reader', rules: [{ nonResourceURLs: [t], verbs: ['get'] }] }];
    s.spec.grants.push({ user: 'bob@acme.io', namespace: 'data', customRole: 'reader' });
  },
  email: (s, t) => {
    s.spec.users.push({ email: `${t}@acme.io`, github: 'zed' });
  },
};

/**
 * What goes wrong between the model and what Go reads, for `text` declared at `field`: synth refuses
 * (a finding naming a rule, or none of it written), or each YAML file is read alike by orgctl's
 * strict reader and by the `yaml` package in YAML 1.1 mode with nothing Go reads otherwise
 * (divergentConstruct), members.json is JSON, and the text reads back as declared.
 */
function misread(field: string, text: string): string | undefined {
  const spec = baseSpec();
  FIELDS[field]!(spec, text);
  const app = new App();
  let r: ReturnType<typeof synthesize>;
  try {
    Organization.fromSpec(app, spec, { today: TODAY });
    r = synthesize(app, { today: TODAY, declaredIn: 'test' });
  } catch (e) {
    // A refusal a person can act on: an InputError's words, never a crash.
    return /^(TypeError|RangeError|ReferenceError)/.test(String(e)) ? `crashed: ${String(e)}` : undefined;
  }
  if (!r.ok) return r.findings.some((f) => f.severity === 'error' && f.message) ? undefined : 'refused, no words';
  // What the API server refuses of it, as the strict reader judges dist/ (objectRefused: subjects, names, labels...).
  const judged = refusedBy(r.files.map((f) => ({ ...f, label: f.path })));
  if (judged) return `written, and refused as dist/: ${judged}`;
  const read: unknown[] = [];
  for (const f of r.files) {
    if (f.path.endsWith('.json')) {
      JSON.parse(f.content);
      continue;
    }
    const own = readCanonicalYaml(f.content);
    if ('error' in own) return `${f.path}: orgctl's reader refuses it: ${own.error.found}`;
    const docs = parseAllDocuments(f.content, { version: '1.1', uniqueKeys: true });
    for (const d of Array.isArray(docs) ? docs : [docs]) {
      if (d.errors.length) return `${f.path}: YAML 1.1 refuses it: ${d.errors[0]!.message}`;
      const diverges = divergentConstruct(d, f.content);
      if (diverges) return `${f.path}:${diverges.line}: Go may read ${diverges.found}`;
    }
    const oracle = (Array.isArray(docs) ? docs : [docs]).map((d) => d.toJS());
    if (JSON.stringify(oracle) !== JSON.stringify(own.documents)) return `${f.path}: YAML 1.1 reads other values`;
    read.push(...own.documents);
  }
  const annotations = read.flatMap((o) =>
    Object.values((o as { metadata?: { annotations?: object } }).metadata?.annotations ?? {}),
  );
  if (field === 'note' || field === 'annotation')
    return annotations.includes(text) ? undefined : 'not read back as declared';
  return undefined;
}

describe('R123 guard: what synth writes of a declared text, Go reads as that text (goal 1)', () => {
  it('every hostile text, as an annotation (any text, unbounded), is refused or read back as declared', () => {
    expect(HOSTILE.map((t) => misread('annotation', t)).filter(Boolean)).toEqual([]);
  });

  it('generated texts, in every field', () => {
    const text = fc.oneof(
      fc.constantFrom(...HOSTILE),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc
        .array(fc.constantFrom(...HOSTILE, 'a', ' ', '\n', ':', '#', '-', '\ud83d\ude00'), { maxLength: 5 })
        .map((p) => p.join('')),
    );
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(FIELDS)), text, (field, t) => {
        expect(misread(field, t)).toBeUndefined();
      }),
      { numRuns: 80 },
    );
  });
});

describe("R123 guard: a part larger than the writer's buffer is written as its bytes (writeParts)", () => {
  it('pairs across every slice boundary, and a part after a large one', () => {
    // STREAM_BUFFER_BYTES / 3 units make a slice: astral characters around it, at each offset.
    const slice = Math.floor(2 ** 20 / 3);
    for (const shift of [0, 1, 2, 3]) {
      const big = `${'a'.repeat(slice - shift)}${'\ud83d\ude00'.repeat(4)}${'é'.repeat(slice)}\ud83d\ude00`;
      const parts = ['head\n', big, `${'\ud83d\ude00'.repeat(slice)}`, 'tail\n'];
      const dir = join(tempDir(), 'out');
      const out = streamOutput(dir);
      // The bytes it returns are the file's: the shard limits are judged on them.
      expect(out.write('f.yaml', parts)).toBe(Buffer.byteLength(parts.join(''), 'utf8'));
      out.finish();
      expect(readFileSync(join(dir, 'f.yaml')).equals(Buffer.from(parts.join(''), 'utf8'))).toBe(true);
    }
  });
});

describe("R123 guard: a subject plainSubject passes, Subject's schema passes (goal 2)", () => {
  it('generated subjects, of any field values and extra keys', () => {
    const value = fc.oneof(fc.string(), fc.constant(undefined), fc.anything());
    const subject = fc.oneof(
      fc.record({ kind: value, name: value, apiGroup: value, namespace: value }, { requiredKeys: [] }),
      fc
        .tuple(fc.record({ kind: fc.string(), name: fc.string() }), fc.dictionary(fc.string(), fc.anything()))
        .map(([s, extra]) => ({ ...extra, ...s })),
      fc.anything(),
    );
    fc.assert(
      fc.property(subject, (s) => {
        if (plainSubject(s)) expect(() => Subject.prototype.validate.call(s)).not.toThrow();
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('R123 guard: the kind cache answers each apiVersion and kind for itself (kindRead)', () => {
  const doc = (apiVersion: string, kind: string, name: string) =>
    `---\napiVersion: ${JSON.stringify(apiVersion)}\nkind: ${JSON.stringify(kind)}\nmetadata:\n  name: ${name}\n  namespace: web\n`;

  it("a kind named as an object's own keys is no kind orgctl writes", () => {
    // apiVersion and kind, a space between.
    const pairs = ['v1 __proto__', 'v1 constructor', '__proto__ ConfigMap', 'rbac.authorization.k8s.io/v1 toString'];
    const read = pairs.map((p) => refusedBy(forged(doc(p.split(' ')[0]!, p.split(' ')[1]!, 'x'))) ?? 'accepted');
    expect(read.filter((m) => !m.includes('is not a kind orgctl writes'))).toEqual([]);
  });

  it('past its 256 pairs, a kind still reads as written: a namespaced one without its namespace refused', () => {
    const many = Array.from({ length: 300 }, (_, i) => doc(`r123.example/v${i}`, `Kind${i}`, `k${i}`)).join('');
    expect(refusedBy(forged(many))).toContain('300 files');
    expect(refusedBy(outputOf(baseSpec()))).toBeUndefined();
    const noNamespace = '---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: r123-k\ndata:\n  a: b\n';
    expect(refusedBy(forged(noNamespace))).toContain('ConfigMap without metadata.namespace');
  });
});

/** A domain's mail declared as the organization's own: acme.io and acme.com one, `-` a separator, subdomain addressing. */
const OWN_MAIL: readonly MailDomain[] = [
  { domains: ['acme.io', 'acme.com'], subaddressSeparators: ['-'], subdomainAddressing: true },
];

describe("R123 guard: mailboxOf's plain-address fast path reads as the full reading (goal 3)", () => {
  /**
   * The full reading of `local@domain`, past the fast path: a UUCP bang path `domain!local@relay` is
   * delivered to local@domain (deliveredTo), and the fast path never reads an address holding `!`.
   */
  const fullReading = (local: string, domain: string, declared?: readonly MailDomain[]) =>
    mailboxOf(`${domain}!${local}@relay.example`, declared);

  it('generated addresses: case, Unicode case, subaddresses, dots, IDNA forms, trailing dots, declared mail', () => {
    const local = fc
      .array(
        fc.constantFrom('a', 'B', 'f', '.', '+', '-', '_', 'é', 'K', '\u212a', 'ı', 'ß', '\u200b', '\uff41', '"', '0'),
        {
          minLength: 1,
          maxLength: 8,
        },
      )
      .map((c) => c.join(''));
    const domain = fc.constantFrom(
      ...['acme.io', 'ACME.IO', 'acme.io.', 'acme.com', 'x.acme.io', 'frank.acme.io', 'gmail.com', 'GMail.com'],
      ...['googlemail.com', 'pm.me', 'proton.me', 'me.com', 'fastmail.com', 'frank.fastmail.com', 'a.b.fastmail.com'],
      ...['xn--bcher-kva.de', 'bücher.de', 'BÜCHER.de', '\uff41cme.io', 'acme\u00ad.io', 'ya.ru', 'yandex.ru'],
    );
    fc.assert(
      fc.property(local, domain, fc.boolean(), (l, d, own) => {
        const declared = own ? OWN_MAIL : undefined;
        expect(mailboxOf(`${l}@${d}`, declared)).toBe(fullReading(l, d, declared));
      }),
      { numRuns: 3_000 },
    );
  });
});
