import { Duration, Fn, Token } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { CfnSignalingChannel } from 'aws-cdk-lib/aws-kinesisvideo';
import { FunctionUrlAuthType, HttpMethod, type Function as LambdaFunction, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { checkTurnUrl, iceServersConfigFromEnvironment, iceServersDefaults, iceServersPath, iceServersVariables } from '../../src/config/ice-servers.js';
import { createSignalingFunction } from './functions.js';

/** A TURN server of your own (coturn, or any server that takes the TURN REST API's shared secret). */
export interface SharedSecretTurnProps {
  readonly kind: 'shared-secret';
  /** The TURN server's URLs, as browsers take them: `turn:turn.example.com:3478`, `turns:turn.example.com:5349?transport=tcp`. */
  readonly turnUrls: readonly string[];
  /**
   * The secret whose secret string is the TURN server's shared secret (coturn's
   * `static-auth-secret`). The function reads it through Powertools Parameters when it
   * runs (cached 5 minutes): it is in neither the template nor the function's configuration.
   */
  readonly secret: ISecret;
  /**
   * How long the credentials live. The endpoint is asked again before they expire.
   * @default Duration.hours(1)
   */
  readonly credentialLifetime?: Duration;
  /**
   * STUN URLs offered beside the TURN ones (an `RTCIceServer` list replaces the browser's defaults).
   * @default - none; most TURN servers answer STUN on their TURN port, so add `stun:<your TURN host>:3478`
   */
  readonly stunUrls?: readonly string[];
}

/** Amazon Kinesis Video Streams' managed TURN, on signaling channels the construct creates. */
export interface KinesisVideoTurnProps {
  readonly kind: 'kinesis-video';
  /**
   * Signaling channels in the pool. Callers are spread over them; each takes 5
   * GetIceServerConfig requests per second and caps the TURN allocations on it
   * (docs/deploy.md, "Kinesis Video Streams TURN": how to size it).
   * @default 1
   */
  readonly channels?: number;
}

export interface IceServersProps {
  /** Where the TURN credentials come from. */
  readonly turn: SharedSecretTurnProps | KinesisVideoTurnProps;
  /**
   * Requests per caller (the token's `sub`, or the source IP without authorization) and window.
   * @default { requests: 30, window: Duration.minutes(1) }
   */
  readonly rateLimit?: { readonly requests: number; readonly window: Duration };
  /**
   * Origins whose pages may call the endpoint (CORS).
   * @default - `authorization.allowedOrigins` when set, else any origin
   */
  readonly allowedOrigins?: readonly string[];
}

export interface IceServersEndpoint {
  readonly function: LambdaFunction;
  readonly functionUrl: FunctionUrl;
  /** `https://<function URL host>/ice-servers`. */
  readonly url: string;
  /** The Kinesis Video signaling channels, with that source. */
  readonly channels: readonly CfnSignalingChannel[];
}

export interface IceServersEndpointOptions {
  readonly table: ITableV2;
  readonly logRetention: RetentionDays;
  readonly sourceMapStackTraces: boolean;
  /** Powertools' variables and the `$connect` authorizer's AUTH_* variables: the same checks. */
  readonly environment: Record<string, string>;
  /** The authorizer's token key, which this function reads too. */
  readonly jwtSecret?: ISecret;
  readonly authorizationOrigins?: readonly string[];
}

/**
 * GET /ice-servers on a Lambda function URL (docs/architecture.md, "ICE servers and TURN"):
 * src/lambda/ice-servers.ts with the credential source chosen by `turn`, the `$connect`
 * checks, and a per-caller rate limit counted in the table.
 */
export function createIceServersEndpoint(scope: Construct, props: IceServersProps, options: IceServersEndpointOptions): IceServersEndpoint {
  const v = iceServersVariables;
  const { turn } = props;
  const rate = props.rateLimit ?? { requests: iceServersDefaults.requestsPerWindow, window: Duration.seconds(iceServersDefaults.windowSeconds) };
  const channels: CfnSignalingChannel[] = [];
  const sourceEnvironment: Record<string, string> = {};
  if (turn.kind === 'shared-secret') {
    for (const url of turn.turnUrls) checkTurnUrl(url, 'iceServers.turn.turnUrls');
    Object.assign(sourceEnvironment, {
      [v.source]: 'shared-secret',
      [v.turnUrls]: turn.turnUrls.join(','),
      [v.turnSecretId]: turn.secret.secretArn,
      [v.credentialTtlSeconds]: String((turn.credentialLifetime ?? Duration.seconds(iceServersDefaults.credentialTtlSeconds)).toSeconds()),
      ...(turn.stunUrls?.length ? { [v.stunUrls]: turn.stunUrls.join(',') } : {}),
    });
  } else {
    const count = turn.channels ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 100) throw new Error(`iceServers.turn.channels must be a whole number from 1 to 100, got ${count}`);
    const pool = new Construct(scope, 'TurnChannels');
    for (let n = 0; n < count; n++) {
      // Unnamed: CloudFormation names each channel after the stack, so two stacks never share one.
      channels.push(new CfnSignalingChannel(pool, `Channel${n}`, { type: 'SINGLE_MASTER', messageTtlSeconds: 60 }));
    }
    Object.assign(sourceEnvironment, { [v.source]: 'kinesis-video', [v.channelArns]: Fn.join(',', channels.map((channel) => channel.attrArn)) });
  }
  const environment: Record<string, string> = {
    ...options.environment,
    TABLE_NAME: options.table.tableName,
    ...sourceEnvironment,
    [v.requestsPerWindow]: String(rate.requests),
    [v.windowSeconds]: String(rate.window.toSeconds()),
  };
  // Checked now, with deploy-time values stood in for, so a bad setting fails the synth.
  iceServersConfigFromEnvironment(Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, Token.isUnresolved(value) ? 'deploy-time-value' : value])));

  const fn = createSignalingFunction(scope, 'iceServers', {
    memorySize: 256,
    logRetention: options.logRetention,
    sourceMapStackTraces: options.sourceMapStackTraces,
    environment,
  });
  // CallerRateLimit: one conditional UpdateItem of the caller's window item, nothing else.
  fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [options.table.tableArn] }));
  options.table.encryptionKey?.grantEncryptDecrypt(fn);
  options.jwtSecret?.grantRead(fn);
  if (turn.kind === 'shared-secret') turn.secret.grantRead(fn);
  if (channels.length > 0) {
    // Only these channels, only the two calls the source makes.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['kinesisvideo:GetSignalingChannelEndpoint', 'kinesisvideo:GetIceServerConfig'],
        resources: channels.map((channel) => channel.attrArn),
      }),
    );
  }

  const allowedOrigins = props.allowedOrigins ?? options.authorizationOrigins;
  const functionUrl = fn.addFunctionUrl({
    // The token check is the function's own (the same as `$connect`'s); IAM auth would need signed requests from pages.
    authType: FunctionUrlAuthType.NONE,
    cors: {
      allowedOrigins: allowedOrigins?.length ? [...allowedOrigins] : ['*'],
      allowedMethods: [HttpMethod.GET],
      allowedHeaders: ['authorization'],
      maxAge: Duration.hours(1),
    },
  });
  // The function URL ends with a slash.
  return { function: fn, functionUrl, url: `${functionUrl.url}${iceServersPath.slice(1)}`, channels };
}
