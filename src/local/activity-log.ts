import type { WebSocketEvent, WebSocketResult } from '../gateway/websocket-event.js';

type Handler = (event: WebSocketEvent) => Promise<WebSocketResult | void>;

/**
 * One readable line per connect, subscribe, unsubscribe and leave, for a developer watching
 * `npm start` (on AWS the handlers' JSON logs say the same). A line is printed once its
 * function has succeeded. Under load, at most `maxLinesPerSecond` lines a second, then one
 * line that counts the rest: a load test does not flood the terminal.
 */
export class ActivityLog {
  private printedThisSecond = 0;
  private readonly skipped = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly print: (line: string) => void,
    private readonly maxLinesPerSecond = 10,
  ) {
    this.timer = setInterval(() => this.nextSecond(), 1_000);
    this.timer.unref();
  }

  connect(fn: Handler): Handler {
    return this.after(fn, (event) => `connect      ${event.requestContext.connectionId} from ${event.requestContext.identity.sourceIp}`, 'connects');
  }

  message(fn: Handler): Handler {
    return this.after(
      fn,
      (event) => {
        const { routeKey, connectionId } = event.requestContext;
        if (routeKey !== 'subscribe' && routeKey !== 'unsubscribe') return undefined;
        return `${routeKey.padEnd(12)} ${connectionId} ${routeKey === 'subscribe' ? 'to' : 'from'} ${topicsOf(event.body)}`;
      },
      'subscribes',
    );
  }

  disconnect(fn: Handler): Handler {
    return this.after(fn, (event) => `leave        ${event.requestContext.connectionId} (close code ${event.requestContext.disconnectStatusCode ?? 'none'})`, 'leaves');
  }

  /** Prints the count of what was left out in the current second, and stops. */
  stop(): void {
    clearInterval(this.timer);
    this.nextSecond();
  }

  private after(fn: Handler, line: (event: WebSocketEvent) => string | undefined, kind: string): Handler {
    return async (event) => {
      const result = await fn(event);
      const succeeded = !result || (result.statusCode >= 200 && result.statusCode <= 299);
      const text = succeeded ? line(event) : undefined;
      if (text !== undefined) this.emit(text, kind);
      return result;
    };
  }

  private emit(line: string, kind: string): void {
    if (this.printedThisSecond < this.maxLinesPerSecond) {
      this.printedThisSecond++;
      this.print(line);
    } else {
      this.skipped.set(kind, (this.skipped.get(kind) ?? 0) + 1);
    }
  }

  private nextSecond(): void {
    if (this.skipped.size > 0) {
      const counts = [...this.skipped].map(([kind, count]) => `${count} ${kind}`).join(', ');
      this.print(`… and ${counts} more in that second (the dashboard counts every one)`);
      this.skipped.clear();
    }
    this.printedThisSecond = 0;
  }
}

/** The topics of a subscribe or unsubscribe, shortened for one line. */
function topicsOf(body: string | undefined): string {
  try {
    const topics = (JSON.parse(body ?? '') as { topics?: unknown }).topics;
    if (!Array.isArray(topics)) return '?';
    const shown = topics.slice(0, 3).map((topic) => JSON.stringify(String(topic).slice(0, 40)));
    return topics.length > 3 ? `${shown.join(', ')} and ${topics.length - 3} more` : shown.join(', ');
  } catch {
    return '?';
  }
}
