// The run record in <run dir> (by default <out>/.papertrail/runs/<id>/): run.json with the
// options and progress, one JSON file per call with its prompt, every exchange and its
// token counts. A resumed run replays a call whose key and prompt hash match a finished
// record instead of asking the model again.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ChatMessage, ChatUsage } from '../llm/provider';
import { writeFileAtomic } from '../workspace/writer';
import type { Exchange } from './call';
import type { RunOptions, Stage } from './options';

export const RUNS_DIR = path.join('.papertrail', 'runs');

export type RunStatus = 'running' | 'planned' | 'generated' | 'written' | 'failed' | 'cancelled';

export interface RunRecord {
  version: 1;
  id: string;
  createdAt: string;
  updatedAt: string;
  status: RunStatus;
  /** What the user gave (path as given, arXiv id or URL) and what it parsed to. */
  paper: { source: string; id: string; title: string };
  /** Several papers: each as given with its key, the main one first (`paper` is the main one too). */
  papers?: { key: string; source: string; id: string; title: string }[];
  /** Paper keys renamed in the plan review, old → new: applied to the plan again on resume. */
  keyRenames?: Record<string, string>;
  outDir: string;
  options: RunOptions;
  /** The config as the user edited it during plan review; replaces the planned one. */
  configOverride?: string;
  /** Last failure, one line. */
  error?: string;
  /** The user approved the plan (the editor does not ask again on resume). */
  reviewed?: boolean;
  /** Which model source the run used, as the front end names it ({kind: "vscode", id} / {kind: "openai"}). */
  modelChoice?: { kind: string; id?: string };
  /** The verify stage's outcome; every round's output is in verify.json beside this record. */
  verify?: { passed: boolean; rounds: number };
}

export interface CallRecord {
  key: string;
  stage: Stage | 'repair';
  file?: string;
  model: string;
  provider: string;
  /** sha256 of the model and messages: a replay needs the same prompt. */
  hash: string;
  messages: ChatMessage[];
  exchanges: Exchange[];
  usage: ChatUsage;
  cost?: number;
  /** Characters of the prompt in the run-wide shared prefix (system message, plus the plan after planning). */
  sharedPrefixChars: number;
  promptChars: number;
  startedAt: string;
  durationMs: number;
  ok: boolean;
  /** The validated answer; present when ok. */
  answer?: unknown;
  error?: string;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${crypto.randomBytes(2).toString('hex')}`;
}

export function promptHash(model: string, messages: ChatMessage[]): string {
  const h = crypto.createHash('sha256').update(model);
  for (const m of messages) h.update(`\0${m.role}\0${m.content}`);
  return h.digest('hex');
}

export class RunStore {
  constructor(readonly dir: string) {}

  static create(runsDir: string, record: Omit<RunRecord, 'version' | 'createdAt' | 'updatedAt'>): RunStore {
    const store = new RunStore(path.join(runsDir, record.id));
    const now = new Date().toISOString();
    store.save({ version: 1, createdAt: now, updatedAt: now, ...record });
    return store;
  }

  static open(dir: string): RunStore | undefined {
    return fs.existsSync(path.join(dir, 'run.json')) ? new RunStore(dir) : undefined;
  }

  read(): RunRecord {
    return JSON.parse(fs.readFileSync(path.join(this.dir, 'run.json'), 'utf8')) as RunRecord;
  }

  save(record: RunRecord): void {
    writeFileAtomic(path.join(this.dir, 'run.json'), JSON.stringify({ ...record, updatedAt: new Date().toISOString() }, null, 2));
  }

  update(change: Partial<RunRecord>): RunRecord {
    const next = { ...this.read(), ...change };
    this.save(next);
    return next;
  }

  /** A finished call with this key and prompt, for replay. */
  replay(key: string, hash: string): CallRecord | undefined {
    const file = this.callFile(key);
    if (!fs.existsSync(file)) return undefined;
    try {
      const record = JSON.parse(fs.readFileSync(file, 'utf8')) as CallRecord;
      return record.ok && record.hash === hash ? record : undefined;
    } catch {
      return undefined;
    }
  }

  saveCall(record: CallRecord): void {
    writeFileAtomic(this.callFile(record.key), JSON.stringify(record, null, 1));
  }

  private callFile(key: string): string {
    // Readable, and unique: "code:a/b.py" and "code:a_b.py" slug alike.
    const slug = key.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
    return path.join(this.dir, 'calls', `${slug}-${crypto.createHash('sha1').update(key).digest('hex').slice(0, 8)}.json`);
  }
}

/** The newest run in `runsDir` that has not been written out yet (or any, with `any`). */
export function latestRun(runsDir: string, any = false): RunStore | undefined {
  if (!fs.existsSync(runsDir)) return undefined;
  const ids = fs
    .readdirSync(runsDir)
    .filter((d) => fs.existsSync(path.join(runsDir, d, 'run.json')))
    .sort()
    .reverse();
  for (const id of ids) {
    const store = new RunStore(path.join(runsDir, id));
    if (any || store.read().status !== 'written') return store;
  }
  return undefined;
}
