/**
 * API reports (@microsoft/api-extractor): one `packages/<package>/api/<entry>.api.md` per export
 * entry of every publishable package, from the built `.d.ts`. Checked in, so every change to the
 * public surface shows in review.
 *
 * - `pnpm api:report` builds, then rewrites the reports (commit them with the change);
 * - `pnpm test:pack` (CI) fails when a report differs from the built packages.
 *
 * `--skip-build` reuses `dist/`; `--check` compares instead of writing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';

const root = resolve(import.meta.dirname, '..');

interface Manifest {
  name: string;
  private?: boolean;
  exports?: Record<string, { types?: string }>;
}

export interface ApiReportResult {
  /** `@trd/core` or `@trd/core/testing`. */
  entry: string;
  reportFile: string;
  ok: boolean;
  changed: boolean;
}

/** The report file name of an export entry: `index` for ".", else the subpath with dashes. */
export function reportName(subpath: string): string {
  return subpath === '.' ? 'index' : subpath.replace(/^\.\//, '').replaceAll('/', '-');
}

export function publishablePackages(): { dir: string; manifest: Manifest }[] {
  return readdirSync(join(root, 'packages'))
    .map((name) => join(root, 'packages', name))
    .flatMap((dir) => {
      try {
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
        return manifest.private ? [] : [{ dir, manifest }];
      } catch {
        return [];
      }
    });
}

export function runApiReports(options: { update: boolean; log?: (line: string) => void }): ApiReportResult[] {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const temp = mkdtempSync(join(tmpdir(), 'trd-api-report-'));
  const results: ApiReportResult[] = [];
  try {
    for (const { dir, manifest } of publishablePackages()) {
      for (const [subpath, conditions] of Object.entries(manifest.exports ?? {})) {
        if (!conditions.types) continue;
        const name = reportName(subpath);
        const entry = subpath === '.' ? manifest.name : `${manifest.name}/${subpath.replace(/^\.\//, '')}`;
        mkdirSync(join(dir, 'api'), { recursive: true });
        const config = ExtractorConfig.prepare({
          configObjectFullPath: undefined,
          packageJsonFullPath: join(dir, 'package.json'),
          configObject: {
            projectFolder: dir,
            mainEntryPointFilePath: join(dir, conditions.types),
            compiler: {
              overrideTsconfig: {
                compilerOptions: {
                  target: 'ES2022',
                  lib: ['ES2023', 'DOM'],
                  module: 'NodeNext',
                  moduleResolution: 'NodeNext',
                  strict: true,
                  skipLibCheck: true,
                  types: ['node'],
                },
              },
            },
            apiReport: {
              enabled: true,
              reportFolder: join(dir, 'api'),
              reportTempFolder: join(temp, manifest.name),
              reportFileName: name,
            },
            docModel: { enabled: false },
            dtsRollup: { enabled: false },
            tsdocMetadata: { enabled: false },
            messages: {
              compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
              extractorMessageReporting: {
                default: { logLevel: ExtractorLogLevel.Warning },
                'ae-missing-release-tag': { logLevel: ExtractorLogLevel.None },
                'ae-forgotten-export': { logLevel: ExtractorLogLevel.None, addToApiReportFile: false },
                'ae-internal-missing-underscore': { logLevel: ExtractorLogLevel.None },
                'ae-undocumented': { logLevel: ExtractorLogLevel.None },
                'ae-unresolved-link': { logLevel: ExtractorLogLevel.None },
              },
              tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
            },
          },
        });
        const result = Extractor.invoke(config, {
          localBuild: options.update,
          showVerboseMessages: false,
          messageCallback: (message) => {
            if (
              message.logLevel === ExtractorLogLevel.Warning ||
              message.logLevel === ExtractorLogLevel.Error
            ) {
              log(`  ${entry}: ${message.text}`);
            }
            message.handled = true;
          },
        });
        results.push({
          entry,
          reportFile: join(dir, 'api', `${name}.api.md`),
          ok: result.succeeded,
          changed: result.apiReportChanged,
        });
      }
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = new Set(process.argv.slice(2));
  if (!args.has('--skip-build')) execFileSync('pnpm', ['build'], { cwd: root, stdio: 'inherit' });
  const update = !args.has('--check');
  const results = runApiReports({ update });
  for (const result of results) {
    const state = result.changed ? (update ? 'updated' : 'DIFFERS') : 'unchanged';
    process.stdout.write(
      `${result.ok || update ? 'ok  ' : 'FAIL'} ${result.entry}: ${state} (${result.reportFile})\n`,
    );
  }
  if (!update && results.some((result) => !result.ok || result.changed)) process.exit(1);
}
