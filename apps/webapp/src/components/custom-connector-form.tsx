'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, unwrap, type Schemas } from '@/lib/api';
import type { ActorKind } from '@/lib/actors';
import { ShowApiCall } from './show-api-call';

type RuntimeKind = 'pypi' | 'npm' | 'command';

/**
 * Adds a connector definition that runs a PyPI or npm package, or a command on the worker
 * (the API refuses commands unless the operator allows them); an image for Kubernetes too.
 */
export function CustomConnectorForm() {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<ActorKind>('source');
  const [runtimeKind, setRuntimeKind] = useState<RuntimeKind>('pypi');
  const [name, setName] = useState('');
  const [pkg, setPkg] = useState('');
  const [version, setVersion] = useState('');
  const [entry, setEntry] = useState('');
  const [image, setImage] = useState('');

  let runtime: Schemas['CreateDefinitionDto']['runtime'];
  if (runtimeKind === 'pypi') runtime = { kind: 'pypi', package: pkg, version, ...(entry ? { entrypoint: entry } : {}) };
  else if (runtimeKind === 'npm') runtime = { kind: 'npm', package: pkg, version, ...(entry ? { bin: entry } : {}) };
  else runtime = { kind: 'command', command: pkg };
  const body: Schemas['CreateDefinitionDto'] = { name, runtime, ...(image ? { image } : {}) };
  const path = kind === 'source' ? '/api/v1/source-definitions' : '/api/v1/destination-definitions';

  const add = useMutation({
    mutationFn: async () =>
      unwrap(
        kind === 'source'
          ? await api().POST('/api/v1/source-definitions', { body })
          : await api().POST('/api/v1/destination-definitions', { body }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['definitions', kind] }),
  });
  const problem = add.error instanceof ApiError ? add.error : undefined;
  const fieldError = (pointer: string) => problem?.problem.errors?.find((e) => e.pointer === pointer)?.detail;

  return (
    <details className="card">
      <summary>Add a custom connector</summary>
      <form
        className="stack"
        style={{ marginTop: '0.75rem' }}
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate();
        }}
      >
        <div className="row">
          <label>
            Type
            <select value={kind} onChange={(e) => setKind(e.target.value as ActorKind)}>
              <option value="source">Source</option>
              <option value="destination">Destination</option>
            </select>
          </label>
          <label>
            Runs from
            <select value={runtimeKind} onChange={(e) => setRuntimeKind(e.target.value as RuntimeKind)}>
              <option value="pypi">PyPI package</option>
              <option value="npm">npm package</option>
              <option value="command">Command on the worker</option>
            </select>
          </label>
        </div>
        <label>
          Connector name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder={`${kind}-my-api`}
            required
            aria-invalid={!!fieldError('#/name')}
          />
          {fieldError('#/name') ? <span className="error-text small">{fieldError('#/name')}</span> : null}
        </label>
        <label>
          {runtimeKind === 'command' ? 'Executable' : 'Package'}
          <input
            value={pkg}
            onChange={(e) => setPkg(e.target.value)}
            required
            placeholder={
              runtimeKind === 'pypi' ? 'airbyte-source-pokeapi' : runtimeKind === 'npm' ? '@acme/source-api' : '/opt/connectors/source-x'
            }
          />
        </label>
        {runtimeKind !== 'command' ? (
          <div className="row">
            <label>
              Version
              <input value={version} onChange={(e) => setVersion(e.target.value)} required placeholder="1.0.0" />
            </label>
            <label>
              {runtimeKind === 'pypi' ? 'Entry point (optional)' : 'Bin (optional)'}
              <input value={entry} onChange={(e) => setEntry(e.target.value)} />
            </label>
          </div>
        ) : null}
        <label>
          Image for Kubernetes (optional)
          <input value={image} onChange={(e) => setImage(e.target.value)} placeholder="ghcr.io/acme/source-my-api:1.0.0" />
        </label>
        <div aria-live="polite">
          {add.isSuccess ? <p role="status">Added {add.data.name}. Its spec is fetched the first time you set it up.</p> : null}
          {problem ? (
            <p role="alert" className="error-text">
              {problem.message}
            </p>
          ) : null}
        </div>
        <div>
          <button type="submit" className="primary" disabled={add.isPending}>
            Add connector
          </button>
        </div>
        <ShowApiCall method="POST" path={path} body={body} />
      </form>
    </details>
  );
}
