/**
 * `pnpm test:pack`: the packages as their users meet them. Builds every publishable package, packs
 * it with `pnpm pack` (which replaces `workspace:` ranges), checks each packed package.json, runs
 * publint and @arethetypeswrong/cli on each tarball, installs the tarballs with npm into a fresh
 * project outside the workspace, type-checks a consumer file under `moduleResolution: NodeNext` and
 * `bundler`, and runs the root README's engine example from the installed packages. Also checks the
 * API reports (`scripts/api-report.ts`) against the build.
 *
 * Too slow for `pnpm test` (the build alone takes about a minute on two cores): CI (`.ci/run`)
 * runs it after the tests. Options: `--skip-build` (reuse `dist/`), `--keep` (keep the temp project).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runApiReports } from '../api-report';
import { extractReadmeExample } from './readme-example';

const root = resolve(import.meta.dirname, '../..');
const args = new Set(process.argv.slice(2));
const failures: string[] = [];

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

function run(command: string, commandArgs: string[], cwd: string, quiet = true): string {
  const started = Date.now();
  try {
    const out = execFileSync(command, commandArgs, {
      cwd,
      encoding: 'utf8',
      stdio: quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      env: { ...process.env, FORCE_COLOR: '0', npm_config_update_notifier: 'false' },
      maxBuffer: 64 * 1024 * 1024,
    });
    return out ?? '';
  } finally {
    log(`  ${command} ${commandArgs.join(' ')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}

function readPackedManifest(tarball: string): unknown {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

function check(label: string, action: () => void): void {
  try {
    action();
    log(`ok   ${label}`);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message?: string };
    const detail = [e.stdout, e.stderr].filter(Boolean).join('\n') || e.message || String(error);
    failures.push(`${label}\n${detail}`);
    log(`FAIL ${label}\n${detail}`);
  }
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

const packageDirs = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter((dir) => {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
      return !manifest.private;
    } catch {
      return false;
    }
  });
const manifests = new Map(
  packageDirs.map((dir) => [dir, JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest]),
);
const internalNames = new Set([...manifests.values()].map((m) => m.name));

if (!args.has('--skip-build')) {
  log('build');
  run('pnpm', ['build'], root);
}

check(
  'API reports (packages/*/api/*.api.md) match the built packages; `pnpm api:report` updates them',
  () => {
    const differ = runApiReports({ update: false, log: () => {} }).filter(
      (result) => !result.ok || result.changed,
    );
    if (differ.length > 0) {
      throw new Error(
        differ.map((result) => `${result.entry}: differs from ${result.reportFile}`).join('\n'),
      );
    }
  },
);

const work = mkdtempSync(join(tmpdir(), 'trd-pack-test-'));
const tarballDir = join(work, 'tarballs');
mkdirSync(tarballDir);
log(`pack into ${tarballDir}`);
const tarballs = new Map<string, string>();
for (const dir of packageDirs) {
  const manifest = manifests.get(dir) as Manifest;
  run('pnpm', ['pack', '--pack-destination', tarballDir], dir);
  const file = `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`;
  tarballs.set(manifest.name, join(tarballDir, file));
}

for (const [name, tarball] of tarballs) {
  check(`${name}: packed package.json has real ranges for internal packages`, () => {
    const packed = readPackedManifest(tarball) as Manifest;
    const problems: string[] = [];
    for (const field of [
      'dependencies',
      'peerDependencies',
      'optionalDependencies',
      'devDependencies',
    ] as const) {
      for (const [dependency, range] of Object.entries(packed[field] ?? {})) {
        if (range.startsWith('workspace:')) problems.push(`${field}.${dependency}: ${range}`);
        if (field !== 'devDependencies' && internalNames.has(dependency) && !/^\^\d+\.\d+\.\d+/.test(range)) {
          problems.push(`${field}.${dependency}: ${range} (expected a caret range, from workspace:^)`);
        }
      }
    }
    for (const [entry, conditions] of Object.entries(packed.exports ?? {})) {
      const keys = Object.keys(conditions as object).filter((key) => key !== 'source');
      if (keys[0] !== 'types') problems.push(`exports["${entry}"]: "types" must be the first condition`);
    }
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });
  check(`${name}: publint`, () => {
    const out = run(join(root, 'node_modules/.bin/publint'), ['run', tarball, '--strict'], root);
    if (!/All good/.test(out)) throw new Error(out);
  });
  check(`${name}: @arethetypeswrong/cli (esm-only)`, () => {
    run(
      join(root, 'node_modules/.bin/attw'),
      [tarball, '--profile', 'esm-only', '--format', 'ascii', '--no-emoji', '--no-color'],
      root,
    );
  });
}

// A fresh consumer project, outside the workspace, installing the tarballs with npm.
const consumer = join(work, 'consumer');
mkdirSync(consumer);
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Manifest;
const coreManifest = [...manifests.values()].find((m) => m.name === '@trd/core') as Manifest;
writeFileSync(
  join(consumer, 'package.json'),
  `${JSON.stringify(
    {
      name: 'trd-consumer',
      private: true,
      type: 'module',
      dependencies: {
        ...Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`])),
        zod: coreManifest.dependencies?.zod,
      },
      devDependencies: {
        typescript: rootManifest.devDependencies?.typescript,
        '@types/node': rootManifest.devDependencies?.['@types/node'],
      },
    },
    null,
    2,
  )}\n`,
);
check('npm install of the tarballs into a fresh project', () => {
  run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], consumer);
});

const compilerOptions = {
  target: 'ES2022',
  lib: ['ES2023'],
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: true,
  types: ['node'],
  noEmit: true,
};
writeFileSync(join(consumer, 'consumer.ts'), readFileSync(join(import.meta.dirname, 'consumer.ts'), 'utf8'));
writeFileSync(
  join(consumer, 'example.ts'),
  extractReadmeExample(readFileSync(join(root, 'README.md'), 'utf8')),
);
const tsc = join(consumer, 'node_modules/typescript/bin/tsc');
for (const [label, options] of [
  ['NodeNext', { module: 'NodeNext', moduleResolution: 'NodeNext' }],
  ['bundler', { module: 'ESNext', moduleResolution: 'Bundler' }],
] as const) {
  const config = join(consumer, `tsconfig.${label}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      compilerOptions: { ...compilerOptions, ...options },
      files: ['consumer.ts', 'example.ts'],
    }),
  );
  check(`consumer and README example type-check (moduleResolution: ${label})`, () => {
    run('node', [tsc, '-p', config], consumer);
  });
}

writeFileSync(
  join(consumer, 'tsconfig.emit.json'),
  JSON.stringify({
    compilerOptions: {
      ...compilerOptions,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      noEmit: false,
      outDir: 'out',
    },
    files: ['consumer.ts', 'example.ts'],
  }),
);
check('consumer imports every entry at runtime', () => {
  run('node', [tsc, '-p', 'tsconfig.emit.json'], consumer);
  const out = run('node', ['out/consumer.js'], consumer);
  if (!out.includes('consumer ok')) throw new Error(out);
});
check("the root README's engine example runs from the installed packages", () => {
  const out = run('node', ['out/example.js'], consumer);
  if (!/"userId":\s*"alice"|userId: 'alice'/.test(out)) throw new Error(`unexpected output:\n${out}`);
});

if (args.has('--keep')) log(`kept ${work}`);
else rmSync(work, { recursive: true, force: true });

if (failures.length > 0) {
  log(`\n${failures.length} check(s) failed`);
  process.exit(1);
}
log('\npack test: all checks passed');
