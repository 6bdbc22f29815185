import { Construct } from 'constructs';
import type { Level, PolicyRule } from '../model/catalog.ts';
import { DeclarationError, assertLevelNames, assertNonEmpty, assertRuleShapes, declaredSource, show } from './props.ts';
import type { Source } from '../model/findings.ts';

export interface AccessRoleProps {
  /** Name used in grants (`role: developer` in a spec). */
  readonly name: string;
  /** Catalog levels the role bundles. */
  readonly levels: readonly (Level | string)[];
  /** @internal spec path. */
  readonly source?: string;
}

/**
 * A named bundle of catalog levels, e.g. `developer = r:full + w:services`.
 * Granting it is the same as granting each level; the output binds the levels, not the role.
 */
export class AccessRole extends Construct {
  public readonly roleName: string;
  public readonly levels: readonly string[];
  public readonly source: Source;

  constructor(scope: Construct, id: string, props: AccessRoleProps) {
    super(scope, id);
    this.source = declaredSource(this.node.path, props.source);
    assertNonEmpty(this, 'levels', props.levels, 'level');
    assertLevelNames(this, 'levels', props.levels);
    this.roleName = props.name;
    this.levels = [...props.levels];
  }
}

export interface CustomRoleProps {
  /** Name of the Role synthesized in each namespace it is bound in (`<org>:custom:<name>`). */
  readonly name: string;
  /** Kubernetes RBAC rules, exactly as in a Role. */
  readonly rules: readonly PolicyRule[];
  /** @internal spec path. */
  readonly source?: string;
}

/**
 * Custom Kubernetes RBAC rules with a name, for the access the catalog does not cover
 * (the seed's "custom RBAC" for blank tokens). It is judged by what its rules allow.
 */
export class CustomRole extends Construct {
  public readonly roleName: string;
  public readonly rules: readonly PolicyRule[];
  public readonly source: Source;

  constructor(scope: Construct, id: string, props: CustomRoleProps) {
    super(scope, id);
    this.source = declaredSource(this.node.path, props.source);
    if (!Array.isArray(props.rules))
      throw new DeclarationError(
        `${this.node.path} (rules)`,
        `${props.rules === undefined ? 'missing' : `${show(props.rules)} is not a list`}: give its rules, e.g. org.customRole('cm-reader', [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }])`,
      );
    assertNonEmpty(this, 'rules', props.rules, 'rule');
    assertRuleShapes(this, 'rules', props.rules);
    this.roleName = props.name;
    this.rules = props.rules.map((r) => ({ ...r }));
  }
}
