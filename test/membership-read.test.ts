/**
 * The membership data read back from an output (readMembership: its ConfigMaps; membershipDataOf:
 * members.json) holds only text orgctl writes. Every declared text it comes from is refused with a
 * control, format or separator character in it (invalid-text, invalid-name), but a token's note,
 * which may span lines, and a namespace's annotations, which Kubernetes takes as any text. Such a
 * character read from a forged dist/ reached every place that shows or runs the text it is in
 * (R28, R29 and R30 each found another): it is refused where the data is read, for every reader.
 */
import { describe, expect, it } from 'vitest';
import { MembershipLines, membershipDataOf, readMembership } from '../analysis/membership.ts';
import type { ManifestDoc } from '../analysis/objects.ts';
import { SnapshotError } from '../model/errors.ts';
import { MEMBERS_FILE } from '../model/membership.ts';
import { parseCanonicalYaml } from '../synth/yaml.ts';
import { files, smallOrg } from './helpers.ts';

/** A small organization's output: a token whose note spans lines, a namespace annotated with a tab in a value. */
function output(): Map<string, string> {
  const { org, web } = smallOrg();
  org.namespace('ops', { annotations: { 'acme.io/about': 'on call:\tops' } });
  org.token('ci', { namespaces: [web], levels: ['r:pods'], note: 'deploys web\nowner: alice' });
  org.user('bob@acme.io');
  return files(org);
}

/** The output's manifests, as the review reads a folder. */
const docsOf = (out: Map<string, string>): ManifestDoc[] =>
  [...out]
    .filter(([path]) => path.endsWith('.yaml'))
    .flatMap(([file, text]) => (parseCanonicalYaml(text) ?? []).map((object, index) => ({ file, index, object })));

/** `value` with `edit` applied to every string in it. */
const editStrings = (value: unknown, edit: (text: string) => string): unknown =>
  typeof value === 'string'
    ? edit(value)
    : Array.isArray(value)
      ? value.map((v) => editStrings(v, edit))
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, editStrings(v, edit)]))
        : value;

/** The SnapshotError reading `docs` throws, or undefined when they are read. */
function refusal(docs: ManifestDoc[], lines?: MembershipLines): string | undefined {
  try {
    readMembership(docs, 'head', lines);
    return undefined;
  } catch (e) {
    if (e instanceof SnapshotError) return e.message;
    throw e;
  }
}

// Each forged as JSON text (a JSON escape), in the ConfigMaps' JSON lines and in members.json alike.
const cases = [
  { what: "a user's email", from: /(bob@acme\.io)"/g, to: '$1\\u202e"', shown: 'U+202E' },
  { what: "the organization's owner", from: /("owner": ?"alice@acme\.io)"/g, to: '$1\\n"', shown: 'U+000A' },
  { what: "a token's id", from: /("id": ?"ci)"/g, to: '$1\\u001b[2J"', shown: 'U+001B' },
  {
    what: "a token's note, a character but the line break",
    from: /deploys web/g,
    to: 'deploys\\rweb',
    shown: 'U+000D',
  },
  { what: 'a guard-rail record', from: /("name": ?"ops)"/g, to: '$1\\u2028"', shown: 'U+2028' },
  { what: "an annotation's key", from: /acme\.io\/about/g, to: 'acme.io/\\u200babout', shown: 'U+200B' },
];

describe('membership data holds only text orgctl writes', () => {
  it('reads what orgctl writes: a note spanning lines, an annotation with a tab', () => {
    const out = output();
    const read = readMembership(docsOf(out), 'head');
    expect(read.tokens.get('ci')?.note).toBe('deploys web\nowner: alice');
    expect(read.namespaceSettings.get('ops')?.annotations).toEqual({ 'acme.io/about': 'on call:\tops' });
    const members = membershipDataOf(out.get(MEMBERS_FILE)!);
    expect(members?.tokens[0]?.note).toBe('deploys web\nowner: alice');
  });

  for (const c of cases)
    it(`refuses ${c.what} holding ${c.shown}, read from the ConfigMaps and from ${MEMBERS_FILE}`, () => {
      const out = output();
      const edit = (text: string) => text.replace(c.from, c.to);
      const message = refusal(docsOf(out).map((d) => ({ ...d, object: editStrings(d.object, edit) })));
      expect(message, 'read as if orgctl wrote it').toBeDefined();
      expect(message).toContain(c.shown);
      expect(message, 'the refusal shows the character as its code point').not.toMatch(
        /[\u0000-\u001f\u200b\u2028\u202e]/,
      );
      const members = out.get(MEMBERS_FILE)!;
      expect(edit(members), 'members.json holds the text forged').not.toBe(members);
      expect(membershipDataOf(edit(members))).toBeUndefined();
    });
});

describe("a diff's head takes base's record for a line it repeats (MembershipLines)", () => {
  it('reads the same records as alone, unchanged lines as the same objects', () => {
    const docs = docsOf(output());
    const lines = new MembershipLines();
    const base = readMembership(docs, 'base', lines);
    const head = readMembership(docsOf(output()), 'head', lines);
    expect(head).toEqual(readMembership(docsOf(output()), 'head'));
    expect(head.users.get('bob@acme.io')).toBe(base.users.get('bob@acme.io'));
    expect(head.tokens.get('ci')).toBe(base.tokens.get('ci'));
  });

  // A line edited is another text: read and checked again, never base's record.
  for (const c of cases)
    it(`refuses ${c.what} holding ${c.shown} in head after base was read`, () => {
      const lines = new MembershipLines();
      readMembership(docsOf(output()), 'base', lines);
      const edit = (text: string) => text.replace(c.from, c.to);
      const message = refusal(
        docsOf(output()).map((d) => ({ ...d, object: editStrings(d.object, edit) })),
        lines,
      );
      expect(message).toContain(c.shown);
    });

  it('reads a line edited to other text of the same length as written', () => {
    const lines = new MembershipLines();
    readMembership(docsOf(output()), 'base', lines);
    const edit = (text: string) => text.replace(/"status": ?"active"/g, (m) => m.replace('active', 'zctive'));
    const head = docsOf(output()).map((d) => ({ ...d, object: editStrings(d.object, edit) }));
    expect(readMembership(head, 'head', lines).users.get('bob@acme.io')?.status).toBe('zctive');
  });
});

describe('the organization ConfigMap read once per object', () => {
  const isOrg = (d: ManifestDoc) =>
    (d.object as { metadata?: { name?: string } }).metadata?.name === 'orgctl-organization';

  it('reads one object on both sides once, the organization then the same object', () => {
    const docs = docsOf(output());
    const head = docs.map((d) => (isOrg(d) ? d : { ...d, object: structuredClone(d.object) }));
    expect(readMembership(head, 'head').org).toBe(readMembership(docs, 'base').org);
  });

  // Another text is another object: read, and refused, on its own, whatever was read before.
  it('refuses an organization edited in head after base was read, under head', () => {
    readMembership(docsOf(output()), 'base');
    const edit = (text: string) => text.replace(/("owner": ?"alice@acme\.io)"/g, '$1\\u202e"');
    const head = docsOf(output()).map((d) => (isOrg(d) ? { ...d, object: editStrings(d.object, edit) } : d));
    expect(() => readMembership(head, 'head')).toThrow(/^head: .*U\+202E/);
    expect(() => readMembership(head, 'again')).toThrow(/^again: .*U\+202E/);
  });
});
