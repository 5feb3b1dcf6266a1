// @vitest-environment jsdom
// The spec-form renderer over the specs of the seeded connectors and a few more real ones
// (fixtures/: each connector's own `spec` output, fetched once): each renders, a valid config
// goes round the form unchanged, and an invalid one is blocked with the error at its field.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { breakConfig, sampleValue } from '@tributary/testing/spec-samples';
import { SECRET_MASK } from './airbyte-schema';
import { SpecForm, type ConnectorConfig } from './spec-form';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

// a path, not a URL: jsdom replaces the global URL class
const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const specs = readdirSync(fixtures)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    name: f.replace(/\.json$/, ''),
    spec: JSON.parse(readFileSync(join(fixtures, f), 'utf8')).connectionSpecification as Record<string, unknown>,
  }));

let root: Root | undefined;
let container: HTMLElement | undefined;
afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
});

function render(spec: Record<string, unknown>, formData: ConnectorConfig) {
  const submitted: ConnectorConfig[] = [];
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  act(() =>
    root!.render(
      <SpecForm spec={spec} formData={formData} onChange={() => undefined} onSubmit={(config) => submitted.push(config)}>
        <button type="submit">Save</button>
      </SpecForm>,
    ),
  );
  const submit = () => act(() => container!.querySelector<HTMLButtonElement>('button[type=submit]')!.click());
  return { container, submitted, submit };
}

describe('spec forms over real connector specs', () => {
  it('has the specs of every seeded builtin connector, airbyte-source-faker and three larger real ones', () => {
    expect(specs.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'source-sample',
        'source-faker',
        'destination-postgres',
        'destination-jsonl',
        'destination-dev-null',
        'source-github',
        'source-stripe',
        'source-hubspot',
      ]),
    );
  });

  describe.each(specs)('$name', ({ spec }) => {
    const valid = sampleValue(spec) as ConnectorConfig;

    it('renders a labelled input for each visible top-level field, secrets as password inputs', () => {
      const { container } = render(spec, valid);
      const properties = (spec.properties ?? {}) as Record<
        string,
        { airbyte_hidden?: boolean; airbyte_secret?: boolean; type?: string; oneOf?: unknown }
      >;
      for (const [key, property] of Object.entries(properties)) {
        if (property.airbyte_hidden || property.type === 'object' || property.type === 'array' || property.oneOf) continue;
        const input = container.querySelector<HTMLInputElement>(`#root_${key}`);
        expect(input, key).not.toBeNull();
        if (input!.type !== 'checkbox') expect(container.querySelector(`label[for="root_${key}"]`), `label of ${key}`).not.toBeNull();
        if (property.airbyte_secret) expect(input!.type, key).toBe('password');
      }
    });

    it('sends a valid config back unchanged', () => {
      const { submitted, submit } = render(spec, valid);
      submit();
      expect(submitted).toHaveLength(1);
      expect(submitted[0]).toMatchObject(valid);
    });

    it('blocks an invalid config and shows the error at the field', () => {
      const broken = breakConfig(spec, valid);
      if (!broken) return; // a spec without a typed top-level field cannot be broken this way
      const { container, submitted, submit } = render(spec, broken.config);
      submit();
      expect(submitted).toHaveLength(0);
      const fieldErrors = container.querySelector(`#root_${broken.field}__error`);
      expect(fieldErrors?.textContent, `error at ${broken.field}`).toMatch(/must be/);
    });
  });

  it('keeps a stored secret as its mask unless it is changed', () => {
    const postgres = specs.find((s) => s.name === 'destination-postgres')!.spec;
    const stored = { ...(sampleValue(postgres) as ConnectorConfig), password: SECRET_MASK };
    const { container, submitted, submit } = render(postgres, stored);
    expect(container.querySelector('#root_password__stored')?.textContent).toContain('A value is stored');
    submit();
    expect(submitted[0]?.password).toBe(SECRET_MASK);
  });

  it('offers the oneOf options of destination-postgres ssl_mode as a choice of sub-forms', () => {
    const postgres = specs.find((s) => s.name === 'destination-postgres')!.spec;
    const { container } = render(postgres, sampleValue(postgres) as ConnectorConfig);
    const select = container.querySelector<HTMLSelectElement>('select#root_ssl_mode__oneof_select');
    expect(select).not.toBeNull();
    expect(container.querySelector('label[for="root_ssl_mode__oneof_select"]')?.textContent).toBe('SSL mode');
    expect([...select!.options].map((o) => o.text)).toEqual(expect.arrayContaining(['disable', 'prefer', 'require']));
    // the pinned discriminator is filled, not typed
    expect(container.querySelector<HTMLInputElement>('#root_ssl_mode_mode')?.type).toBe('hidden');
    expect(container.querySelector<HTMLInputElement>('#root_ssl_mode_mode')?.value).toBe('disable');
    // and the form offers no free-form extra keys
    expect(container.querySelector('.btn-add')).toBeNull();
  });

  it('shows the fields of a spec with groups under a heading per group', () => {
    const spec = {
      type: 'object',
      required: ['host'],
      groups: [{ id: 'db', title: 'Database' }, { id: 'auth', title: 'Authentication' }],
      properties: {
        host: { type: 'string', title: 'Host', group: 'db', order: 0 },
        password: { type: 'string', title: 'Password', group: 'auth', airbyte_secret: true, order: 1 },
      },
    };
    const { container, submitted, submit } = render(spec, { host: 'db.example.com', password: 'x' });
    const groups = [...container.querySelectorAll('fieldset[data-group]')];
    expect(groups.map((g) => g.querySelector('legend')?.textContent)).toEqual(['Database', 'Authentication']);
    expect(groups[0]!.querySelector('#root_host')).not.toBeNull();
    expect(groups[1]!.querySelector<HTMLInputElement>('#root_password')?.type).toBe('password');
    submit();
    expect(submitted[0]).toEqual({ host: 'db.example.com', password: 'x' });
  });

  it('shows a secret behind a $ref as a password field', () => {
    const spec = {
      type: 'object',
      definitions: { secret: { type: 'string', airbyte_secret: true } },
      properties: { api_key: { $ref: '#/definitions/secret', title: 'API key' } },
    };
    const { container } = render(spec, { api_key: 'k' });
    expect(container.querySelector<HTMLInputElement>('#root_api_key')?.type).toBe('password');
  });
});
