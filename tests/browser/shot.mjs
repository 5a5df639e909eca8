// One screenshot of the page after a few JS API calls, for looking at a layout by hand (not a test).
// usage: node tests/browser/shot.mjs SITE_DIR OUT.png WIDTH HEIGHT 'JS run after the first frame'
// e.g.   node tests/browser/shot.mjs build/web/site /tmp/a.png 1024 640 "raft.loadScenario(raft.scenarioText('figure7-a'))"
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const [site, out, w, h, script] = process.argv.slice(2);
if (!site || !out) {
  console.error("usage: node tests/browser/shot.mjs SITE_DIR OUT.png [WIDTH HEIGHT] ['JS to run']");
  process.exit(2);
}
const FLAGS = ['--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'];
const server = await serve(path.resolve(site));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'raftlab-shot-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true, args: FLAGS,
  viewport: { width: Number(w) || 1280, height: Number(h) || 800 }, deviceScaleFactor: 1,
});
try {
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.raftlabFirstFrameMs !== undefined, null, { timeout: 20000 });
  if (script) console.log(await page.evaluate(script));
  const n = await page.evaluate(() => window.raft.frameCount());
  await page.waitForFunction((s) => window.raft.frameCount() >= s + 4, n, { timeout: 10000, polling: 'raf' });
  await page.screenshot({ path: out });
} finally {
  await context.close();
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
