import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { checkPath, confinePath } from '../../../src/core/workspace/safePath';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'pt-safepath-'));
}

// An output folder with a sibling outside it, so a test can see that nothing leaked there.
function sandbox(): { root: string; outside: string } {
  const base = tempDir();
  const root = path.join(base, 'out');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  return { root, outside };
}

function accepted(root: string, proposed: string, options?: { allowToolDirs?: boolean }): string {
  const r = confinePath(root, proposed, options);
  assert.ok(r.ok, `expected ${JSON.stringify(proposed)} to be accepted, got ${r.ok ? '' : r.error.message}`);
  return r.value;
}

function refusedReason(root: string, proposed: string, options?: { allowToolDirs?: boolean }): string {
  const r = checkPath(root, proposed, options);
  assert.ok(!r.ok, `expected ${JSON.stringify(proposed)} to be refused, got ${r.ok ? r.value : ''}`);
  assert.equal(r.error.path, proposed, 'the refusal keeps the path as proposed');
  assert.ok(r.error.reason.length > 0 && !r.error.reason.includes('\n'), 'one-line reason');
  return r.error.reason;
}

test('normalises: trims, turns backslashes into slashes, collapses ./ and //, resolves inner ..', () => {
  const { root } = sandbox();
  assert.equal(accepted(root, '  ./src//model/./attention.py \n'), 'src/model/attention.py');
  assert.equal(accepted(root, 'src\\model\\attention.py'), 'src/model/attention.py');
  assert.equal(accepted(root, 'a/../b'), 'b');
  assert.equal(accepted(root, 'a/b/../../c/d.py'), 'c/d.py');
  assert.equal(accepted(root, 'README.md'), 'README.md');
});

test('ordinary names that only look close to a rule are accepted', () => {
  const { root } = sandbox();
  for (const p of [
    '.github/workflows/ci.yml', // not a tool folder
    '.gitignore',
    'venv.py',
    'src/node_modules_helper.py',
    'console.py', // not CON
    'com10.py', // only COM1-9 are reserved
    'nul_model.py',
    '..data/x.txt', // a name starting with '..' stays inside
    'data/v1.2/config.yaml',
    'a'.repeat(255),
    'é'.repeat(127) + 'a', // 255 bytes
  ]) {
    assert.equal(accepted(root, p), p);
  }
});

test('each malicious or unusable path is refused with a reason that says why', () => {
  const { root, outside } = sandbox();
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['   ', /empty/],
    ['/etc/passwd', /absolute/],
    ['//server/share/x', /absolute/],
    ['\\\\server\\share\\x.py', /absolute/],
    ['C:\\Windows\\system32\\x.dll', /drive/],
    ['C:x.py', /drive/],
    ['c:/x.py', /drive/],
    ['file:///etc/passwd', /URL/],
    ['https://example.com/x.py', /URL/],
    ['file:\\\\host\\x', /URL/],
    ['../x.py', /climbs above/],
    ['..\\x.py', /climbs above/],
    ['a/../../x.py', /climbs above/],
    ['./../../outside/x.py', /climbs above/],
    ['.', /folder/],
    ['./', /folder/],
    ['a/..', /folder/],
    ['src/', /ends in '\/'/],
    ['src\\', /ends in '\/'/],
    ['a\0b.py', /control/],
    ['a\nb.py', /control/],
    ['a\u202Eyp.txt', /invisible/],
    ['.g\u200Cit/config', /invisible/],
    ['.git/hooks/pre-commit', /tool folder/],
    ['.GIT/config', /tool folder/],
    ['src/.git', /tool folder/],
    ['.hg/hgrc', /tool folder/],
    ['.svn/entries', /tool folder/],
    ['.papertrail/paper.json', /tool folder/],
    ['.vscode/tasks.json', /tool folder/],
    ['.idea/workspace.xml', /tool folder/],
    ['node_modules/x/index.js', /tool folder/],
    ['pkg/node_modules/x.js', /tool folder/],
    ['.venv/bin/activate', /tool folder/],
    ['venv/lib/site.py', /tool folder/],
    ['src/__pycache__/x.pyc', /tool folder/],
    ['CON', /reserved/],
    ['con.txt', /reserved/],
    ['src/Aux.py', /reserved/],
    ['nul.tar.gz', /reserved/],
    ['COM1.log', /reserved/],
    ['lpt9', /reserved/],
    ['GIT~1/config', /short name/],
    ['file.', /dot or a space/],
    ['src /x.py', /dot or a space/],
    ['x/.git::$INDEX_ALLOCATION/hooks/post-checkout', /':'/],
    ['é'.repeat(128), /255 bytes/],
    ['a/'.repeat(512) + 'x', /1024/],
  ];
  for (const [p, reason] of cases) {
    assert.match(refusedReason(root, p), reason, `reason for ${JSON.stringify(p)}`);
  }
  assert.deepEqual(fs.readdirSync(root), [], 'checking creates nothing');
  assert.deepEqual(fs.readdirSync(outside), []);
});

test('confinePath fails with one line that quotes the path and says what to do', () => {
  const { root } = sandbox();
  const r = confinePath(root, '../../etc/passwd');
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'bad-input');
  assert.match(
    r.error.message,
    /^refused path "\.\.\/\.\.\/etc\/passwd": .*climbs above.*; propose a file path relative to the output folder$/,
  );
  const long = confinePath(root, `${'x'.repeat(2000)}\nrm -rf /`);
  assert.ok(!long.ok);
  assert.ok(!long.error.message.includes('\n') && long.error.message.length < 300, long.error.message);
});

test("tool folders are let through with allowToolDirs, for the pipeline's own files", () => {
  const { root } = sandbox();
  assert.equal(accepted(root, '.papertrail/paper.json', { allowToolDirs: true }), '.papertrail/paper.json');
  // The other rules still hold.
  assert.match(refusedReason(root, '.papertrail/../../x', { allowToolDirs: true }), /climbs above/);
});

test('a symlink on the way that leads outside the folder is refused, at any depth', () => {
  const { root, outside } = sandbox();
  fs.symlinkSync(outside, path.join(root, 'link'));
  fs.mkdirSync(path.join(root, 'a'));
  fs.symlinkSync(outside, path.join(root, 'a', 'b'));
  fs.writeFileSync(path.join(outside, 'secret.py'), 'x = 1\n');
  fs.symlinkSync(path.join(outside, 'secret.py'), path.join(root, 'model.py'));
  fs.symlinkSync('../../', path.join(root, 'up'));

  for (const p of ['link/x.py', 'link/deep/er/x.py', 'a/b/c/d.py', 'model.py', 'up/x.py']) {
    assert.match(refusedReason(root, p), /leads outside the folder through a symlink/, p);
  }
  assert.deepEqual(fs.readdirSync(outside), ['secret.py']);
});

test('a dangling symlink is refused: writing through it would create its target', () => {
  const { root, outside } = sandbox();
  fs.symlinkSync(path.join(outside, 'not-yet'), path.join(root, 'dangling'));
  assert.match(refusedReason(root, 'dangling'), /symlink/);
  assert.match(refusedReason(root, 'dangling/x.py'), /symlink/);
});

test('symlinks that stay inside the folder are fine, also when the folder itself is reached through one', () => {
  const { root, outside } = sandbox();
  fs.mkdirSync(path.join(root, 'real'));
  fs.symlinkSync(path.join(root, 'real'), path.join(root, 'alias'));
  fs.symlinkSync('.', path.join(root, 'self'));
  assert.equal(accepted(root, 'alias/x.py'), 'alias/x.py');
  assert.equal(accepted(root, 'self/x.py'), 'self/x.py');

  const viaLink = path.join(outside, 'root-link');
  fs.symlinkSync(root, viaLink);
  assert.equal(accepted(viaLink, 'alias/x.py'), 'alias/x.py');
  fs.symlinkSync(outside, path.join(root, 'out-link'));
  assert.match(refusedReason(viaLink, 'out-link/x.py'), /leads outside/);
});

test('a lexical .. around a symlink is resolved before the walk, so it cannot hop out', () => {
  const { root, outside } = sandbox();
  fs.symlinkSync(path.join(outside), path.join(root, 'link'));
  // 'link/..' would be outside's parent if the OS followed the link; lexically it is the root.
  assert.equal(accepted(root, 'link/../x.py'), 'x.py');
});

test('a root that does not exist yet needs no symlink check', () => {
  const root = path.join(tempDir(), 'not', 'yet');
  assert.equal(accepted(root, 'src/model.py'), 'src/model.py');
  assert.equal(fs.existsSync(root), false);
});
