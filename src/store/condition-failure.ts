/**
 * Whether a write failed only its condition: DynamoDB's ConditionalCheckFailedException, a
 * transaction cancelled by one, or either wrapped by ElectroDB (as its `cause`).
 */
export function isConditionFailure(error: unknown): boolean {
  const names = ['ConditionalCheckFailedException', 'TransactionCanceledException'];
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return names.includes((error as Error | undefined)?.name ?? '') || names.includes((cause as Error | undefined)?.name ?? '');
}

/** Waits for a conditional write; one that failed only its condition changed nothing, which is what was meant. */
export async function ignoringConditionFailure(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
