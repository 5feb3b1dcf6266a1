/** Injection tokens for what the app receives from outside (explicit @Inject everywhere: no reliance on emitted type metadata). */
export const DATA_SOURCE = Symbol('DataSource');
export const SECRET_KEY = Symbol('SecretKey');
export const LOGGER = Symbol('Logger');
/** TemporalSettings: the Temporal client, the task queue and the time limits of calls through it */
export const TEMPORAL = Symbol('Temporal');
