// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'target/**', '.tools/**', 'examples/expected/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Security: no eval-like code paths anywhere.
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // The shipped code meets lists as long as its input: 30,000 domains are 150,014 files.
    files: ['packages/*/src/**/*.ts', 'plugins/*/src/**/*.ts'],
    rules: {
      // Robustness: a spread over a list of 10^5 items overflows the call stack (exit 4); use maxOf or a loop.
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Math'][callee.property.name=/^(max|min)$/] > SpreadElement",
          message: 'Math.max/min(...list) overflows the call stack on long lists: use maxOf (@floe/core/util) or a loop',
        },
        {
          // One model: a cast through unknown converts between two copies of a type that should be one (src/k8s/).
          selector: "TSAsExpression[expression.type='TSAsExpression'][expression.typeAnnotation.type='TSUnknownKeyword']",
          message: "'as unknown as' in the source: use the one set of types in src/k8s/ (or narrow with a single 'as')",
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly' } },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
);
