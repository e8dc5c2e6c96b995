// Where the cache lives, that its writes are atomic, and that a damaged entry costs a re-parse.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { cacheRoot, parsedKey, readParsed, writeFileAtomic, writeParsed } from '../../../src/core/paper/cache';
import type { ParseEvent } from '../../../src/core/paper/parse';
import { parsePaper } from '../../../src/core/paper/parse';
import { TREE } from '../../fixtures/latex/archive';

test('cache folder: --cache-dir, then $PAPERTRAIL_CACHE_DIR, then $XDG_CACHE_HOME/papertrail, then ~/.cache/papertrail', () => {
  assert.equal(cacheRoot({ cacheDir: '/c', env: { PAPERTRAIL_CACHE_DIR: '/p', XDG_CACHE_HOME: '/x', HOME: '/h' } }), '/c');
  assert.equal(cacheRoot({ env: { PAPERTRAIL_CACHE_DIR: '/p', XDG_CACHE_HOME: '/x', HOME: '/h' } }), '/p');
  assert.equal(cacheRoot({ env: { XDG_CACHE_HOME: '/x', HOME: '/h' } }), '/x/papertrail');
  assert.equal(
    cacheRoot({ env: { XDG_CACHE_HOME: 'relative', HOME: '/h' } }),
    '/h/.cache/papertrail',
    'XDG says relative paths are ignored',
  );
  assert.equal(cacheRoot({ env: { HOME: '/h' } }), '/h/.cache/papertrail');
});

test('atomic writes leave no temp files; an unwritable cache is not an error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-cache-'));
  assert.ok(writeFileAtomic(path.join(dir, 'a', 'b.json'), '{}'));
  assert.deepEqual(fs.readdirSync(path.join(dir, 'a')), ['b.json']);
  fs.writeFileSync(path.join(dir, 'file'), 'x');
  assert.equal(writeFileAtomic(path.join(dir, 'file', 'under-a-file.json'), '{}'), false);
});

function events(): { list: ParseEvent[]; onEvent: (e: ParseEvent) => void } {
  const list: ParseEvent[] = [];
  return { list, onEvent: (e) => list.push(e) };
}

test('LaTeX: the second parse is read back from the cache, and a corrupt entry is parsed again', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-cache-'));
  const env = { PAPERTRAIL_CACHE_DIR: dir };
  const e1 = events();
  const first = await parsePaper(TREE, { env, onEvent: e1.onEvent });
  assert.ok(first.ok);
  assert.deepEqual(
    e1.list.map((e) => e.type),
    ['read', 'cache-write'],
  );
  const e2 = events();
  const second = await parsePaper(TREE, { env, onEvent: e2.onEvent });
  assert.ok(second.ok);
  assert.deepEqual(
    e2.list.map((e) => e.type),
    ['cache-hit'],
    'the LaTeX scanner did not run',
  );
  assert.deepEqual(second.value, first.value);

  // Tear every cached entry: half a JSON document.
  const files = fs
    .readdirSync(path.join(dir, 'parsed'), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.json'));
  assert.equal(files.length, 1);
  const file = path.join(dir, 'parsed', files[0]!);
  const whole = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, whole.slice(0, whole.length / 2));
  const e3 = events();
  const third = await parsePaper(TREE, { env, onEvent: e3.onEvent });
  assert.ok(third.ok);
  assert.deepEqual(
    e3.list.map((e) => e.type),
    ['read', 'cache-write'],
    'parsed again, and the entry rewritten',
  );
  assert.deepEqual(third.value, first.value);
  assert.equal(fs.readFileSync(file, 'utf8'), whole);

  // Valid JSON of the wrong shape is not trusted either.
  fs.writeFileSync(file, JSON.stringify({ cacheVersion: 1, key: 'other', paper: { title: 'wrong' } }));
  const e4 = events();
  assert.ok((await parsePaper(TREE, { env, onEvent: e4.onEvent })).ok);
  assert.equal(e4.list[0]!.type, 'read');
});

test('the cache is written whether or not anyone listens to events', async () => {
  const env = { PAPERTRAIL_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'pt-cache-')) };
  assert.ok((await parsePaper(TREE, { env })).ok);
  const e = events();
  assert.ok((await parsePaper(TREE, { env, onEvent: e.onEvent })).ok);
  assert.deepEqual(
    e.list.map((x) => x.type),
    ['cache-hit'],
  );
});

test('a cache entry holds what was parsed under its own key only', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-cache-'));
  const k1 = parsedKey('pdf', 'aaa');
  const k2 = parsedKey('pdf', 'bbb');
  assert.notEqual(k1, k2);
  assert.equal(readParsed(dir, k1), undefined);
  const paper = {
    schemaVersion: 1,
    id: 'sha256:x',
    source: { kind: 'pdf', location: 'x', sha256: 'aaa' },
    title: 't',
    authors: [],
    abstract: '',
    pageCount: 0,
    pages: [],
    sections: [],
    equations: [],
    figures: [],
    tables: [],
    algorithms: [],
    passages: [],
    warnings: [],
  } as const;
  assert.ok(writeParsed(dir, k1, structuredClone(paper) as never));
  assert.equal(readParsed(dir, k1)?.title, 't');
  assert.equal(readParsed(dir, k2), undefined);
});
