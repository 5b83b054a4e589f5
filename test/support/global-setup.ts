// The SDK's notice about Node 20 is not news in every test run.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import type { TestProject } from 'vitest/node';
import { localAwsIdentity } from '../../src/config/aws-clients.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../src/local/dynamodb-local.js';
import { buildPackageIfStale } from './package-build.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}

let database: RunningDynamoDbLocal | undefined;

/** One DynamoDB Local for the whole run; each test file uses tables of its own. */
export async function setup(project: TestProject): Promise<void> {
  buildPackageIfStale();
  database = await startDynamoDbLocal();
  project.provide('dynamodbEndpoint', database.endpoint);
}

export async function teardown(): Promise<void> {
  if (database) await reportTablesLeft(database.endpoint);
  await database?.stop();
}

/** Every table left slows the files after it (DynamoDB Local's TTL sweep visits them all): name them. */
async function reportTablesLeft(endpoint: string): Promise<void> {
  const { DynamoDBClient, ListTablesCommand } = await import('@aws-sdk/client-dynamodb');
  const client = new DynamoDBClient({ endpoint, ...localAwsIdentity });
  try {
    const { TableNames = [] } = await client.send(new ListTablesCommand({}));
    if (TableNames.length > 0) process.stderr.write(`test run: ${TableNames.length} tables left on the run's DynamoDB Local by the files: ${TableNames.join(', ')}\n`);
  } catch {
    // The report is a hint; a DynamoDB Local already gone has nothing to say.
  } finally {
    client.destroy();
  }
}
