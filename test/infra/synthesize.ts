import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { YWebrtcSignalingStack, type YWebrtcSignalingStackProps } from '../../infra/stack.js';

// CDK's built-in CloudFormation schema check costs seconds a synth; the CLI synth test keeps it.
process.env['CDK_VALIDATION'] = 'false';

export interface Synthesized {
  readonly app: App;
  readonly stack: YWebrtcSignalingStack;
  readonly template: Template;
}

/**
 * The stack and its template. The functions' code is the package's prebuilt bundles (no
 * esbuild run); asset metadata is on, as under the CDK CLI, so a test can find a staged asset.
 */
export function synthesize(props: YWebrtcSignalingStackProps = {}): Synthesized {
  const app = new App({ context: { 'aws:cdk:enable-asset-metadata': true } });
  const stack = new YWebrtcSignalingStack(app, 'Signaling', props);
  return { app, stack, template: Template.fromStack(stack) };
}

/** The logical id CloudFormation knows a construct's resource by. */
export function logicalIdOf(construct: { node: { defaultChild?: unknown } }): string {
  const element = construct.node.defaultChild as CfnElement;
  return Stack.of(element).resolve(element.logicalId) as string;
}

export type Resources = Record<string, { Type: string; Properties: Record<string, unknown>; DependsOn?: string[]; DeletionPolicy?: string }>;

/** The resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Resources {
  return template.findResources(type) as Resources;
}

/** A CloudFormation value as text: `Ref`s become `<LogicalId>`, `Fn::GetAtt`s `LogicalId.Attribute`. */
export function render(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const intrinsic = value as Record<string, unknown>;
  if (typeof intrinsic['Ref'] === 'string') return `<${intrinsic['Ref']}>`;
  const getAtt = intrinsic['Fn::GetAtt'] as [string, string] | undefined;
  if (getAtt) return `${getAtt[0]}.${getAtt[1]}`;
  const join = intrinsic['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map(render).join(join[0]);
  return JSON.stringify(value);
}
