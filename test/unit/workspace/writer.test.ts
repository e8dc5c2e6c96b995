import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { PlannedFile } from '../../../src/core/workspace/writer';
import { planWrite, writeFileAtomic, writeFiles } from '../../../src/core/workspace/writer';

// An output folder with a sibling outside it, so a test can see that nothing leaked there.
function sandbox(): { base: string; root: string; outside: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-writer-'));
  const root = path.join(base, 'out');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  return { base, root, outside };
}

/** Every file under dir, relative, with forward slashes, sorted. */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => !fs.lstatSync(path.join(dir, f)).isDirectory())
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

function read(root: string, rel: string): string {
  return fs.readFileSync(path.join(root, rel), 'utf8');
}

function put(root: string, rel: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
  fs.writeFileSync(path.join(root, rel), content);
}

test('writes new files with their folders and reports them in order', () => {
  const { root } = sandbox();
  const r = writeFiles(root, [
    { path: 'src/model.py', content: 'import torch\n' },
    { path: './configs\\base.yaml', content: 'lr: 0.001\n' },
    { path: 'README.md', content: '# Paper\n' },
  ]);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(r.value, { written: ['src/model.py', 'configs/base.yaml', 'README.md'], unchanged: [], refused: [] });
  assert.deepEqual(tree(root), ['README.md', 'configs/base.yaml', 'src/model.py']);
  assert.equal(read(root, 'configs/base.yaml'), 'lr: 0.001\n');
});

test('an output folder that does not exist yet is created', () => {
  const { base } = sandbox();
  const root = path.join(base, 'new', 'repo');
  const r = writeFiles(root, [{ path: 'a.py', content: 'a = 1\n' }]);
  assert.ok(r.ok);
  assert.equal(read(root, 'a.py'), 'a = 1\n');
});

test('planWrite sorts files into create, overwrite, unchanged and refused, and writes nothing', () => {
  const { root } = sandbox();
  put(root, 'same.py', 'x = 1\n');
  put(root, 'changed.py', 'x = 1\n');
  put(root, 'longer.py', 'x = 1\n');
  const plan = planWrite(root, [
    { path: 'new.py', content: 'n\n' },
    { path: 'same.py', content: 'x = 1\n' },
    { path: 'changed.py', content: 'x = 2\n' }, // same size, different bytes
    { path: 'longer.py', content: 'x = 10\n' },
    { path: '../escape.py', content: '' },
  ]);
  assert.deepEqual(plan.create, ['new.py']);
  assert.deepEqual(plan.overwrite, ['changed.py', 'longer.py']);
  assert.deepEqual(plan.unchanged, ['same.py']);
  assert.deepEqual(
    plan.refused.map((r) => r.path),
    ['../escape.py'],
  );
  assert.deepEqual(tree(root), ['changed.py', 'longer.py', 'same.py']);
  assert.equal(read(root, 'changed.py'), 'x = 1\n');
});

test('the same path proposed twice, after normalisation or differing only in case or Unicode form: the later one is refused', () => {
  const { root } = sandbox();
  const plan = planWrite(root, [
    { path: 'model.py', content: 'first\n' },
    { path: './model.py', content: 'second\n' },
    { path: 'Model.py', content: 'third\n' },
    { path: 'caf\u00e9.py', content: 'nfc\n' },
    { path: 'cafe\u0301.py', content: 'nfd\n' },
  ]);
  assert.deepEqual(plan.create, ['model.py', 'caf\u00e9.py']);
  assert.deepEqual(plan.refused, [
    { path: './model.py', reason: 'proposed twice' },
    { path: 'Model.py', reason: 'proposed twice' },
    { path: 'cafe\u0301.py', reason: 'proposed twice' },
  ]);
  const r = writeFiles(root, [
    { path: 'model.py', content: 'first\n' },
    { path: 'MODEL.py', content: 'second\n' },
  ]);
  assert.ok(r.ok);
  assert.equal(read(root, 'model.py'), 'first\n');
  assert.deepEqual(tree(root), ['model.py']);
});

test('a path whose folder is a file (in the list or on disk), or that is a folder on disk, is refused', () => {
  const { root } = sandbox();
  put(root, 'data', 'I am a file\n');
  fs.mkdirSync(path.join(root, 'results'));
  const plan = planWrite(root, [
    { path: 'data/train.csv', content: '' },
    { path: 'results', content: '' },
    { path: 'utils', content: 'file\n' },
    { path: 'utils/io.py', content: '' },
    { path: 'lib/x.py', content: '' },
    { path: 'lib', content: '' },
  ]);
  assert.deepEqual(plan.create, ['utils', 'lib/x.py']);
  assert.deepEqual(
    plan.refused.map((r) => r.path),
    ['data/train.csv', 'results', 'utils/io.py', 'lib'],
  );
  assert.match(plan.refused[0].reason, /'data' already exists and is not a folder/);
  assert.match(plan.refused[1].reason, /folder with this name already exists/);
  assert.match(plan.refused[2].reason, /'utils' is also proposed as a file/);
  assert.match(plan.refused[3].reason, /uses it as a folder/);
});

test('refused paths do not stop the others, are reported, and nothing is created outside the folder', () => {
  const { base, root, outside } = sandbox();
  fs.symlinkSync(outside, path.join(root, 'link'));
  const hostile: PlannedFile[] = [
    '../outside/pwned.py',
    '../../pwned.py',
    path.join(outside, 'abs.py'),
    'link/through.py',
    'file:///tmp/url.py',
    '.git/hooks/pre-commit',
    '.vscode/tasks.json',
    'src/../../outside/x.py',
    'CON.py',
    'a\0b.py',
  ].map((p) => ({ path: p, content: 'import os; os.system("rm -rf ~")\n' }));
  const r = writeFiles(root, [{ path: 'good.py', content: 'ok\n' }, ...hostile, { path: 'src/also_good.py', content: 'ok\n' }]);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(r.value.written, ['good.py', 'src/also_good.py']);
  assert.deepEqual(
    r.value.refused.map((x) => x.path),
    hostile.map((h) => h.path),
  );
  for (const x of r.value.refused) assert.ok(x.reason.length > 0);
  assert.deepEqual(fs.readdirSync(outside), []);
  assert.deepEqual(fs.readdirSync(base).sort(), ['out', 'outside']);
  assert.deepEqual(tree(root), ['good.py', 'link', 'src/also_good.py']);
});

test('the pipeline may write its own .papertrail/paper.json with allowToolDirs', () => {
  const { root } = sandbox();
  const files = [{ path: '.papertrail/paper.json', content: '{"id": "x"}\n' }];
  const refused = writeFiles(root, files);
  assert.ok(refused.ok);
  assert.deepEqual(refused.value.written, []);
  assert.equal(refused.value.refused.length, 1);
  const allowed = writeFiles(root, files, { allowToolDirs: true });
  assert.ok(allowed.ok);
  assert.deepEqual(allowed.value.written, ['.papertrail/paper.json']);
  assert.equal(read(root, '.papertrail/paper.json'), '{"id": "x"}\n');
});

test('without force, one changed file makes it write nothing at all and say how to go on', () => {
  const { root } = sandbox();
  put(root, 'model.py', 'my own work\n');
  const r = writeFiles(root, [
    { path: 'new/first.py', content: 'new\n' },
    { path: 'model.py', content: 'generated\n' },
    { path: 'second.py', content: 'new\n' },
  ]);
  assert.ok(!r.ok);
  assert.equal(r.error.code, 'bad-input');
  assert.match(r.error.message, /^1 file already exist.*\(model\.py\).*nothing was written.*--force.*choose another folder$/);
  assert.equal(read(root, 'model.py'), 'my own work\n');
  assert.deepEqual(tree(root), ['model.py']);
});

test('the conflict message names the first three files and counts the rest', () => {
  const { root } = sandbox();
  const names = ['a.py', 'b.py', 'c.py', 'd.py', 'e.py'];
  for (const n of names) put(root, n, 'mine\n');
  const r = writeFiles(
    root,
    names.map((n) => ({ path: n, content: 'theirs\n' })),
  );
  assert.ok(!r.ok);
  assert.match(r.error.message, /^5 files already exist with different content \(a\.py, b\.py, c\.py and 2 more\)/);
  assert.ok(!r.error.message.includes('d.py'));
  for (const n of names) assert.equal(read(root, n), 'mine\n');
});

test('with force, changed files are overwritten and keep their permissions', () => {
  const { root } = sandbox();
  put(root, 'run.sh', '#!/bin/sh\necho old\n');
  fs.chmodSync(path.join(root, 'run.sh'), 0o755);
  const r = writeFiles(
    root,
    [
      { path: 'run.sh', content: '#!/bin/sh\necho new\n' },
      { path: 'x.py', content: '' },
    ],
    { force: true },
  );
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(r.value.written, ['run.sh', 'x.py']);
  assert.equal(read(root, 'run.sh'), '#!/bin/sh\necho new\n');
  assert.equal(fs.statSync(path.join(root, 'run.sh')).mode & 0o777, 0o755);
  assert.deepEqual(tree(root), ['run.sh', 'x.py']);
});

test('files with the same content are left untouched and reported unchanged; they are no conflict', () => {
  const { root } = sandbox();
  put(root, 'model.py', 'same\n');
  const old = new Date('2020-01-01T00:00:00Z');
  fs.utimesSync(path.join(root, 'model.py'), old, old);
  const inode = fs.statSync(path.join(root, 'model.py')).ino;
  const r = writeFiles(root, [
    { path: 'model.py', content: 'same\n' },
    { path: 'new.py', content: 'n\n' },
  ]);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(r.value, { written: ['new.py'], unchanged: ['model.py'], refused: [] });
  const stat = fs.statSync(path.join(root, 'model.py'));
  assert.equal(stat.mtimeMs, old.getTime());
  assert.equal(stat.ino, inode);
  // A second identical run writes nothing.
  const again = writeFiles(root, [
    { path: 'model.py', content: 'same\n' },
    { path: 'new.py', content: 'n\n' },
  ]);
  assert.ok(again.ok);
  assert.deepEqual(again.value.written, []);
  assert.deepEqual(again.value.unchanged, ['model.py', 'new.py']);
});

test('an output folder that is a file fails with a message and writes nothing', () => {
  const { base } = sandbox();
  const root = path.join(base, 'a-file');
  fs.writeFileSync(root, 'x');
  const r = writeFiles(root, [{ path: 'a.py', content: '' }]);
  assert.ok(!r.ok);
  assert.match(r.error.message, /is not a folder; choose a folder/);
  assert.equal(fs.readFileSync(root, 'utf8'), 'x');
});

test('a write that fails part-way says which file and how many were written before it', {
  skip: process.getuid?.() === 0 ? 'root ignores folder permissions' : false,
}, () => {
  const { root } = sandbox();
  fs.mkdirSync(path.join(root, 'locked'));
  fs.chmodSync(path.join(root, 'locked'), 0o555);
  try {
    const r = writeFiles(root, [
      { path: 'a.py', content: '' },
      { path: 'locked/b.py', content: '' },
    ]);
    assert.ok(!r.ok);
    assert.match(r.error.message, /could not write "locked\/b\.py": .*1 written before it \(a\.py\)/);
    assert.deepEqual(fs.readdirSync(path.join(root, 'locked')), []);
  } finally {
    fs.chmodSync(path.join(root, 'locked'), 0o755);
  }
});

test('writeFileAtomic writes text and bytes, creates folders, replaces a file, and leaves no temp file', () => {
  const { root } = sandbox();
  const file = path.join(root, 'deep', 'er', 'w.bin');
  writeFileAtomic(file, new Uint8Array([0, 1, 2, 255]));
  assert.deepEqual([...fs.readFileSync(file)], [0, 1, 2, 255]);
  writeFileAtomic(file, 'text ✓\n');
  assert.equal(fs.readFileSync(file, 'utf8'), 'text ✓\n');
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['w.bin']);
});

test('writeFileAtomic replaces a symlink inside the folder instead of writing through it', () => {
  const { root } = sandbox();
  put(root, 'target.py', 'target\n');
  fs.symlinkSync(path.join(root, 'target.py'), path.join(root, 'alias.py'));
  writeFileAtomic(path.join(root, 'alias.py'), 'alias\n');
  assert.equal(read(root, 'target.py'), 'target\n');
  assert.equal(fs.lstatSync(path.join(root, 'alias.py')).isSymbolicLink(), false);
});

test('when the rename fails (the target is a folder) writeFileAtomic throws and removes its temp file', () => {
  const { root } = sandbox();
  fs.mkdirSync(path.join(root, 'target', 'inside'), { recursive: true });
  fs.mkdirSync(path.join(root, 'empty'));
  for (const name of ['target', 'empty']) {
    assert.throws(() => writeFileAtomic(path.join(root, name), 'content'));
  }
  assert.deepEqual(fs.readdirSync(root).sort(), ['empty', 'target']);
  assert.deepEqual(fs.readdirSync(path.join(root, 'target')), ['inside']);
});

test('writeFileAtomic keeps the temp name short enough for a 255-byte file name', () => {
  const { root } = sandbox();
  const name = 'é'.repeat(127) + 'a';
  writeFileAtomic(path.join(root, name), 'x');
  assert.deepEqual(fs.readdirSync(root), [name]);
});
