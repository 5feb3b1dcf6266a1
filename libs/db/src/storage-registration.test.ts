import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMigratedDatabase, type MigratedDatabase } from '@tributary/testing/db';
import { decodeAttemptLogLocation, encodeAttemptLogLocation, registeredStorage, registerReadStorage } from './storage-registration.js';

const server = { id: '11111111-1111-4111-8111-111111111111', location: 'local directory /srv/tributary/storage' };
const otherDisk = { id: '22222222-2222-4222-8222-222222222222', location: 'local directory /var/lib/worker-2/storage' };

describe('storage registration', () => {
  let database: MigratedDatabase;
  beforeAll(async () => {
    database = await createMigratedDatabase('storage-registration');
  });
  afterAll(() => database?.close());

  it("records the first worker's storage while no server has, and the server's from then on", async () => {
    const ds = database.dataSource;
    // a worker that starts before the server: its storage is the one so far
    expect(await registeredStorage(ds, otherDisk)).toEqual(otherDisk);
    // the server reads logs: its storage is the one every worker must write to
    await registerReadStorage(ds, server);
    expect(await registeredStorage(ds, otherDisk)).toEqual(server);
    await registerReadStorage(ds, server);
    expect(await registeredStorage(ds, server)).toEqual(server);
  });

  it("round-trips an attempt's log location, and reads nothing into what older versions stored", () => {
    const location = { storage: server, key: 'logs/c1/7/attempt-1.jsonl' };
    expect(decodeAttemptLogLocation(encodeAttemptLogLocation(location))).toEqual(location);
    const removed = { ...location, removedAt: '2026-12-03T10:00:00.000Z' };
    expect(decodeAttemptLogLocation(encodeAttemptLogLocation(removed))).toEqual(removed);
    for (const stored of [null, '', 'logs/1/0.jsonl', '{not json', '{"storage":{"id":1},"key":"k"}', '{"storage":null,"key":"k"}']) {
      expect(decodeAttemptLogLocation(stored), String(stored)).toBeUndefined();
    }
  });
});
