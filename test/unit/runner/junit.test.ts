// Every pytest outcome, as a real pytest reports it (test/fixtures/runner/outcomes-repo), and the
// shapes of JUnit XML other pytest versions write.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { parseJUnit } from '../../../src/core/runner/junit';
import { runLocal } from '../../../src/core/runner/local';
import type { TestCaseResult } from '../../../src/core/runner/types';
import { SYSTEM_PYTHON, jupyterUnavailable } from './jupyter-server';
import { OUTCOMES, copyOutcomesRepo } from './sample';

const noPython = jupyterUnavailable();
let dir = '';
before(() => {
  dir = copyOutcomesRepo();
});

test('every outcome: passed, failed, skipped, xfail, xpass, setup/teardown errors, collection error and skip', {
  skip: noPython,
}, async () => {
  const r = await runLocal({ dir, python: SYSTEM_PYTHON, args: ['--continue-on-collection-errors'] });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const v = r.value;
  const byId = new Map(v.tests.map((t) => [t.id, t]));
  assert.deepEqual(Object.fromEntries(v.tests.map((t) => [t.id, t.outcome])), OUTCOMES);
  assert.equal(byId.size, v.tests.length, 'one result per test');
  assert.deepEqual(
    { passed: v.passed, failed: v.failed, skipped: v.skipped, errors: v.errors },
    { passed: 3, failed: 4, skipped: 6, errors: 3 },
  );
  assert.equal(v.pytestExitCode, 1);
  const at = (id: string): Pick<TestCaseResult, 'message' | 'file' | 'line'> => {
    const t = byId.get(`tests/test_outcomes.py::${id}`) ?? byId.get(id)!;
    return { message: t.message, file: t.file, line: t.line };
  };
  const f = 'tests/test_outcomes.py';
  assert.deepEqual(at('test_fails'), { message: 'assert (1 + 1) == 3', file: f, line: 9 });
  assert.deepEqual(at('test_skip_marker'), { message: 'not on this machine', file: f, line: 12 });
  assert.deepEqual(at('test_skip_in_fixture'), { message: 'no dataset here', file: f, line: 21 });
  assert.deepEqual(at('test_xfail_marker'), { message: 'xfail: known bug 12', file: f, line: 25 });
  assert.deepEqual(at('test_xfail_inside'), { message: 'xfail: imperative xfail', file: f, line: 30 });
  assert.deepEqual(at('test_xpass_strict'), { message: '[XPASS(strict)] strictly broken', file: f, line: 39 });
  assert.deepEqual(at('test_setup_error'), { message: 'failed on setup with "RuntimeError: setup exploded"', file: f, line: 44 });
  assert.deepEqual(at('test_teardown_error_after_pass'), {
    message: 'failed on teardown with "RuntimeError: teardown exploded"',
    file: f,
    line: 48,
  });
  assert.deepEqual(at('test_teardown_error_after_failure'), {
    message: 'assert 1 == 2; then failed on teardown with "RuntimeError: teardown exploded"',
    file: f,
    line: 53,
  });
  assert.match(byId.get('tests/test_outcomes.py::test_teardown_error_after_failure')!.details!, /assert 1 == 2[\s\S]*teardown exploded/);
  assert.deepEqual(at('TestGroup::test_param[2]'), { message: 'assert 2 == 1', file: f, line: 59 });
  assert.deepEqual(at('tests/test_broken_import.py'), {
    message: "collection failure: ModuleNotFoundError: No module named 'missing_module_for_papertrail'",
    file: 'tests/test_broken_import.py',
    line: 1,
  });
  assert.deepEqual(at('tests/test_module_skip.py'), { message: 'whole module needs a GPU', file: 'tests/test_module_skip.py', line: 3 });
});

test('a collection error stops pytest (exit 2): the error and the module skip come back, nothing else', { skip: noPython }, async () => {
  const r = await runLocal({ dir, python: SYSTEM_PYTHON });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.equal(r.value.pytestExitCode, 2);
  assert.deepEqual(
    r.value.tests.map((t) => [t.id, t.outcome]),
    [
      ['tests/test_broken_import.py', 'error'],
      ['tests/test_module_skip.py', 'skipped'],
    ],
  );
});

test('JUnit from other pytest versions: no file attribute on a collection error, a double-quoted skip reason', () => {
  const xml = `<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="1" failures="0" skipped="1" tests="2" time="0.1">
<testcase classname="" name="pkg.test_gone" time="0.000"><error message="collection failure">pkg/test_gone.py:2: in &lt;module&gt;
    import gone
E   ImportError: cannot import name 'x'</error></testcase>
<testcase classname="" name="pkg.test_skipmod" file="pkg/test_skipmod.py" time="0.000"><skipped message="collection skipped">('/abs/pkg/test_skipmod.py', 4, "Skipped: can't run here")</skipped></testcase>
<testcase classname="pkg.test_a" name="test_x" file="pkg/test_a.py" line="0" time="0.001"><skipped type="pytest.xfail" message="" /></testcase>
</testsuite></testsuites>`;
  const r = parseJUnit(xml)!;
  assert.deepEqual(
    r.tests.map((t) => [t.id, t.outcome, t.message, t.file, t.line]),
    [
      ['pkg/test_gone.py', 'error', "collection failure: ImportError: cannot import name 'x'", 'pkg/test_gone.py', 2],
      ['pkg/test_skipmod.py', 'skipped', "can't run here", 'pkg/test_skipmod.py', 4],
      ['pkg/test_a.py::test_x', 'skipped', 'xfail', 'pkg/test_a.py', 1],
    ],
  );
  assert.deepEqual([r.errors, r.skipped], [1, 2]);
});
