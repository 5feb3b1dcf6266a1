/** Task queues the worker polls; the server starts workflows on them. */

/** Workflows and activities of syncs, schedules and connector commands. */
export const TRIBUTARY_TASK_QUEUE = 'tributary';
