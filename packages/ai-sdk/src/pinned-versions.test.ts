import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `ai` 7 needs Node 22; `ai` 6 and the providers made for it run on Node 20 and 22. These checks
 * keep what this package and the example server install on the line that runs on both: exact
 * pins, `ai` 6, providers built on the same `@ai-sdk/provider` as `ai`, engines admitting Node 20.
 */
const packagesDir = join(import.meta.dirname, '..', '..');

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function manifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
}

/** The `ai` and `@ai-sdk/*` packages a workspace package declares, with their ranges. */
function aiSdkPackages(packageDir: string): Array<[string, string]> {
  const own = manifest(join(packagesDir, packageDir, 'package.json'));
  return Object.entries({ ...own.dependencies, ...own.devDependencies }).filter(
    ([name]) => name === 'ai' || name.startsWith('@ai-sdk/'),
  );
}

/** The lowest Node major an `engines.node` of the form `>=N` (or `>=N.M`) admits. */
function lowestNodeMajor(range: string | undefined): number {
  const match = /^>=\s*(\d+)(\.\d+)*$/.exec(range?.trim() ?? '');
  if (!match) throw new Error(`unexpected engines.node ${String(range)}`);
  return Number(match[1]);
}

describe.each(['ai-sdk', 'server-example'])('%s pins the AI SDK for Node 20 and 22', (packageDir) => {
  const declared = aiSdkPackages(packageDir);

  it('declares exact versions, ai on major 6', () => {
    expect(declared.length).toBeGreaterThan(0);
    for (const [name, version] of declared) expect(`${name}@${version}`).toMatch(/@\d+\.\d+\.\d+$/);
    const ai = declared.find(([name]) => name === 'ai');
    if (ai) expect(ai[1]).toMatch(/^6\./);
    expect(manifest(join(packagesDir, packageDir, 'package.json')).engines?.node).toBe('>=20.10');
  });

  it('installs what it declares, each admitting Node 20, on the provider spec ai 6 uses', () => {
    const aiInstalled = manifest(join(packagesDir, 'ai-sdk', 'node_modules', 'ai', 'package.json'));
    const providerSpec = aiInstalled.dependencies?.['@ai-sdk/provider'];
    expect(providerSpec).toMatch(/^3\./);
    for (const [name, version] of declared) {
      const installed = manifest(join(packagesDir, packageDir, 'node_modules', name, 'package.json'));
      expect(installed.version).toBe(version);
      expect(lowestNodeMajor(installed.engines?.node)).toBeLessThanOrEqual(20);
      if (name !== 'ai') expect(installed.dependencies?.['@ai-sdk/provider']).toBe(providerSpec);
    }
  });
});
