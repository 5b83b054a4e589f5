import { describe, expect, it } from 'vitest';
import { AwsServiceError } from '../../src/aws/aws-error.js';
import { ManagementApi } from '../../src/aws/management-api.js';
import { scriptedServer } from './scripted-server.js';

const identity = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } };

describe('ManagementApi', () => {
  it('posts the data as it is to @connections/{id} under the stage, signed for execute-api', async () => {
    const server = await scriptedServer([{ status: 200 }]);
    const api = new ManagementApi({ ...identity, endpoint: `${server.url}/prod/` });
    try {
      const data = JSON.stringify({ type: 'publish', topic: 'räume/1', data: { text: 'héllo 👋' } });
      await api.postToConnection('L0SM9cOFvHcCIhw=', data);
      const [request] = server.received;
      expect(request!.url).toBe('/prod/@connections/L0SM9cOFvHcCIhw%3D');
      expect(request!.body).toBe(data);
      expect(request!.headers['content-length']).toBe(String(Buffer.byteLength(data)));
      expect(request!.headers['authorization']).toMatch(/Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date,/);
      expect(request!.headers['x-amz-security-token']).toBeUndefined();
    } finally {
      api.destroy();
      await server.close();
    }
  });

  it('names errors as the service does: by x-amzn-ErrorType, else by status', async () => {
    const server = await scriptedServer([
      { status: 410, headers: { 'x-amzn-errortype': 'GoneException:http://internal.amazon.com/coral/' }, body: '{"message":"gone"}' },
      { status: 403, body: '{"message":"Forbidden"}' },
      { status: 429, headers: { 'content-type': 'text/plain' }, body: 'slow down' },
    ]);
    const api = new ManagementApi({ ...identity, endpoint: server.url });
    try {
      const post = () => api.postToConnection('abc', '{}').catch((error: unknown) => error);
      expect(await post()).toMatchObject({ name: 'GoneException', message: 'gone', $metadata: { httpStatusCode: 410 } });
      expect(await post()).toMatchObject({ name: 'ForbiddenException', message: 'Forbidden', $metadata: { httpStatusCode: 403 } });
      const limited = await post();
      expect(limited).toBeInstanceOf(AwsServiceError);
      expect(limited).toMatchObject({ name: 'LimitExceededException', $metadata: { httpStatusCode: 429 } });
      expect(server.received).toHaveLength(3);
    } finally {
      api.destroy();
      await server.close();
    }
  });
});
