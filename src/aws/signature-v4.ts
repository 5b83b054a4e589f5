import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentials } from './credentials.js';

/** A request as it goes out, before it is signed. Header names in lower case. */
export interface UnsignedRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface SigningScope {
  /** `dynamodb`, `execute-api`, ... */
  readonly service: string;
  readonly region: string;
  readonly credentials: AwsCredentials;
}

const algorithm = 'AWS4-HMAC-SHA256';

/**
 * The headers that sign a request with Signature Version 4 (host, x-amz-date, the session
 * token and authorization), to send with its own. Every header given is signed. The path is
 * encoded once more for the canonical request, as AWS does for every service but S3; no query
 * string is supported, since no request of ours has one.
 */
export function signatureHeaders(request: UnsignedRequest, scope: SigningScope, now: Date = new Date()): Record<string, string> {
  if (request.url.search) throw new Error('signatureHeaders: a query string is not supported');
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const added: Record<string, string> = {
    host: request.url.host,
    'x-amz-date': amzDate,
    ...(scope.credentials.sessionToken ? { 'x-amz-security-token': scope.credentials.sessionToken } : {}),
  };
  const headers = { ...request.headers, ...added };
  const names = Object.keys(headers).map((name) => name.toLowerCase()).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method,
    canonicalPath(request.url.pathname),
    '',
    ...names.map((name) => `${name}:${headers[name]!.trim().replace(/\s+/g, ' ')}`),
    '',
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [algorithm, amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(scope, day)).update(stringToSign).digest('hex');
  return {
    ...added,
    authorization: `${algorithm} Credential=${scope.credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** Encodes a URI component as AWS does: RFC 3986 unreserved characters stay, everything else is %XX. */
export function escapeUri(component: string): string {
  return encodeURIComponent(component).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${segments.length > 0 && path.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

const keys = new Map<string, Buffer>();

/** The day's signing key: derived once per day, credentials, region and service. */
function signingKey({ credentials, region, service }: SigningScope, day: string): Buffer {
  const id = `${day}/${region}/${service}/${credentials.accessKeyId}/${credentials.secretAccessKey}`;
  let key = keys.get(id);
  if (!key) {
    const hmac = (k: string | Buffer, data: string) => createHmac('sha256', k).update(data).digest();
    key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, day), region), service), 'aws4_request');
    if (keys.size > 50) keys.clear();
    keys.set(id, key);
  }
  return key;
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data).digest('hex');
}
