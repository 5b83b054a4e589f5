import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeUri, signatureHeaders } from '../../src/aws/signature-v4.js';

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (data: SourceData) => (typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data));

/** Node's SHA-256 in the shape the SDK's signer takes. */
class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytesOf(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytesOf(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
}

/** The SDK's own signer: the reference every signature of ours must equal. */
async function sdkSignature(
  request: { method: string; url: URL; headers: Record<string, string>; body: string },
  scope: { service: string; region: string; credentials: typeof credentials & { sessionToken?: string } },
  now: Date,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ service: scope.service, region: scope.region, credentials: scope.credentials, sha256: Sha256, uriEscapePath: true, applyChecksum: false });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: request.url.protocol,
      hostname: request.url.hostname,
      ...(request.url.port ? { port: Number(request.url.port) } : {}),
      path: request.url.pathname,
      query: {},
      headers: { ...request.headers, host: request.url.host },
      body: request.body,
    },
    { signingDate: now },
  );
  return signed.headers;
}

describe('signatureHeaders', () => {
  it("signs AWS's own test-suite request (post-vanilla) as the suite says", () => {
    const headers = signatureHeaders(
      { method: 'POST', url: new URL('https://example.amazonaws.com/'), headers: {}, body: '' },
      { service: 'service', region: 'us-east-1', credentials },
      new Date('2015-08-30T12:36:00Z'),
    );
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    expect(headers['authorization']).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b',
    );
  });

  it('signs a DynamoDB request exactly as the SDK signs it, session token included', async () => {
    const request = {
      method: 'POST',
      url: new URL('https://dynamodb.eu-west-1.amazonaws.com/'),
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.UpdateItem', 'content-length': '17' },
      body: '{"TableName":"t"}',
    };
    const scope = { service: 'dynamodb', region: 'eu-west-1', credentials: { ...credentials, sessionToken: 'IQoJb3JpZ2luX2VjE//token==' } };
    const now = new Date('2026-12-07T10:11:12Z');
    const ours = signatureHeaders(request, scope, now);
    const sdk = await sdkSignature(request, scope, now);
    expect(ours['authorization']).toBe(sdk['authorization']);
    expect(ours['x-amz-security-token']).toBe(sdk['x-amz-security-token']);
    expect(ours['authorization']).toContain('SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;x-amz-target,');
  });

  it('signs posts to any connection id, stage and body as the SDK does (the path is encoded twice)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 24 }),
        fc.constantFrom('prod', 'local', 'my-stage_1'),
        fc.string({ maxLength: 200, unit: 'grapheme' }),
        fc.constantFrom('https://abc123.execute-api.eu-west-1.amazonaws.com', 'http://127.0.0.1:4010'),
        async (connectionId, stage, body, origin) => {
          const request = {
            method: 'POST',
            url: new URL(`${origin}/${stage}/@connections/${escapeUri(connectionId)}`),
            headers: { 'content-type': 'application/octet-stream', 'content-length': String(Buffer.byteLength(body)) },
            body,
          };
          const scope = { service: 'execute-api', region: 'eu-west-1', credentials };
          const now = new Date('2026-12-07T23:59:59Z');
          expect(signatureHeaders(request, scope, now)['authorization']).toBe((await sdkSignature(request, scope, now))['authorization']);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a query string rather than sign it wrong', () => {
    expect(() =>
      signatureHeaders({ method: 'POST', url: new URL('https://example.amazonaws.com/?a=1'), headers: {}, body: '' }, { service: 's', region: 'r', credentials }),
    ).toThrow(/query string/);
  });
});
