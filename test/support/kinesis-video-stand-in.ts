import { createServer, type Server } from 'node:http';
import { KinesisVideoClient } from '@aws-sdk/client-kinesis-video';
import { KinesisVideoSignalingClient } from '@aws-sdk/client-kinesis-video-signaling';

export interface IceServerConfigCall {
  readonly channelArn: string;
  readonly at: number;
  readonly outcome: 'ok' | 'throttled' | 'failed';
}

/**
 * Kinesis Video Streams' two calls the source makes, on loopback, so the real SDK clients
 * talk to it (the SDK boundary): GetSignalingChannelEndpoint and GetIceServerConfig, with
 * the documented 5 requests per second per channel enforced (ClientLimitExceededException).
 */
export class KinesisVideoStandIn {
  readonly endpointCalls: string[] = [];
  readonly iceServerConfigCalls: IceServerConfigCall[] = [];
  /** Channels that answer every GetIceServerConfig with a 500. */
  readonly failing = new Set<string>();
  /** Channels throttled whatever their rate. */
  readonly throttled = new Set<string>();
  ttlSeconds = 300;
  private issued = 0;

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<KinesisVideoStandIn> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const standIn = new KinesisVideoStandIn(server, `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
    server.on('request', (request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => standIn.answer(request.url ?? '', JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>, response));
    });
    return standIn;
  }

  /** SDK clients as the function makes them, aimed here. */
  clients(): { kinesisVideo: KinesisVideoClient; signalingClient: (endpoint: string) => KinesisVideoSignalingClient } {
    const identity = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 };
    return {
      kinesisVideo: new KinesisVideoClient({ ...identity, endpoint: this.endpoint }),
      signalingClient: (endpoint) => new KinesisVideoSignalingClient({ ...identity, endpoint }),
    };
  }

  callsPerChannel(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const call of this.iceServerConfigCalls) if (call.outcome === 'ok') counts.set(call.channelArn, (counts.get(call.channelArn) ?? 0) + 1);
    return counts;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(path: string, body: Record<string, unknown>, response: import('node:http').ServerResponse): void {
    const send = (status: number, payload: object, errorType?: string) => {
      response.writeHead(status, { 'content-type': 'application/json', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) });
      response.end(JSON.stringify(payload));
    };
    const channelArn = String(body['ChannelARN']);
    if (path === '/getSignalingChannelEndpoint') {
      this.endpointCalls.push(channelArn);
      return send(200, { ResourceEndpointList: [{ Protocol: 'HTTPS', ResourceEndpoint: this.endpoint }] });
    }
    if (path === '/v1/get-ice-server-config') {
      const at = Date.now();
      const lastSecond = this.iceServerConfigCalls.filter((call) => call.channelArn === channelArn && call.outcome === 'ok' && at - call.at < 1_000).length;
      if (this.throttled.has(channelArn) || lastSecond >= 5) {
        this.iceServerConfigCalls.push({ channelArn, at, outcome: 'throttled' });
        return send(400, { message: 'Your request has been throttled' }, 'ClientLimitExceededException');
      }
      if (this.failing.has(channelArn)) {
        this.iceServerConfigCalls.push({ channelArn, at, outcome: 'failed' });
        return send(500, { message: 'internal' }, 'InternalFailure');
      }
      this.iceServerConfigCalls.push({ channelArn, at, outcome: 'ok' });
      const n = ++this.issued;
      const host = channelArn.split('/')[1];
      return send(200, {
        IceServerList: [
          { Uris: [`turn:${host}.kvs.example:443?transport=udp`, `turns:${host}.kvs.example:443?transport=tcp`], Username: `user-${n}`, Password: `password-${n}`, Ttl: this.ttlSeconds },
          { Uris: [`turn:${host}-b.kvs.example:443?transport=udp`], Username: `user-${n}b`, Password: `password-${n}b`, Ttl: this.ttlSeconds },
        ],
      });
    }
    send(404, { message: `no ${path} here` }, 'UnknownOperationException');
  }
}
