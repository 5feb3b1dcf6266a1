'use client';

import type { WidgetProps } from '@rjsf/utils';
import { SECRET_MASK } from './airbyte-schema';

/**
 * airbyte_secret fields: a password input. A saved secret comes back as the mask; left as
 * it is, the API keeps the stored value, and typing replaces it.
 */
export function SecretWidget({
  id,
  value,
  required,
  disabled,
  readonly,
  onChange,
  onBlur,
  onFocus,
  placeholder,
  rawErrors,
  htmlName,
}: WidgetProps) {
  const stored = value === SECRET_MASK;
  return (
    <>
      <input
        id={id}
        name={htmlName ?? id}
        type="password"
        autoComplete="new-password"
        value={typeof value === 'string' ? value : ''}
        required={required}
        disabled={disabled || readonly}
        placeholder={placeholder}
        aria-invalid={rawErrors && rawErrors.length > 0 ? true : undefined}
        aria-describedby={stored ? `${id}__stored` : undefined}
        onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value)}
        onFocus={(event) => {
          // typing over a stored secret replaces it whole
          if (stored) event.target.select();
          onFocus(id, event.target.value);
        }}
        onBlur={(event) => onBlur(id, event.target.value)}
      />
      {stored ? (
        <span id={`${id}__stored`} className="secret-hint">
          A value is stored (hidden). Leave it to keep it, or type a new one.
        </span>
      ) : null}
    </>
  );
}
