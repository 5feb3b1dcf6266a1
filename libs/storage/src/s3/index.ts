/** `@tributary/storage/s3`: the S3-compatible adapter (loads the `minio` client). */
export { createS3Client, s3ErrorCode, S3Storage, type S3Client, type S3ClientSettings, type S3StorageOptions } from './s3-storage.js';
