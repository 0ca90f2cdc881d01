/**
 * A registry of one package on 127.0.0.1: what `npm create`, `pnpm create`,
 * `yarn create` and `bun create` fetch when a user types them, served from a
 * packed tarball instead of the public registry. Every other name is a 404, so
 * a launcher that asks for anything else fails loudly instead of going out.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { basename } from 'node:path';

export interface LocalRegistry {
  url: string;
  /** Names asked for, in order (a launcher that asked for nothing did not use the registry). */
  requests: string[];
  close: () => Promise<void>;
}

export async function serveTarball(tarball: string, manifest: { name: string; version: string; bin?: unknown }): Promise<LocalRegistry> {
  const bytes = readFileSync(tarball);
  const file = basename(tarball);
  const requests: string[] = [];
  let url = '';
  const published = '2020-01-01T00:00:00.000Z';
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]);
    requests.push(path);
    if (path === `/${manifest.name}`) {
      const version = {
        ...manifest,
        dist: {
          tarball: `${url}/${manifest.name}/-/${file}`,
          shasum: createHash('sha1').update(bytes).digest('hex'),
          integrity: `sha512-${createHash('sha512').update(bytes).digest('base64')}`,
        },
      };
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({
        name: manifest.name,
        'dist-tags': { latest: manifest.version },
        versions: { [manifest.version]: version },
        // Long published: yarn 4 holds back versions younger than its age gate.
        time: { created: published, modified: published, [manifest.version]: published },
      }));
    } else if (path === `/${manifest.name}/-/${file}`) {
      response.setHeader('content-type', 'application/octet-stream');
      response.end(bytes);
    } else {
      response.statusCode = 404;
      response.setHeader('content-type', 'application/json');
      response.end('{"error":"not found"}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  url = `http://127.0.0.1:${address.port}`;
  return {
    url, requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
