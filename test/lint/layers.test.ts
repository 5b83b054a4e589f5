import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** `npm run lint` fails when a lower layer imports a higher one (eslint.config.js). */
const eslint = new ESLint();

async function layerErrors(filePath: string, importLine: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${importLine}\nexport const used = value;\n`, { filePath });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

describe('layer rules', () => {
  it.each([
    ['src/signaling/example.ts', "import { value } from '../handlers/message.js';"],
    ['src/signaling/example.ts', "import { value } from '../store/dynamo-join-order.js';"],
    ['src/protocol/example.ts', "import { value } from '../signaling/publish.js';"],
    ['src/shared/example.ts', "import { value } from '../config/limits.js';"],
    ['src/store/example.ts', "import { value } from '../handlers/table-dependencies.js';"],
    ['src/handlers/example.ts', "import { value } from '../local/local-runtime.js';"],
    ['src/demo/example.ts', "import { value } from '../local/gateway-emulator.js';"],
    ['infra/parts/example.ts', "import { value } from '../../src/handlers/observability.js';"],
    ['src/client/example.ts', "import { value } from '../config/limits.js';"],
  ])('refuse %s importing upward: %s', async (filePath, importLine) => {
    expect(await layerErrors(filePath, importLine)).toHaveLength(1);
  });

  it.each([
    ['src/signaling/example.ts', "import { value } from '../protocol/parse.js';"],
    ['src/handlers/example.ts', "import { value } from '../store/dynamo-join-order.js';"],
    ['src/local/example.ts', "import { value } from '../handlers/message.js';"],
    ['infra/parts/example.ts', "import { value } from '../../src/config/metrics.js';"],
    ['src/client/example.ts', "import { value } from './signaling-token.js';"],
  ])('allow %s importing downward: %s', async (filePath, importLine) => {
    expect(await layerErrors(filePath, importLine)).toEqual([]);
  });
});
