import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface CapacityReading {
  readonly requests: number;
  /** Requests by command, without the SDK's `Command` suffix: `{ Query: 1 }`. */
  readonly byCommand: Readonly<Record<string, number>>;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Of readUnits and writeUnits, what the global secondary indexes consumed. */
  readonly indexReadUnits: number;
  readonly indexWriteUnits: number;
}

export interface CommandCounterOptions {
  /**
   * Also ask DynamoDB for the consumed capacity of every request
   * (`ReturnConsumedCapacity: 'INDEXES'`) and add it up, for `reading()`. Off, requests go out
   * exactly as sent and the units stay 0.
   */
  readonly consumedCapacity?: boolean;
}

const readCommands = new Set(['Query', 'Scan', 'GetItem', 'BatchGetItem']);
let instances = 0;

/**
 * Counts the commands a DynamoDB client sends, by SDK command name, with SDK middleware (one
 * count per `send`, whatever its retries), and optionally the capacity they consumed. Used by
 * the benches and by the tests that assert request counts. Instrumentation only: every request
 * still goes to DynamoDB unchanged otherwise.
 */
export class CommandCounter {
  private counts = new Map<string, number>();
  private read = 0;
  private write = 0;
  private indexRead = 0;
  private indexWrite = 0;

  constructor(client: DynamoDBClient, options: CommandCounterOptions = {}) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        if (!options.consumedCapacity) {
          this.count(name);
          return next(args);
        }
        (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'INDEXES';
        const result = await next(args);
        // Counted with its units once answered, so that a reading never holds a request without them.
        this.count(name);
        this.add(shortName(name), (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity);
        return result;
      },
      { step: 'initialize', name: `commandCounter-${++instances}`, priority: 'high' },
    );
  }

  /** Commands sent of one name, as the SDK names it: `get('QueryCommand')`. */
  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  total(): number {
    return [...this.counts.values()].reduce((sum, count) => sum + count, 0);
  }

  /** Commands sent by SDK name: `{ QueryCommand: 1 }`. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Requests and, with `consumedCapacity`, the units they consumed since the last reset. */
  reading(): CapacityReading {
    return {
      requests: this.total(),
      byCommand: Object.fromEntries([...this.counts].map(([name, count]) => [shortName(name), count])),
      readUnits: this.read,
      writeUnits: this.write,
      indexReadUnits: this.indexRead,
      indexWriteUnits: this.indexWrite,
    };
  }

  reset(): void {
    this.counts = new Map();
    this.read = this.write = this.indexRead = this.indexWrite = 0;
  }

  private count(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  private add(command: string, consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): void {
    const isRead = readCommands.has(command);
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

function shortName(commandName: string): string {
  return commandName.replace(/Command$/, '');
}
