/** A loopback port that nothing listens on right now: the stack's helper, shared with the tests. */
export { freePort } from '../../tools/stack/ports.mjs';
