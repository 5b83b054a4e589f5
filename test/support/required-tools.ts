import { coturnInstalled } from '../../src/local/coturn.js';
import { chromiumAvailable, chromiumPath } from './browser.js';

const tools = {
  chromium: { available: chromiumAvailable, install: `Debian's Chromium at ${chromiumPath} (apt-get install chromium)` },
  coturn: { available: coturnInstalled, install: "coturn's turnserver on PATH (apt-get install coturn)" },
} as const;

export type RequiredTool = keyof typeof tools;

/**
 * Whether to skip `what` for want of a tool: outside CI a machine without Chromium or coturn
 * skips those tests, and says so on stderr in a way nobody misses, naming what did not run;
 * in CI (`CI` set) nothing is skipped, so the tests fail instead.
 */
export function skipWithout(required: readonly RequiredTool[], what: string): boolean {
  const missing = required.filter((tool) => !tools[tool].available());
  if (missing.length === 0 || process.env['CI']) return false;
  process.stderr.write(
    `\n*** SKIPPED, NOT RUN: ${what}\n*** it needs ${missing.map((tool) => tools[tool].install).join(' and ')}.\n` +
      '*** The suite has not run in full on this machine (.ci/run installs both; in CI these tests fail instead).\n\n',
  );
  return true;
}
