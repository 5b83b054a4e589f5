import { readFileSync, writeFileSync } from 'node:fs';

/**
 * Replaces what stands between `<!-- {name}:start -->` and `<!-- {name}:end -->` in a doc.
 * @returns false when the doc has no such markers (nothing is written)
 */
export function writeDocSection(file: string, name: string, section: string): boolean {
  const markers = { start: `<!-- ${name}:start -->`, end: `<!-- ${name}:end -->` };
  const doc = readFileSync(file, 'utf8');
  const start = doc.indexOf(markers.start);
  const end = doc.indexOf(markers.end);
  if (start < 0 || end < start) return false;
  writeFileSync(file, `${doc.slice(0, start + markers.start.length)}\n${section}\n${doc.slice(end)}`);
  return true;
}
