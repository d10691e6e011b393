import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Handler, Handlers } from '../compile/handlers.js';
import { S3_GET_OBJECT, S3_LIST_OBJECTS, S3_PUT_OBJECT } from '../compile/item-reader.js';

/** S3's page size for ListObjectsV2. */
const LIST_PAGE = 1000;

/**
 * Handlers that serve a local folder as Amazon S3: each sub-folder of `root` is a bucket,
 * each file below it an object whose key is its path (with `/`). They answer
 * `arn:aws:states:::s3:getObject`, `…:s3:listObjectsV2` and `…:s3:putObject`, so a Distributed
 * Map's ItemReader and ResultWriter run against files. A key that would leave its bucket is
 * refused (S3.AccessDenied); a missing object or bucket fails as S3 does (S3.NoSuchKey,
 * S3.NoSuchBucket).
 */
export function s3FolderHandlers(root: string): Handlers {
  const base = resolve(root);
  const getObject: Handler = (input: { Bucket?: string; Key?: string }) => {
    const file = objectPath(base, input.Bucket, input.Key);
    try {
      return { Body: readFileSync(file) };
    } catch {
      throw s3Error('S3.NoSuchKey', 'The specified key does not exist.');
    }
  };
  const listObjectsV2: Handler = (input: { Bucket?: string; Prefix?: string; ContinuationToken?: string; MaxKeys?: number }) => {
    const bucket = bucketPath(base, input.Bucket);
    const prefix = input.Prefix ?? '';
    const keys = allKeys(bucket)
      .filter((key) => key.startsWith(prefix))
      .sort();
    const start = input.ContinuationToken === undefined ? 0 : Number(Buffer.from(input.ContinuationToken, 'base64url').toString());
    const size = Math.min(input.MaxKeys ?? LIST_PAGE, LIST_PAGE);
    const page = keys.slice(start, start + size);
    const truncated = start + size < keys.length;
    return {
      Contents: page.map((key) => {
        const file = join(bucket, ...key.split('/'));
        const stat = statSync(file);
        return {
          Key: key,
          Size: stat.size,
          ETag: `"${createHash('md5').update(readFileSync(file)).digest('hex')}"`,
          LastModified: stat.mtime,
          StorageClass: 'STANDARD',
        };
      }),
      IsTruncated: truncated,
      KeyCount: page.length,
      ...(truncated ? { NextContinuationToken: Buffer.from(String(start + size)).toString('base64url') } : {}),
    };
  };
  const putObject: Handler = (input: { Bucket?: string; Key?: string; Body?: unknown }) => {
    const file = objectPath(base, input.Bucket, input.Key);
    mkdirSync(dirname(file), { recursive: true });
    const body = typeof input.Body === 'string' || input.Body instanceof Uint8Array ? input.Body : JSON.stringify(input.Body);
    writeFileSync(file, body);
    return { ETag: `"${createHash('md5').update(body).digest('hex')}"` };
  };
  return { [S3_GET_OBJECT]: getObject, [S3_LIST_OBJECTS]: listObjectsV2, [S3_PUT_OBJECT]: putObject };
}

function s3Error(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function bucketPath(base: string, bucket: unknown): string {
  if (typeof bucket !== 'string' || bucket === '' || bucket.includes('/') || bucket.includes('\\') || bucket === '.' || bucket === '..') {
    throw s3Error('S3.NoSuchBucket', 'The specified bucket does not exist');
  }
  const path = join(base, bucket);
  try {
    if (statSync(path).isDirectory()) return path;
  } catch {
    // Falls through to the S3 error below.
  }
  throw s3Error('S3.NoSuchBucket', 'The specified bucket does not exist');
}

function objectPath(base: string, bucket: unknown, key: unknown): string {
  const root = bucketPath(base, bucket);
  if (typeof key !== 'string' || key === '') throw s3Error('S3.NoSuchKey', 'The specified key does not exist.');
  const file = resolve(root, ...key.split('/'));
  if (!file.startsWith(root + sep)) throw s3Error('S3.AccessDenied', 'Access Denied');
  return file;
}

function allKeys(bucket: string): string[] {
  const keys: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) keys.push(relative(bucket, path).split(sep).join('/'));
    }
  };
  walk(bucket);
  return keys;
}
