/** `@tributary/storage/s3`: the S3-compatible adapter (loads the `minio` client). */
export { S3Storage, type S3StorageOptions } from './s3-storage.js';
