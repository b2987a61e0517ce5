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
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:fs*', 'node:net', 'node:child_process', 'node:tls', 'better-sqlite3', 'nodemailer*'] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'The domain takes a Clock.' }],
    },
  },
);
