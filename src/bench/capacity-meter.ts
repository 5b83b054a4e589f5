import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface CapacityReading {
  readonly requests: number;
  readonly byCommand: Readonly<Record<string, number>>;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Of readUnits and writeUnits, what the global secondary indexes consumed. */
  readonly indexReadUnits: number;
  readonly indexWriteUnits: number;
}

/**
 * Asks DynamoDB for the consumed capacity of every request a client sends
 * (`ReturnConsumedCapacity: 'INDEXES'`) and adds it up. Instrumentation only: every request
 * still goes to DynamoDB unchanged otherwise.
 */
export class CapacityMeter {
  private byCommand: Record<string, number> = {};
  private read = 0;
  private write = 0;
  private indexRead = 0;
  private indexWrite = 0;

  constructor(client: DynamoDBClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { ReturnConsumedCapacity?: string };
        input.ReturnConsumedCapacity = 'INDEXES';
        const result = await next(args);
        const name = (context.commandName ?? 'unknown').replace(/Command$/, '');
        this.byCommand[name] = (this.byCommand[name] ?? 0) + 1;
        this.add(name, (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity);
        return result;
      },
      { step: 'initialize', name: 'capacityMeter', priority: 'high' },
    );
  }

  reset(): void {
    this.byCommand = {};
    this.read = this.write = this.indexRead = this.indexWrite = 0;
  }

  reading(): CapacityReading {
    return {
      requests: Object.values(this.byCommand).reduce((sum, count) => sum + count, 0),
      byCommand: { ...this.byCommand },
      readUnits: this.read,
      writeUnits: this.write,
      indexReadUnits: this.indexRead,
      indexWriteUnits: this.indexWrite,
    };
  }

  private add(command: string, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void {
    const isRead = command === 'Query' || command === 'Scan' || command === 'GetItem' || command === 'BatchGetItem';
    for (const entry of [consumed ?? []].flat()) {
      const units = entry.CapacityUnits ?? 0;
      const indexUnits = Object.values(entry.GlobalSecondaryIndexes ?? {}).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      if (isRead) {
        this.read += units;
        this.indexRead += indexUnits;
      } else {
        this.write += units;
        this.indexWrite += indexUnits;
      }
    }
  }
}
