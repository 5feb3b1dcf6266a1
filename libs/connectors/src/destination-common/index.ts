/** Pieces shared by the first-party destinations. */
export * from './line-reader.js';
export * from './record-counts.js';
export * from './bad-input.js';
export * from './record-scan.js';
