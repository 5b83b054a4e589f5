import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers of src, lowest first (docs/architecture.md, "Code map"). A module may import
 * from its own layer's folders and the layers below, never from a layer above: the domain
 * stays free of AWS, and the handlers of the local runtime and the tools.
 */
const layers = [
  ['shared'],
  ['protocol', 'config', 'aws'],
  ['signaling'],
  ['store', 'gateway', 'auth', 'turn'],
  ['handlers'],
  ['lambda', 'local', 'bench', 'loadtest', 'tools', 'web', 'demo', 'dashboard'],
];

const folderPattern = (folder) => [`../${folder}/*`, `../../${folder}/*`, `../../../${folder}/*`, `../../src/${folder}/*`];

function layerRules() {
  return layers.slice(0, -1).map((layer, index) => {
    const above = layers.slice(index + 1).flat();
    return {
      files: layer.map((folder) => `src/${folder}/**/*.ts`),
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              {
                group: above.flatMap(folderPattern),
                message: `src/${layer.join(', src/')} is below ${above.map((folder) => `src/${folder}`).join(', ')}: move the shared part down instead (docs/architecture.md, "Code map").`,
              },
            ],
          },
        ],
      },
    };
  });
}

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'dist/', 'scratch/', '.test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  ...layerRules(),
  {
    // The client module runs in the users' pages: nothing of the server may come with it.
    files: ['src/client/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*', '!./*'], message: 'src/client imports only from src/client: it ships to browsers, without the server.' }] }],
    },
  },
  {
    // The demo and the dashboard are plugged into the local runtime, not the other way round; their pages run in a browser.
    files: ['src/demo/**/*.ts', 'src/dashboard/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../local/*', '../../local/*', '../lambda/*', '../handlers/*', '../../handlers/*'], message: 'src/demo and src/dashboard must not import the local runtime or the handlers: local-runtime.ts plugs them in.' },
            { group: ['../tools/*', '../../tools/*'], message: "src/tools is the measuring tools' own: what the pages share is in src/web." },
          ],
        },
      ],
    },
  },
  {
    // The construct deploys the Lambda entries; it reads only side-effect-free definitions of src.
    files: ['infra/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/handlers/*', '**/src/lambda/*', '**/src/local/*', '**/src/bench/*', '**/src/loadtest/*', '**/src/demo/*'],
              message: 'infra reads shared definitions (src/config, src/gateway/routes.ts, src/store/table.ts), not the handlers or the tools.',
            },
          ],
        },
      ],
    },
  },
);
