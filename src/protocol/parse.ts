import type { Limits } from '../config/limits.js';
import type { ClientMessage, PublishMessage } from './messages.js';
import { reject, type Rejection } from './rejection.js';

export type ParseResult = { readonly ok: true; readonly message: ClientMessage } | Rejection;

type TopicLimits = Pick<Limits, 'maxTopicBytes' | 'maxTopicsPerMessage'>;
export type ParseLimits = TopicLimits & Pick<Limits, 'maxMessageBytes' | 'maxNestingDepth'>;

/** Turns one text frame into a client message, or says why it is refused. Never throws. */
export function parseClientMessage(frame: string, limits: ParseLimits): ParseResult {
  const bytes = Buffer.byteLength(frame, 'utf8');
  if (bytes > limits.maxMessageBytes) {
    return reject('too-large', `message is ${bytes} bytes, the limit is ${limits.maxMessageBytes}`);
  }
  // Checked before parsing: a deep enough structure overflows the stack when re-serialized.
  if (nestingDepthExceeds(frame, limits.maxNestingDepth)) {
    return reject('too-deep', `message nests deeper than ${limits.maxNestingDepth} levels`);
  }
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return reject('not-json', 'message is not JSON');
  }
  if (!isPlainObject(value)) return reject('not-object', 'message is not a JSON object');

  switch (value['type']) {
    case 'ping':
      return { ok: true, message: { type: 'ping' } };
    case 'subscribe':
    case 'unsubscribe': {
      const topics = validateTopicList(value['topics'], limits);
      if (!Array.isArray(topics)) return topics as Rejection;
      return { ok: true, message: { type: value['type'], topics } };
    }
    case 'publish': {
      const topic = value['topic'];
      if (typeof topic !== 'string') return reject('invalid-topic', 'publish needs "topic" as a string');
      const problem = checkTopic(topic, limits);
      if (problem) return problem;
      return { ok: true, message: value as PublishMessage };
    }
    default:
      return reject('unknown-type', `unknown message type ${describe(value['type'])}`);
  }
}

function validateTopicList(topics: unknown, limits: TopicLimits): string[] | Rejection {
  if (!Array.isArray(topics) || !topics.every((topic) => typeof topic === 'string')) {
    return reject('invalid-topics', '"topics" must be an array of strings');
  }
  const unique = [...new Set(topics as string[])];
  if (unique.length > limits.maxTopicsPerMessage) {
    return reject('too-many-topics', `${unique.length} topics in one message, the limit is ${limits.maxTopicsPerMessage}`);
  }
  for (const topic of unique) {
    const problem = checkTopic(topic, limits);
    if (problem) return problem;
  }
  return unique;
}

function checkTopic(topic: string, limits: TopicLimits): Rejection | undefined {
  if (topic.length === 0) return reject('empty-topic', 'a topic must not be empty');
  // A lone surrogate cannot be stored as a DynamoDB string key.
  if (!topic.isWellFormed()) return reject('invalid-topic', 'a topic must be well-formed Unicode');
  const bytes = Buffer.byteLength(topic, 'utf8');
  if (bytes > limits.maxTopicBytes) {
    return reject('topic-too-long', `a topic is ${bytes} bytes, the limit is ${limits.maxTopicBytes}`);
  }
  return undefined;
}

/** Whether brackets outside of strings nest deeper than `max`. One pass, no parsing. */
function nestingDepthExceeds(frame: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < frame.length; i++) {
    const char = frame.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \ */) i++;
      else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) {
      inString = true;
    } else if (char === 0x5b /* [ */ || char === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (char === 0x5d /* ] */ || char === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(type: unknown): string {
  return typeof type === 'string' ? JSON.stringify(type.slice(0, 40)) : `of JS type ${typeof type}`;
}
