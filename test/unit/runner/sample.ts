// The sample repository (test/fixtures/runner/sample-repo), copied to a temp folder per test file
// so that runs can change it and write their manifest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SAMPLE_COUNTS = { passed: 6, failed: 3, skipped: 2, errors: 1 };

export function sampleRepoSource(): string {
  return path.join(process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd(), 'test', 'fixtures', 'runner', 'sample-repo');
}

export function copySampleRepo(prefix = 'pt-runner-'): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), 'sample-repo');
  fs.cpSync(sampleRepoSource(), dir, { recursive: true, filter: (src) => !/__pycache__|\.pytest_cache/.test(src) });
  return dir;
}
