export * from './messages.js';
export * from './framing.js';
export * from './decode.js';
export * from './writer.js';
export * from './connector.js';
export * from './input-chunks.js';
