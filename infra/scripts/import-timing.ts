import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { projectRoot } from './function-bundle.js';

export interface ImportTiming {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/**
 * One import of a bundle in a Node process of its own, timed from just before `import()` to
 * its settling: how `npm run bundle:report` and `npm run bench:cold-start` measure the part
 * of a cold start the bundle decides.
 */
export function importOnce(file: string, nodeOptions: readonly string[] = []): ImportTiming {
  const script = [
    'const c=process.cpuUsage(),t=performance.now();',
    `await import(${JSON.stringify(pathToFileURL(file).href)});`,
    'const w=performance.now()-t,u=process.cpuUsage(c);',
    'process.stdout.write(JSON.stringify({wallMs:w,cpuMs:(u.user+u.system)/1000}));',
  ].join('');
  const output = execFileSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], {
    cwd: projectRoot,
    env: { PATH: process.env['PATH'], AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', AWS_REGION: 'us-east-1' },
    encoding: 'utf8',
  });
  return JSON.parse(output) as ImportTiming;
}
