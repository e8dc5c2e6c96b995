// Live progress of a reimplementation run: one status line rewritten in place on a
// terminal, a line per finished call otherwise, JSON lines with --json.
import type { ChatUsage } from '../core/llm/provider';
import type { CostEstimate } from '../core/pipeline/estimate';
import type { PipelineEvent, StageTotals } from '../core/pipeline/pipeline';
import type { CliIo } from './io';

export interface ProgressPrinter {
  event: (e: PipelineEvent) => void;
  info: (line: string) => void;
  done: () => void;
}

export function progressPrinter(io: CliIo, json: boolean): ProgressPrinter {
  const tty = !json && Boolean(process.stderr.isTTY);
  const started = Date.now();
  let stage = '';
  let tokens = 0;
  let cost: number | undefined = 0;
  const inFlight = new Set<string>();
  let status = '';
  const clear = (): void => {
    if (tty && status) io.stderr(`\r${' '.repeat(status.length)}\r`);
  };
  const line = (text: string): void => {
    clear();
    io.stderr(text + '\n');
    draw();
  };
  const draw = (): void => {
    if (!tty) return;
    const files = [...inFlight].map((k) => k.replace(/^[a-z0-9-]+:/, '')).join(', ');
    status = `[${stage}] ${files || '…'} · ${formatTokens(tokens)} tokens · ${formatCost(cost)} · ${elapsed(started)}`.slice(
      0,
      (process.stderr.columns || 100) - 1,
    );
    io.stderr(`\r${status}`);
  };
  return {
    info: (text) => (json ? io.stdout(JSON.stringify({ type: 'info', message: text }) + '\n') : line(text)),
    event: (e) => {
      if (e.type === 'text') {
        if (tty) draw();
        return;
      }
      if (json) {
        io.stdout(JSON.stringify({ ...e, elapsedMs: Date.now() - started }) + '\n');
        return;
      }
      if (e.type === 'stage') {
        stage = e.stage;
        line(`${e.stage}…`);
      } else if (e.type === 'call') {
        if (e.state === 'start') inFlight.add(e.key);
        else inFlight.delete(e.key);
        if (e.usage) tokens += e.usage.promptTokens + e.usage.completionTokens;
        if (e.state === 'done') cost = cost === undefined || e.cost === undefined ? undefined : cost + e.cost;
        if (e.state === 'done') line(`  ✓ ${e.key}  ${formatUsage(e.usage)}  ${((e.durationMs ?? 0) / 1000).toFixed(1)} s`);
        else if (e.state === 'replayed') line(`  ↺ ${e.key}  (from the run record)`);
        else if (e.state === 'failed') {
          line(`  ✗ ${e.key}  ${e.error ?? ''}`);
          if (e.answer) line(`    the model answered: ${e.answer.replace(/\s+/g, ' ').slice(0, 300)}${e.answer.length > 300 ? '…' : ''}`);
        } else draw();
      } else if (e.type === 'retry') line(`  … ${e.key}: ${e.reason}; retry ${e.attempt} in ${(e.delayMs / 1000).toFixed(1)} s`);
      else if (e.type === 'warning') line(`  ! ${e.message}`);
      else if (e.type === 'verify') line(`  ${e.line}`);
    },
    done: clear,
  };
}

export function formatTotals(totals: Record<string, StageTotals>): string {
  const rows = Object.entries(totals).filter(([, t]) => t.calls);
  const sum = rows.reduce((n, [, t]) => n + t.usage.promptTokens + t.usage.completionTokens, 0);
  const costs = rows.map(([, t]) => t.cost);
  const total = costs.every((c) => c !== undefined) ? costs.reduce((a, b) => a! + b!, 0) : undefined;
  return `tokens: ${rows.map(([s, t]) => `${s} ${formatTokens(t.usage.promptTokens + t.usage.completionTokens)}${t.replayed ? ` (${t.replayed} replayed)` : ''}`).join(', ')}; total ${formatTokens(sum)}, ${total === undefined ? formatCost(total) : `cost ${formatCost(total)}`}`;
}

export function formatEstimate(e: CostEstimate): string {
  return `estimate for the rest: ${e.calls} calls, ~${formatTokens(e.promptTokens)} prompt + ~${formatTokens(e.completionTokens)} answer tokens, ${e.cost === undefined ? formatCost(e.cost) : `~${formatCost(e.cost)}`}`;
}

function formatUsage(u: ChatUsage | undefined): string {
  if (!u) return '';
  return `${formatTokens(u.promptTokens)} in${u.cachedPromptTokens ? ` (${formatTokens(u.cachedPromptTokens)} cached)` : ''} / ${formatTokens(u.completionTokens)} out`;
}

function formatTokens(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}

function formatCost(c: number | undefined): string {
  return c === undefined ? 'cost unknown (model not in the price table)' : `$${c.toFixed(c < 1 ? 3 : 2)}`;
}

function elapsed(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
