import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag finding on a construct and everything under it. Each call sits
 * next to what causes the finding, and says why the design accepts it.
 */
export function acknowledgeNagFinding(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`the acknowledgment of ${id} needs a real reason`);
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * A CloudFormation value as cdk-nag renders it in a finding's id (`Resource::…`): `Ref`s as
 * `<Id>`, `Fn::GetAtt`s as `<Id.Attribute>`, joins joined. The construct must not need
 * cdk-nag at run time (it is the app's choice), so this is cdk-nag's rule written out; the
 * synth tests run cdk-nag and fail if the two ever render differently.
 */
export function nagRendering(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  const intrinsic = value as Record<string, unknown>;
  if (intrinsic['Fn::Join']) {
    const [delimiter, parts] = intrinsic['Fn::Join'] as [string, unknown[]];
    return parts.map(nagRendering).join(delimiter);
  }
  if (intrinsic['Fn::Sub']) return nagRendering(intrinsic['Fn::Sub']);
  if (intrinsic['Fn::GetAtt']) {
    const [resource, attribute] = intrinsic['Fn::GetAtt'] as [unknown, unknown];
    return `<${nagRendering(resource)}.${nagRendering(attribute)}>`;
  }
  if (intrinsic['Fn::ImportValue']) return nagRendering(intrinsic['Fn::ImportValue']);
  if (intrinsic['Ref']) return `<${nagRendering(intrinsic['Ref'])}>`;
  return JSON.stringify(value);
}
