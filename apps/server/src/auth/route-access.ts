/**
 * Who may call what: THE table. Every operation of the API (by its OpenAPI operationId) and the
 * least role it needs; `public` needs no credential. The guard (access.guard.ts) reads it on every
 * request, the OpenAPI document shows it (`x-minimum-role`), and auth-every-route.test.ts walks
 * every served route with every role against it. An operation missing here is refused (fail
 * closed), and the test fails.
 *
 * Roles rank instance_admin > workspace_admin > workspace_editor > workspace_viewer (libs/domain
 * roles.ts). A workspace role also sees only its own workspace: services look resources up within
 * the caller's WorkspaceScope and answer 404 for the rest, so ids of other workspaces do not leak.
 */
import type { Role } from '@tributary/domain';

/**
 * `runner`: a replication pod's per-attempt credential (`trr_...`) and nothing else; the user
 * guard lets these through to the runner guard (runner/runner.guard.ts), which checks it.
 */
export type RouteAccess = 'public' | 'runner' | Role;

const VIEWER = 'workspace_viewer';
const EDITOR = 'workspace_editor';
const WORKSPACE_ADMIN = 'workspace_admin';
const INSTANCE_ADMIN = 'instance_admin';

export const ROUTE_ACCESS = {
  // liveness, and signing in (how a person gets a credential)
  getHealth: 'public',
  createSession: 'public',
  // the token in the URL is the credential (the controller checks it); it starts one connection's syncs
  fireSyncTrigger: 'public',
  // any credential
  getVersion: VIEWER,
  getCurrentSession: VIEWER,
  deleteCurrentSession: VIEWER,
  changePassword: VIEWER,

  // tokens: a workspace admin manages its workspace's, an instance admin every one (a token mints its role or lower)
  createApiToken: WORKSPACE_ADMIN,
  listApiTokens: WORKSPACE_ADMIN,
  revokeApiToken: WORKSPACE_ADMIN,

  // sync triggers: URLs that start syncs, made and revoked by those who may run jobs
  createConnectionTrigger: EDITOR,
  listConnectionTriggers: VIEWER,
  revokeConnectionTrigger: EDITOR,

  // notification channels send the workspace's sync results to URLs (a Slack URL is itself a credential): its admin's
  createNotificationChannel: WORKSPACE_ADMIN,
  listNotificationChannels: WORKSPACE_ADMIN,
  getNotificationChannel: WORKSPACE_ADMIN,
  updateNotificationChannel: WORKSPACE_ADMIN,
  deleteNotificationChannel: WORKSPACE_ADMIN,
  testNotificationChannel: WORKSPACE_ADMIN,
  listNotificationDeliveries: WORKSPACE_ADMIN,

  // users (people of the web UI): the same as tokens, a workspace admin its workspace's, an instance admin every one
  createUser: WORKSPACE_ADMIN,
  listUsers: WORKSPACE_ADMIN,
  updateUser: WORKSPACE_ADMIN,
  deleteUser: WORKSPACE_ADMIN,

  // workspaces: made and removed by the instance; renamed by their admin
  createWorkspace: INSTANCE_ADMIN,
  listWorkspaces: VIEWER,
  getWorkspace: VIEWER,
  updateWorkspace: WORKSPACE_ADMIN,
  deleteWorkspace: INSTANCE_ADMIN,

  // connector definitions run code on the workers: the instance admin adds and upgrades them
  listSourceDefinitions: VIEWER,
  getSourceDefinition: VIEWER,
  getSourceDefinitionSpecification: VIEWER,
  createSourceDefinition: INSTANCE_ADMIN,
  updateSourceDefinition: INSTANCE_ADMIN,
  updateSourceDefinitionVersion: INSTANCE_ADMIN,
  installSourceDefinition: INSTANCE_ADMIN,
  listDestinationDefinitions: VIEWER,
  getDestinationDefinition: VIEWER,
  getDestinationDefinitionSpecification: VIEWER,
  createDestinationDefinition: INSTANCE_ADMIN,
  updateDestinationDefinition: INSTANCE_ADMIN,
  updateDestinationDefinitionVersion: INSTANCE_ADMIN,
  installDestinationDefinition: INSTANCE_ADMIN,

  // sources and destinations: editors configure them and run their connectors (check, discover)
  listSources: VIEWER,
  getSource: VIEWER,
  createSource: EDITOR,
  updateSource: EDITOR,
  deleteSource: EDITOR,
  checkSourceConfiguration: EDITOR,
  checkSource: EDITOR,
  discoverSourceSchema: EDITOR,
  listDestinations: VIEWER,
  getDestination: VIEWER,
  createDestination: EDITOR,
  updateDestination: EDITOR,
  deleteDestination: EDITOR,
  checkDestinationConfiguration: EDITOR,
  checkDestination: EDITOR,

  // connections, their state, jobs and logs: viewers read, editors change and run
  listConnections: VIEWER,
  getConnection: VIEWER,
  getConnectionStatus: VIEWER,
  getConnectionSchemaChanges: VIEWER,
  createConnection: EDITOR,
  updateConnection: EDITOR,
  deleteConnection: EDITOR,
  getConnectionState: VIEWER,
  replaceConnectionState: EDITOR,
  listJobs: VIEWER,
  getJob: VIEWER,
  getAttemptLogs: VIEWER,
  createJob: EDITOR,
  cancelJob: EDITOR,

  // what a replication pod reports about its own attempt: its trr_ credential only, never a user's
  reportRunnerProgress: 'runner',
  commitRunnerState: 'runner',
  appendRunnerLogs: 'runner',
  saveRunnerConfigUpdate: 'runner',
  reportRunnerOutcome: 'runner',
} as const satisfies Record<string, RouteAccess>;

export type OperationId = keyof typeof ROUTE_ACCESS;

/** The access an operation needs; undefined for an operation the table does not know (refused). */
export function routeAccessOf(operationId: string | undefined): RouteAccess | undefined {
  if (operationId === undefined || !Object.hasOwn(ROUTE_ACCESS, operationId)) return undefined;
  return ROUTE_ACCESS[operationId as OperationId];
}
