import assert from 'node:assert/strict';
import { test } from 'node:test';
import { registerFeatures } from '../../../src/extension/features';

test('a feature whose registration throws is logged by name and reported once; the others still register', () => {
  const registered: string[] = [];
  const logged: string[] = [];
  const reports: string[][] = [];
  const failed = registerFeatures(
    [
      { name: 'paper viewer', register: () => registered.push('viewer') },
      {
        name: 'citations',
        register: () => {
          throw new Error('tree-sitter grammar missing');
        },
      },
      { name: 'test runs', register: () => registered.push('tasks') },
    ],
    { logError: (m) => logged.push(m), reportFailures: (names) => reports.push(names) },
  );
  assert.deepEqual(registered, ['viewer', 'tasks']);
  assert.deepEqual(failed, ['citations']);
  assert.match(logged[0]!, /^citations could not start: Error: tree-sitter grammar missing/);
  assert.deepEqual(reports, [['citations']]);
  assert.deepEqual(
    registerFeatures([{ name: 'a', register: () => {} }], { logError: () => assert.fail(), reportFailures: () => assert.fail() }),
    [],
  );
});
