/**
 * What a declaration declares, as data: the organization's model and the findings of the rest of
 * its construct tree. A TypeScript declaration runs in a child process (cli/isolated-declaration.ts)
 * and hands this back as text; a spec file is read into it in orgctl's own process. Everything
 * after (policies, synthesis, explain) reads only this.
 */
import type { IConstruct } from 'constructs';
import { isRecord } from '../model/data.ts';
import type { Finding } from '../model/findings.ts';
import { finalizeModel, grantsInMemoryOrder, type OrgModel } from '../model/model.ts';
import { findOrganization, treeFindings } from './tree.ts';

export interface DeclaredOrganization {
  readonly model: OrgModel;
  /** What the construct tree holds besides the organization (foreign charts, other constructs' validations). */
  readonly treeFindings: readonly Finding[];
}

/** A construct tree (an App, or the Organization itself) as data. */
export function declaredOrganization(root: IConstruct): DeclaredOrganization {
  return { model: findOrganization(root).toModel(), treeFindings: treeFindings(root) };
}

/** Whether a declaration is already data, or still a construct tree. */
export const isDeclaredData = (d: IConstruct | DeclaredOrganization): d is DeclaredOrganization => !('node' in d);

/**
 * As text for the parent process. Grants go in declaration order, which the model keeps beside its
 * sorted list (finalizeModel): sorted again on arrival, the model is the one declared, side tables
 * and all.
 */
const declaredText = (d: DeclaredOrganization): string =>
  JSON.stringify({ model: inDeclaredOrder(d.model), treeFindings: d.treeFindings });

/**
 * The model's fields, its grants in declaration order, without reading `grants`: a finalized
 * model sorts them when that getter is first read (finalizeModel), a sort sent nowhere.
 */
const inDeclaredOrder = (model: DeclaredOrganization['model']): Record<string, unknown> =>
  Object.fromEntries(
    Object.keys(model).map((k) => [k, k === 'grants' ? grantsInMemoryOrder(model) : model[k as keyof typeof model]]),
  );

/**
 * What the child process sends back (bin/declaration.mjs writes it): the declaration as data; that
 * the module exports no construct tree; or the error it threw, as plain fields (its class, message,
 * stack, and an orgctl error's kind and paths, a Node error's code, permission and resource).
 */
export type DeclarationMessage =
  | { readonly declared: DeclaredOrganization }
  | { readonly exportsNoTree: true }
  | { readonly error: ThrownData };

export interface ThrownData {
  readonly name?: string;
  readonly message?: string;
  readonly stack?: string;
  readonly [field: string]: unknown;
}

/**
 * The message of a declaration module's exports (its default export, or `org`), as text.
 * @public the bundle's entry (cli/declaration.ts) exports it to bin/declaration.mjs
 */
export function declaredMessage(exports: { readonly default?: unknown; readonly org?: unknown }): string {
  const root = exports.default ?? exports.org;
  if (!root || typeof root !== 'object' || !('node' in root)) return JSON.stringify({ exportsNoTree: true });
  return `{"declared":${declaredText(declaredOrganization(root as IConstruct))}}`;
}

/**
 * Whether an error is as bin/declaration.mjs sends it: strings, lists of strings, its cause as
 * another; a SpecError's problems with it. The declaration may write fd 3 itself (R80-4): orgctl
 * rebuilds its own errors from these fields, and reads them as text.
 */
const isThrownData = (v: unknown): v is ThrownData =>
  isRecord(v) &&
  (v.kind !== 'spec' || Array.isArray(v.problems)) &&
  Object.entries(v).every(
    ([field, f]) =>
      typeof f === 'string' ||
      (Array.isArray(f) && f.every((s) => typeof s === 'string')) ||
      (field === 'cause' && isThrownData(f)),
  );

/** A message as sent, read back; the model in it finalized again. Throws for what is not a message. */
export function readDeclarationMessage(text: string): DeclarationMessage {
  const m: unknown = JSON.parse(text);
  if (!isRecord(m) || Object.keys(m).length !== 1) throw new Error('not one of declared, exportsNoTree or error');
  if (m.exportsNoTree === true) return { exportsNoTree: true };
  if ('error' in m) {
    if (!isThrownData(m.error)) throw new Error('an error that is not as bin/declaration.mjs sends one');
    return { error: m.error };
  }
  const declared = m.declared as DeclaredOrganization;
  return { declared: { model: finalizeModel(declared.model), treeFindings: declared.treeFindings } };
}
