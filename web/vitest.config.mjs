import { defineConfig } from 'vitest/config';

export default defineConfig({
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  test: {
    include: ['sdk/test/**/*.test.ts', 'dashboard/test/**/*.test.{ts,tsx}'],
    environment: 'happy-dom',
  },
});
