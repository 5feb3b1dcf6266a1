/** Injection tokens for what the app receives from outside (explicit @Inject everywhere: no reliance on emitted type metadata). */
export const DATA_SOURCE = Symbol('DataSource');
export const SECRET_KEY = Symbol('SecretKey');
export const LOGGER = Symbol('Logger');
/** TemporalSettings: the Temporal client, the task queue and the time limits of calls through it */
export const TEMPORAL = Symbol('Temporal');
/** boolean: whether connector definitions may run a `command` (TRIBUTARY_ALLOW_COMMAND_CONNECTORS) */
export const ALLOW_COMMAND_CONNECTORS = Symbol('AllowCommandConnectors');
/** number: how often the next pending connector install starts, in ms (0: only on demand) */
export const PENDING_INSTALLS_INTERVAL_MS = Symbol('PendingInstallsIntervalMs');
/** boolean: PyPI/npm connectors install in the background (false only for a server without Temporal, in tests) */
export const BACKGROUND_INSTALLS = Symbol('BackgroundInstalls');
/** NotificationSettings: how often the outbox is sent, and how retries back off */
export const NOTIFICATIONS = Symbol('Notifications');
