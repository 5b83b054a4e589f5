// The SDK's notice about Node 20 is not news in every test run.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

import type { TestProject } from 'vitest/node';
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
  await database?.stop();
}
