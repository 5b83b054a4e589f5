import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { HostedZone } from 'aws-cdk-lib/aws-route53';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
// The built package, by its own name, exactly as a consumer's stack imports it (npm run build).
import { YWebrtcSignaling, type YWebrtcSignalingProps } from 'y-webrtc-signaling-serverless';

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
    this.signaling = new YWebrtcSignaling(this, 'Signaling', {
      ...props.signaling,
      alarmTopic,
      customDomain,
      ...(authorization ? { authorization: { ...authorization, jwtSecret } } : {}),
    });

    new CfnOutput(this, 'SignalingUrl', {
      value: this.signaling.url,
      description: "y-webrtc: new WebrtcProvider(room, doc, { signaling: ['<this URL>'] })",
    });
    new CfnOutput(this, 'TableName', { value: this.signaling.table.tableName, description: 'The DynamoDB table' });
    new CfnOutput(this, 'DashboardName', { value: this.signaling.dashboard.dashboardName, description: 'The CloudWatch dashboard' });
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
