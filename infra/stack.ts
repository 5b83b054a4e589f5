import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
// The built package, by its own name, exactly as a consumer's stack imports it (npm run build).
import { YWebrtcSignaling, type IceServersProps, type YWebrtcSignalingProps } from 'y-webrtc-signaling-serverless';

export interface YWebrtcSignalingStackProps extends StackProps {
  /** Props of the signaling construct. @default - its defaults */
  readonly signaling?: YWebrtcSignalingProps;
  /**
   * Send alarm notifications to this e-mail address, through an encrypted SNS topic the
   * stack creates. Ignored when `signaling.alarmTopic` is set.
   * @default - no topic, no notifications
   */
  readonly alarmEmail?: string;
  /**
   * Serve on this domain name, in the public hosted zone with these attributes (given, not
   * looked up, so synth stays offline). Ignored when `signaling.customDomain` is set.
   * @default - the execute-api URL only
   */
  readonly customDomain?: { readonly domainName: string; readonly hostedZoneId: string; readonly zoneName: string };
  /**
   * The name of an existing Secrets Manager secret holding the HS256 key: it becomes
   * `signaling.authorization.jwtSecret`. Ignored when that is set or `signaling.authorization` is not.
   * @default - no shared secret
   */
  readonly jwtSecretName?: string;
  /**
   * A TURN server of your own (coturn): its URLs and the name of an existing Secrets Manager
   * secret holding its shared secret. It becomes `signaling.iceServers` with a shared-secret
   * source. Ignored when `signaling.iceServers` is set.
   * @default - no ICE servers endpoint
   */
  readonly turnServer?: { readonly urls: readonly string[]; readonly secretName: string; readonly stunUrls?: readonly string[] };
  /**
   * Serve TURN from Kinesis Video Streams, on this many signaling channels: it becomes
   * `signaling.iceServers` with a Kinesis Video source. Ignored when `signaling.iceServers` or `turnServer` is set.
   * @default - no ICE servers endpoint
   */
  readonly kinesisVideoTurnChannels?: number;
}

/** The deployable service: the construct, an optional alarm topic, and its outputs. */
export class YWebrtcSignalingStack extends Stack {
  readonly signaling: YWebrtcSignaling;

  constructor(scope: Construct, id: string, props: YWebrtcSignalingStackProps = {}) {
    super(scope, id, props);
    const alarmTopic = props.signaling?.alarmTopic ?? (props.alarmEmail ? this.createAlarmTopic(props.alarmEmail) : undefined);
    const customDomain =
      props.signaling?.customDomain ?? (props.customDomain ? this.importCustomDomain(props.customDomain) : undefined);
    const authorization = props.signaling?.authorization;
    const jwtSecret =
      authorization?.jwtSecret ?? (authorization && props.jwtSecretName ? Secret.fromSecretNameV2(this, 'JwtSecret', props.jwtSecretName) : undefined);
    const iceServers = props.signaling?.iceServers ?? this.iceServersFrom(props);
    this.signaling = new YWebrtcSignaling(this, 'Signaling', {
      ...props.signaling,
      alarmTopic,
      customDomain,
      ...(authorization ? { authorization: { ...authorization, jwtSecret } } : {}),
      ...(iceServers ? { iceServers } : {}),
    });

    new CfnOutput(this, 'SignalingUrl', {
      value: this.signaling.url,
      description: "y-webrtc: new WebrtcProvider(room, doc, { signaling: ['<this URL>'] })",
    });
    if (this.signaling.iceServersUrl) {
      new CfnOutput(this, 'IceServersUrl', {
        value: this.signaling.iceServersUrl,
        description: "ICE servers with TURN credentials: new IceServersRefresher({ url: '<this URL>', room, getToken }) (docs/clients.md)",
      });
    }
    new CfnOutput(this, 'TableName', { value: this.signaling.table.tableName, description: 'The DynamoDB table' });
    new CfnOutput(this, 'DashboardName', { value: this.signaling.dashboard.dashboardName, description: 'The CloudWatch dashboard' });
  }

  private iceServersFrom({ turnServer, kinesisVideoTurnChannels }: YWebrtcSignalingStackProps): IceServersProps | undefined {
    if (turnServer) {
      const secret = Secret.fromSecretNameV2(this, 'TurnSecret', turnServer.secretName);
      return { turn: { kind: 'shared-secret', turnUrls: turnServer.urls, secret, ...(turnServer.stunUrls ? { stunUrls: turnServer.stunUrls } : {}) } };
    }
    return kinesisVideoTurnChannels ? { turn: { kind: 'kinesis-video', channels: kinesisVideoTurnChannels } } : undefined;
  }

  private importCustomDomain({ domainName, hostedZoneId, zoneName }: NonNullable<YWebrtcSignalingStackProps['customDomain']>) {
    return { domainName, hostedZone: HostedZone.fromHostedZoneAttributes(this, 'HostedZone', { hostedZoneId, zoneName }) };
  }

  /** CloudWatch can publish to an encrypted topic only through a customer managed key that lets it. */
  private createAlarmTopic(email: string): Topic {
    // It encrypts notifications in flight only, so it goes with the stack (after KMS's waiting period).
    const key = new Key(this, 'AlarmTopicKey', {
      enableKeyRotation: true,
      description: 'Encrypts the alarm notifications of y-webrtc signaling',
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new Topic(this, 'AlarmTopic', { masterKey: key, enforceSSL: true, displayName: 'y-webrtc signaling alarms' });
    topic.addSubscription(new EmailSubscription(email));
    return topic;
  }
}
