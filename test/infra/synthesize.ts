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

/** The stack with bundling skipped (aws:cdk:bundling-stacks empty): the template, no esbuild run. */
export function synthesize(props: YWebrtcSignalingStackProps = {}): Synthesized {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
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

/** The literal text of a value that may be an Fn::Join: references become `<ref>`. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join('');
  if (value && typeof value === 'object') {
    const join = (value as Record<string, unknown>)['Fn::Join'];
    if (Array.isArray(join)) return (join[1] as unknown[]).map(flatten).join(join[0] as string);
    return '<ref>';
  }
  return String(value);
}
