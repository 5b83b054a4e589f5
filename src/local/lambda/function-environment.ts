import { join } from 'node:path';
import { functionVariables } from '../../config/function-variables.js';
import { iceServersVariables } from '../../config/ice-servers.js';
import { ConfigurationError } from '../../config/limits.js';
import type { FunctionConfiguration } from './local-function.js';
import type { TemplateFunction } from './lambda-template.js';

/** What differs on this machine: where the services are, and the table's name. */
export interface LocalEndpoints {
  readonly tableName: string;
  readonly dynamoDbEndpoint: string;
  /** The emulator's management API (`@connections`), for CONNECTIONS_ENDPOINT. */
  readonly connectionsEndpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Secrets Manager on this machine, and the ids the local secrets have there, when the template reads any. */
  readonly secrets?: { readonly endpoint: string; readonly jwtSecretId?: string; readonly turnSecretId?: string };
}

/**
 * The variables whose template value is known only at deploy time (a `Ref`, an ARN), and
 * what stands in for each locally. Every other variable is passed as the template has it.
 */
const localStandIns: Record<string, (endpoints: LocalEndpoints) => string | undefined> = {
  TABLE_NAME: (endpoints) => endpoints.tableName,
  CONNECTIONS_ENDPOINT: (endpoints) => endpoints.connectionsEndpoint,
  AUTH_JWT_SECRET_ID: (endpoints) => endpoints.secrets?.jwtSecretId,
  [iceServersVariables.turnSecretId]: (endpoints) => endpoints.secrets?.turnSecretId,
};

/**
 * A function's configuration for this machine, from the template: its variables as
 * deployed, the stand-ins for deploy-time values, the endpoints, and the variables Lambda
 * itself sets. Throws a ConfigurationError naming every variable the function needs
 * (src/config/function-variables.ts) that the template does not set.
 */
export function localFunctionConfiguration(fn: TemplateFunction, endpoints: LocalEndpoints): FunctionConfiguration {
  const missing = functionVariables[fn.name].filter((name) => !(name in fn.environment));
  if (missing.length > 0) {
    throw new ConfigurationError(
      `the synthesized template does not set ${missing.join(', ')} for the ${fn.name} function, which needs ${missing.length === 1 ? 'it' : 'them'} ` +
        `(src/config/function-variables.ts): the construct (infra/) has stopped passing ${missing.length === 1 ? 'it' : 'them'}; on AWS the function would run with a default`,
    );
  }
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(fn.environment)) {
    if (typeof value === 'string') {
      environment[name] = value;
      continue;
    }
    const standIn = localStandIns[name]?.(endpoints);
    if (standIn === undefined) {
      throw new ConfigurationError(
        `the template gives ${name} of the ${fn.name} function a value known only at deploy time (${JSON.stringify(value)}), and the local runtime has no stand-in for it`,
      );
    }
    environment[name] = standIn;
  }
  const [file, exportName] = splitHandler(fn.handler);
  return {
    functionName: fn.name,
    handlerFile: join(fn.codeDirectory, `${file}.mjs`),
    exportName,
    memoryMb: fn.memoryMb,
    timeoutSeconds: fn.timeoutSeconds,
    region: endpoints.region,
    sourceMaps: (environment['NODE_OPTIONS'] ?? '').split(/\s+/).includes('--enable-source-maps'),
    environment: {
      ...environment,
      // Not in the template: where the services are on this machine (handler-settings.ts reads DYNAMODB_ENDPOINT).
      DYNAMODB_ENDPOINT: endpoints.dynamoDbEndpoint,
      ...(endpoints.secrets ? { AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoints.secrets.endpoint } : {}),
      // What Lambda sets in every execution environment.
      AWS_REGION: endpoints.region,
      AWS_DEFAULT_REGION: endpoints.region,
      AWS_ACCESS_KEY_ID: endpoints.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: endpoints.credentials.secretAccessKey,
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: fn.codeDirectory,
      _HANDLER: fn.handler,
      TZ: ':UTC',
    },
  };
}

/** `index.handler`: file `index`, export `handler`. */
function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new ConfigurationError(`the template's handler "${handler}" is not <file>.<export>`);
  return [handler.slice(0, dot), handler.slice(dot + 1)];
}
