import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Counts the commands a DynamoDB client sends, by name, with SDK middleware. */
export class CommandCounter {
  private counts = new Map<string, number>();

  constructor(client: DynamoDBClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: `commandCounter-${Math.random()}` },
    );
  }

  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  total(): number {
    return [...this.counts.values()].reduce((sum, count) => sum + count, 0);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  reset(): void {
    this.counts = new Map();
  }
}
