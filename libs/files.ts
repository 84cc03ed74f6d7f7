import { currentFunction } from './config';

/**
 * Object storage for what does not belong in a table or a request: roll files of 20,000 rows,
 * photos attached to complaints, evidence of findings. A service that declares `files: true` in its
 * topology gets its own bucket. Clients never send the bytes through the API (API Gateway takes
 * 10 MB, Lambda 6 MB): they get a short-lived presigned URL, PUT the file there, and tell the API.
 * Deployed the store is S3 (presigned by the SDK); locally the runtime installs a file store under
 * `.data/files/` that serves the same kind of signed URLs.
 */
export interface PresignedUpload {
  url: string;
  method: 'PUT';
  /** Headers the client must send with the PUT (the signature covers them). */
  headers: Record<string, string>;
  expiresAt: string;
}

export interface StoredObject {
  size: number;
  contentType?: string;
}

export interface FileStore {
  uploadUrl(service: string, key: string, contentType: string, expiresSeconds: number): Promise<PresignedUpload>;
  downloadUrl(service: string, key: string, expiresSeconds: number, filename?: string): Promise<string>;
  read(service: string, key: string): Promise<Buffer | undefined>;
  write(service: string, key: string, body: Buffer, contentType: string): Promise<void>;
  info(service: string, key: string): Promise<StoredObject | undefined>;
}

let store: FileStore | undefined;

export function setFileStore(next: FileStore | undefined): void {
  store = next;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,500}$/;

function here(key: string): { service: string; files: FileStore } {
  if (!KEY.test(key) || key.includes('..')) throw new Error(`not a safe object key: ${key}`);
  const fn = currentFunction();
  if (!fn) throw new Error('object storage is used inside a gongzhi function');
  store ??= s3Store();
  return { service: fn.service, files: store };
}

/** Where a client uploads one object of the running service's bucket (valid `expiresSeconds`, default 15 minutes). */
export async function uploadUrl(key: string, contentType: string, expiresSeconds = 900): Promise<PresignedUpload> {
  const { service, files } = here(key);
  return files.uploadUrl(service, key, contentType, expiresSeconds);
}

export async function downloadUrl(key: string, options: { expiresSeconds?: number; filename?: string } = {}): Promise<string> {
  const { service, files } = here(key);
  return files.downloadUrl(service, key, options.expiresSeconds ?? 900, options.filename);
}

export async function readObject(key: string): Promise<Buffer | undefined> {
  const { service, files } = here(key);
  return files.read(service, key);
}

export async function writeObject(key: string, body: Buffer, contentType: string): Promise<void> {
  const { service, files } = here(key);
  return files.write(service, key, body, contentType);
}

export async function objectInfo(key: string): Promise<StoredObject | undefined> {
  const { service, files } = here(key);
  return files.info(service, key);
}

/** S3: the function's own bucket, named in BUCKET_NAME; the SDK is loaded on first use. */
function s3Store(): FileStore {
  const sdk = import('@aws-sdk/client-s3');
  const presigner = import('@aws-sdk/s3-request-presigner');
  let client: import('@aws-sdk/client-s3').S3Client | undefined;
  const bucket = () => {
    const name = process.env.BUCKET_NAME;
    if (!name) throw new Error('BUCKET_NAME is not set: this service declares no files');
    return name;
  };
  const s3 = async () => {
    const { S3Client } = await sdk;
    return (client ??= new S3Client({}));
  };
  const missing = (error: unknown) => ['NoSuchKey', 'NotFound'].includes((error as { name?: string }).name ?? '');
  return {
    async uploadUrl(_service, key, contentType, expiresSeconds) {
      const [{ PutObjectCommand }, { getSignedUrl }] = await Promise.all([sdk, presigner]);
      const url = await getSignedUrl(await s3(), new PutObjectCommand({ Bucket: bucket(), Key: key, ContentType: contentType }), { expiresIn: expiresSeconds });
      return { url, method: 'PUT', headers: { 'content-type': contentType }, expiresAt: new Date(Date.now() + expiresSeconds * 1000).toISOString() };
    },
    async downloadUrl(_service, key, expiresSeconds, filename) {
      const [{ GetObjectCommand }, { getSignedUrl }] = await Promise.all([sdk, presigner]);
      const disposition = filename ? `attachment; filename="${filename.replace(/[^\w.-]/g, '_')}"` : undefined;
      return getSignedUrl(await s3(), new GetObjectCommand({ Bucket: bucket(), Key: key, ResponseContentDisposition: disposition }), { expiresIn: expiresSeconds });
    },
    async read(_service, key) {
      const { GetObjectCommand } = await sdk;
      try {
        const result = await (await s3()).send(new GetObjectCommand({ Bucket: bucket(), Key: key }));
        return Buffer.from(await result.Body!.transformToByteArray());
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
    async write(_service, key, body, contentType) {
      const { PutObjectCommand } = await sdk;
      await (await s3()).send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: body, ContentType: contentType }));
    },
    async info(_service, key) {
      const { HeadObjectCommand } = await sdk;
      try {
        const result = await (await s3()).send(new HeadObjectCommand({ Bucket: bucket(), Key: key }));
        return { size: result.ContentLength ?? 0, contentType: result.ContentType };
      } catch (error) {
        if (missing(error)) return undefined;
        throw error;
      }
    },
  };
}
