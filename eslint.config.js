// Lint rules: typescript-eslint's recommended set, plus the house rule that the pure core
// (src/domain) never reaches for I/O or the wall clock.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'var/**', 'bench/out/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Promises that nobody awaits lose their rejections (an unhandled rejection ends the process)
    // and a promise where a boolean or a void callback is expected is never waited for. A
    // deliberate fire-and-forget is written `void promise` with a comment saying why it is safe.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's test()/describe() return promises the runner itself tracks.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:fs*', 'node:net', 'node:child_process', 'node:tls', 'better-sqlite3', 'nodemailer*'], message: 'The domain does no I/O.' },
            { group: ['../*'], message: 'The domain imports nothing outside src/domain (DESIGN §6).' },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'The domain takes a Clock.' }],
    },
  },
  {
    // Adapters are wired by src/app/ and never reach back up into it or the CLI (DESIGN §6). The
    // whole rule set, cycles included, is test/architecture/import-direction.test.ts; this one
    // only puts the commonest mistake in the editor.
    files: ['src/storage/sqlite/**/*.ts', 'src/transports/**/*.ts', 'src/backup/engines/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/app/*', '**/cli/*'], message: 'An adapter never imports src/app/ or src/cli/ (DESIGN §6).' }] }],
    },
  },
);
