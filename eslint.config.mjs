import js from '@eslint/js';
import boundaries from 'eslint-plugin-boundaries';
import tseslint from 'typescript-eslint';

/**
 * The layers of the code base and what each may import (docs/architecture.md draws it). Listed most specific
 * first: the first pattern a file matches gives its layer. External packages are not restricted here.
 */
const LAYERS = [
  // Public entry points of the npm package (package.json "exports"): barrels that re-export several layers.
  { type: 'package-api', pattern: ['lib/index.ts', 'lib/compliance/index.ts'] },
  { type: 'baseline', pattern: ['lib/baseline/**'] },
  { type: 'config', pattern: ['lib/config/**', 'lib/tenants.ts'] },
  { type: 'constructs', pattern: ['constructs/**'] },
  { type: 'stacks', pattern: ['lib/stacks/**', 'lib/stage.ts'] },
  { type: 'compliance', pattern: ['lib/compliance/**'] },
  { type: 'behaviour', pattern: ['lib/behaviour/**'] },
  { type: 'evidence', pattern: ['lib/evidence/**'] },
  { type: 'reports', pattern: ['lib/reports/**'] },
  { type: 'runtime', pattern: ['lib/runtime/**'] },
  { type: 'handlers', pattern: ['lib/handlers/**'] },
  { type: 'preflight', pattern: ['lib/preflight/**'] },
  // The CDK app and developer tools wire everything together.
  { type: 'app', pattern: ['bin/**', 'lib/app.ts', 'lib/tools/**'] },
  { type: 'tests', pattern: ['test/**', 'bench/**', 'examples/**'] },
].map((layer) => ({ ...layer, mode: 'full' })); // patterns match whole paths from the project root

/** Layer → the layers it may import (besides itself). */
const MAY_IMPORT = {
  baseline: [],
  config: ['baseline'],
  constructs: ['baseline'],
  stacks: ['baseline', 'config', 'constructs'],
  compliance: ['baseline', 'config'],
  behaviour: ['baseline', 'compliance'],
  evidence: ['baseline', 'config', 'compliance', 'behaviour'],
  reports: ['baseline', 'compliance', 'evidence'],
  runtime: ['baseline'],
  handlers: ['baseline', 'runtime'],
  preflight: ['baseline', 'config', 'runtime'],
  app: LAYERS.map((l) => l.type),
  tests: LAYERS.map((l) => l.type),
  'package-api': LAYERS.map((l) => l.type),
};

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'coverage/', 'dist/', 'examples/app/node_modules/', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Template values are `unknown` JSON; String(value) of them is intended (numbers, booleans, strings).
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Import direction between layers (docs/architecture.md).
    files: ['**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': LAYERS,
      'boundaries/include': ['bin/**', 'lib/**', 'constructs/**', 'test/**', 'bench/**', 'examples/**'],
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
    },
    rules: {
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          message:
            'layer "{{from.element.type}}" may not import layer "{{to.element.type}}" ({{dependency.source}}): see docs/architecture.md for what each layer may import',
          policies: Object.entries(MAY_IMPORT).map(([from, to]) => ({
            from: { element: { type: from } },
            allow: { to: { element: { types: { anyOf: [from, ...to] } } } },
          })),
        },
      ],
      // Every file of the code base belongs to a layer.
      'boundaries/no-unknown-files': 'error',
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
