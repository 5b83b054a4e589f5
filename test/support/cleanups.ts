import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { afterAll, expect } from 'vitest';
import { localAwsIdentity } from '../../src/config/aws-clients.js';

const pending: (() => Promise<void>)[] = [];

/** Runs `cleanup` after the current test file, whatever its outcome (test/support/cleanups-setup.ts). */
export function afterThisFile(cleanup: () => Promise<void>): void {
  pending.push(cleanup);
}

/** Registered for every test file by vitest's setupFiles. */
export function runCleanupsAfterEachFile(): void {
  afterAll(async () => {
    const cleanups = pending.splice(0);
    await Promise.all(cleanups.map((cleanup) => cleanup().catch(() => undefined)));
  });
}

/** Deletes a table of the run's DynamoDB Local after the current test file (the SDK is loaded only then). */
export function dropTableAfterThisFile(endpoint: string, tableName: string): void {
  afterThisFile(async () => {
    const { DeleteTableCommand, DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    // One attempt: a DynamoDB Local of the file's own may be gone by now, and its tables with it.
    const client = new DynamoDBClient({ endpoint, ...localAwsIdentity, maxAttempts: 1 });
    await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
    client.destroy();
  });
}

/** A table name that says which test file made it, should it be left behind: `test-<file>-<random>`. */
export function testTableName(): string {
  const file = basename(expect.getState().testPath ?? 'unknown').replace(/\.test\.ts$/, '');
  return `test-${file}-${randomUUID().slice(0, 8)}`;
}
