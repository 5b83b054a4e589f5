/**
 * `npm run package:report`: what `npm pack` would publish (from the current build), grouped
 * by kind, with sizes. With `--update-docs` it also writes the table into docs/deploy.md
 * between the package-contents markers.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { writeDocSection } from './doc-section.js';
import { projectRoot } from './function-bundle.js';

interface Packed {
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly { readonly path: string; readonly size: number }[];
}

/** The kinds of file the package holds; a file of no kind is listed by its own path. */
const kinds: readonly { readonly pattern: RegExp; readonly kind: string; readonly why: string }[] = [
  { pattern: /^dist\/handlers\/[^/]+\/index\.mjs$/, kind: 'dist/handlers/*/index.mjs', why: 'the six functions, bundled (everything they import inside), deployed as they are' },
  { pattern: /^dist\/handlers\/[^/]+\/index\.mjs\.map$/, kind: 'dist/handlers/*/index.mjs.map', why: 'their source maps, without sources: stack traces with `sourceMapStackTraces` (on by default)' },
  { pattern: /^dist\/handlers\/[^/]+\/chunks\/[^/]+\.mjs$/, kind: 'dist/handlers/*/chunks/*.mjs', why: 'code the functions share or load on first use (esbuild splitting: a smaller import at cold start)' },
  { pattern: /^dist\/handlers\/[^/]+\/chunks\/[^/]+\.mjs\.map$/, kind: 'dist/handlers/*/chunks/*.mjs.map', why: 'their source maps' },
  { pattern: /^dist\/src\/client\/.+\.(js|d\.ts)$/, kind: 'dist/src/client/*', why: 'the client module (`y-webrtc-signaling-serverless/client`) with its types: browsers and Node, no dependencies' },
  { pattern: /^dist\/.+\.js$/, kind: 'dist/{infra,src}/**/*.js', why: 'the construct and the shared definitions it reads (routes, table, limits, metric names)' },
  { pattern: /^dist\/.+\.d\.ts$/, kind: 'dist/{infra,src}/**/*.d.ts', why: 'their types' },
  { pattern: /^package\.json$/, kind: 'package.json', why: 'entry point, peer dependencies' },
  { pattern: /^README\.md$/, kind: 'README.md', why: 'added by npm' },
  { pattern: /^CHANGELOG\.md$/, kind: 'CHANGELOG.md', why: 'what changed in each release (docs/releases.md)' },
  { pattern: /^LICENSE$/, kind: 'LICENSE', why: 'MIT, added by npm' },
];

const kilobytes = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

const packed = (
  JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: projectRoot, encoding: 'utf8' })) as Packed[]
)[0]!;
// In the order of `kinds`, then anything unexpected.
const rows = new Map<string, { files: number; bytes: number; why: string }>(kinds.map(({ kind, why }) => [kind, { files: 0, bytes: 0, why }]));
for (const file of packed.files) {
  const match = kinds.find(({ pattern }) => pattern.test(file.path));
  const key = match?.kind ?? file.path;
  const row = rows.get(key) ?? { files: 0, bytes: 0, why: match?.why ?? '' };
  rows.set(key, { ...row, files: row.files + 1, bytes: row.bytes + file.size });
}
const section = [
  '| files | count | size | what for |',
  '| --- | ---: | ---: | --- |',
  ...[...rows].filter(([, row]) => row.files > 0).map(([key, row]) => `| \`${key}\` | ${row.files} | ${kilobytes(row.bytes)} | ${row.why} |`),
  '',
  `\`${packed.filename}\`: ${kilobytes(packed.size)} packed, ${kilobytes(packed.unpackedSize)} unpacked, ${packed.files.length} files, ` +
    `no dependencies (\`npm run package:report\`, from the build of ${new Date().toISOString().slice(0, 10)}).`,
].join('\n');
console.log(section);
const deployDoc = join(projectRoot, 'docs', 'deploy.md');
if (process.argv.includes('--update-docs')) {
  console.log(writeDocSection(deployDoc, 'package-contents', section) ? `\nwritten to ${deployDoc}` : `\n${deployDoc} has no package-contents markers`);
}
