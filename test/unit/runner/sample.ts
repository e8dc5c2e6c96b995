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

/** test/fixtures/runner/outcomes-repo: every pytest outcome once. */
export function copyOutcomesRepo(prefix = 'pt-outcomes-'): string {
  const src = path.join(process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd(), 'test', 'fixtures', 'runner', 'outcomes-repo');
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), 'outcomes-repo');
  fs.cpSync(src, dir, { recursive: true, filter: (s) => !/__pycache__|\.pytest_cache/.test(s) });
  return dir;
}

/**
 * Each result of the outcomes repo run with `--continue-on-collection-errors`. An xfail is a
 * skip (its message says xfail), a plain xpass a pass, a strict xpass a failure; a test that
 * fails and then errors in teardown is one failed result.
 */
export const OUTCOMES: Record<string, string> = {
  'tests/test_broken_import.py': 'error',
  'tests/test_module_skip.py': 'skipped',
  'tests/test_outcomes.py::test_passes': 'passed',
  'tests/test_outcomes.py::test_fails': 'failed',
  'tests/test_outcomes.py::test_skip_marker': 'skipped',
  'tests/test_outcomes.py::test_skip_inside': 'skipped',
  'tests/test_outcomes.py::test_skip_in_fixture': 'skipped',
  'tests/test_outcomes.py::test_xfail_marker': 'skipped',
  'tests/test_outcomes.py::test_xfail_inside': 'skipped',
  'tests/test_outcomes.py::test_xpass': 'passed',
  'tests/test_outcomes.py::test_xpass_strict': 'failed',
  'tests/test_outcomes.py::test_setup_error': 'error',
  'tests/test_outcomes.py::test_teardown_error_after_pass': 'error',
  'tests/test_outcomes.py::test_teardown_error_after_failure': 'failed',
  'tests/test_outcomes.py::TestGroup::test_param[1]': 'passed',
  'tests/test_outcomes.py::TestGroup::test_param[2]': 'failed',
};
