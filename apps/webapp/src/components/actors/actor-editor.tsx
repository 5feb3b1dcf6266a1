'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ApiError } from '@/lib/api';
import { installRetryDelay, isInstalling, retryWhileInstalling } from '@/lib/installs';
import {
  actorLabel,
  actorPage,
  actorsPath,
  checkConfiguration,
  createActor,
  getSpecification,
  updateActor,
  type Actor,
  type ActorKind,
  type CheckResult,
  type Definition,
} from '@/lib/actors';
import { useCanEdit } from '../providers';
import { ShowApiCall } from '../show-api-call';
import { SpecForm, type ConnectorConfig } from '../spec-form/spec-form';
import { ErrorState, Loading } from '../states';

export interface ActorEditorProps {
  kind: ActorKind;
  workspaceId: string;
  definition: Definition;
  /** editing a saved one; absent: creating */
  actor?: Actor;
  /** where to go after saving (default: the saved actor's page) */
  next?: string;
}

type Phase =
  { state: 'idle' } | { state: 'checking' } | { state: 'saving' } | { state: 'check-failed'; message: string; config: ConnectorConfig };

/**
 * Name + the connector's configuration form. "Test connection" runs the connector's check;
 * "Save" checks first and saves only when it passes, unless the user chooses to save anyway.
 */
export function ActorEditor({ kind, workspaceId, definition, actor, next }: ActorEditorProps) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const canEdit = useCanEdit();
  const spec = useQuery({
    queryKey: ['spec', kind, definition.id],
    queryFn: () => getSpecification(kind, definition.id),
    staleTime: 60_000,
    // a PyPI/npm connector still installing answers 503: ask again when the API says
    retry: retryWhileInstalling,
    retryDelay: installRetryDelay,
  });
  const [name, setName] = useState(actor?.name ?? definition.name.replace(/^(source|destination)-/, ''));
  const [config, setConfig] = useState<ConnectorConfig>(actor?.configuration ?? {});
  const [phase, setPhase] = useState<Phase>({ state: 'idle' });
  const [check, setCheck] = useState<CheckResult | undefined>();
  const [apiError, setApiError] = useState<ApiError | undefined>();
  const [testRequested, setTestRequested] = useState(false);
  const label = actorLabel(kind);
  const formId = `${kind}-form`;

  if (spec.isPending)
    return (
      <Loading
        what={
          isInstalling(spec.failureReason)
            ? `${definition.name}: it is being installed on a worker (a minute or more the first time); this page goes on by itself`
            : `the ${definition.name} spec`
        }
      />
    );
  if (spec.isError) return <ErrorState error={spec.error} what={`the ${definition.name} spec`} />;

  const runCheck = async (configuration: ConnectorConfig) => {
    setCheck(undefined);
    setApiError(undefined);
    try {
      const result = await checkConfiguration(kind, { definitionId: definition.id, workspaceId, configuration }, actor?.id);
      setCheck(result);
      return result;
    } catch (error) {
      setApiError(error instanceof ApiError ? error : new ApiError(0, { detail: String(error) }));
      return undefined;
    }
  };

  const save = async (configuration: ConnectorConfig) => {
    setPhase({ state: 'saving' });
    setApiError(undefined);
    try {
      const saved = actor
        ? await updateActor(kind, actor.id, { name, configuration })
        : await createActor(kind, { workspaceId, definitionId: definition.id, name, configuration });
      await queryClient.invalidateQueries({ queryKey: [kind] });
      router.push(next ?? actorPage(kind, saved.id));
    } catch (error) {
      setApiError(error instanceof ApiError ? error : new ApiError(0, { detail: String(error) }));
      setPhase({ state: 'idle' });
    }
  };

  const onSubmit = async (configuration: ConnectorConfig) => {
    if (testRequested) {
      setTestRequested(false);
      setPhase({ state: 'checking' });
      await runCheck(configuration);
      setPhase({ state: 'idle' });
      return;
    }
    setPhase({ state: 'checking' });
    const result = await runCheck(configuration);
    if (result?.status === 'succeeded') return save(configuration);
    setPhase(
      result
        ? { state: 'check-failed', message: result.message ?? 'the connector refused the configuration', config: configuration }
        : { state: 'idle' },
    );
  };

  const busy = phase.state === 'checking' || phase.state === 'saving';
  const body = actor ? { name, configuration: config } : { workspaceId, definitionId: definition.id, name, configuration: config };
  return (
    <div className="stack">
      {canEdit ? null : (
        <p className="card muted" role="note">
          You have view access: the configuration is shown, and only editors change it.
        </p>
      )}
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} disabled={!canEdit} />
      </label>
      <SpecForm
        id={formId}
        spec={spec.data.connectionSpecification}
        formData={config}
        onChange={setConfig}
        onSubmit={onSubmit}
        apiErrors={apiError?.problem.errors}
        disabled={busy || !canEdit}
      >
        <div aria-live="polite" className="stack">
          {check ? (
            <p role="status" className={check.status === 'succeeded' ? 'badge succeeded' : 'error-text'}>
              {check.status === 'succeeded' ? 'Connection test passed' : `Connection test failed: ${check.message ?? ''}`}
            </p>
          ) : null}
          {apiError ? (
            <p role="alert" className="error-text">
              {apiError.problem.title ?? 'Error'}: {apiError.message}
            </p>
          ) : null}
          {phase.state === 'checking' ? <p role="status">Testing the connection…</p> : null}
          {phase.state === 'saving' ? <p role="status">Saving…</p> : null}
        </div>
        {canEdit ? (
          <div className="row" style={{ marginTop: '1rem' }}>
            <button type="submit" className="primary" disabled={busy || !name.trim()}>
              {actor ? 'Save changes' : `Set up ${label}`}
            </button>
            <button type="submit" disabled={busy} onClick={() => setTestRequested(true)}>
              Test connection
            </button>
            {phase.state === 'check-failed' ? (
              <button type="button" className="danger" onClick={() => save(phase.config)}>
                Save anyway
              </button>
            ) : null}
          </div>
        ) : null}
      </SpecForm>
      <ShowApiCall method={actor ? 'PATCH' : 'POST'} path={actor ? `${actorsPath(kind)}/${actor.id}` : actorsPath(kind)} body={body} />
    </div>
  );
}
