import { describe, expect, it } from 'vitest';
import { tableAccess } from '../../infra/parts/permissions.js';
import { signalingFunctionNames, type SignalingFunctionName } from '../../infra/parts/function-names.js';
import { logicalIdOf, render, resourcesOf, synthesize, type Synthesized } from './synthesize.js';

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Every Allow statement of the function's execution role, as (action, resource text) pairs. */
function grantsOf({ template, stack }: Synthesized, name: SignalingFunctionName): { action: string; resource: string }[] {
  const role = stack.signaling.functions[name].role!;
  const roleId = logicalIdOf(role);
  const policies = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).filter((policy) =>
    (policy.Properties['Roles'] as { Ref: string }[]).some((ref) => ref.Ref === roleId),
  );
  const roleResource = resourcesOf(template, 'AWS::IAM::Role')[roleId]!;
  expect(roleResource.Properties['ManagedPolicyArns'], `${name} has no managed policies`).toBeUndefined();
  expect(roleResource.Properties['Policies'], `${name} has no inline policies beside its default policy`).toBeUndefined();
  return policies.flatMap((policy) =>
    ((policy.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement).flatMap((statement) => {
      expect(statement.Effect).toBe('Allow');
      return asList(statement.Action).flatMap((action) =>
        asList(statement.Resource).map((resource) => ({ action, resource: render(resource) })),
      );
    }),
  );
}

describe('IAM', () => {
  const synthesized = synthesize();
  const { template, stack } = synthesized;
  const table = `${logicalIdOf(stack.signaling.table)}.Arn`;
  const queue = `${logicalIdOf(stack.signaling.deadLetterQueue)}.Arn`;
  const stream = `${logicalIdOf(stack.signaling.table)}.StreamArn`;
  const logsOf = (name: SignalingFunctionName) => {
    const loggingConfig = resourcesOf(template, 'AWS::Lambda::Function')[logicalIdOf(stack.signaling.functions[name])]!.Properties['LoggingConfig'] as {
      LogGroup: { Ref: string };
    };
    return `${loggingConfig.LogGroup.Ref}.Arn`;
  };
  const grants = Object.fromEntries(signalingFunctionNames.map((name) => [name, grantsOf(synthesized, name)])) as Record<
    SignalingFunctionName,
    { action: string; resource: string }[]
  >;
  const sorted = (pairs: { action: string; resource: string }[]) => pairs.map(({ action, resource }) => `${action} ${resource}`).sort();
  const writeLogs = (name: SignalingFunctionName) => [`logs:CreateLogStream ${logsOf(name)}`, `logs:PutLogEvents ${logsOf(name)}`];

  it('connect may put items and write its own logs, nothing else', () => {
    expect(sorted(grants.connect)).toEqual([`dynamodb:PutItem ${table}`, ...writeLogs('connect')].sort());
  });

  it('disconnect may delete items and write its own logs, nothing else', () => {
    expect(sorted(grants.disconnect)).toEqual([`dynamodb:DeleteItem ${table}`, ...writeLogs('disconnect')].sort());
  });

  it('message may query the table and gsi1, batch-write, delete, update subscriptions and the join order, and POST to the connections of this API and stage', () => {
    expect(sorted(grants.message)).toEqual(
      [
        `dynamodb:Query ${table}`,
        `dynamodb:Query ${table}/index/gsi1`,
        `dynamodb:BatchWriteItem ${table}`,
        `dynamodb:DeleteItem ${table}`,
        `dynamodb:UpdateItem ${table}`,
        `execute-api:ManageConnections arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:<${logicalIdOf(stack.signaling.api)}>/prod/POST/@connections/*`,
        ...writeLogs('message'),
      ].sort(),
    );
  });

  it('cleanup may query gsi1 only, batch-write, read the stream and send to its dead-letter queue', () => {
    expect(sorted(grants.cleanup)).toEqual(
      [
        `dynamodb:Query ${table}/index/gsi1`,
        `dynamodb:BatchWriteItem ${table}`,
        `dynamodb:ListStreams ${stream}`,
        `dynamodb:DescribeStream ${stream}`,
        `dynamodb:GetRecords ${stream}`,
        `dynamodb:GetShardIterator ${stream}`,
        `sqs:SendMessage ${queue}`,
        `sqs:GetQueueAttributes ${queue}`,
        `sqs:GetQueueUrl ${queue}`,
        ...writeLogs('cleanup'),
      ].sort(),
    );
  });

  it('matches the table access declared in infra/parts/permissions.ts', () => {
    for (const name of signalingFunctionNames) {
      const declared = [...tableAccess[name].table.map((a) => `${a} ${table}`), ...tableAccess[name].reverseIndex.map((a) => `${a} ${table}/index/gsi1`)];
      const granted = sorted(grants[name]).filter((line) => line.startsWith('dynamodb:') && !line.includes('Stream'));
      expect(granted).toEqual(declared.sort());
    }
  });

  it('has no wildcard action and no Resource "*" in any policy of the stack', () => {
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::Policy')).flatMap(
      (policy) => (policy.Properties['PolicyDocument'] as { Statement: Statement[] }).Statement,
    );
    for (const statement of statements) {
      for (const action of asList(statement.Action)) expect(action).not.toMatch(/(^\*$|:\*$)/);
      for (const resource of asList(statement.Resource)) expect(resource).not.toBe('*');
    }
    expect(JSON.stringify(statements)).not.toContain('dynamodb:*');
  });

  it('grants ManageConnections to the message function alone', () => {
    const holders = signalingFunctionNames.filter((name) => grants[name].some(({ action }) => action === 'execute-api:ManageConnections'));
    expect(holders).toEqual(['message']);
  });
});
