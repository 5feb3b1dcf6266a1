'use client';

import { destinationTableName, type Naming, type NamespaceDefinition } from '@/lib/destination-names';

export type NonBreakingPolicy = 'ignore' | 'disable' | 'propagate_columns' | 'propagate_fully';

const NAMESPACES: { value: NamespaceDefinition; label: string }[] = [
  { value: 'destination', label: "The destination's default" },
  { value: 'source', label: "The source's namespace (mirror it)" },
  { value: 'custom_format', label: 'Custom format' },
];

const POLICIES: { value: NonBreakingPolicy; label: string }[] = [
  { value: 'ignore', label: 'Keep syncing as configured (review the changes)' },
  { value: 'disable', label: 'Disable the connection' },
  { value: 'propagate_columns', label: 'Propagate new and removed fields' },
  { value: 'propagate_fully', label: 'Propagate fields and add new streams' },
];

/** Namespace, stream prefix and the resulting table names; what a non-breaking schema change does. */
export function NamingFields({
  naming,
  onChange,
  streams,
  defaultNamespace,
  policy,
  onPolicyChange,
}: {
  naming: Naming;
  onChange(naming: Naming): void;
  streams: { name: string; namespace?: string | null }[];
  defaultNamespace: string;
  policy: NonBreakingPolicy;
  onPolicyChange(policy: NonBreakingPolicy): void;
}) {
  const names = streams.map((s) => destinationTableName(naming, s, defaultNamespace));
  return (
    <>
      <div className="row">
        <label>
          Destination namespace
          <select
            value={naming.namespaceDefinition}
            onChange={(e) => onChange({ ...naming, namespaceDefinition: e.target.value as NamespaceDefinition })}
          >
            {NAMESPACES.map((n) => (
              <option key={n.value} value={n.value}>
                {n.label}
              </option>
            ))}
          </select>
        </label>
        {naming.namespaceDefinition === 'custom_format' ? (
          <label>
            Namespace format
            <input
              value={naming.namespaceFormat ?? ''}
              onChange={(e) => onChange({ ...naming, namespaceFormat: e.target.value })}
              placeholder="${SOURCE_NAMESPACE}_raw"
              required
              maxLength={200}
            />
          </label>
        ) : null}
        <label>
          Stream prefix
          <input value={naming.prefix} onChange={(e) => onChange({ ...naming, prefix: e.target.value })} placeholder="none" maxLength={200} />
        </label>
      </div>
      <div className="small" aria-live="polite" data-testid="table-names">
        <span className="muted">Destination tables: </span>
        {names.length === 0 ? <span className="muted">choose streams first</span> : null}
        {names.slice(0, 5).map((n) => (
          <code key={n} style={{ marginRight: '0.5rem' }}>
            {n}
          </code>
        ))}
        {names.length > 5 ? <span className="muted">and {names.length - 5} more</span> : null}
      </div>
      <label>
        When the source&apos;s schema changes (non-breaking)
        <select value={policy} onChange={(e) => onPolicyChange(e.target.value as NonBreakingPolicy)}>
          {POLICIES.map((p) => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
