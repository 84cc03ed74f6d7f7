import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync, existsSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FileStore, StoredObject } from '../../libs/files';
import type { HttpResult } from '../../libs/http/api';

/**
 * The local stand-in for S3 presigned URLs: objects live under `<dataDir>/files/<service>/<key>`
 * (in memory when the runtime keeps no data), and the runtime serves `PUT|GET /_local/files/...`
 * for URLs signed with the local key, expiring like S3's. A URL lets one method on one key until
 * its expiry, nothing else.
 */
export class LocalFileStore implements FileStore {
  private readonly memory = new Map<string, { body: Buffer; contentType: string }>();

  constructor(
    private readonly baseUrl: () => string,
    private readonly key: Uint8Array,
    private readonly dir?: string,
  ) {}

  private sign(method: string, service: string, objectKey: string, expires: number, contentType = ''): string {
    return createHmac('sha256', this.key).update(`${method}\n${service}\n${objectKey}\n${expires}\n${contentType}`).digest('hex');
  }

  private url(method: string, service: string, objectKey: string, expiresSeconds: number, contentType = ''): string {
    const expires = Math.floor(Date.now() / 1000) + expiresSeconds;
    const signature = this.sign(method, service, objectKey, expires, contentType);
    return `${this.baseUrl()}/_local/files/${service}/${objectKey}?expires=${expires}&signature=${signature}`;
  }

  async uploadUrl(service: string, objectKey: string, contentType: string, expiresSeconds: number) {
    return {
      url: this.url('PUT', service, objectKey, expiresSeconds, contentType),
      method: 'PUT' as const,
      headers: { 'content-type': contentType },
      expiresAt: new Date(Date.now() + expiresSeconds * 1000).toISOString(),
    };
  }

  async downloadUrl(service: string, objectKey: string, expiresSeconds: number) {
    return this.url('GET', service, objectKey, expiresSeconds);
  }

  private path(service: string, objectKey: string) {
    return join(this.dir!, service, objectKey);
  }

  async read(service: string, objectKey: string): Promise<Buffer | undefined> {
    if (!this.dir) return this.memory.get(`${service}/${objectKey}`)?.body;
    const file = this.path(service, objectKey);
    return existsSync(file) ? readFileSync(file) : undefined;
  }

  async write(service: string, objectKey: string, body: Buffer, contentType: string): Promise<void> {
    if (!this.dir) {
      this.memory.set(`${service}/${objectKey}`, { body, contentType });
      return;
    }
    const file = this.path(service, objectKey);
    mkdirSync(dirname(file), { recursive: true });
    // Written whole, then renamed: a crash never leaves half an object under the key.
    writeFileSync(`${file}.partial`, body);
    writeFileSync(`${file}.type`, contentType);
    renameSync(`${file}.partial`, file);
  }

  async info(service: string, objectKey: string): Promise<StoredObject | undefined> {
    if (!this.dir) {
      const found = this.memory.get(`${service}/${objectKey}`);
      return found && { size: found.body.length, contentType: found.contentType };
    }
    const file = this.path(service, objectKey);
    if (!existsSync(file)) return undefined;
    return { size: statSync(file).size, contentType: existsSync(`${file}.type`) ? readFileSync(`${file}.type`, 'utf8') : undefined };
  }

  /** Serve a signed URL: `path` is after `/_local/files/`. */
  async serve(method: string, path: string, query: URLSearchParams, contentType: string, body: Buffer, maxBytes: number): Promise<HttpResult> {
    const problem = (statusCode: number, detail: string): HttpResult => ({
      statusCode,
      headers: { 'content-type': 'application/problem+json' },
      body: JSON.stringify({ title: 'Forbidden', status: statusCode, detail }),
    });
    const [service, ...rest] = path.split('/');
    const objectKey = rest.join('/');
    const expires = Number(query.get('expires'));
    const given = Buffer.from(query.get('signature') ?? '', 'hex');
    const expected = Buffer.from(this.sign(method, service ?? '', objectKey, expires, method === 'PUT' ? contentType : ''), 'hex');
    if (!service || !objectKey || given.length !== expected.length || !timingSafeEqual(given, expected)) return problem(403, 'the signature does not match (method, key or content-type differ)');
    if (!(expires * 1000 > Date.now())) return problem(403, 'the URL has expired');
    if (method === 'PUT') {
      if (body.length > maxBytes) return problem(413, `an object may be at most ${maxBytes} bytes here`);
      await this.write(service, objectKey, body, contentType);
      return { statusCode: 200, headers: {}, body: '' };
    }
    const found = await this.read(service, objectKey);
    if (!found) return problem(404, 'no such object');
    const info = await this.info(service, objectKey);
    return { statusCode: 200, headers: { 'content-type': info?.contentType ?? 'application/octet-stream' }, body: found.toString('base64'), isBase64Encoded: true };
  }
}
