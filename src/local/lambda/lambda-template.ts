import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { LambdaFunctionName } from '../../../infra/parts/function-names.js';
import type { YWebrtcSignalingStack, YWebrtcSignalingStackProps } from '../../../infra/stack.js';
import type { FilterPattern } from '../event-filter.js';

export type { LambdaFunctionName };

/** A function as the synthesized template defines it. */
export interface TemplateFunction {
  readonly name: LambdaFunctionName;
  /** The staged asset: the folder `cdk deploy` uploads, the bundle in it. */
  readonly codeDirectory: string;
  /** `index.handler`. */
  readonly handler: string;
  /** As in the template: strings, or CloudFormation intrinsics for values known at deploy time. */
  readonly environment: Readonly<Record<string, unknown>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

/** The cleanup function's event source mapping. */
export interface TemplateStreamSource {
  readonly batchSize: number;
  readonly retryAttempts: number;
  readonly filters: readonly FilterPattern[];
}

export interface LambdaTemplate {
  readonly functions: ReadonlyMap<LambdaFunctionName, TemplateFunction>;
  readonly cleanupSource: TemplateStreamSource;
  /** Removes the synthesized assembly. */
  dispose(): Promise<void>;
}

export interface SynthesisOptions {
  /** The stack's props: what a user of the construct would pass. */
  readonly props?: YWebrtcSignalingStackProps;
  /** Changes the stack after it is built, before synthesis (tests: a construct change). */
  readonly adjust?: (stack: YWebrtcSignalingStack) => void;
}

/** Lambda's defaults for properties a template leaves out. */
const lambdaDefaults = { timeoutSeconds: 3, memoryMb: 128, batchSize: 100, retryAttempts: -1 } as const;

/**
 * Synthesizes the stack that `cdk synth` makes (infra/stack.ts, from the built package) into
 * a temporary cloud assembly and reads each function's configuration and the cleanup's
 * event source mapping from its template: what the local runtime runs in bundles mode.
 */
export async function synthesizeLambdaTemplate(options: SynthesisOptions = {}): Promise<LambdaTemplate> {
  // Loaded here, not at the top: only bundles mode pays for the CDK (about a second).
  const [{ App }, { YWebrtcSignalingStack }] = await Promise.all([import('aws-cdk-lib'), import('../../../infra/stack.js')]);
  const outdir = await mkdtemp(join(tmpdir(), 'y-webrtc-signaling-synth-'));
  try {
    const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
    const stack = new YWebrtcSignalingStack(app, 'Signaling', options.props ?? {});
    options.adjust?.(stack);
    const template = app.synth().getStackByName(stack.stackName).template as CloudFormationTemplate;
    const constructs: [LambdaFunctionName, { node: { defaultChild?: unknown } } | undefined][] = [
      ...Object.entries(stack.signaling.functions).map(([name, fn]) => [name as LambdaFunctionName, fn] as [LambdaFunctionName, typeof fn]),
      ['authorizer', stack.signaling.authorizerFunction],
      ['iceServers', stack.signaling.iceServers?.function],
    ];
    const functions = new Map<LambdaFunctionName, TemplateFunction>();
    const logicalIds = new Map<string, LambdaFunctionName>();
    for (const [name, construct] of constructs) {
      if (!construct) continue;
      const logicalId = logicalIdOf(stack, construct.node.defaultChild as CfnElement);
      logicalIds.set(logicalId, name);
      functions.set(name, functionOf(name, template.Resources[logicalId], outdir));
    }
    return {
      functions,
      cleanupSource: cleanupSourceOf(template, logicalIds),
      dispose: () => rm(outdir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(outdir, { recursive: true, force: true });
    throw error;
  }
}

interface CloudFormationResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
}

interface CloudFormationTemplate {
  readonly Resources: Record<string, CloudFormationResource>;
}

function logicalIdOf(stack: Stack, element: CfnElement): string {
  return stack.resolve(element.logicalId) as string;
}

function functionOf(name: LambdaFunctionName, resource: CloudFormationResource | undefined, outdir: string): TemplateFunction {
  const properties = resource?.Properties ?? {};
  const assetPath = resource?.Metadata?.['aws:asset:path'];
  if (typeof assetPath !== 'string') throw new Error(`the template's ${name} function has no staged code asset (aws:asset:path)`);
  const environment = (properties['Environment'] as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  return {
    name,
    codeDirectory: resolve(outdir, assetPath),
    handler: String(properties['Handler']),
    environment,
    timeoutSeconds: Number(properties['Timeout'] ?? lambdaDefaults.timeoutSeconds),
    memoryMb: Number(properties['MemorySize'] ?? lambdaDefaults.memoryMb),
  };
}

function cleanupSourceOf(template: CloudFormationTemplate, functions: ReadonlyMap<string, LambdaFunctionName>): TemplateStreamSource {
  const mapping = Object.values(template.Resources).find(
    (resource) =>
      resource.Type === 'AWS::Lambda::EventSourceMapping' &&
      functions.get((resource.Properties?.['FunctionName'] as { Ref?: string } | undefined)?.Ref ?? '') === 'cleanup',
  );
  if (!mapping?.Properties) throw new Error("the template has no event source mapping for the cleanup function");
  const { BatchSize, MaximumRetryAttempts, FilterCriteria } = mapping.Properties as {
    BatchSize?: number;
    MaximumRetryAttempts?: number;
    FilterCriteria?: { Filters?: { Pattern: string }[] };
  };
  return {
    batchSize: BatchSize ?? lambdaDefaults.batchSize,
    retryAttempts: MaximumRetryAttempts ?? lambdaDefaults.retryAttempts,
    filters: (FilterCriteria?.Filters ?? []).map(({ Pattern }) => JSON.parse(Pattern) as FilterPattern),
  };
}
