import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

/** The folders the "Code map" table of docs/architecture.md names in its folder column. */
function mappedFolders(): string[] {
  const architecture = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
  const section = architecture.split('## Code map')[1]!.split('\n## ')[0]!;
  const rows = section.split('\n').filter((line) => /^\|\s*[\d–-]+\s*\|/.test(line));
  return rows.flatMap((row) => [...row.split('|')[2]!.matchAll(/`([^`]+)`/g)].map(([, folder]) => folder!.replace(/\/$/, '')));
}

describe('the code map in docs/architecture.md ("where things live")', () => {
  const folders = mappedFolders();

  it('names only folders that exist', () => {
    expect(folders.length).toBeGreaterThan(10);
    for (const folder of folders) expect(existsSync(join(root, folder)) && statSync(join(root, folder)).isDirectory(), folder).toBe(true);
  });

  it('names every folder of src', () => {
    const sourceFolders = readdirSync(join(root, 'src'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `src/${entry.name}`);
    expect(sourceFolders.filter((folder) => !folders.includes(folder))).toEqual([]);
  });
});
