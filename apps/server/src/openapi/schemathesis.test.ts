// Schemathesis (from PyPI) against the real server over real Postgres: requests generated from
// the served OpenAPI document, positive and negative, every check on. Any 5xx, any response
// that breaks the document (status, content type, schema, Allow header), any request the
// document allows but the server rejects, or the reverse, fails the test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedConnection, seedDefinition, startApiHarness, runSchemathesis, type ApiHarness } from '@tributary/testing/server';

/** Requests per operation and phase: a few minutes at most on 2 shared cores. */
const MAX_EXAMPLES = 12;
const RUN_TIMEOUT_MS = 6 * 60_000;

type OpenApiDocument = { paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>> };

/**
 * Existing resources the generated requests name in their paths (otherwise nearly all of them are
 * 404s). Not `definitionId`: source and destination definitions share that name.
 */
interface Resources {
  workspaceId: string;
  sourceId: string;
  destinationId: string;
  connectionId: string;
}

/**
 * Operations whose body has fields required (or forbidden) only for some value of another field
 * (see the config): a token's or a user's workspaceId must be absent for the instance_admin role.
 */
const CONDITIONAL_BODIES = ['createConnection', 'updateConnection', 'replaceConnectionState', 'createApiToken', 'createUser', 'updateUser'];

/**
 * The harness's Temporal is unreachable on purpose: a real worker would install and run whatever
 * pypi/npm/command definitions the generator invents. Operations that go through Temporal document
 * 503 for exactly that ("Temporal is unreachable"), so 503 is the one 5xx they may answer.
 */
function schemathesisConfig(document: OpenApiDocument, resources: Resources): string {
  const temporalOperations = Object.values(document.paths)
    .flatMap((item) => Object.values(item))
    .filter((operation) => operation.responses?.['503'] && operation.operationId)
    .map((operation) => operation.operationId!)
    .filter((id) => !CONDITIONAL_BODIES.includes(id));
  return [
    '[generation]',
    // the document says strings hold no NUL (Postgres cannot store it); client-input-never-5xx.test.ts sends them
    'allow-x00 = false',
    '',
    '[parameters]',
    ...Object.entries(resources).map(([name, id]) => `"path.${name}" = "${id}"`),
    '',
    // KNOWN GAPS, each a 400 naming the field for a body the document allows: which schedule fields are
    // required depends on scheduleType (basic: units and timeUnit; cron: cronExpression), and which state
    // messages a state takes depends on stateType. The flat DTOs cannot say so without a oneOf that changes
    // the client's types. (Only the first [[operations]] entry that matches applies: these come first.)
    '[[operations]]',
    `include-operation-id-regex = "^(${CONDITIONAL_BODIES.join('|')})$"`,
    '[operations.checks.positive_data_acceptance]',
    'enabled = false',
    '[operations.checks.not_a_server_error]',
    'expected-statuses = ["2xx", "3xx", "4xx", "503"]',
    '',
    '[[operations]]',
    `include-operation-id-regex = "^(${temporalOperations.join('|')})$"`,
    '[operations.checks.not_a_server_error]',
    'expected-statuses = ["2xx", "3xx", "4xx", "503"]',
    '',
  ].join('\n');
}

describe('Schemathesis against the real server', () => {
  let api: ApiHarness;
  let resources: Resources;
  beforeAll(async () => {
    api = await startApiHarness();
    // something to find: definitions with a spec (so sources and destinations can be created), a connection
    const open = { connectionSpecification: { type: 'object', additionalProperties: true } };
    const sourceDefinition = await seedDefinition(api.dataSource, 'source', 'source-open-spec', open);
    const destinationDefinition = await seedDefinition(api.dataSource, 'destination', 'destination-open-spec', open);
    const create = async (kind: 'sources' | 'destinations', definitionId: string) => {
      const res = await api.request('POST', `/api/v1/${kind}`, {
        body: { workspaceId: api.workspaceId, definitionId, name: kind, configuration: {} },
      });
      if (res.status !== 201) throw new Error(`creating ${kind}: ${res.text}`);
      return (res.body as { id: string }).id;
    };
    resources = {
      workspaceId: api.workspaceId,
      sourceId: await create('sources', sourceDefinition.id),
      destinationId: await create('destinations', destinationDefinition.id),
      connectionId: await seedConnection(api.dataSource, api.workspaceId, 'fuzzed'),
    };
  });
  afterAll(() => api?.close());

  it(
    'finds no server error and no disagreement between the server and its document',
    async () => {
      const document = (await api.request('GET', '/api/v1/openapi.json')).body as OpenApiDocument;
      // the server's access log: one line per request, with its status
      const accessLog = () =>
        api.logLines
          .map((line) => JSON.parse(line) as { component?: string; status?: number; method?: string; url?: string })
          .filter((entry) => entry.component === 'http' && typeof entry.status === 'number');
      const before = accessLog().length;
      const run = await runSchemathesis({
        baseUrl: api.baseUrl,
        token: api.token,
        config: schemathesisConfig(document, resources),
        timeoutMs: RUN_TIMEOUT_MS,
        // every check is on by default (`--checks all` would also override the per-operation settings above)
        args: [
          // revoking its own token would leave the rest of the run unauthenticated
          '--exclude-operation-id',
          'revokeApiToken',
          // the runner routes take one running attempt's trr_ credential, not the admin token (runner.test.ts)
          '--exclude-tag',
          'runner',
          '--max-examples',
          String(MAX_EXAMPLES),
          // one: with two, hypothesis (in schemathesis's threads) now and then dies in CPython 3.11's
          // ast.parse ("SystemError: AST constructor recursion depth mismatch", a race on state
          // the ast module shares between threads), failing the run for nothing the server did
          '--workers',
          '1',
          '--request-timeout',
          '10',
          '--max-response-time',
          '5',
          '--seed',
          '20261203',
          '--output-truncate',
          'false',
        ],
      });
      const served = accessLog().slice(before);
      const requests = served.length;
      // its own report only when it failed (below): its pytest-like closing line would read as a test count
      process.stdout.write(`schemathesis sent ${requests} requests\n`);
      expect(run.exitCode, run.output.slice(-30_000)).toBe(0);
      expect(requests).toBeGreaterThan(1000);
      expect(served.filter((entry) => entry.status! >= 500 && entry.status !== 503)).toEqual([]);
    },
    RUN_TIMEOUT_MS + 60_000,
  );
});
