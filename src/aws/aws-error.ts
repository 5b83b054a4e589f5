/**
 * An error answer of an AWS service, with the service's name for it (`ConditionalCheckFailedException`,
 * `GoneException`, ...) and the fields of its body (`Item`, `CancellationReasons`, ...).
 * Shaped as the SDK's errors are (`name`, `$metadata.httpStatusCode`), so code that tells
 * errors apart by those reads ours the same way.
 */
export class AwsServiceError extends Error {
  readonly $metadata: { readonly httpStatusCode: number };
  [field: string]: unknown;

  constructor(name: string, message: string, httpStatusCode: number, fields: Record<string, unknown> = {}) {
    super(message);
    Object.assign(this, fields);
    this.name = name;
    this.$metadata = { httpStatusCode };
  }
}

/** The request never got an answer: the socket failed or closed under it. */
export class AwsNetworkError extends Error {
  override readonly name = 'AwsNetworkError';
  constructor(readonly code: string | undefined, cause: unknown) {
    super(`no answer from AWS: ${(cause as Error).message ?? String(cause)}`, { cause });
  }
}

const throttlingErrors = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'TooManyRequestsException',
  'RequestThrottledException',
  'TransactionInProgressException',
]);

/** Throttled: worth a retry after a longer wait. */
export function isThrottling(error: unknown): boolean {
  return error instanceof AwsServiceError && (throttlingErrors.has(error.name) || error.$metadata.httpStatusCode === 429);
}

/** Worth another attempt: throttling, a server fault (5xx), or no answer at all. */
export function isTransient(error: unknown): boolean {
  if (error instanceof AwsNetworkError) return true;
  return isThrottling(error) || (error instanceof AwsServiceError && error.$metadata.httpStatusCode >= 500);
}
