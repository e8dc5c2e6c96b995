// The shell helpers every script sources (scripts/lib.sh): nested npm and node calls start
// without the outer npm's variables, and a failed step is one line that says what to do.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const ROOT = process.env.PAPERTRAIL_REPO_ROOT ?? process.cwd();

function bash(script: string, env: Record<string, string> = {}) {
  return spawnSync('bash', ['-c', `. scripts/lib.sh\n${script}`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), ...env },
  });
}

test("inside `npm test`, the outer npm's variables do not reach nested npm and node calls", () => {
  const r = bash('env | grep -E "^(npm_|NODE=|INIT_CWD=)" || echo none', {
    npm_config_user_agent: 'npm/11.19.1 node/v20.20.2 linux x64',
    npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
    npm_lifecycle_event: 'test',
    NODE: '/usr/bin/node',
    INIT_CWD: '/somewhere',
  });
  assert.equal(r.stdout.trim(), 'none');
});

test('a failed install step prints one line: the step, its last output line, what to do and the log', () => {
  const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'pt-step-'));
  const r = bash(
    'step "npm install code-server@1" "Run again after fixing it." bash -c "echo a lot of npm output; echo; echo ERROR: code-server needs node v24 >&2; exit 3"; echo "rc=$?"',
    { STEP_LOG_DIR: logs },
  );
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2, r.stdout);
  assert.match(
    lines[0]!,
    /^\[papertrail\] FAILED: npm install code-server@1 \(exit 3; last line: ERROR: code-server needs node v24\)\. Run again after fixing it\. Full log: .*papertrail-npm-install-code-server-1\.log$/,
  );
  assert.equal(lines[1], 'rc=3');
  const log = lines[0]!.replace(/^.*Full log: /, '');
  assert.match(fs.readFileSync(log, 'utf8'), /a lot of npm output/);
});
