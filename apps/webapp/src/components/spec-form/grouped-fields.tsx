'use client';

import type { ObjectFieldTemplateProps } from '@rjsf/utils';
import type { FieldGroup } from './airbyte-schema';

/**
 * The top-level fields of a spec with `group`s: the ungrouped ones first, then a fieldset per
 * group with its title as the legend (what a screen reader announces when entering it).
 */
export function GroupedFields({ properties, uiSchema }: ObjectFieldTemplateProps) {
  const groups = ((uiSchema?.['ui:options'] as { groups?: FieldGroup[] } | undefined)?.groups ?? []) as FieldGroup[];
  const byName = new Map(properties.map((p) => [p.name, p]));
  const placed = new Set(groups.flatMap((g) => g.fields));
  const rest = properties.filter((p) => !placed.has(p.name));
  return (
    <div className="stack">
      {groups.map((group) => {
        const fields = group.fields.map((name) => byName.get(name)).filter((p) => p !== undefined);
        if (group.id === '') return fields.map((p) => <div key={p.name}>{p.content}</div>);
        return (
          <fieldset key={group.id} data-group={group.id} className="field-group">
            <legend>{group.title}</legend>
            {fields.map((p) => (
              <div key={p.name}>{p.content}</div>
            ))}
          </fieldset>
        );
      })}
      {rest.map((p) => (
        <div key={p.name}>{p.content}</div>
      ))}
    </div>
  );
}
