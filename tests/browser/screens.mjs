// Layout screenshots for people to look at (not a pass/fail test): the page at three window sizes,
// with Settings open, a node menu open, the unsafe banner on, and a cluster grown to 15 servers. Same Chromium flags as run.mjs.
// usage: node tests/browser/screens.mjs [SITE_DIR] [OUT_DIR]   (default build/web/site, tests/browser/out/screens)
// Prints, per shot, any window that reaches past the display's edge.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const site = path.resolve(process.argv[2] || path.join(here, '..', '..', 'build', 'web', 'site'));
const out = path.resolve(process.argv[3] || path.join(here, 'out', 'screens'));
const SIZES = [[1024, 640], [1280, 800], [1920, 1080], [2560, 1440]];
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
];

const api = (page, fn, ...args) => page.evaluate(([f, a]) => window.Module[f](...a), [fn, args]);
async function frames(page, n = 3) {
  const start = await api(page, 'frameCount');
  await page.waitForFunction((s) => window.Module.frameCount() >= s, start + n, { timeout: 10000, polling: 'raf' });
}
async function click(page, p) {
  await page.mouse.move(p.x, p.y);
  await frames(page, 2);
  await page.mouse.down();
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 3);
}
async function waitItem(page, key) {
  for (let i = 0; i < 30; i++) {
    const p = await api(page, 'itemPosition', key);
    if (p) return p;
    await frames(page, 1);
  }
  throw new Error(`no control "${key}"`);
}
// Closes menus by clicking the status bar's right end (nothing to click there).
async function closeMenus(page) {
  const bar = await api(page, 'windowRect', 'Status');
  await click(page, { x: bar.x + bar.w - 8, y: bar.y + bar.h / 2 });
}
// Windows that reach past the display (clipped).
async function clipped(page, w, h) {
  const names = ['node_menu', 'Settings', 'Cluster', 'Logs', 'Inspector', 'Events', 'Scrubber', 'unsafe_banner'];
  const bad = [];
  for (const n of names) {
    const r = await api(page, 'windowRect', n);
    if (r && (r.x < 0 || r.y < 0 || r.x + r.w > w + 0.5 || r.y + r.h > h + 0.5)) bad.push(`${n} ${JSON.stringify(r)}`);
  }
  return bad;
}

fs.mkdirSync(out, { recursive: true });
const server = await serve(site);
const url = `http://127.0.0.1:${server.address().port}/`;
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'raftlab-screens-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true, args: FLAGS, viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1,
});
try {
  for (const [w, h] of SIZES) {
    const page = await context.newPage();
    await page.setViewportSize({ width: w, height: h });
    await page.goto(url);
    await page.waitForFunction(() => window.raftlabFirstFrameMs !== undefined, null, { timeout: 20000 });
    await api(page, 'pause', true);
    for (let i = 0; i < 100 && !(await api(page, 'state')).leader; i++) await api(page, 'run', 50);
    await api(page, 'run', 500);
    const s = await api(page, 'state');
    const shot = async (name) => {
      await frames(page, 3);
      const file = path.join(out, `${w}x${h}-${name}.png`);
      await page.screenshot({ path: file });
      const bad = await clipped(page, w, h);
      console.log(`${path.relative(process.cwd(), file)}${bad.length ? `  past the edge: ${bad.join('; ')}` : ''}`);
    };
    await click(page, await waitItem(page, 'Settings'));
    await waitItem(page, 'forget_vote');
    await shot('settings');
    await closeMenus(page);
    await frames(page, 3);
    const follower = s.nodes.find((n) => n.up && n.name !== s.leader).name;
    await click(page, await api(page, 'nodePosition', follower));
    await waitItem(page, 'Inspect');
    await shot('node-menu');
    await closeMenus(page);
    await click(page, await waitItem(page, 'Settings'));
    await click(page, await waitItem(page, 'forget_vote'));
    await closeMenus(page);
    await click(page, await api(page, 'nodePosition', s.leader));
    await waitItem(page, 'Inspect');
    await shot('unsafe-banner-leader-menu');
    await closeMenus(page);
    // The largest cluster (15 servers, grown one at a time, one removed): ring, labels and log rows.
    const grow = ['nodes 5', 'seed 3', 'clients 2 rate 10/s', 'run 1s'];
    for (let k = 6; k <= 15; k++) grow.push(`add s${k}`, 'run 400ms');
    grow.push('remove s3', 'run 600ms');
    const err = await api(page, 'loadScenario', grow.join('\n'));
    if (err) throw new Error(`loadScenario: ${err}`);
    await api(page, 'pause', true);
    await api(page, 'seek', 5.6e6);
    await shot('membership-15');
    await page.close();
  }
} finally {
  await context.close();
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
