'use client';

import Form from '@rjsf/core';
import type { RJSFValidationError } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useMemo, type ReactNode } from 'react';
import { errorTreeFromProblem, prepareSpec } from './airbyte-schema';
import { GroupedFields } from './grouped-fields';
import { OneOfSelectWidget } from './one-of-select-widget';
import { SecretWidget } from './secret-widget';

export type ConnectorConfig = Record<string, unknown>;

export interface SpecFormProps {
  /** the connector spec's connectionSpecification */
  spec: Record<string, unknown>;
  formData: ConnectorConfig;
  onChange(config: ConnectorConfig): void;
  /** called with a config the schema accepts */
  onSubmit(config: ConnectorConfig): void;
  /** field errors from the API's 422 (`errors[].pointer` under #/configuration) */
  apiErrors?: { pointer?: string; detail: string }[];
  disabled?: boolean;
  /** the buttons; a submit button submits */
  children?: ReactNode;
  id?: string;
}

const widgets = { secret: SecretWidget, oneOf: OneOfSelectWidget };

/** A connector's configuration form, generated from its spec; validated in the browser before anything is sent. */
export function SpecForm({ spec, formData, onChange, onSubmit, apiErrors, disabled, children, id }: SpecFormProps) {
  const { schema, uiSchema } = useMemo(() => {
    const prepared = prepareSpec(spec);
    const grouped = (prepared.uiSchema['ui:options'] as { groups?: unknown } | undefined)?.groups;
    return grouped ? { ...prepared, uiSchema: { ...prepared.uiSchema, 'ui:ObjectFieldTemplate': GroupedFields } } : prepared;
  }, [spec]);
  const extraErrors = useMemo(() => errorTreeFromProblem(apiErrors), [apiErrors]);
  return (
    <Form
      id={id}
      className="spec-form"
      schema={schema}
      uiSchema={{ ...uiSchema, 'ui:submitButtonOptions': { norender: true } }}
      validator={validator}
      widgets={widgets}
      formData={formData}
      disabled={disabled}
      showErrorList={false}
      noHtml5Validate
      // the API's field errors stay until the user edits again
      extraErrors={extraErrors as never}
      transformErrors={(errors: RJSFValidationError[]) => errors.filter((e) => e.name !== 'oneOf' && e.name !== 'const')}
      onChange={(event) => onChange((event.formData ?? {}) as ConnectorConfig)}
      onSubmit={(event) => onSubmit((event.formData ?? {}) as ConnectorConfig)}
      // the errors are shown at their fields; rjsf would also log them to the console
      onError={() => undefined}
      focusOnFirstError
    >
      {children}
    </Form>
  );
}
