import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag finding on a construct and everything under it. Each call sits
 * next to what causes the finding, and says why the design accepts it.
 */
export function acknowledgeNagFinding(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`the acknowledgment of ${id} needs a real reason`);
  Validations.of(scope).acknowledge({ id, reason });
}
