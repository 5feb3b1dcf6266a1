'use client';

import type { WidgetProps } from '@rjsf/utils';

/**
 * The choice between a oneOf's sub-forms (e.g. an SSL mode, an auth method), with its
 * title as a real label: rjsf's own selector has none for object choices.
 */
export function OneOfSelectWidget({ id, label, value, options, onChange, onBlur, onFocus, disabled, readonly }: WidgetProps) {
  const choices = options.enumOptions ?? [];
  return (
    <div className="form-group">
      <label className="control-label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        value={value === undefined ? '' : String(value)}
        disabled={disabled || readonly}
        onChange={(event) => onChange(Number(event.target.value))}
        onBlur={(event) => onBlur(id, event.target.value)}
        onFocus={(event) => onFocus(id, event.target.value)}
      >
        {choices.map((choice) => (
          <option key={String(choice.value)} value={String(choice.value)}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  );
}
