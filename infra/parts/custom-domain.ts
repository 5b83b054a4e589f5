import { ApiMapping, DomainName, SecurityPolicy, type WebSocketApi, type WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate, CertificateValidation } from 'aws-cdk-lib/aws-certificatemanager';
import { ARecord, RecordTarget } from 'aws-cdk-lib/aws-route53';
import { ApiGatewayv2DomainProperties } from 'aws-cdk-lib/aws-route53-targets';
import type { Construct } from 'constructs';
import type { CustomDomainProps } from '../y-webrtc-signaling-props.js';

/**
 * The API on a name of one's own: a certificate ACM validates through a record in the
 * hosted zone, a regional API Gateway domain name mapped to the stage at its root, and an
 * alias record pointing the name at it.
 * @returns the URL clients connect to
 */
export function addCustomDomain(scope: Construct, props: CustomDomainProps, api: WebSocketApi, stage: WebSocketStage): { domainName: DomainName; url: string } {
  const certificate = new Certificate(scope, 'Certificate', {
    domainName: props.domainName,
    validation: CertificateValidation.fromDns(props.hostedZone),
  });
  const domainName = new DomainName(scope, 'DomainName', { domainName: props.domainName, certificate, securityPolicy: SecurityPolicy.TLS_1_2 });
  new ApiMapping(scope, 'ApiMapping', { api, domainName, stage });
  new ARecord(scope, 'AliasRecord', {
    zone: props.hostedZone,
    recordName: props.domainName,
    target: RecordTarget.fromAlias(new ApiGatewayv2DomainProperties(domainName.regionalDomainName, domainName.regionalHostedZoneId)),
  });
  return { domainName, url: `wss://${props.domainName}` };
}
