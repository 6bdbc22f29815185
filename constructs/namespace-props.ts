/**
 * A namespace's props, apart from namespace.ts so that org-scope.ts (which the Namespace construct
 * imports for orgOf) can name a spec's namespace without importing it back (layers: no import
 * cycles between files).
 */
import type { NamespaceGuardRailProps } from './guard-rails.ts';

export interface NamespaceProps extends NamespaceGuardRailProps {
  /** Kubernetes namespace name (a DNS label). */
  readonly name: string;
  /** Clusters the namespace exists in. @default all of the organization's clusters */
  readonly clusters?: readonly string[];
  /** @internal spec path. */
  readonly source?: string;
}
