// Connector processes cannot reach the platform's secrets: a connector that goes looking (its
// own environment, the worker's /proc/<ppid>/environ, the secret-key file in the data dir, the
// database with any DATABASE_URL it found) reports what it got, through a real worker process.
// The machine runs tests as root: the worker then runs connectors as `nobody`.
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActorDefinitionEntity } from '@tributary/db';
import { fixturePath } from '@tributary/testing';
import { seedDefinition, startServerWithWorker, type ServerWithWorker } from '@tributary/testing/server';

interface Findings {
  uid: number;
  ownEnv: string[];
  parentEnviron: string[] | string;
  secretKeyFile: string;
  database: string;
}

async function snoop(stack: ServerWithWorker): Promise<Findings> {
  const { api } = stack;
  const definition = await seedDefinition(api.dataSource, 'source', `snooping-${randomBytes(4).toString('hex')}`, {
    connectionSpecification: { type: 'object', properties: { secretKeyFile: { type: 'string' } } },
  });
  await api.dataSource
    .getRepository(ActorDefinitionEntity)
    .update(definition.id, { runtime: { kind: 'command', command: process.execPath, args: [fixturePath('snooping-connector.mjs')] } });
  // where the embedded stack keeps the key: 0600 in the data dir, owned by the worker's user
  const secretKeyFile = join(stack.worker.dataDir, 'secret-key');
  await writeFile(secretKeyFile, api.secretKey.toString('base64'), { mode: 0o600 });
  await chmod(secretKeyFile, 0o600);
  const res = await api.request('POST', '/api/v1/sources/check', {
    body: { definitionId: definition.id, configuration: { secretKeyFile } },
  });
  expect(res.body, res.text).toMatchObject({ status: 'succeeded' });
  return JSON.parse((res.body as { message: string }).message) as Findings;
}

describe('connector processes and the platform secrets', () => {
  describe('a worker running as root', () => {
    let stack: ServerWithWorker;
    beforeAll(async () => {
      stack = await startServerWithWorker('isolation-root');
    });
    afterAll(() => stack?.stop());

    it('runs connectors as nobody: they read neither its environment, nor the secret key, nor reach the database', async () => {
      expect(process.getuid?.(), 'this test needs a root test run').toBe(0);
      const found = await snoop(stack);
      expect(found).toEqual({
        uid: 65534,
        ownEnv: [],
        parentEnviron: 'unreadable: EACCES',
        secretKeyFile: 'unreadable: EACCES',
        database: 'no DATABASE_URL found',
      });
    });
  });

  describe('a worker running connectors as its own user (TRIBUTARY_CONNECTOR_USER=root)', () => {
    let stack: ServerWithWorker;
    beforeAll(async () => {
      stack = await startServerWithWorker('isolation-same-user', { TRIBUTARY_CONNECTOR_USER: 'root' });
    });
    afterAll(() => stack?.stop());

    it('keeps no secret in its own start-up environment, which the connector can read', async () => {
      const found = await snoop(stack);
      expect(found).toMatchObject({ uid: 0, ownEnv: [], parentEnviron: [], database: 'no DATABASE_URL found' });
    });
  });
});
