/** What the local runtime and an execution environment (bootstrap.ts) say to each other. */

/** Given to a new environment as its `workerData`. */
export interface EnvironmentSetup {
  readonly functionName: string;
  /** The bundle's file, absolute. */
  readonly handlerFile: string;
  /** The export the template's `Handler` names (`index.handler`: `handler`). */
  readonly exportName: string;
  readonly memoryMb: number;
  readonly region: string;
  readonly logStreamName: string;
  /** NODE_OPTIONS of the template asks for `--enable-source-maps`. */
  readonly sourceMaps: boolean;
}

export interface InvocationRequest {
  readonly requestId: string;
  readonly event: unknown;
  /** Epoch ms when the invocation times out: `context.getRemainingTimeInMillis()`. */
  readonly deadline: number;
}

/** An error as Lambda reports it. */
export interface SerializedError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stack: readonly string[];
}

export type EnvironmentReply =
  | { readonly type: 'ready' }
  | { readonly type: 'init-failed'; readonly error: SerializedError }
  | ({ readonly type: 'done'; readonly requestId: string; readonly durationMs: number; readonly peakHeapBytes: number } & (
      | { readonly ok: true; readonly result: unknown }
      | { readonly ok: false; readonly error: SerializedError }
    ));
