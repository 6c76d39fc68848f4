import { defineProject } from 'vitest/config';

/**
 * Shared per-package test settings. The `source` export condition makes every `@trd/*` import
 * resolve to the package's TypeScript sources, so tests never need a build first.
 */
export function packageProject(name: string, overrides: { testTimeout?: number; hookTimeout?: number } = {}) {
  return defineProject({
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
    test: {
      name,
      environment: 'node',
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 20_000,
      hookTimeout: overrides.hookTimeout ?? 60_000,
      // eventsource-parser (under the AI SDK) also has a `source` export condition, to its
      // TypeScript, which Node cannot load: vite processes it and the AI SDK packages importing it.
      server: { deps: { inline: [/eventsource-parser/, /@ai-sdk[\\/]/, /node_modules[\\/]ai[\\/]/] } },
    },
  });
}
