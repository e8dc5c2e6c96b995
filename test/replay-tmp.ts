import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOpenAIProvider } from '../src/core/llm/openaiProvider';
import { DEFAULT_PRICES } from '../src/core/llm/pricing';
import { DEFAULT_OPTIONS } from '../src/core/pipeline/options';
import { runPipeline } from '../src/core/pipeline/pipeline';
import { startRun } from '../src/core/pipeline/session';
import { startScriptedServer } from './fixtures/llm/scriptedServer';
import { transcriptScript } from './fixtures/llm/transcript';
async function main() {
const run = process.argv[2]!; const wrap = process.argv[3] === 'wrap';
const T = path.resolve('../shared/transcripts', run);
const paper = run === 'dyt' ? path.join(T, 'paper.tex') : path.resolve('../shared/papers/2020.acl-main.207.pdf');
const server = await startScriptedServer(transcriptScript(path.join(T, 'run'), { asLocalServer: wrap }));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
const t0 = Date.now();
const prepared = await startRun({ source: paper, outDir: tmp, options: { ...DEFAULT_OPTIONS, models: { default: 'scripted-model' }, ...(run === 'specter' ? { scope: ['2'] } : {}) }, cwd: tmp });
if (!prepared.ok) throw new Error(prepared.error.message);
const warnings: string[] = [];
const result = await runPipeline({ ...prepared.value, provider: createOpenAIProvider({ baseURL: server.url, apiKey: 'k' }), prices: DEFAULT_PRICES, policy: { retries: 1, baseDelayMs: 10, maxDelayMs: 20 }, onEvent: (e: any) => { if (e.type === 'warning') warnings.push(e.message); if (e.type==='call' && e.state==='failed') console.log('FAILED', e.key, e.error); } });
console.log('ms', Date.now() - t0, 'requests', server.requests.length);
if (!result.ok) console.log('ERR', result.error.message);
else { console.log(result.value.status, result.value.files.length, JSON.stringify(result.value.citations).slice(0, 1500)); console.log(Object.entries(result.value.totals).map(([k, v]: any) => `${k}:${v.calls}`).join(' ')); }
console.log(warnings.slice(0, 10).join('\n'));
await server.close();

}
void main();
