import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IWebSocketApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { tableDefinition } from '../../src/store/table.js';
import type { SignalingFunctionName } from './function-names.js';
import { acknowledgeNagFinding, nagRendering } from './nag.js';

interface TableAccess {
  /** Actions on the table itself. */
  readonly table: readonly string[];
  /** Actions on the reverse index (gsi1) only. */
  readonly reverseIndex: readonly string[];
}

/**
 * The DynamoDB calls each function makes, read from src/store/dynamo-subscription-store.ts
 * and src/store/dynamo-join-order.ts (ElectroDB: put → PutItem, delete → DeleteItem, batch
 * delete → BatchWriteItem, query → Query; conditional updates → UpdateItem). A call the code
 * starts making needs a line here first:
 * test/infra/permissions-match-code.test.ts runs the handlers and compares.
 */
export const tableAccess: Record<SignalingFunctionName, TableAccess> = {
  // putConnection
  connect: { table: ['dynamodb:PutItem'], reverseIndex: [] },
  // subscribe, unsubscribe and peer ids (conditional UpdateItem of the subscription), membersOf
  // and the join order's room read (Query on the table), places and leftovers in the join
  // order (UpdateItem), roomsOf before a subscribe (Query on gsi1, for the per-connection
  // topic limit), a gone receiver (batch delete of its edge, DeleteItem of its connection item)
  message: {
    table: ['dynamodb:Query', 'dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:UpdateItem'],
    reverseIndex: ['dynamodb:Query'],
  },
  // deleteConnection
  disconnect: { table: ['dynamodb:DeleteItem'], reverseIndex: [] },
  // roomsOf (Query on gsi1), then batch deletes; the stream read is granted by its event source
  cleanup: { table: ['dynamodb:BatchWriteItem'], reverseIndex: ['dynamodb:Query'] },
};

export function grantTableAccess(fn: IFunction, name: SignalingFunctionName, table: ITableV2): void {
  const access = tableAccess[name];
  if (access.table.length > 0) {
    fn.addToRolePolicy(new PolicyStatement({ actions: [...access.table], resources: [table.tableArn] }));
  }
  if (access.reverseIndex.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({ actions: [...access.reverseIndex], resources: [`${table.tableArn}/index/${tableDefinition.reverseIndex.name}`] }),
    );
  }
  const key = table.encryptionKey;
  if (key) {
    // What DynamoDB needs from a caller of a table under a customer managed key, on that key alone.
    key.grantEncryptDecrypt(fn);
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      acknowledgeNagFinding(
        fn.role ?? fn,
        `AwsSolutions-IAM5[Action::${action}]`,
        `${action} is among the key permissions DynamoDB documents for callers of a table encrypted with a customer managed key; it is granted on the table's key only.`,
      );
    }
  }
}

/**
 * `execute-api:ManageConnections` for posting to the connections of this API and stage
 * only. The code only POSTs (postToConnection); GET and DELETE are not granted.
 */
export function grantPostToConnections(fn: IFunction, api: IWebSocketApi, stageName: string): void {
  const connections = Stack.of(api).formatArn({
    service: 'execute-api',
    resource: api.apiId,
    resourceName: `${stageName}/POST/@connections/*`,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  fn.addToRolePolicy(new PolicyStatement({ actions: ['execute-api:ManageConnections'], resources: [connections] }));
  // cdk-nag names the finding after the resource as it renders it (references as <LogicalId>).
  acknowledgeNagFinding(
    fn.role ?? fn,
    `AwsSolutions-IAM5[Resource::${nagRendering(Stack.of(api).resolve(connections))}]`,
    'API Gateway makes up connection ids at runtime; the wildcard stands for the connection id only, within this API, this stage and the POST method.',
  );
}
