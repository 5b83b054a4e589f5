import { createServer, type Server } from 'node:http';

/**
 * Secrets Manager's GetSecretValue for a few named secrets, on loopback: the bundles read
 * the token key and the TURN shared secret through the SDK as they do on AWS, with only the
 * endpoint replaced (AWS_ENDPOINT_URL_SECRETS_MANAGER).
 */
export class SecretsStandIn {
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(secrets: Readonly<Record<string, string>>): Promise<SecretsStandIn> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const target = request.headers['x-amz-target'];
        let asked: unknown;
        try {
          asked = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { SecretId?: unknown }).SecretId;
        } catch {
          asked = undefined;
        }
        const answer = (status: number, body: object) => {
          response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
          response.end(JSON.stringify(body));
        };
        if (target !== 'secretsmanager.GetSecretValue') return answer(400, { __type: 'UnknownOperationException', message: `${String(target)} is not served locally` });
        const secretString = typeof asked === 'string' && Object.hasOwn(secrets, asked) ? secrets[asked] : undefined;
        if (secretString === undefined) return answer(400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." });
        answer(200, { ARN: `arn:aws:secretsmanager:local:000000000000:secret:${String(asked)}`, Name: asked, SecretString: secretString, VersionId: 'local', CreatedDate: 0 });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return new SecretsStandIn(server, `http://127.0.0.1:${port}`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
