export { encryptConfig, decryptConfig, decryptEnvelopes, maskConfig, mergeMaskedSecrets, secretContext } from './config-secrets.js';
export { encryptValue, decryptValue, sealJson, unsealJson, isSecretEnvelope, ENVELOPE_KEY, type SecretEnvelope } from './cipher.js';
export { mapSecrets, specSecretValues, valueAt, type JsonSchema } from './spec-secrets.js';
