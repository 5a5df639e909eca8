// Browser tests: drive the built page (build/web/site) in Debian's headless Chromium through
// playwright-core, clicking the real canvas at positions the page reports (nodePosition,
// messagePosition, itemPosition, windowRect: geometry the App records while drawing). Virtual time is controlled with pause/run/step, and every wait is a
// condition polled with a limit; nothing sleeps for correctness.
//
// usage: node tests/browser/run.mjs [SITE_DIR | --site DIR] [--out DIR] [--filter TEXT] [--list]
//   SITE_DIR       the built site (index.html + raftlab.js); default build/web/site
//   --out DIR      screenshots; default tests/browser/out
//   --filter TEXT  run only the tests whose name contains TEXT
// Prints one line per test and closes with "N passed, M failed"; exits 1 on any failure.
// RAFTLAB_TEST_DEBUG=1 logs every API call with a timestamp (to see where a test waits).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { decodePng, pixelStats, looksDrawn } from './png.mjs';
import { serve } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

// ---- command line ----
function usage(out) {
  out.write('usage: node tests/browser/run.mjs [SITE_DIR | --site DIR] [--out DIR] [--filter TEXT] [--list]\n');
}
const opt = { site: path.join(root, 'build', 'web', 'site'), out: path.join(here, 'out'), filter: '', list: false };
{
  const argv = process.argv.slice(2);
  let sitePositional = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) { console.error(`${a} needs a value`); usage(process.stderr); process.exit(2); }
      return argv[++i];
    };
    if (a === '--site') opt.site = path.resolve(value());
    else if (a === '--out') opt.out = path.resolve(value());
    else if (a === '--filter') opt.filter = value();
    else if (a === '--list') opt.list = true;
    else if (a === '--help' || a === '-h') { usage(process.stdout); process.exit(0); }
    else if (!a.startsWith('-') && !sitePositional) { sitePositional = true; opt.site = path.resolve(a); }
    else { console.error(`unknown argument: ${a}`); usage(process.stderr); process.exit(2); }
  }
}

// The gzipped size the page may not grow past (bytes of raftlab.js after gzip -9).
const BUDGET = JSON.parse(fs.readFileSync(path.join(here, 'bundle-budget.json'), 'utf8'));

// Exactly the flags TOOLCHAIN.md gotcha 7 verified (WebGL 2 in software).
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--use-angle=swiftshader',
];
const VIEWPORT = { width: 1280, height: 800 };

// ---- helpers over a page ----
class Lab {
  constructor(page, name) {
    this.page = page;
    this.name = name;
    this.errors = [];
    this.logs = [];
    page.on('console', (m) => {
      if (m.type() === 'error') this.errors.push(`console.error: ${m.text()}`);
      else this.logs.push(m.text());
    });
    page.on('pageerror', (e) => this.errors.push(`page error: ${e.message}`));
  }
  // Opens the page and waits for its first frame; returns ms from navigation start to it.
  // Opens the page and waits for it to settle: a share link's run is computed over the first
  // frames (state().seeking), unless `computing` asks to look at it while it is.
  async open(url, { computing = false } = {}) {
    await this.page.goto(url);
    await this.page.waitForFunction(() => window.raftlabFirstFrameMs !== undefined, null, { timeout: 20000 });
    if (!computing) await this.page.waitForFunction(() => !window.Module.state().seeking, null, { timeout: 60000, polling: 100 });
    return this.page.evaluate(() => window.raftlabFirstFrameMs);
  }
  call(fn, ...args) {
    if (process.env.RAFTLAB_TEST_DEBUG) console.log(`  ${new Date().toISOString().slice(11, 23)} ${fn}(${JSON.stringify(args).slice(1, -1)})`);
    return withTimeout(this.page.evaluate(([f, a]) => window.Module[f](...a), [fn, args]), 30000,
      `Module.${fn}(${JSON.stringify(args).slice(1, -1)}) did not return within 30 s (the page is stuck)`);
  }
  // A command that must succeed (the API returns "" or an error sentence).
  async ok(fn, ...args) {
    const r = await this.call(fn, ...args);
    if (r !== '') throw new Error(`${fn}(${args.map((a) => JSON.stringify(a)).join(', ')}) failed: ${r}`);
  }
  state() { return this.call('state'); }
  // Waits until the page has drawn `n` more frames (positions from the last frame are then current).
  async frames(n = 2) {
    const start = await this.call('frameCount');
    await this.page.waitForFunction((s) => window.Module.frameCount() >= s, start + n, { timeout: 10000, polling: 'raf' });
  }
  // Advances virtual time in `stepMs` slices until pred(state, params) holds; fails after `maxMs`
  // virtual ms. The loop runs inside the page (one round trip), so `pred` must be self-contained:
  // it sees only the state and `params`.
  async runUntil(what, pred, { stepMs = 20, maxMs = 10000, params = {} } = {}) {
    if (process.env.RAFTLAB_TEST_DEBUG) console.log(`  ${new Date().toISOString().slice(11, 23)} runUntil ${what}`);
    const r = await withTimeout(this.page.evaluate(([src, step, max, p]) => {
      const f = (0, eval)(`(${src})`);
      let s = window.Module.state();
      for (let t = 0; !f(s, p); t += step) {
        if (t >= max) return { timedOut: true, s };
        const err = window.Module.run(step);
        if (err) return { error: err, s };
        s = window.Module.state();
      }
      return { s };
    }, [pred.toString(), stepMs, maxMs, params]), 60000, `${what}: the page did not answer within 60 s (stuck?)`);
    if (r.error) throw new Error(`${what}: run failed: ${r.error}`);
    if (r.timedOut) throw new Error(`${what}: not within ${maxMs} ms of virtual time (now t=${r.s.time} us, leader ${r.s.leader}, term ${r.s.term})`);
    return r.s;
  }
  // Pauses real-time playback so only the test moves virtual time. The page plays from its first
  // frame until then, so the time it holds at depends on the machine's load (about 0.5 s here, over
  // 1 s on a loaded one): a test that needs an absolute time must go there (run or seek).
  async hold() {
    await this.ok('pause', true);
    await this.frames(1);
  }
  async click(x, y, button = 'left') {
    const m = this.page.mouse;
    await m.move(x, y);
    await this.frames(2);
    await m.down({ button });
    await this.frames(2);
    await m.up({ button });
    await this.frames(2);
  }
  // Presses at `from`, moves to `to` in `steps` frames, releases: a drag as a hand makes it.
  async drag(from, to, steps = 8) {
    const m = this.page.mouse;
    await m.move(from.x, from.y);
    await this.frames(2);
    await m.down();
    await this.frames(2);
    for (let i = 1; i <= steps; i++) {
      await m.move(from.x + (to.x - from.x) * i / steps, from.y + (to.y - from.y) * i / steps);
      await this.frames(1);
    }
    await m.up();
    await this.frames(2);
  }
  windowRect(name) { return this.call('windowRect', name); }
  // Waits for a window or popup ("node_menu", "message_menu", "Change the past?") to be drawn with
  // a size, then one more frame so that what is in it has settled; returns its rectangle.
  async waitForWindow(name) {
    for (let i = 0; i < 30; i++) {
      const r = await this.windowRect(name);
      if (r && r.h > 0) {
        await this.frames(1);
        return this.windowRect(name);
      }
      await this.frames(1);
    }
    throw new Error(`no window "${name}" was drawn`);
  }
  // The center of a control drawn in the last frame ("Crash", "Drop", "Fork", ...).
  async item(key) {
    const p = await this.call('itemPosition', key);
    if (!p) throw new Error(`no control "${key}" on screen`);
    return p;
  }
  // Waits for a control to be drawn (one in a menu that is opening); returns its center.
  async waitForItem(key) {
    for (let i = 0; i < 30; i++) {
      if (await this.call('itemPosition', key)) {
        await this.frames(1);
        return this.item(key);
      }
      await this.frames(1);
    }
    throw new Error(`no control "${key}" was drawn`);
  }
  // Share -> Copy share link, by clicking the menu bar. Returns the link the page copied: from the
  // clipboard, or from the console where the page logs it when the clipboard refuses.
  async copyShareLink() {
    await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(this.page.url()).origin });
    const seen = this.logs.length;
    const menu = await this.item('Share');
    await this.click(menu.x, menu.y);
    const item = await this.waitForItem('Copy share link');
    await this.click(item.x, item.y);
    for (let i = 0; i < 60; i++) {
      const text = this.logs.slice(seen).find((t) => t.startsWith('Raft Lab: share link'));
      const prefix = 'Raft Lab: share link: ';
      if (text !== undefined) return text.startsWith(prefix) ? text.slice(prefix.length) : this.page.evaluate(() => navigator.clipboard.readText());
      await this.frames(1);
    }
    throw new Error('Share -> Copy share link: the page neither copied nor logged a link');
  }
  async shot(name) {
    fs.mkdirSync(opt.out, { recursive: true });
    const file = path.join(opt.out, `${name}.png`);
    const buf = await this.page.screenshot({ path: file });
    return { file, buf };
  }
  assertNoErrors() {
    if (this.errors.length) throw new Error(`errors on the page:\n  ${this.errors.join('\n  ')}`);
  }
}

function withTimeout(promise, ms, message) {
  let timer;
  const limit = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}
const byName = (s, name) => s.nodes.find((n) => n.name === name);
const maxCommit = (s, names) => Math.max(...s.nodes.filter((n) => names.includes(n.name)).map((n) => n.commitIndex));
// Predicates for runUntil (self-contained: they run in the page).
const hasLeader = (s) => !!s.leader;
const newLeaderAfter = (s, p) => !!s.leader && s.leader !== p.leader && s.term > p.term;
const leaderAmong = (s, p) => s.nodes.some((n) => p.names.includes(n.name) && n.role === 'leader');
const commitAmongAtLeast = (s, p) => Math.max(...s.nodes.filter((n) => p.names.includes(n.name)).map((n) => n.commitIndex)) >= p.index;
// Every up node has the same log, all of it committed, under a leader.
const converged = (s) => {
  const up = s.nodes.filter((n) => n.up);
  const first = JSON.stringify([up[0].logFirstIndex, up[0].log]);
  return !!s.leader && up.every((n) => JSON.stringify([n.logFirstIndex, n.log]) === first && n.commitIndex === up[0].commitIndex && n.commitIndex === n.logLength);
};

// ---- the tests ----
const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const metrics = {};

test('bundle is within its size budget', async () => {
  const js = fs.readFileSync(path.join(opt.site, 'raftlab.js'));
  const gz = zlib.gzipSync(js, { level: 9 }).length;
  metrics.bundle = `raftlab.js ${js.length} bytes raw, ${gz} gzipped (budget ${BUDGET.gzipBytes})`;
  assert(gz <= BUDGET.gzipBytes, `raftlab.js is ${gz} bytes gzipped, over the budget of ${BUDGET.gzipBytes} (tests/browser/bundle-budget.json)`);
});

test('page loads over http with no console errors and a first frame', async ({ lab, url }) => {
  await lab.page.addInitScript(() => document.addEventListener('DOMContentLoaded', () => {
    const st = document.getElementById('status');
    window.statusAtLoad = getComputedStyle(st).display !== 'none' ? st.textContent : '';
  }));
  const ms = await lab.open(url);
  const loading = await lab.page.evaluate(() => window.statusAtLoad);
  assert(/Loading/.test(loading), `no loading message before the first frame (got ${JSON.stringify(loading)})`);
  metrics.firstFrame = `first frame ${ms.toFixed(0)} ms after navigation (http, headless Chromium, software WebGL)`;
  await lab.frames(10);
  lab.assertNoErrors();
  assert(ms < 5000, `first frame took ${ms} ms`);
  const hidden = await lab.page.evaluate(() => getComputedStyle(document.getElementById('status')).display === 'none');
  assert(hidden, 'the loading message is still shown after the first frame');
});

test('without WebGL 2 the page says so, readably', async ({ lab, url }) => {
  await lab.page.addInitScript(() => {
    const real = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (kind, ...rest) { return kind === 'webgl2' ? null : real.call(this, kind, ...rest); };
  });
  await lab.page.goto(url);
  await lab.page.waitForFunction(() => document.getElementById('status').className === 'error', null, { timeout: 10000 });
  const text = await lab.page.evaluate(() => document.getElementById('status').textContent);
  assert(/WebGL 2/.test(text), `message: ${text}`);
  await lab.shot('no-webgl2');
});

test('canvas is not blank and fills the window', async ({ lab, url }) => {
  await lab.open(url);
  await lab.frames(20);
  const size = await lab.page.evaluate(() => {
    const c = document.getElementById('canvas');
    return { w: c.width, h: c.height, cw: c.clientWidth, ch: c.clientHeight, dpr: devicePixelRatio };
  });
  assert(size.cw === VIEWPORT.width && size.ch === VIEWPORT.height, `canvas is ${size.cw}x${size.ch} CSS px, window ${VIEWPORT.width}x${VIEWPORT.height}`);
  assert(size.w === Math.round(size.cw * size.dpr) && size.h === Math.round(size.ch * size.dpr), `drawing buffer ${size.w}x${size.h} for dpr ${size.dpr}`);
  const { buf } = await lab.shot('default-view');
  const st = pixelStats(decodePng(buf));
  assert(looksDrawn(st), `screenshot looks blank: variance ${st.variance.toFixed(1)}, ${st.colors} colors`);
  lab.assertNoErrors();
});

test('canvas follows a resize', async ({ lab, url }) => {
  await lab.open(url);
  await lab.page.setViewportSize({ width: 900, height: 600 });
  await lab.page.waitForFunction(() => window.Module.display().width === 900, null, { timeout: 10000 });
  const d = await lab.call('display');
  assert(d.height === 600, `ImGui display ${d.width}x${d.height} after resizing to 900x600`);
  await lab.page.setViewportSize(VIEWPORT);
  await lab.page.waitForFunction(() => window.Module.display().width === 1280, null, { timeout: 10000 });
});

test('devicePixelRatio 2: device-pixel framebuffer, CSS-pixel UI, clicks still land', async ({ lab, url }) => {
  await lab.open(url);
  const cdp = await lab.page.context().newCDPSession(lab.page);
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: VIEWPORT.width, height: VIEWPORT.height, deviceScaleFactor: 2, mobile: false });
  await lab.page.waitForFunction(() => document.getElementById('canvas').width === 2560, null, { timeout: 10000 });
  await lab.frames(3);
  const d = await lab.call('display');
  assert(d.width === VIEWPORT.width && d.height === VIEWPORT.height, `ImGui display ${d.width}x${d.height} at dpr 2`);
  assert(d.scale === 2, `framebuffer scale ${d.scale}`);
  await lab.hold();
  const s = await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  await lab.frames(2);
  const p = await lab.call('nodePosition', s.leader);
  await lab.click(p.x, p.y);
  const rect = await lab.waitForWindow('node_menu');
  assert(Math.abs(rect.x - p.x) < 40 && Math.abs(rect.y - p.y) < 40, `the node menu opened at ${rect.x},${rect.y}, clicked ${p.x},${p.y}`);
  // Playwright does not know about the override; ask Chromium for a device-pixel screenshot.
  const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' });
  const buf = Buffer.from(data, 'base64');
  fs.mkdirSync(opt.out, { recursive: true });
  fs.writeFileSync(path.join(opt.out, 'dpr2-node-menu.png'), buf);
  const img = decodePng(buf);
  assert(img.width === 2 * VIEWPORT.width, `dpr 2 screenshot is ${img.width} px wide`);
  await cdp.send('Emulation.clearDeviceMetricsOverride');
  lab.assertNoErrors();
});

test('Ctrl + scales the UI (not the browser), clicks still land, the scale is kept; big windows start larger', async ({ lab, url }) => {
  await lab.open(url);
  let d = await lab.call('display');
  assert(d.uiZoom === 1 && d.uiScale === 1, `a 1280x800 page starts at zoom ${d.uiZoom}, scale ${d.uiScale}`);
  await lab.page.keyboard.press('Control+Equal');
  await lab.frames(3);
  d = await lab.call('display');
  assert(Math.abs(d.uiZoom - 1.1) < 1e-6 && Math.abs(d.uiScale - 1.1) < 1e-6, `after Ctrl +: zoom ${d.uiZoom}, scale ${d.uiScale}`);
  assert(d.width === VIEWPORT.width, `the display is still ${VIEWPORT.width} CSS px wide, got ${d.width}`);
  assert(await lab.page.evaluate(() => window.devicePixelRatio) === 1, 'the browser zoomed too');
  await lab.hold();
  const s = await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  await lab.frames(2);
  const p = await lab.call('nodePosition', s.leader);
  await lab.click(p.x, p.y);
  const rect = await lab.waitForWindow('node_menu');
  assert(Math.abs(rect.x - p.x) < 44 && Math.abs(rect.y - p.y) < 44, `the node menu opened at ${rect.x},${rect.y}, clicked ${p.x},${p.y}`);
  await lab.shot('ui-scale-110');
  // The next visit keeps it; Ctrl 0 resets it.
  await lab.open(url);
  d = await lab.call('display');
  assert(Math.abs(d.uiZoom - 1.1) < 1e-6, `a reload has zoom ${d.uiZoom}`);
  await lab.page.keyboard.press('Control+Digit0');
  await lab.frames(3);
  assert((await lab.call('display')).uiZoom === 1, 'Ctrl 0 resets the zoom');
  assert(await lab.call('setUiZoom', 9) !== '', 'setUiZoom(9) is refused');
  // A 1920x1080 window lays out at 1.125 (1280x800 and below at 1).
  await lab.page.setViewportSize({ width: 1920, height: 1080 });
  await lab.page.waitForFunction(() => window.Module.display().width === 1920, null, { timeout: 10000 });
  await lab.frames(2);
  d = await lab.call('display');
  assert(d.uiScale === 1.125, `1920x1080: scale ${d.uiScale}`);
  const tl = await lab.call('windowRect', 'Timeline');
  assert(Math.abs(tl.w - 1920) < 1, `the timeline spans the window: ${tl.w}`);
  await lab.page.setViewportSize(VIEWPORT);
  await lab.page.waitForFunction(() => window.Module.display().width === 1280, null, { timeout: 10000 });
  lab.assertNoErrors();
});

test('Embind API answers (version) and rejects bad arguments clearly', async ({ lab, url }) => {
  await lab.open(url);
  const v = await lab.call('version');
  assert(/^\d+\.\d+\.\d+/.test(v), `version() gave ${JSON.stringify(v)}`);
  metrics.version = `version ${v}`;
  const bad = [
    [['crash', 's9'], /crash: .*"s9"/],
    [['restart', 0], /restart: .*got 0/],
    [['dropMessage', -1], /dropMessage: .*-1/],
    [['partition', 'x'], /partition: /],
    [['partition', [['s1', 's2'], ['s2', 's3']]], /s2 is in two groups/],
    [['propose', 'fly x'], /propose: /],
    [['run', -5], /run: /],
    [['seek', 'later'], /seek: /],
    [['setSpeed', 100], /setSpeed: /],
    [['pause', 'yes'], /pause: /],
    [['crash'], /crash: node must be .*got nothing/],  // too few: the function says what it needs
    [['tourGo', 1], /tourGo: /],
    [['seek', 1, 2], /seek: takes 1 argument, got 2/],  // too many
  ];
  for (const [[fn, ...args], re] of bad) {
    const r = await lab.call(fn, ...args);
    assert(re.test(r), `${fn}(${JSON.stringify(args).slice(1, -1)}) gave ${JSON.stringify(r)}`);
  }
  assert((await lab.call('nodePosition', 'nope')) === null, 'nodePosition of a bad node is not null');
  assert((await lab.call('itemPosition', 'nope')) === null, 'itemPosition of an unknown control is not null');
  assert((await lab.call('windowRect', 'nope')) === null, 'windowRect of an unknown window is not null');
  lab.assertNoErrors();
});

test('page works from file:// (single file)', async ({ lab }) => {
  const ms = await lab.open(pathToFileURL(path.join(opt.site, 'index.html')).href);
  metrics.firstFrameFile = `first frame ${ms.toFixed(0)} ms (file://)`;
  assert(/^\d+\.\d+\.\d+/.test(await lab.call('version')), 'version() did not answer');
  await lab.hold();
  await lab.runUntil('a leader', hasLeader);
  lab.assertNoErrors();
});

test('a leader appears', async ({ lab, url }) => {
  await lab.open(url);
  await lab.hold();
  const s = await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  assert(s.term >= 1 && byName(s, s.leader).role === 'leader', `leader ${s.leader} term ${s.term}`);
  assert(s.invariants.ok, `invariant broken: ${s.invariants.property}`);
  await lab.frames(2);
  await lab.shot('leader');
});

test('clicking the leader and choosing Crash elects a new leader with a higher term', async ({ lab, url }) => {
  await lab.open(url);
  await lab.hold();
  const before = await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  await lab.frames(2);
  const p = await lab.call('nodePosition', before.leader);
  assert(p, `no screen position for ${before.leader}`);
  await lab.click(p.x, p.y);
  const rect = await lab.waitForWindow('node_menu');
  await lab.shot('node-menu');
  const item = await lab.item('Crash');
  await lab.click(item.x, item.y);
  const s = await lab.state();
  assert(!byName(s, before.leader).up, `${before.leader} is still up after choosing Crash at (${item.x}, ${item.y}) in the menu at ${JSON.stringify(rect)}`);
  // A crashed node has no role: a script looking for the leader must not find the dead one.
  assert(byName(s, before.leader).role === 'down', `the crashed ${before.leader} reports role ${byName(s, before.leader).role}`);
  assert(s.leader !== before.leader, `state().leader is still the crashed ${before.leader}`);
  const after = await lab.runUntil('a new leader', newLeaderAfter, { stepMs: 50, maxMs: 10000, params: { leader: before.leader, term: before.term } });
  assert(after.invariants.ok, `invariant broken: ${after.invariants.property}`);
  await lab.frames(2);
  await lab.shot('crashed-leader-new-leader');
});

test('clicking an in-flight message drops it (trace has "drop")', async ({ lab, url }) => {
  await lab.open(url);
  await lab.hold();
  await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  // Find a message alone on screen (no other message or node right next to it).
  let target = null;
  for (let i = 0; i < 200 && !target; i++) {
    await lab.ok('run', 3);
    await lab.frames(2);
    const s = await lab.state();
    const nodes = [];
    for (const n of s.nodes) nodes.push(await lab.call('nodePosition', n.name));
    const spots = [];
    for (const m of s.messages) {
      if (m.fate !== 'None' && m.fate !== 'none') continue;
      const p = await lab.call('messagePosition', m.id);
      if (p) spots.push({ m, p });
    }
    const d = (a, b) => Math.hypot(a.x - b.x, a.y - b.y);
    target = spots.find(({ m, p }) => spots.every((o) => o.m.id === m.id || d(o.p, p) > 14) && nodes.every((q) => !q || d(q, p) > 45)) || null;
  }
  assert(target, 'no in-flight message stood alone on screen');
  await lab.click(target.p.x, target.p.y);
  await lab.waitForWindow('message_menu');
  await lab.shot('message-menu');
  const item = await lab.item('Drop');
  await lab.click(item.x, item.y);
  const trace = await lab.call('exportTrace');
  const drops = trace.split('\n').filter((l) => l.includes('"ev":"drop"') && l.includes(`"id":${target.m.id},`));
  assert(drops.length === 1, `the trace has ${drops.length} drop events for message ${target.m.id} (${target.m.type} ${target.m.from}->${target.m.to})`);
  await lab.shot('message-dropped');
});

test('a partition: the minority commits nothing, the majority commits, heal converges', async ({ lab, url }) => {
  await lab.open(url);
  await lab.hold();
  const s0 = await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  const names = s0.nodes.map((n) => n.name);
  const minority = [s0.leader, names.find((n) => n !== s0.leader)];
  const majority = names.filter((n) => !minority.includes(n));
  await lab.ok('partition', [minority, majority]);
  await lab.ok('run', 100);  // messages sent before the cut have arrived
  const s1 = await lab.state();
  const minCommit = maxCommit(s1, minority), majCommit = maxCommit(s1, majority);
  // The majority elects a leader of its own; client requests sent to it commit there.
  const elected = await lab.runUntil('a leader in the majority', leaderAmong, { stepMs: 50, maxMs: 8000, params: { names: majority } });
  const newLeader = majority.find((n) => byName(elected, n).role === 'leader');
  for (let i = 0; i < 3; i++) await lab.ok('propose', `put part${i} ${i} via ${newLeader}`);
  await lab.ok('propose', `put lost 1 via ${minority[0]}`);
  const s2 = await lab.runUntil('the majority to commit', commitAmongAtLeast, { stepMs: 50, maxMs: 8000, params: { names: majority, index: majCommit + 3 } });
  assert(maxCommit(s2, minority) === minCommit, `the minority ${minority} committed: ${minCommit} -> ${maxCommit(s2, minority)}`);
  assert(s2.leader && majority.includes(s2.leader), `leader ${s2.leader} is not in the majority ${majority}`);
  await lab.frames(2);
  await lab.shot('partition');
  await lab.ok('heal');
  const s3 = await lab.runUntil('all logs to converge', converged, { stepMs: 10, maxMs: 15000 });
  assert(s3.invariants.ok, `invariant broken: ${s3.invariants.property}`);
  await lab.frames(2);
  await lab.shot('healed');
});

test('scrubbing back shows an earlier state; acting there forks after confirmation', async ({ lab, url }) => {
  await lab.open(url);
  await lab.hold();
  await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  // A command in the recorded history: acting before it discards it, which is what asks first.
  await lab.ok('run', 1500);
  const commandTime = (await lab.state()).time;
  await lab.ok('propose', 'put recorded 1');
  await lab.ok('run', 1500);
  const present = await lab.state();
  await lab.frames(2);
  const bar = await lab.windowRect('Scrubber');
  assert(bar, 'no timeline scrubber on screen');
  // Time 0..max(end, 1 s) maps onto the scrubber's width minus 6 px each side.
  const x0 = bar.x + 6, x1 = bar.x + bar.w - 6;
  const end = Math.max(present.endTime, 1e6);
  const want = commandTime * 0.7;
  const x = x0 + (x1 - x0) * (want / end);
  await lab.click(x, bar.y + bar.h * 0.45);
  const past = await lab.state();
  assert(past.inPast && past.time < present.time, `after clicking the timeline at x=${x.toFixed(0)}: time ${past.time}, present ${present.time}`);
  assert(Math.abs(past.time - want) < present.endTime * 0.05, `scrubbed to ${past.time} us, wanted about ${want}`);
  assert(past.traceEvents < present.traceEvents, 'the earlier state has as many trace events as the present');
  assert(past.nodes.some((n, i) => n.logLength < present.nodes[i].logLength || n.commitIndex < present.nodes[i].commitIndex),
    'no node has a shorter log or lower commitIndex in the past');
  await lab.shot('scrubbed-back');
  // A client request in the past (the 'c' shortcut) asks before discarding the recorded future.
  await lab.page.keyboard.press('c');
  await lab.waitForWindow('Change the past?');
  await lab.frames(2);
  await lab.shot('fork-confirmation');
  const still = await lab.state();
  assert(still.endTime === present.endTime, 'the recorded future changed before confirming');
  const fork = await lab.item('Fork');  // "Start a new future from here"
  await lab.click(fork.x, fork.y);
  const forked = await lab.state();
  assert(!forked.inPast, 'still viewing the past after confirming');
  assert(forked.endTime < present.endTime && forked.endTime === past.time, `end time ${forked.endTime}; forked at ${past.time}, old end ${present.endTime}`);
  assert(forked.traceHash !== present.traceHash, 'the forked run has the old trace hash');
  await lab.ok('run', 500);
  const later = await lab.state();
  assert(later.time === forked.time + 500000, 'time does not move on after the fork');
  await lab.frames(2);
  await lab.shot('forked');
  lab.assertNoErrors();
});

test('a share URL reproduces the same trace hash', async ({ lab, url, newLab }) => {
  await lab.open(url);
  await lab.hold();
  await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  const s0 = await lab.state();
  await lab.ok('crash', s0.leader);
  await lab.ok('run', 700);
  await lab.ok('propose', 'put shared 42');
  await lab.ok('run', 400);
  const a = await lab.state();
  const share = await lab.call('shareUrl');
  assert(share.includes('#'), `shareUrl() gave ${share}`);
  await lab.frames(2);
  const hash = await lab.page.evaluate(() => location.hash);
  assert(hash.length > 1, 'the address bar has no share hash after commands and a pause');

  const b = await newLab('share-b');
  await b.open(share);
  await b.hold();
  let s = await b.state();
  if (s.time > a.time) await b.ok('seek', a.time);
  else if (s.time < a.time) await b.ok('run', (a.time - s.time) / 1000);
  s = await b.state();
  assert(s.time === a.time, `the shared page is at ${s.time}, the original at ${a.time}`);
  assert(s.traceHash === a.traceHash, `trace hash ${s.traceHash} on the shared page, ${a.traceHash} on the original`);
  assert((await b.call('notice')) === '' || !/could not/.test(await b.call('notice')), `notice: ${await b.call('notice')}`);
  await b.frames(2);
  await b.shot('share-reproduced');
  b.assertNoErrors();
});

// The user's steps from issue 12, all by clicking: isolate the leader at 1 s, Heal all at 3 s, run
// on to 3.5 s, drag the timeline back to about 0.5 s, Share -> Copy share link. The link must keep
// the whole run and open paused at the moment viewed; one copied at the present opens at the end.
test('a share link made while scrubbed back keeps the whole run and opens where it was viewed', async ({ lab, url, newLab }) => {
  // Exactly to `us`: the page may already have played past it before hold() (a loaded machine).
  const runTo = async (l, us) => {
    const s = await l.state();
    if (us > s.time) await l.ok('run', (us - s.time) / 1000);
    else if (us < s.time) await l.ok('seek', us);
    const t = (await l.state()).time;
    assert(t === us, `went to ${us} us, the page is at ${t}`);
  };
  // The script's timeline: [time in us, line] for each action line ("run" advances the time).
  const timeline = (text) => {
    const unit = { s: 1e6, ms: 1e3, us: 1 };
    let t = 0;
    const lines = [];
    for (const line of text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
      const run = /^run (\d+)(s|ms|us)$/.exec(line);
      if (run) t += Number(run[1]) * unit[run[2]];
      else lines.push([t, line]);
    }
    return { lines, end: t };
  };
  const decodeHash = (link) => decodeURIComponent(link.slice(link.indexOf('#') + 1));

  await lab.open(url);
  await lab.hold();
  await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 1000 });
  await runTo(lab, 1e6);
  const s0 = await lab.state();  // the leader at 1 s
  assert(s0.leader, 'no leader at 1 s');
  await lab.frames(2);
  const p = await lab.call('nodePosition', s0.leader);
  await lab.click(p.x, p.y);
  await lab.waitForWindow('node_menu');
  const isolate = await lab.item('Isolate');
  await lab.click(isolate.x, isolate.y);
  assert((await lab.call('exportScenario')).includes(`partition ${s0.leader} |`), `choosing Isolate did not partition ${s0.leader} off`);
  await runTo(lab, 3e6);
  await lab.frames(2);
  const heal = await lab.item('Heal all');
  await lab.click(heal.x, heal.y);
  await runTo(lab, 3.5e6);
  const present = await lab.state();
  assert(present.endTime === 3.5e6 && !present.inPast, `the run ends at ${present.endTime} us (in the past: ${present.inPast})`);

  // Drag the playhead from the present back to 0.5 s.
  await lab.frames(2);
  const bar = await lab.windowRect('Scrubber');
  const x0 = bar.x + 6, x1 = bar.x + bar.w - 6, y = bar.y + bar.h * 0.45;
  const xAt = (us) => x0 + (x1 - x0) * us / present.endTime;
  await lab.drag({ x: xAt(present.endTime), y }, { x: xAt(0.5e6), y });
  const past = await lab.state();
  assert(past.inPast && past.paused, `after the drag: in the past ${past.inPast}, paused ${past.paused}`);
  assert(Math.abs(past.time - 0.5e6) < 30e3, `dragged to ${past.time} us, wanted about 500000`);
  assert(past.endTime === present.endTime, `the drag changed the recorded end: ${past.endTime}`);

  const link = await lab.copyShareLink();
  await lab.frames(2);
  const text = decodeHash(link);
  // One text everywhere: the link, exportScenario() and the address bar.
  assert(text === await lab.call('exportScenario'), `the link's text differs from exportScenario():\n${text}`);
  assert(decodeURIComponent((await lab.page.evaluate(() => location.hash)).slice(1)) === text, 'the address bar holds other text than the link');
  assert((await lab.state()).time === past.time, 'copying the link moved time');
  const { lines, end } = timeline(text);
  const at = (re) => lines.filter(([, l]) => re.test(l)).map(([t]) => t);
  assert(end === present.endTime, `the link runs to ${end} us, the run to ${present.endTime}:\n${text}`);
  assert(JSON.stringify(at(/^partition /)) === '[1000000]', `partition lines at ${at(/^partition /)}:\n${text}`);
  assert(JSON.stringify(at(/^heal$/)) === '[3000000]', `heal lines at ${at(/^heal$/)}:\n${text}`);
  const last = lines[lines.length - 1][1];
  assert(last === `open at ${past.time % 1000 ? `${past.time}us` : `${past.time / 1000}ms`}`, `last line ${JSON.stringify(last)}, viewing ${past.time} us`);

  const b = await newLab('share-past');
  await b.open(link);
  await b.frames(5);
  const sb = await b.state();
  assert(sb.paused && sb.inPast, `the shared page opened paused ${sb.paused}, in the past ${sb.inPast}`);
  assert(sb.time === past.time, `the shared page opened at ${sb.time} us, the link was made at ${past.time}`);
  assert(sb.endTime === present.endTime, `the shared page's run ends at ${sb.endTime} us, the original at ${present.endTime}`);
  assert(sb.traceHash === past.traceHash, `trace hash ${sb.traceHash} at the opened moment, ${past.traceHash} on the original`);
  const bText = await b.call('exportScenario');
  assert(bText === text, `the opened page exports other text:\n${bText}`);
  assert(/^partition /m.test(bText) && /^heal$/m.test(bText) && /^open at /m.test(bText), `exported:\n${bText}`);
  await b.frames(2);
  const { file } = await b.shot('share-link-opened-in-the-past');
  metrics.sharePast = `share link opened in the past: ${path.relative(process.cwd(), file)}`;
  await b.ok('seek', present.endTime);
  assert((await b.state()).traceHash === present.traceHash, 'the shared run ends with another trace hash');
  b.assertNoErrors();

  // Copied at the present: no "open at", and the page opens at the end of the run. (A tab in the
  // background gets about one frame a second: bring the first page back to the front.)
  await lab.page.bringToFront();
  const live = await lab.item('Go to present');
  await lab.click(live.x, live.y);
  assert(!(await lab.state()).inPast, 'Go to present left the page in the past');
  const nowLink = await lab.copyShareLink();
  const nowText = decodeHash(nowLink);
  assert(!/^open at /m.test(nowText), `a link made at the present has "open at":\n${nowText}`);
  assert(nowText === text.slice(0, text.lastIndexOf('open at ')), 'the link made at the present has another run than the one made in the past');
  assert(nowText === await lab.call('exportScenario'), 'the link differs from exportScenario() at the present');
  const c = await newLab('share-present');
  await c.open(nowLink);
  await c.frames(5);
  const sc = await c.state();
  assert(sc.paused && !sc.inPast && sc.time === present.endTime && sc.endTime === present.endTime,
    `the page opened at ${sc.time} us (paused ${sc.paused}, in the past ${sc.inPast}), the run ends at ${present.endTime}`);
  assert(sc.traceHash === present.traceHash, 'the run opened from the present link ends with another trace hash');
  lab.assertNoErrors();
  c.assertNoErrors();
});

// Issue 8: a link with a long run opens at once and is computed a slice per frame, with a progress
// bar; Esc stops it where it got to, paused, and the timeline says how far the run is computed.
test('a share link with a long run opens at once, shows its progress, and Esc stops it', async ({ lab, url }) => {
  const link = 'nodes 5\nseed 6\nclients 3 rate 20/s\nrun 1800s\n';
  await lab.open(`${url}#${encodeURIComponent(link)}`, { computing: true });
  let s = await lab.state();
  assert(s.endTime === 1800e6, `endTime ${s.endTime}`);
  assert(s.seeking && s.time < s.endTime, `seeking ${s.seeking} at ${s.time} us right after opening`);
  await lab.frames(10);
  const bar = await lab.windowRect('seek_progress');
  assert(bar && bar.w > 40, `progress bar ${JSON.stringify(bar)}`);
  const s1 = await lab.state();
  assert(s1.seeking && s1.time > s.time, `the run did not advance over 10 frames: ${s.time} -> ${s1.time}`);
  assert(s1.computedUntil === s1.time, `computedUntil ${s1.computedUntil}, time ${s1.time}`);
  await lab.frames(2);
  await lab.shot('long-link-computing');
  await lab.page.keyboard.press('Escape');
  await lab.frames(3);
  const s2 = await lab.state();
  assert(!s2.seeking && s2.paused && s2.inPast, `after Esc: seeking ${s2.seeking}, paused ${s2.paused}, inPast ${s2.inPast}`);
  assert(s2.time >= s1.time && s2.time < 1800e6, `stopped at ${s2.time}`);
  assert(/Stopped at/.test(await lab.call('notice')), `notice: ${await lab.call('notice')}`);
  await lab.frames(5);
  assert((await lab.state()).time === s2.time, 'the page moved on after Esc');
  assert(s2.invariants.ok, `invariant broken: ${s2.invariants.property}`);
  lab.assertNoErrors();
});

// Issue 8: memory bounded by design. A link of over 30 minutes under client load without log
// compaction, at the page's limit of 40,000 requests (each leaves an entry in every log; this seed
// reaches the nominal 20/s), is computed in a heap of at most 64 MB (a size, not a time: not
// noisy); the event log keeps its latest events and regenerates older ones by replay when its
// button is clicked.
test('a 33-minute run at the request limit fits in 64 MB, and the event log regenerates the events it dropped', async ({ lab, url }) => {
  const link = 'nodes 5\nseed 6\nclients 3 rate 20/s\nrun 2000s\n';
  await lab.open(`${url}#${encodeURIComponent(link)}`);
  const s = await lab.state();
  assert(s.time === 2000e6 && s.computedUntil === 2000e6 && !s.seeking, `opened at ${s.time}, computed to ${s.computedUntil}`);
  assert(s.metrics.opsInvoked >= 39000 && s.metrics.opsInvoked <= 40000, `${s.metrics.opsInvoked} requests: not at the page's limit of 40,000`);
  const m = s.memory;
  metrics.memory30 = `33-minute run (3 clients at 20/s, ${s.metrics.opsInvoked} requests): heap ${(m.heapBytes / 2 ** 20).toFixed(1)} MB, top ${(m.heapTopBytes / 2 ** 20).toFixed(1)} MB, ` +
    `in use ${(m.inUseBytes / 2 ** 20).toFixed(1)} MB, ${m.checkpoints} checkpoints ${m.checkpointIntervalUs / 1e6} s apart, ` +
    `${m.eventLogKept} events kept in the event log, ${s.eventsDropped} dropped`;
  assert(m.heapBytes <= 64 * 2 ** 20, `the heap is ${m.heapBytes} bytes after a run at the request limit, over 64 MB`);
  assert(s.eventsDropped > 0, 'the event log dropped nothing after 30 minutes: its bound is not exercised');
  assert(s.invariants.ok, `invariant broken: ${s.invariants.property}`);
  // The oldest events are regenerated when asked for: the button replays the 30 s before them.
  await lab.shot('event-log-dropped');
  const show = await lab.item('Show events');
  await lab.click(show.x, show.y);
  await lab.frames(2);
  const earlier = await lab.item('Earlier events');
  assert(earlier, 'no "Earlier" button: the event log did not switch to a regenerated page');
  await lab.shot('event-log-regenerated');
  const latest = await lab.item('Latest events');
  await lab.click(latest.x, latest.y);
  await lab.frames(2);
  assert(!(await lab.call('itemPosition', 'Earlier events')), 'still on the regenerated page after "Latest events"');
  assert((await lab.state()).memory.heapBytes <= 64 * 2 ** 20, 'the heap grew past 64 MB regenerating events');
  lab.assertNoErrors();
});

// Issue 8: the page's default session (assets/scenarios/default.raft: 3 clients at 5/s, snapshots
// every 1,000 entries), as the page opens it, run on for a day through the JS API (an hour per
// call; the sliced computation of a long link has its own test above). It fits in a heap of at
// most 64 MB (a size, not a time), and seeks to the middle and back to the end stay within it. The
// frames' work during each seek is reported, not asserted (no timed tests).
test('the default session run for 24 hours fits in 64 MB, and seeks back and forth stay within it', async ({ lab, url }) => {
  await lab.open(url);
  await lab.hold();
  let s = await lab.state();
  while (s.time < 86400e6) {
    await lab.ok('run', Math.min(3600e3, (86400e6 - s.time) / 1000));
    s = await lab.state();
  }
  assert(s.time === 86400e6, `ran to ${s.time}`);
  assert(s.metrics.opsInvoked > 400000, `${s.metrics.opsInvoked} requests in 24 h at the default load`);
  assert(s.invariants.ok, `invariant broken: ${s.invariants.property}`);
  const mb = (b) => (b / 2 ** 20).toFixed(1);
  const m = s.memory;
  metrics.memory24h = `24-hour default session (${s.metrics.opsInvoked} requests): heap ${mb(m.heapBytes)} MB, in use ` +
    `${mb(m.inUseBytes)} MB, ${m.checkpoints} checkpoints ${m.checkpointIntervalUs / 1e6} s apart`;
  assert(m.heapBytes <= 64 * 2 ** 20, `the heap is ${m.heapBytes} bytes after a day at the default load, over 64 MB`);
  const seekTo = async (t) => {
    await lab.call('resetFrameWork');
    await lab.ok('seek', t);
    await lab.page.waitForFunction(() => !window.Module.state().seeking, null, { timeout: 60000, polling: 100 });
    const r = await lab.state();
    assert(r.time === t, `sought ${t}, at ${r.time}`);
    return r;
  };
  s = await seekTo(43200e6);
  const middle = s.frameWork;
  await lab.shot('day-long-middle');
  s = await seekTo(86400e6);
  const end = s.frameWork;
  metrics.seek24h = `seeks in the 24-hour session: to the middle ${middle.frames} frames, max ${middle.maxMs.toFixed(1)} ms; ` +
    `back to the end ${end.frames} frames, max ${end.maxMs.toFixed(1)} ms`;
  assert(s.memory.heapBytes <= 64 * 2 ** 20, `the heap grew past 64 MB seeking: ${s.memory.heapBytes} bytes`);
  assert(s.invariants.ok, `invariant broken: ${s.invariants.property}`);
  lab.assertNoErrors();
});

// Issue 11: the paper's election-time experiment runs in the page. Opened from the Simulation
// menu, a quick run (20 trials per range) draws one cumulative-distribution curve per timeout
// range; the fixed 150-150 ms range never elects a leader (repeated split votes), as in the paper.
test('the timing experiment window runs the section 9.3 experiment and draws one curve per range', async ({ lab, url }) => {
  await lab.open(url);
  await lab.hold();
  const menu = await lab.item('Simulation');
  await lab.click(menu.x, menu.y);
  const entry = await lab.waitForItem('Timing experiment');
  await lab.click(entry.x, entry.y);
  await lab.waitForWindow('Timing experiment');
  const quick = await lab.waitForItem('Quick experiment');
  const before = (await lab.state()).traceHash;
  await lab.click(quick.x, quick.y);
  assert((await lab.state()).experiment.running, 'the experiment did not start');
  await lab.page.waitForFunction(() => window.Module.state().experiment.done, null, { timeout: 120000, polling: 200 });
  await lab.frames(2);
  const x = (await lab.state()).experiment;
  assert(x.ranges.length === 7, `${x.ranges.length} ranges`);
  assert(x.curves === 7, `the chart drew ${x.curves} curves for 7 ranges`);
  const row = (r) => x.ranges.find((e) => e.range === r);
  assert(row('150-150').trials === 20 && row('150-150').noLeader === 20, `150-150: ${JSON.stringify(row('150-150'))}`);
  assert(row('150-200').noLeader === 0 && row('150-200').maxUs < 1e6, `150-200: ${JSON.stringify(row('150-200'))}`);
  assert(row('12-24').medianUs < row('150-300').medianUs, `12-24's median ${row('12-24').medianUs} us, 150-300's ${row('150-300').medianUs} us`);
  assert((await lab.state()).traceHash === before, 'the experiment changed the session');
  metrics.experiment = x.ranges.map((e) => `${e.range}: ${e.noLeader === e.trials ? 'no leader' : `median ${(e.medianUs / 1000).toFixed(0)} ms`}, no leader ${e.noLeader}/${e.trials}`).join('; ');
  await lab.shot('timing-experiment');
  lab.assertNoErrors();
});

test('a malformed share hash shows a message and starts the default cluster', async ({ lab, url }) => {
  await lab.open(`${url}#${encodeURIComponent('nodes 5\nthis is not raft\n')}`);
  const notice = await lab.call('notice');
  assert(/share link could not be opened/i.test(notice) && /:2:/.test(notice), `notice: ${JSON.stringify(notice)}`);
  const s = await lab.state();
  assert(s.nodes.length === 5, `${s.nodes.length} nodes`);
  await lab.frames(2);
  await lab.shot('bad-share-link');
});

test('a bad scenario shows the error text', async ({ lab, url }) => {
  await lab.open(url);
  const err = await lab.call('loadScenario', 'nodes 5\nrun 1s\nfrobnicate s1\n');
  assert(/:3:/.test(err) && /frobnicate/.test(err), `loadScenario error: ${JSON.stringify(err)}`);
  await lab.frames(2);
  const notice = await lab.call('notice');
  assert(notice.includes(err), `the page's notice ${JSON.stringify(notice)} does not show ${JSON.stringify(err)}`);
  await lab.shot('bad-scenario');
  const good = await lab.call('loadScenario', 'nodes 3\nrun 1s\nexpect leader\n');
  assert(good === '', `a good scenario failed: ${good}`);
  assert((await lab.state()).nodes.length === 3, 'the good scenario did not load');
});

test('shipped scenario (Figure 8) and the inspector render', async ({ lab, url }) => {
  await lab.open(url);
  const names = await lab.call('scenarioNames');
  assert(names.length > 0, 'no shipped scenarios');
  const fig8 = names.find((n) => /figure8/.test(n)) || names[0];
  const err = await lab.call('loadScenario', await lab.call('scenarioText', fig8));
  assert(err === '', `loading ${fig8}: ${err}`);
  await lab.hold();
  await lab.frames(3);
  await lab.shot(`scenario-${fig8}`);
  // Inspect: the last item of the node menu, after a separator.
  const p = await lab.call('nodePosition', 1);
  assert(p, 'no position for s1');
  await lab.click(p.x, p.y);
  await lab.waitForWindow('node_menu');
  const inspect = await lab.item('Inspect');
  await lab.click(inspect.x, inspect.y);
  assert(!(await lab.windowRect('node_menu')), 'the node menu is still open after Inspect');
  await lab.shot('inspector');
  lab.assertNoErrors();
});

// ---- beyond Figure 2 (issue 7): the same clicks a learner makes ----

// Clicks node `node` on the canvas and then the node menu's control `key`.
async function nodeMenu(lab, node, key) {
  await lab.frames(2);
  const p = await lab.call('nodePosition', node);
  assert(p, `no screen position for ${node}`);
  await lab.click(p.x, p.y);
  await lab.waitForWindow('node_menu');
  const item = await lab.waitForItem(key);
  await lab.click(item.x, item.y);
}
// Opens Settings from the menu bar (clicking its title) and waits for the control `key` in it.
async function openSettings(lab, key) {
  const menu = await lab.item('Settings');
  await lab.click(menu.x, menu.y);
  return lab.waitForItem(key);
}
// Closes open menus by clicking the status bar's right end (no control there; Escape does not
// close a menu bar's menu in this ImGui).
async function closeMenus(lab) {
  const bar = await lab.windowRect('Status');
  await lab.click(bar.x + bar.w - 8, bar.y + bar.h / 2);
  await lab.frames(2);
  assert(!(await lab.windowRect('node_menu')) && !(await lab.windowRect('Settings')), 'a menu is still open after clicking the status bar');
}
// The RGBA of the screenshot pixel at CSS (x, y) (the tests run at device pixel ratio 1).
function pixelAt(img, x, y) {
  const i = (Math.round(y) * img.width + Math.round(x)) * img.channels;
  return [img.pixels[i], img.pixels[i + 1], img.pixels[i + 2]];
}

test('Transfer leadership here, clicked on a follower, makes it the leader in a higher term', async ({ lab, url }) => {
  await lab.open(url);
  await lab.hold();
  const before = await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  await lab.ok('run', 300);  // the followers have caught up with the leader's no-op
  const target = before.nodes.find((n) => n.up && n.name !== before.leader).name;
  await nodeMenu(lab, target, 'Transfer');
  assert((await lab.call('exportScenario')).includes(`transfer ${target}`), `choosing "Transfer leadership here" recorded no "transfer ${target}"`);
  const trace = await lab.call('exportTrace');
  assert(trace.includes(`"ev":"transfer","node":"${before.leader}","to":"${target}"`), 'the trace has no transfer record');
  const after = await lab.runUntil(`${target} to lead`, (s, p) => s.leader === p.target, { stepMs: 5, maxMs: 2000, params: { target } });
  assert(after.term > before.term, `term ${after.term} after the transfer, ${before.term} before`);
  assert(byName(after, before.leader).role === 'follower', `the old leader ${before.leader} is ${byName(after, before.leader).role}`);
  assert(after.metrics.sent.TimeoutNow >= 1, `no TimeoutNow was sent (${JSON.stringify(after.metrics.sent)})`);
  assert(after.invariants.ok, `invariant broken: ${after.invariants.property}`);
  // On the leader itself the item is disabled (its tooltip says why): clicking it changes nothing.
  const commands = after.commands;
  await nodeMenu(lab, target, 'Transfer');
  await closeMenus(lab);
  assert((await lab.state()).commands === commands, 'a transfer to the leader itself was recorded');
  await lab.frames(2);
  await lab.shot('transfer-done');
  lab.assertNoErrors();
});

test('the unsafe switch forget_vote, clicked in Settings, shows the red banner until it is turned off', async ({ lab, url }) => {
  await lab.open(url);
  await lab.hold();
  await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  const box = await openSettings(lab, 'forget_vote');
  await lab.click(box.x, box.y);
  let s = await lab.state();
  assert(s.settings.forget_vote === true, `forget_vote is ${s.settings.forget_vote} after clicking its checkbox`);
  assert(/forget_vote is on/.test(s.unsafeBanner), `state().unsafeBanner: ${JSON.stringify(s.unsafeBanner)}`);
  assert((await lab.call('exportScenario')).includes('forget_vote on'), 'the switch was not recorded as "forget_vote on"');
  await closeMenus(lab);
  const rect = await lab.windowRect('unsafe_banner');
  assert(rect && rect.w > 200 && rect.h > 10, `banner rectangle ${JSON.stringify(rect)}`);
  const { buf } = await lab.shot('unsafe-banner');
  const img = decodePng(buf);
  // Sample inside the banner, in the padding under its text: the banner's red.
  const [r, g, b] = pixelAt(img, rect.x + rect.w - 4, rect.y + rect.h - 3);
  assert(r > 130 && g < 60 && b < 60, `the banner pixel is rgb(${r},${g},${b}), not red`);
  // Every node stays below the banner.
  for (const n of s.nodes) {
    const p = await lab.call('nodePosition', n.name);
    assert(p.y > rect.y + rect.h, `${n.name} at y=${p.y} is under the banner (bottom ${rect.y + rect.h})`);
  }
  const off = await openSettings(lab, 'forget_vote');
  await lab.click(off.x, off.y);
  await closeMenus(lab);
  s = await lab.state();
  assert(s.settings.forget_vote === false && s.unsafeBanner === '', `after turning it off: ${s.settings.forget_vote}, banner ${JSON.stringify(s.unsafeBanner)}`);
  assert(!(await lab.windowRect('unsafe_banner')), 'the banner is still drawn');
  lab.assertNoErrors();
});

test('reads (section 6.4): ReadIndex chosen in Settings answers a read without a log entry', async ({ lab, url }) => {
  await lab.open(url);
  await lab.hold();
  const s0 = await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  const combo = await openSettings(lab, 'Read mode');
  await lab.click(combo.x, combo.y);
  const choice = await lab.waitForItem('Read mode: readindex');
  await lab.click(choice.x, choice.y);
  const s1 = await lab.state();
  assert(s1.settings.readMode === 'readindex', `read mode ${s1.settings.readMode} after choosing ReadIndex`);
  assert((await lab.call('exportScenario')).includes('read_mode readindex'), 'no "read_mode readindex" was recorded');
  await closeMenus(lab);
  // A lease without CheckQuorum is refused with a sentence, and the mode stays.
  const again = await openSettings(lab, 'Read mode');
  await lab.click(again.x, again.y);
  const lease = await lab.waitForItem('Read mode: lease');
  await lab.click(lease.x, lease.y);
  await closeMenus(lab);
  const s2 = await lab.state();
  assert(s2.settings.readMode === 'readindex', `read mode ${s2.settings.readMode} after choosing a lease without CheckQuorum`);
  assert(/CheckQuorum/i.test(s2.notice), `notice: ${JSON.stringify(s2.notice)}`);
  // Write a key, then read it from the leader's menu.
  await lab.ok('propose', `put r 7 via ${s0.leader}`);
  await lab.ok('run', 200);
  const seen = (await lab.call('exportTrace')).split('\n').length;
  await nodeMenu(lab, s0.leader, 'Client read');
  await closeMenus(lab);
  let lines = [];
  let ret = null;
  for (let i = 0; i < 40 && !ret; i++) {
    await lab.ok('run', 25);
    lines = (await lab.call('exportTrace')).split('\n').slice(seen - 1);
    const inv = lines.find((l) => l.includes('"ev":"invoke"') && l.includes('"op":"get"'));
    if (!inv) continue;
    const req = /"req":(\d+)/.exec(inv)[1];
    ret = lines.find((l) => l.includes('"ev":"return"') && l.includes(`"req":${req},`));
  }
  assert(ret, `the read was not answered:\n${lines.filter((l) => /invoke|return/.test(l)).join('\n')}`);
  assert(/"ok":true/.test(ret), `the read failed: ${ret}`);
  assert(!lines.some((l) => l.includes('"ev":"append"') && l.includes('"op":"get"')), 'under ReadIndex the read was appended to the log');
  lab.assertNoErrors();
});

test('a snapshot transfer: a follower restarted behind a snapshot gets it by InstallSnapshot, in chunks', async ({ lab, url }) => {
  await lab.open(url);
  await lab.hold();
  const s0 = await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  const leader = s0.leader;
  const behind = s0.nodes.find((n) => n.up && n.name !== leader).name;
  await nodeMenu(lab, behind, 'Crash');
  assert(!byName(await lab.state(), behind).up, `${behind} is up after choosing Crash`);
  for (let i = 0; i < 12; i++) await lab.ok('propose', `put snap${i} ${'v'.repeat(20)}${i} via ${leader}`);
  const s1 = await lab.runUntil('the writes to commit', (s, p) => s.nodes.find((n) => n.name === p.leader).lastApplied >= p.index,
    { stepMs: 20, maxMs: 5000, params: { leader, index: byName(s0, leader).logLength + 12 } });
  // "Take a snapshot now" on the leader: its log prefix, which the crashed follower needs, is gone.
  await nodeMenu(lab, leader, 'Snapshot');
  const s2 = await lab.state();
  const snap = byName(s2, leader).snapshotIndex;
  assert(snap >= byName(s1, leader).lastApplied && snap > byName(s2, behind).logLength,
    `the leader's snapshot index ${snap}, lastApplied ${byName(s1, leader).lastApplied}, ${behind}'s log ${byName(s2, behind).logLength}`);
  assert((await lab.call('exportScenario')).includes(`snapshot ${leader}`), `no "snapshot ${leader}" was recorded`);
  await nodeMenu(lab, behind, 'Restart');
  const inFlight = await lab.runUntil(`an InstallSnapshot to ${behind}`,
    (s, p) => s.messages.some((m) => m.type === 'InstallSnapshot' && m.to === p.behind), { stepMs: 2, maxMs: 3000, params: { behind } });
  const msg = inFlight.messages.find((m) => m.type === 'InstallSnapshot' && m.to === behind);
  assert(msg.from === leader, `InstallSnapshot from ${msg.from}, the leader is ${leader}`);
  await lab.frames(2);
  assert(await lab.call('messagePosition', msg.id), `the InstallSnapshot #${msg.id} is not drawn`);
  await lab.shot('install-snapshot-in-flight');
  const done = await lab.runUntil(`${behind} to install the snapshot`,
    (s, p) => s.nodes.find((n) => n.name === p.behind).snapshotIndex >= p.snap, { stepMs: 5, maxMs: 5000, params: { behind, snap } });
  assert(byName(done, behind).commitIndex >= snap, `${behind} commitIndex ${byName(done, behind).commitIndex} after installing up to ${snap}`);
  const trace = (await lab.call('exportTrace')).split('\n');
  const chunks = trace.filter((l) => l.includes('"ev":"send"') && l.includes('"type":"InstallSnapshot"') && l.includes(`"to":"${behind}"`));
  assert(chunks.length >= 2, `the snapshot went in ${chunks.length} chunk(s) of the default 64 bytes`);
  assert(chunks.some((l) => l.includes('"done":true')), 'no chunk says done');
  assert(trace.some((l) => l.includes('"ev":"install"') && l.includes(`"node":"${behind}"`)), `the trace has no install event for ${behind}`);
  const s3 = await lab.runUntil('all logs to converge', (s) => {
    const up = s.nodes.filter((n) => n.up);
    return !!s.leader && up.every((n) => n.lastApplied === up[0].lastApplied && n.commitIndex === n.logLength);
  }, { stepMs: 10, maxMs: 10000 });
  assert(s3.invariants.ok, `invariant broken: ${s3.invariants.property}`);
  await lab.frames(2);
  await lab.shot('snapshot-installed');
  lab.assertNoErrors();
});

test('membership (chapter 4): Add a server joins the next one as a learner then a voter; Remove takes a server out for good', async ({ lab, url }) => {
  await lab.open(url);
  await lab.hold();
  const s0 = await lab.runUntil('a leader', hasLeader, { stepMs: 50, maxMs: 5000 });
  await lab.ok('run', 300);  // the followers have caught up with the leader's no-op
  const leader = s0.leader;
  const follower = s0.nodes.find((n) => n.up && n.name !== leader).name;
  const count = s0.nodes.length;
  const added = `s${count + 1}`;
  const voters0 = s0.nodes.map((n) => n.name);
  assert(JSON.stringify(byName(s0, leader).voters) === JSON.stringify(voters0), `voters at the start: ${JSON.stringify(byName(s0, leader).voters)}`);
  await nodeMenu(lab, follower, 'Add server');
  let s = await lab.state();
  assert(s.nodes.length === count + 1 && byName(s, added).up, `after "Add a server": ${s.nodes.map((n) => n.name + ' ' + n.role).join(', ')}`);
  assert((await lab.call('exportScenario')).includes(`add ${added}`), `choosing "Add a server" recorded no "add ${added}"`);
  // §4.1: the configuration takes effect on the leader when appended; the new server starts as a learner.
  assert(JSON.stringify(byName(s, leader).learners) === JSON.stringify([added]), `the leader's learners: ${JSON.stringify(byName(s, leader).learners)}`);
  assert(!byName(s, leader).voters.includes(added), `${added} votes at once: ${JSON.stringify(byName(s, leader).voters)}`);
  s = await lab.runUntil(`${added} to be promoted to voter`, (st, p) => st.nodes.find((n) => n.name === p.leader).voters.includes(p.added),
    { stepMs: 10, maxMs: 5000, params: { leader, added } });
  assert(JSON.stringify(byName(s, leader).voters) === JSON.stringify([...voters0, added]), `voters after the promotion: ${JSON.stringify(byName(s, leader).voters)}`);
  assert(byName(s, added).logLength >= byName(s0, leader).logLength, `${added} has ${byName(s, added).logLength} entries`);
  // One change at a time (§4.1): Remove waits until the promotion is committed.
  await lab.runUntil('the promotion to commit', (st, p) => { const l = st.nodes.find((n) => n.name === p.leader); return l.commitIndex >= l.configIndex; },
    { stepMs: 5, maxMs: 3000, params: { leader } });
  await lab.frames(2);
  await lab.shot('membership-added');
  // Remove the follower: the leader's configuration drops it at once, and once that is committed
  // the server is shut down for good.
  await nodeMenu(lab, follower, 'Remove');
  assert((await lab.call('exportScenario')).includes(`remove ${follower}`), `no "remove ${follower}" was recorded`);
  s = await lab.state();
  assert(!byName(s, s.leader).voters.includes(follower), `${follower} still votes on the leader: ${JSON.stringify(byName(s, s.leader).voters)}`);
  s = await lab.runUntil(`${follower} to leave`, (st, p) => st.nodes.find((n) => n.name === p.follower).role === 'removed',
    { stepMs: 10, maxMs: 5000, params: { follower } });
  assert(!byName(s, follower).up, `${follower} is still up after its removal`);
  assert(s.invariants.ok, `invariant broken: ${s.invariants.property}`);
  // A removed server's menu offers no actions: "Remove" is gone, so clicking where it was does nothing.
  const commands = s.commands;
  await lab.frames(2);
  const p = await lab.call('nodePosition', follower);
  await lab.click(p.x, p.y);
  await lab.waitForWindow('node_menu');
  await lab.frames(1);
  assert(!(await lab.call('itemPosition', 'Remove')), `the menu of removed ${follower} still offers Remove`);
  await closeMenus(lab);
  assert((await lab.state()).commands === commands, 'a command was recorded by the menu of a removed server');
  // The cluster without the follower still commits a client request.
  const before = byName(s, s.leader).commitIndex;
  await lab.ok('propose', `put after-remove 1 via ${s.leader}`);
  const done = await lab.runUntil('the write to commit on the leader', (st, q) => !!st.leader && st.nodes.find((n) => n.name === st.leader).commitIndex > q.before,
    { stepMs: 20, maxMs: 5000, params: { before } });
  assert(done.invariants.ok, `invariant broken: ${done.invariants.property}`);
  await lab.frames(2);
  await lab.shot('membership-removed');
  lab.assertNoErrors();
});

// ---- issue 9: open paused, marked moments, the tour and its exercises ----

test('the page opens paused with a Play hint, and Play runs it', async ({ lab, url }) => {
  await lab.open(url);
  await lab.frames(10);
  const s = await lab.state();
  assert(s.paused && s.time === 0, `the page opened ${s.paused ? 'paused' : 'playing'} at t=${s.time} us`);
  const play = await lab.item('Play');
  await lab.click(play.x, play.y);
  await lab.page.waitForFunction(() => window.Module.state().time > 0, null, { timeout: 10000, polling: 100 });
  assert(!(await lab.state()).paused, 'Play did not start the run');
  lab.assertNoErrors();
});

test('a scenario pauses at its marked moment and says why', async ({ lab, url }) => {
  await lab.open(url);
  await lab.ok('loadScenario', 'nodes 3\nseed 4\nrun 300ms\npause The first leader has been elected.\nrun 2s\n');
  const s0 = await lab.state();
  assert(s0.paused && s0.time === 0 && s0.moment === '', `loaded: paused ${s0.paused}, t=${s0.time}, moment "${s0.moment}"`);
  await lab.ok('setSpeed', 1);
  await lab.ok('pause', false);
  await lab.page.waitForFunction(() => window.Module.state().paused, null, { timeout: 20000, polling: 50 });
  const s1 = await lab.state();
  assert(s1.time === 300000, `playing stopped at t=${s1.time} us, not at the pause (300000)`);
  assert(s1.moment === 'The first leader has been elected.', `moment: "${s1.moment}"`);
  await lab.ok('pause', false);
  await lab.page.waitForFunction(() => window.Module.state().time > 300000, null, { timeout: 20000, polling: 50 });
  assert((await lab.state()).moment === '', 'the moment\'s text stayed after playing on');
  lab.assertNoErrors();
});

// The whole tour by clicking: Tour -> Start the tour, then Next until the end. Every step shows its
// moment, paused, with its own address; the chapters' checks (tests/core/tour_test.cpp) hold there.
test('the tour: every step by clicking Next, each at its moment with its own address', async ({ lab, url }) => {
  await lab.open(url);
  const tour = await lab.call('tour');
  assert(tour.errors.length === 0, `broken chapters: ${tour.errors.join('; ')}`);
  assert(tour.chapters.length >= 7, `${tour.chapters.length} chapters`);
  const menu = await lab.item('Tour');
  await lab.click(menu.x, menu.y);
  const start = await lab.waitForItem('Start the tour');
  await lab.click(start.x, start.y);
  let steps = 0;
  for (let c = 1; c <= tour.chapters.length; c++) {
    const ch = tour.chapters[c - 1];
    for (let k = 1; k <= ch.steps.length; k++) {
      const where = await lab.call('tour');
      assert(where.active && where.chapter === c && where.step === k, `expected chapter ${c} step ${k}, at ${where.chapter}.${where.step}`);
      const s = await lab.state();
      assert(s.time === ch.steps[k - 1].t && s.paused && s.invariants.ok,
        `chapter ${c} step ${k}: t=${s.time} us (step at ${ch.steps[k - 1].t}), paused ${s.paused}, invariants ${s.invariants.ok}`);
      const hash = await lab.page.evaluate(() => location.hash);
      assert(hash === `#tour=${c}.${k}`, `chapter ${c} step ${k}: the address ends ${hash}`);
      if (c === 3 && k === 3) {
        for (const [w, h] of [[1024, 640], [1920, 1080], [1280, 800]]) {
          await lab.page.setViewportSize({ width: w, height: h });
          await lab.frames(4);
          const panel = await lab.windowRect('Tour');
          assert(panel && panel.h > 40 && panel.y + panel.h < h, `the tour panel at ${w}x${h}: ${JSON.stringify(panel)}`);
          await lab.shot(`tour-replication-${w}x${h}`);
        }
      }
      steps++;
      if (c === tour.chapters.length && k === ch.steps.length) break;
      const next = await lab.item('Next');
      await lab.click(next.x, next.y);
    }
  }
  assert(steps === tour.chapters.reduce((n, ch) => n + ch.steps.length, 0), `walked ${steps} steps`);
  // Back by key returns to the previous step.
  await lab.page.keyboard.press('b');
  await lab.frames(3);
  const back = await lab.call('tour');
  const last = tour.chapters[tour.chapters.length - 1];
  assert(back.chapter === tour.chapters.length && back.step === last.steps.length - 1, `b went to ${back.chapter}.${back.step}`);
  lab.assertNoErrors();
});

test('every exercise: Show solution reaches its goal (not counted as done); two done by hand, by clicks and typing, are remembered', async ({ lab, url }) => {
  await lab.open(url);
  await lab.page.evaluate(() => localStorage.removeItem('raftlab.exercises'));
  await lab.open(url);
  const list = await lab.call('exercises');
  assert(list.length >= 7 && list.every((e) => !e.done), `exercises: ${JSON.stringify(list.map((e) => [e.id, e.done]))}`);
  for (const e of list) {
    await lab.ok('tourGo', e.chapter, e.step);
    await lab.frames(3);
    const t0 = await lab.call('tour');
    assert(!t0.goalMet && t0.note === '', `${e.id}: at its start goalMet ${t0.goalMet}, note "${t0.note}"`);
    const solve = await lab.item('Show solution');
    await lab.click(solve.x, solve.y);
    await lab.page.waitForFunction(() => window.Module.tour().goalMet, null, { timeout: 20000, polling: 50 });
    const t1 = await lab.call('tour');
    assert(t1.solutionShown && !(await lab.call('exercises')).find((x) => x.id === e.id).done, `${e.id}: the shown solution counted as done`);
    // Safety holds, except where the goal is the checker catching a broken switch (a stale lease read).
    const wantsViolation = e.goal.some((g) => g.startsWith('expect violation'));
    assert((await lab.state()).invariants.ok !== wantsViolation, `${e.id}: invariants ok ${(await lab.state()).invariants.ok} after the solution`);
  }
  // Chapter 1 by hand: click s5, Force election timeout, play on.
  const ex1 = list.find((e) => e.id.startsWith('01-'));
  await lab.ok('tourGo', ex1.chapter, ex1.step);
  await lab.frames(2);
  let p = await lab.call('nodePosition', 's5');
  await lab.click(p.x, p.y);
  await lab.waitForWindow('node_menu');
  const timeout = await lab.item('Timeout');
  await lab.click(timeout.x, timeout.y);
  await lab.ok('run', 600);
  await lab.frames(2);
  assert((await lab.call('exercises')).find((x) => x.id === ex1.id).done, `${ex1.id} not done after s5 timed out: ${JSON.stringify(await lab.call('tour'))}`);
  assert((await lab.state()).notice.startsWith('Exercise done'), 'no notice for the exercise done');
  // Chapter 3 by hand, typing: crash s3 from its menu; type "put x 1" in s1's menu and Send.
  const ex3 = list.find((e) => e.id.startsWith('03-'));
  await lab.ok('tourGo', ex3.chapter, ex3.step);
  await lab.frames(2);
  p = await lab.call('nodePosition', 's3');
  await lab.click(p.x, p.y);
  await lab.waitForWindow('node_menu');
  const crash = await lab.item('Crash');
  await lab.click(crash.x, crash.y);
  p = await lab.call('nodePosition', 's1');
  await lab.click(p.x, p.y);
  await lab.waitForWindow('node_menu');
  const input = await lab.item('Client op');
  await lab.click(input.x, input.y);
  await lab.frames(3);  // the field takes the keyboard in the frame after the click (a loaded machine may skip one)
  await lab.page.keyboard.press('Control+A');
  await lab.frames(1);
  await lab.page.keyboard.type('put x 1', { delay: 20 });
  await lab.frames(3);
  const send = await lab.item('Send op');
  await lab.click(send.x, send.y);
  await lab.frames(2);
  const typed = await lab.call('exportScenario');
  assert(/^put x 1 via s1$/m.test(typed), `the typed put was not recorded: ${typed.split('\n').slice(-4).join(' | ')}`);
  await lab.ok('run', 500);
  await lab.frames(2);
  assert((await lab.call('exercises')).find((x) => x.id === ex3.id).done, `${ex3.id} not done: ${JSON.stringify(await lab.call('tour'))}`);
  await lab.shot('tour-exercise-done');
  await lab.open(url);
  const again = await lab.call('exercises');
  assert(again.filter((e) => e.done).map((e) => e.id).join() === [ex1.id, ex3.id].join(), `after a reload: ${JSON.stringify(again.map((e) => [e.id, e.done]))}`);
  lab.assertNoErrors();
});

test('a tour link opens its step; Back and Next restore a step the learner poked', async ({ lab, url }) => {
  await lab.open(url + '#tour=5.2');
  const where = await lab.call('tour');
  assert(where.active && where.chapter === 5 && where.step === 2, `#tour=5.2 opened ${where.chapter}.${where.step}`);
  const fresh = await lab.state();
  assert(fresh.time === where.chapters[4].steps[1].t, `opened at t=${fresh.time}`);
  // Poke: crash every server that is up, and run on.
  for (const n of fresh.nodes.filter((x) => x.up)) await lab.ok('crash', n.name);
  await lab.ok('run', 500);
  const next = await lab.item('Next');
  await lab.click(next.x, next.y);
  const backBtn = await lab.item('Back');
  await lab.click(backBtn.x, backBtn.y);
  const restored = await lab.state();
  assert(restored.time === fresh.time && restored.traceHash === fresh.traceHash && restored.nodes.every((n, i) => n.up === fresh.nodes[i].up),
    `Back did not restore step 5.2: t=${restored.time} (${fresh.time}), hash ${restored.traceHash} (${fresh.traceHash})`);
  await lab.open(url + '#tour=99.1');
  const bad = await lab.state();
  assert(/tour link could not be opened/.test(bad.notice) && /chapters 1\.\./.test(bad.notice), `notice: ${bad.notice}`);
  assert(!(await lab.call('tour')).active, 'a bad tour link left the tour open');
  assert(/^tourGo: chapter must be/.test(await lab.call('tourGo', 'one', 1)), 'tourGo("one", 1) accepted');
  lab.assertNoErrors();
});

test('the space-time diagram: lanes and arrows beside the ring; a click on an arrow in flight drops that message', async ({ lab, url }) => {
  await lab.open(url);
  await lab.ok('loadScenario', 'nodes 5\nseed 3\nlatency 40ms 80ms\ntimeout s1\nrun 400ms\nexpect leader s1\nclients 2 rate 20/s\nrun 5s\n');
  await lab.ok('seek', 1500000);
  const box = await lab.item('Space-time');
  await lab.click(box.x, box.y);
  await lab.frames(3);
  const st = await lab.windowRect('SpaceTime');
  const cluster = await lab.windowRect('Cluster');
  assert(st && st.w > 200 && st.h > 150 && st.x > cluster.x + cluster.w * 0.3, `space-time area ${JSON.stringify(st)} in ${JSON.stringify(cluster)}`);
  // A heartbeat in flight: its head is where the diagram's right edge meets the path to its target.
  const s = await lab.state();
  const fl = s.messages.find((m) => m.type === 'AppendEntries');
  assert(fl, `no AppendEntries in flight at t=${s.time}: ${JSON.stringify(s.messages.slice(0, 3))}`);
  const head = await lab.call('spaceTimePosition', fl.id);
  assert(head && head.x > st.x && head.x <= st.x + st.w && head.y > st.y && head.y < st.y + st.h, `head of ${fl.id}: ${JSON.stringify(head)}`);
  await lab.click(head.x, head.y);
  await lab.waitForWindow('message_menu');
  const drop = await lab.item('Drop');
  await lab.click(drop.x, drop.y);
  const text = await lab.call('exportScenario');
  assert(new RegExp(`^drop ${fl.id}$`, 'm').test(text), `no 'drop ${fl.id}' in the session:\n${text.slice(-300)}`);
  await lab.shot('space-time');
  // A click on an empty spot goes to that moment.
  const before = (await lab.state()).time;
  await lab.click(st.x + 30 + (st.w - 36) * 0.25, st.y + st.h - 20);
  await lab.page.waitForFunction((b) => window.Module.state().time < b, before, { timeout: 10000, polling: 50 });
  lab.assertNoErrors();
});

test('branches: acting in the past keeps the old future; Compare shows both, Switch goes back to it', async ({ lab, url }) => {
  await lab.open(url);
  await lab.ok('loadScenario', 'nodes 5\nseed 3\ntimeout s1\nrun 400ms\nput x 1\nrun 600ms\ncrash s5\nrun 1s\n');
  await lab.ok('seek', 2000000);
  const before = await lab.call('exportScenario');
  await lab.ok('seek', 700000);
  await lab.frames(2);
  const p = await lab.call('nodePosition', 's4');
  await lab.click(p.x, p.y);
  await lab.waitForWindow('node_menu');
  const crash = await lab.item('Crash');
  await lab.click(crash.x, crash.y);
  await lab.waitForWindow('Change the past?');
  const fork = await lab.item('Fork');
  await lab.click(fork.x, fork.y);
  const list = await lab.call('branches');
  assert(list.length === 1 && list[0].name === 'b1' && list[0].forkedAt === 700000 && list[0].change === 'crash s4',
    `branches after the fork: ${JSON.stringify(list)}`);
  await lab.ok('run', 800);
  const menu = await lab.item('Branches');
  await lab.click(menu.x, menu.y);
  const newest = await lab.waitForItem('Newest branch');
  await lab.click(newest.x, newest.y);
  const cmp = await lab.waitForItem('Compare branch');
  await lab.click(cmp.x, cmp.y);
  await lab.waitForWindow('Compare');
  assert((await lab.call('branches'))[0].compared, 'the branch is not marked compared');
  await lab.frames(3);
  await lab.shot('branches-compare');
  await lab.ok('compareBranch', null);
  assert(/^switchBranch: no branch named "b9"/.test(await lab.call('switchBranch', 'b9')), 'switchBranch("b9") accepted');
  await lab.ok('switchBranch', 'b1');
  await lab.page.waitForFunction(() => !window.Module.state().seeking, null, { timeout: 20000, polling: 50 });
  const s = await lab.state();
  assert(s.time === 700000 && s.endTime === 2000000, `switched: t=${s.time}, end ${s.endTime}`);
  const after = await lab.call('branches');
  assert(after.length === 1 && after[0].name === 'b2' && after[0].change === '(the session you switched from)', `branches after switching: ${JSON.stringify(after)}`);
  await lab.ok('seek', 2000000);
  assert(await lab.call('exportScenario') === before, 'the old future did not come back as it was');
  lab.assertNoErrors();
});

test('the linearizability panel: a stale lease read is refuted, the smallest failing part and the culprit marked', async ({ lab, url }) => {
  await lab.open(url);
  await lab.ok('loadScenario', await lab.call('scenarioText', 'lease-under-drift'));
  await lab.ok('seek', (await lab.state()).endTime);
  const s = await lab.state();
  assert(!s.invariants.ok, `the stale read did not stop the run: ${JSON.stringify(s.invariants)}`);
  const menu = await lab.item('Simulation');
  await lab.click(menu.x, menu.y);
  const item = await lab.waitForItem('Linearizability panel');
  await lab.click(item.x, item.y);
  await lab.waitForWindow('Linearizability');
  await lab.frames(3);
  const lin = await lab.call('linearizability');
  assert(lin.open && lin.checked && lin.verdict === 'not linearizable' && lin.key === 'x', `verdict: ${JSON.stringify(lin)}`);
  assert(lin.failing.length >= 2 && lin.failing.length <= lin.ops && lin.failing.includes(lin.culprit),
    `the failing part: ${JSON.stringify(lin)}`);
  await lab.shot('linearizability-refuted');
  // A healthy run: linearizable.
  await lab.ok('loadScenario', await lab.call('scenarioText', 'kv-basics'));
  await lab.ok('seek', (await lab.state()).endTime);
  await lab.frames(3);
  const ok = await lab.call('linearizability');
  assert(ok.verdict === 'linearizable' && ok.ops >= 7 && ok.failing.length === 0, `kv-basics: ${JSON.stringify(ok)}`);
  lab.assertNoErrors();
});

// ---- runner ----
// ---- issue 10: the page attached to a real cluster ----
// raftd and raftctl from the native debug build (./dev test builds it first), or $RAFTD/$RAFTCTL.
const RAFTD = process.env.RAFTD || path.join(root, 'build', 'debug', 'shell', 'raftd', 'raftd');
const RAFTCTL = process.env.RAFTCTL || path.join(root, 'build', 'debug', 'shell', 'raftctl', 'raftctl');

// A 3-server cluster on 127.0.0.1 and `raftctl lab` for it; stop() ends both and removes the directory.
async function realCluster() {
  const { spawn, execFileSync } = await import('node:child_process');
  for (const f of [RAFTD, RAFTCTL]) assert(fs.existsSync(f), `${f} is missing: build the native debug preset first (./dev test does)`);
  const env = { ...process.env, RAFTD, ASAN_OPTIONS: 'detect_leaks=0' };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'raftlab-attach-'));
  const dir = path.join(work, 'c');
  const port = 20000 + (process.pid % 400) * 10;  // below the ephemeral range
  const ctl = (...args) => execFileSync(RAFTCTL, ['--dir', dir, ...args], { env, encoding: 'utf8', timeout: 30000 });
  let labProc = null;
  const stop = () => {
    try { labProc?.kill('SIGTERM'); } catch {}
    try { ctl('stop'); } catch {}
    fs.rmSync(work, { recursive: true, force: true });
  };
  try {
    ctl('start', '3', '--port', String(port));
    labProc = spawn(RAFTCTL, ['--dir', dir, 'lab', '--port', String(port - 1)], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    labProc.stdout.on('data', (d) => (out += d));
    const ws = `ws://127.0.0.1:${port - 1}/lab`;
    const end = Date.now() + 15000;
    while (!out.includes(ws)) {
      if (Date.now() > end) throw new Error(`raftctl lab did not serve ${ws} within 15 s (it printed: ${out})`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { ws, ctl, stop };
  } catch (e) {
    stop();
    throw e;
  }
}

// Polls the page's state (real time: the cluster is real) until pred holds, within `seconds`.
async function waitState(lab, what, seconds, pred) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const s = await lab.state();
    if (pred(s)) return s;
    if (Date.now() > end) throw new Error(`${what}: not within ${seconds} s (attached ${s.attached}, live ${s.attachLive}, leader ${s.leader}, roles ${s.nodes.map((n) => n.name + ':' + n.role + '/' + n.term).join(' ')}; notice: ${s.notice})`);
    await lab.frames(2);
  }
}

test('attached to a real 3-server cluster: clicking the leader and Crash draws a new leader; the recording replays', async ({ lab, url }) => {
  const cluster = await realCluster();
  try {
    await lab.open(`${url}#attach=${cluster.ws}`);
    const s0 = await waitState(lab, 'three servers drawn with a leader', 30, (s) => s.attached && s.attachLive && s.nodes.length === 3 && !!s.leader);
    await lab.shot('attached');
    const old = s0.leader;
    const oldTerm = byName(s0, old).term;
    // A client request from the page goes to the real cluster and comes back as its entries.
    const commit0 = Math.max(...s0.nodes.map((n) => n.commitIndex));
    await lab.ok('propose', 'put attached yes');
    await waitState(lab, 'the put committed on every server', 20, (s) => s.nodes.every((n) => n.commitIndex > commit0));
    // Click the leader, choose Crash: raftctl kills the process, its stream ends, another server leads.
    await nodeMenu(lab, old, 'Crash');
    const s1 = await waitState(lab, 'a new leader drawn', 30, (s) => !byName(s, old).up && !!s.leader && s.leader !== old);
    assert(byName(s1, s1.leader).term > oldTerm, `the new leader ${s1.leader} is in term ${byName(s1, s1.leader).term}, not above ${oldTerm}`);
    assert(byName(s1, s1.leader).role === 'leader', 'the leader is not drawn as leader');
    await lab.frames(2);
    const { buf } = await lab.shot('attached-new-leader');
    assert(looksDrawn(pixelStats(decodePng(buf))), 'the attached page looks blank');
    assert(s1.invariants.ok && s1.checking, `the checker: ok ${s1.invariants.ok}, checking ${s1.checking} (${s1.invariants.message} ${s1.notice})`);
    // Restart it from its menu: it comes back with its disk and follows.
    await nodeMenu(lab, old, 'Restart');
    await waitState(lab, `${old} back as a follower, caught up`, 30, (s) => byName(s, old).up && byName(s, old).role === 'follower' &&
      s.nodes.every((n) => JSON.stringify(n.log) === JSON.stringify(s.nodes[0].log)));
    // The recording, exported and opened again, replays to the same servers.
    const last = await lab.state();
    const trace = await lab.call('exportTrace');
    assert(trace.split('\n').length > 50, 'the exported recording is nearly empty');
    await lab.ok('openRecording', trace);
    await lab.frames(2);
    let r = await lab.state();
    assert(r.attached && !r.attachLive, `the recording did not open as one (attached ${r.attached}, live ${r.attachLive})`);
    await lab.ok('seek', Number.MAX_SAFE_INTEGER);
    r = await lab.state();
    assert(byName(r, s1.leader).role === 'leader' && byName(r, old).up, `the replayed recording ends elsewhere: ${JSON.stringify(r.nodes.map((n) => [n.name, n.role, n.term]))}`);
    assert(r.invariants.ok, `the replayed recording fails the checker: ${r.invariants.message}`);
    assert(r.recordProblems === 0 && last.recordProblems === 0, `records that did not fit: ${r.recordProblems} replayed, ${last.recordProblems} live`);
    assert(r.nodes.every((n) => JSON.stringify(n.log) === JSON.stringify(byName(last, n.name).log)), 'the replayed logs differ from the live ones');
    assert(last.invariants.ok, `the live session failed the checker: ${last.invariants.message}`);
    // Commands on a recording say why they cannot apply.
    const refused = await lab.call('crash', 's1');
    assert(/not connected to a cluster/.test(refused), `crash on a recording: ${refused}`);
    // Attached again (a new session): the cluster as it is now, described by its hellos.
    await lab.ok('attach', cluster.ws);
    await waitState(lab, 'attached again, with a leader', 30, (s) => s.attachLive && !!s.leader && s.nodes.every((n) => n.up));
    lab.assertNoErrors();
  } finally {
    cluster.stop();
  }
});

async function main() {
  const selected = tests.filter((t) => t.name.includes(opt.filter));
  if (opt.list) { for (const t of selected) console.log(t.name); return 0; }
  if (!fs.existsSync(path.join(opt.site, 'index.html')) || !fs.existsSync(path.join(opt.site, 'raftlab.js'))) {
    console.error(`browser tests: no built site in ${opt.site} (build the web target first)`);
    return 1;
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.error('browser tests: /usr/bin/chromium missing. Install it: sudo apt-get install -y chromium');
    return 1;
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    console.error('browser tests: npm package playwright-core missing. Install it: (cd tests/browser && npm ci)');
    return 1;
  }
  const server = await serve(opt.site);
  const url = `http://127.0.0.1:${server.address().port}/`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'raftlab-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, viewport: VIEWPORT, deviceScaleFactor: 1,
  });
  let passed = 0, failed = 0;
  try {
    for (const t of selected) {
      const pages = [];
      const newLab = async (name) => { const l = new Lab(await context.newPage(), name); pages.push(l); return l; };
      const started = Date.now();
      try {
        const lab = await newLab(t.name);
        let timer;
        const limit = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('timed out after 90 s')), 90000); });
        await Promise.race([t.fn({ lab, url, newLab }), limit]).finally(() => clearTimeout(timer));
        passed++;
        console.log(`ok   ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (e) {
        failed++;
        console.log(`FAIL ${t.name}: ${e.message.split('\n').join('\n     ')}`);
        for (const l of pages) {
          try { await l.shot(`FAILED-${t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}-${l === pages[0] ? 'a' : 'b'}`); } catch { /* page gone */ }
        }
      } finally {
        for (const l of pages) await l.page.close().catch(() => {});
      }
    }
  } finally {
    await context.close();
    server.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  for (const m of Object.values(metrics)) console.log(`note: ${m}`);
  console.log(`screenshots: ${path.relative(process.cwd(), opt.out) || '.'}`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

process.exit(await main());
