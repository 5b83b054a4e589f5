import type { Context } from 'aws-lambda';

/** The context Lambda passes a function, for a function that runs in this process. */
export function lambdaContext(functionName: string, awsRequestId: string): Context {
  const noop = () => undefined;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: noop,
    fail: noop,
    succeed: noop,
  };
}
