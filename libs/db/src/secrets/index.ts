export { SECRET_MASK, encryptConfig, decryptConfig, maskConfig, mergeMaskedSecrets } from './config-secrets.js';
export { encryptValue, decryptValue, sealJson, unsealJson, isSecretEnvelope, ENVELOPE_KEY, type SecretEnvelope } from './cipher.js';
export { mapSecrets, valueAt, type JsonSchema } from './spec-secrets.js';
