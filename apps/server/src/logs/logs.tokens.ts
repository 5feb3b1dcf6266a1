/** The Storage the app was built with (AppDependencies.storage). */
export const LOG_STORAGE = Symbol('LogStorage');
