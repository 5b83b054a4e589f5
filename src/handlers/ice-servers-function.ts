import { Router } from '@aws-lambda-powertools/event-handler/http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { iceServersPath } from '../config/ice-servers.js';
import type { HttpRequest, HttpResponse } from './ice-servers.js';
import { logger, publishMetrics } from './observability.js';

/**
 * The ICE servers handler on a Lambda function URL, routed by Powertools' event handler:
 * GET /ice-servers goes to the handler; any other path is a 404 from the router. CORS is
 * the function URL's own (infra/parts/ice-servers.ts), so preflights never reach the function.
 */
export function iceServersFunction(
  handle: (request: HttpRequest) => Promise<HttpResponse>,
): (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2> {
  const app = new Router({ logger });
  const answer = async ({ req, event }: { req: Request; event: unknown }) => {
    const url = new URL(req.url);
    const headers: Record<string, string> = {};
    req.headers.forEach((value, name) => (headers[name] = value));
    const sourceIp = (event as APIGatewayProxyEventV2).requestContext?.http?.sourceIp ?? 'unknown';
    const response = await handle({ method: req.method, headers, query: Object.fromEntries(url.searchParams), sourceIp });
    return new Response(response.body, { status: response.statusCode, headers: response.headers });
  };
  // Every method reaches the handler, which answers 405 to all but GET with the reason.
  app.route(answer, { method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], path: iceServersPath });
  return async (event, context) => {
    try {
      return await app.resolve(event, context);
    } finally {
      publishMetrics();
    }
  };
}
