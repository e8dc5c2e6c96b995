// Loads the workbench with the smoke-test driver and waits for the extension host to run
// extensionTestsPath; its console output is echoed here. usage: node itest-driver.mjs URL
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';

const url = process.argv[2];
const timeoutMs = Number(process.env.PAPERTRAIL_ITEST_TIMEOUT ?? 180000);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'papertrail-chromium-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.PAPERTRAIL_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
let done;
const exited = new Promise((r) => (done = r));
// The workbench's own chatter; everything else from the extension host is shown.
const noise =
  /ChatModelSelection|AgentHost|AccountPolicyGate|open-vsx|queryGallery|Canceled|^\s+at |Creating a socket|connection token|\[Extension Host\] *$/;
await page.exposeFunction('codeAutomationLog', (_type, args) => {
  const line = format(...(args ?? []));
  if (process.env.PAPERTRAIL_VERBOSE || !noise.test(line)) console.log('  ' + line);
});
await page.exposeFunction('codeAutomationExit', (code) => done(code));
await page.goto(url);
const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), timeoutMs))]);
if (code === 'timeout') console.log(`extension-host tests did not finish within ${timeoutMs / 1000}s`);
await ctx.close();
fs.rmSync(profile, { recursive: true, force: true });
process.exit(code === 0 ? 0 : 1);
