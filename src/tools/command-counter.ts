import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDb } from '../aws/dynamodb.js';

export interface CapacityReading {
  readonly requests: number;
  /** Requests by operation: `{ Query: 1 }`. */
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
 * Counts the requests a DynamoDB client sends, by operation (one count per request, whatever
 * its retries), and optionally the capacity they consumed. Used by the benches and by the
 * tests that assert request counts. Instrumentation only: every request still goes to DynamoDB
 * unchanged otherwise. The functions' own client is watched through its interceptors; an SDK
 * client (the disconnect bench's predecessor design) through its middleware.
 */
export class CommandCounter {
  private counts = new Map<string, number>();
  private read = 0;
  private write = 0;
  private indexRead = 0;
  private indexWrite = 0;

  constructor(client: DynamoDb | DynamoDBClient, private readonly options: CommandCounterOptions = {}) {
    if (client instanceof DynamoDb) {
      client.intercept({ call: (call, next) => this.observe(call.operation, call.input, () => next(call)) });
      return;
    }
    client.middlewareStack.add(
      (next, context) => async (args) => {
        let result: Awaited<ReturnType<typeof next>> | undefined;
        await this.observe((context.commandName ?? 'unknown').replace(/Command$/, ''), args.input as Record<string, unknown>, async () => {
          result = await next(args);
          return result.output as unknown as Record<string, unknown>;
        });
        return result!;
      },
      { step: 'initialize', name: `commandCounter-${++instances}`, priority: 'high' },
    );
  }

  private async observe<Answer extends Record<string, unknown>>(operation: string, input: Record<string, unknown>, send: () => Promise<Answer>): Promise<Answer> {
    if (!this.options.consumedCapacity) {
      this.count(operation);
      return send();
    }
    input['ReturnConsumedCapacity'] = 'INDEXES';
    const answer = await send();
    // Counted with its units once answered, so that a reading never holds a request without them.
    this.count(operation);
    this.add(operation, answer['ConsumedCapacity'] as ConsumedCapacity | ConsumedCapacity[] | undefined);
    return answer;
  }

  /** Requests sent of one operation: `get('Query')`. */
  get(name: string): number {
    return this.counts.get(name) ?? 0;
  }

  total(): number {
    return [...this.counts.values()].reduce((sum, count) => sum + count, 0);
  }

  /** Requests by operation: `{ Query: 1 }`. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  /** Requests and, with `consumedCapacity`, the units they consumed since the last reset. */
  reading(): CapacityReading {
    return {
      requests: this.total(),
      byCommand: Object.fromEntries(this.counts),
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
