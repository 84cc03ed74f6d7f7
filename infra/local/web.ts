import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import type { HttpResult } from '../../libs/http/api';

/**
 * The web application's built files (web/dist, built by web/build.mjs) at `/`, as CloudFront serves
 * them when deployed. Only GETs that no API route matched come here, so the app never shadows a route.
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** Where the built files are: web/dist, or GONGZHI_WEB_DIR (the browser tests build into their own folder). */
const webDir = () => resolve(process.env.GONGZHI_WEB_DIR ?? join(process.cwd(), 'web', 'dist'));

export function webAsset(pathname: string, dist = webDir()): HttpResult | undefined {
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1);
  const type = TYPES[extname(relative)];
  if (!type) return undefined;
  const file = normalize(join(dist, relative));
  // A path that climbs out of dist (/../) is no asset.
  if (!file.startsWith(dist + '/') || !existsSync(file) || !statSync(file).isFile()) return undefined;
  return {
    statusCode: 200,
    // The page and its config always revalidate; the bundle is small and rebuilt in place, so no long cache locally.
    headers: { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' },
    body: readFileSync(file).toString('base64'),
    isBase64Encoded: true,
  };
}
