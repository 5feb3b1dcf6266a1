/**
 * Where a connection's streams land: the namespace definition and stream prefix applied to a
 * source stream, by the rules the sync uses (libs/replication stream-naming.ts): `source` keeps
 * the stream's namespace, `destination` uses the destination's default, `custom_format`
 * replaces ${SOURCE_NAMESPACE}; an empty namespace is the destination's default.
 */
export type NamespaceDefinition = 'source' | 'destination' | 'custom_format';

export const SOURCE_NAMESPACE_VARIABLE = '${SOURCE_NAMESPACE}';

export interface Naming {
  namespaceDefinition: NamespaceDefinition;
  namespaceFormat?: string;
  prefix: string;
}

/** `schema.table` as the destination will name it; `defaultNamespace` stands for the destination's default. */
export function destinationTableName(
  naming: Naming,
  stream: { name: string; namespace?: string | null },
  defaultNamespace: string,
): string {
  let namespace: string | undefined;
  if (naming.namespaceDefinition === 'source') namespace = stream.namespace ?? undefined;
  else if (naming.namespaceDefinition === 'custom_format')
    namespace = (naming.namespaceFormat ?? '').replaceAll(SOURCE_NAMESPACE_VARIABLE, () => stream.namespace ?? '') || undefined;
  return `${namespace ?? defaultNamespace}.${naming.prefix}${stream.name}`;
}

/** The destination's default namespace as its config names it (`schema` for most database destinations). */
export function defaultNamespaceOf(configuration: Record<string, unknown> | undefined): string {
  const schema = configuration?.schema ?? configuration?.dataset_id ?? configuration?.database;
  return typeof schema === 'string' && schema ? schema : '<destination default>';
}
