/**
 * Turns an Airbyte connector spec (JSON Schema with Airbyte's extensions) into what
 * react-jsonschema-form needs: the schema with oneOf discriminators made explicit, and a
 * uiSchema saying how to show each field:
 *   airbyte_secret -> a password field that keeps the stored mask unless changed
 *   airbyte_hidden -> not shown
 *   order          -> field order (ui:order)
 *   examples       -> placeholder
 *   oneOf + const  -> a labelled choice of sub-forms, picked by the discriminator property, which is not shown
 *   group          -> the top-level fields under a heading per group (the spec's `groups` give order and titles)
 *   $ref           -> local references (#/definitions/..., #/$defs/...) are inlined first, so a secret
 *                     defined once and referenced is still a secret (as the API finds it)
 * Pure functions: tested over the specs of the seeded connectors.
 */
import type { RJSFSchema, UiSchema } from '@rjsf/utils';

/** what the API returns instead of a stored secret; sent back unchanged, it keeps the stored value */
export const SECRET_MASK = '**********';

type Schema = RJSFSchema & {
  airbyte_secret?: boolean;
  airbyte_hidden?: boolean;
  order?: number;
  examples?: unknown[];
  group?: string;
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The single value a property pins an option to: `const`, or a one-value `enum`. */
function pinnedValue(property: unknown): unknown {
  if (!isObject(property)) return undefined;
  if ('const' in property) return property.const;
  if (Array.isArray(property.enum) && property.enum.length === 1) return property.enum[0];
  return undefined;
}

/** The property every option of a oneOf pins to its own value (Airbyte's discriminator, e.g. `auth_type`). */
export function discriminatorOf(options: unknown[]): string | undefined {
  const first = options[0];
  if (!isObject(first) || !isObject(first.properties)) return undefined;
  return Object.keys(first.properties).find((key) =>
    options.every((option) => isObject(option) && isObject(option.properties) && pinnedValue(option.properties[key]) !== undefined),
  );
}

/** Property names sorted by Airbyte's `order` (unordered ones after, in their written order). */
export function orderedKeys(properties: Record<string, unknown>): string[] {
  const keys = Object.keys(properties);
  const orderOf = (key: string) => {
    const value = (properties[key] as Schema | undefined)?.order;
    return typeof value === 'number' ? value : Number.POSITIVE_INFINITY;
  };
  return keys
    .map((key, index) => ({ key, index }))
    .sort((a, b) => orderOf(a.key) - orderOf(b.key) || a.index - b.index)
    .map((e) => e.key);
}

/** The node a local JSON pointer (`#/definitions/token`) names in `root`; undefined for any other reference. */
function resolvePointer(root: Record<string, unknown>, ref: string): Record<string, unknown> | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) || !(key in node)) return undefined;
    node = node[key];
  }
  return isObject(node) ? node : undefined;
}

/**
 * The schema with local `$ref`s replaced by what they name (sibling keywords kept, and winning).
 * A reference inside its own target (a recursive schema) stays a `$ref`, for rjsf to resolve.
 */
export function inlineRefs(node: unknown, root: Record<string, unknown>, open: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(node)) return node.map((item) => inlineRefs(item, root, open));
  if (!isObject(node)) return node;
  const { $ref, ...siblings } = node;
  if (typeof $ref === 'string' && !open.has($ref)) {
    const target = resolvePointer(root, $ref);
    if (target) return inlineRefs({ ...target, ...siblings }, root, new Set([...open, $ref]));
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, inlineRefs(value, root, open)]));
}

export interface FieldGroup {
  /** '' for the fields of no group, shown first without a heading */
  id: string;
  title: string;
  fields: string[];
}

const titleOf = (id: string) => id.replace(/[_-]+/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

/** The top-level fields by `group` (in field order), groups in the order of the spec's `groups`; undefined without groups. */
export function fieldGroupsOf(spec: Record<string, unknown>): FieldGroup[] | undefined {
  const properties = isObject(spec.properties) ? spec.properties : {};
  const groupOf = (key: string) => {
    const group = (properties[key] as Schema | undefined)?.group;
    return typeof group === 'string' ? group : '';
  };
  const keys = orderedKeys(properties);
  if (!keys.some((key) => groupOf(key) !== '')) return undefined;
  const declared = (Array.isArray(spec.groups) ? spec.groups : []).filter(isObject).filter((g) => typeof g.id === 'string');
  const ids = ['', ...declared.map((g) => g.id as string), ...keys.map(groupOf)];
  const groups: FieldGroup[] = [];
  for (const id of new Set(ids)) {
    const fields = keys.filter((key) => groupOf(key) === id);
    if (fields.length === 0) continue;
    const title = declared.find((g) => g.id === id)?.title;
    groups.push({ id, title: id === '' ? '' : typeof title === 'string' ? title : titleOf(id), fields });
  }
  return groups;
}

function prepareNode(node: Schema): { schema: Schema; ui: UiSchema } {
  const schema: Schema = { ...node };
  const ui: UiSchema = {};
  if (schema.airbyte_hidden) ui['ui:widget'] = 'hidden';
  else if (schema.airbyte_secret) ui['ui:widget'] = 'secret';
  if (Array.isArray(schema.examples) && schema.examples.length > 0 && ['string', 'number'].includes(typeof schema.examples[0])) {
    ui['ui:placeholder'] = String(schema.examples[0]);
  }
  if (typeof schema.description === 'string') ui['ui:enableMarkdownInDescription'] = true;
  if (schema.type === 'array' && isObject(schema.items)) {
    const items = prepareNode(schema.items as Schema);
    schema.items = items.schema;
    ui.items = items.ui;
  }
  if (isObject(schema.properties)) {
    const properties: Record<string, Schema> = {};
    for (const [key, value] of Object.entries(schema.properties)) {
      if (!isObject(value)) continue;
      const child = prepareNode(value as Schema);
      properties[key] = child.schema;
      if (Object.keys(child.ui).length > 0) ui[key] = child.ui;
    }
    schema.properties = properties;
    ui['ui:order'] = [...orderedKeys(properties), '*'];
    // specs allow unknown keys (additionalProperties), but a form only offers the known ones
    ui['ui:options'] = { expandable: false };
  }
  if (Array.isArray(schema.oneOf)) {
    const discriminator = discriminatorOf(schema.oneOf);
    const options = schema.oneOf.map((option) => {
      if (!isObject(option)) return { schema: option as Schema, ui: {} };
      const prepared = prepareNode(option as Schema);
      if (discriminator && isObject(prepared.schema.properties)) {
        // the choice itself is the select above the sub-form: the pinned field is filled, not typed
        const pinned = prepared.schema.properties[discriminator] as Schema;
        prepared.schema.properties[discriminator] = { ...pinned, default: pinnedValue(pinned) as Schema['default'] };
        prepared.ui[discriminator] = { 'ui:widget': 'hidden' };
      }
      // the selector above already names the chosen option
      prepared.ui['ui:label'] = false;
      return prepared;
    });
    schema.oneOf = options.map((o) => o.schema);
    ui.oneOf = options.map((o) => o.ui);
    ui['ui:widget'] = 'oneOf';
    if (discriminator) (schema as Record<string, unknown>).discriminator = { propertyName: discriminator };
  }
  return { schema, ui };
}

export function prepareSpec(connectionSpecification: Record<string, unknown>): { schema: RJSFSchema; uiSchema: UiSchema } {
  const inlined = inlineRefs(connectionSpecification, connectionSpecification) as Schema;
  const { schema, ui } = prepareNode(inlined);
  const groups = fieldGroupsOf(inlined as Record<string, unknown>);
  if (groups) ui['ui:options'] = { ...(ui['ui:options'] as object), groups };
  // the form's own title comes from the page; the schema's ("Faker Source Spec") only adds noise
  delete schema.title;
  delete schema.description;
  return { schema, uiSchema: ui };
}

/** An API problem's field errors (`#/configuration/a/b`) as rjsf's error tree ({ a: { b: { __errors } } }). */
export function errorTreeFromProblem(
  errors: { pointer?: string; detail: string }[] | undefined,
  prefix = '#/configuration',
): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const error of errors ?? []) {
    if (!error.pointer?.startsWith(prefix)) continue;
    const path = error.pointer.slice(prefix.length).split('/').filter(Boolean);
    let node = tree;
    for (const segment of path) node = (node[segment] ??= {}) as Record<string, unknown>;
    ((node.__errors ??= []) as string[]).push(error.detail);
  }
  return tree;
}
