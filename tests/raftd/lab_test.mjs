// raftctl lab (issue 10): a page's WebSocket into a live 3-server cluster. Checks the merged
// stream (every server's hello and state), a put with its invoke/return lines, crashing the leader
// by a control call and seeing another server lead, a restart's fresh hello, a partition and heal,
// and that bad control calls get a sentence. Every wait has a deadline; everything stops on exit.
// usage: node --experimental-websocket lab_test.mjs RAFTCTL RAFTD
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [ctl, raftd] = process.argv.slice(2);
if (!ctl || !raftd) {
  console.error("usage: lab_test.mjs RAFTCTL RAFTD");
  process.exit(2);
}
const env = { ...process.env, RAFTD: raftd, ASAN_OPTIONS: "detect_leaks=0" };
const work = mkdtempSync(join(tmpdir(), "raftlab-lab-"));
const dir = join(work, "c");
const port = 14000 + (process.pid % 300) * 20;  // below the ephemeral range
const r = (...args) => execFileSync(ctl, ["--dir", dir, ...args], { env, encoding: "utf8", timeout: 30000 });
let lab = null;
let failed = false;
function cleanup() {
  try { lab?.kill("SIGTERM"); } catch {}
  try { r("stop"); } catch {}
  rmSync(work, { recursive: true, force: true });
}
function fail(msg) {
  failed = true;
  console.error("FAIL: " + msg);
  try { console.error(r("status")); } catch {}
  cleanup();
  process.exit(1);
}
const deadline = setTimeout(() => fail("the whole test took over 120 s"), 120000);

const lines = [];
let ws = null;
async function until(what, seconds, pred) {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    const got = pred();
    if (got) return got;
    if (Date.now() > end) fail(`${what}: not within ${seconds} s (last lines: ${lines.slice(-5).map((l) => JSON.stringify(l)).join(" ")})`);
    await new Promise((res) => setTimeout(res, 50));
  }
}
const roles = {};  // the latest role and term each server reported
let controlId = 0;
async function control(call, seconds = 15) {
  const id = ++controlId;
  ws.send(JSON.stringify({ ...call, id }));
  return until(`an answer to ${JSON.stringify(call)}`, seconds, () => lines.find((l) => l.ev === "control" && l.id === id));
}
const leader = () => Object.keys(roles).find((s) => roles[s].role === "leader" && roles[s].up);

try {
  r("start", "3", "--port", String(port));
  lab = spawn(ctl, ["--dir", dir, "lab", "--port", String(port - 1)], { env, stdio: ["ignore", "pipe", "inherit"] });
  let labOut = "";
  lab.stdout.on("data", (d) => (labOut += d));
  await until("raftctl lab listening", 15, () => labOut.includes(`ws://127.0.0.1:${port - 1}/lab`));
  ws = new WebSocket(`ws://127.0.0.1:${port - 1}/lab`);
  ws.onmessage = (m) => {
    for (const text of String(m.data).split("\n")) {
      if (!text) continue;
      let l;
      try {
        l = JSON.parse(text);
      } catch {
        fail("a line that is not JSON: " + text.slice(0, 200));
      }
      lines.push(l);
      if (l.ev === "role") roles[l.node] = { role: l.role, term: l.term, up: true };
      if (l.ev === "crash" && roles[l.node]) roles[l.node].up = false;
    }
  };
  ws.onerror = () => fail("the WebSocket failed");
  await until("the attach line", 10, () => lines.find((l) => l.ev === "attach" && l.servers === 3));
  await until("three hellos", 15, () => new Set(lines.filter((l) => l.ev === "hello").map((l) => l.node)).size === 3);
  const first = await until("a leader", 30, leader);

  const put = await control({ cmd: "put", key: "greeting", value: "hello" });
  if (!put.ok) fail("put: " + put.text);
  const inv = lines.find((l) => l.ev === "invoke" && l.key === "greeting");
  if (!inv || inv.op !== "put" || inv.value !== "hello") fail("no invoke line for the put");
  const ret = lines.find((l) => l.ev === "return" && l.req === inv.req);
  if (!ret || ret.ok !== true || ret.value !== "hello") fail("return line: " + JSON.stringify(ret));
  await until("the put applied on all three", 15, () => new Set(lines.filter((l) => l.ev === "apply" && l.cmd && l.cmd.key === "greeting").map((l) => l.node)).size === 3);
  const got = await control({ cmd: "get", key: "greeting" });
  if (!got.ok) fail("get: " + got.text);

  const crash = await control({ cmd: "crash", node: first });
  if (!crash.ok || crash.text !== `crashed ${first}`) fail("crash: " + JSON.stringify(crash));
  await until(`a crash line for ${first}`, 10, () => lines.find((l) => l.ev === "crash" && l.node === first));
  const second = await until("a new leader", 30, () => {
    const l = leader();
    return l && l !== first ? l : null;
  });
  if (!(roles[second].term > 0)) fail("new leader without a term");
  const hellosBefore = lines.filter((l) => l.ev === "hello" && l.node === first).length;
  const restart = await control({ cmd: "restart", node: first });
  if (!restart.ok) fail("restart: " + restart.text);
  await until(`a fresh hello from ${first}`, 20, () => lines.filter((l) => l.ev === "hello" && l.node === first).length > hellosBefore);

  const others = ["s1", "s2", "s3"].filter((s) => s !== second);
  const part = await control({ cmd: "partition", groups: [[second], others] });
  if (!part.ok) fail("partition: " + part.text);
  await until("a drop for the partition", 10, () => lines.find((l) => l.ev === "drop" && l.reason === "partition"));
  const heal = await control({ cmd: "heal" });
  if (!heal.ok || !heal.text.startsWith("healed")) fail("heal: " + JSON.stringify(heal));

  // Bad calls: a sentence each, and the stream goes on.
  ws.send("not json");
  await until("an answer to a line that is not JSON", 5, () => lines.find((l) => l.ev === "control" && l.id === null && !l.ok && l.text.includes("JSON object")));
  const bad = await control({ cmd: "crash", node: "s9" });
  if (bad.ok || bad.text !== 'crash: "node" must be "s1".."s3"') fail("crash s9: " + JSON.stringify(bad));
  const unknown = await control({ cmd: "explode" });
  if (unknown.ok || !unknown.text.startsWith("unknown control call 'explode'")) fail("unknown call: " + JSON.stringify(unknown));
  const n = lines.length;
  await until("lines still flowing", 10, () => lines.length > n + 5);

  console.log(`ok: ${lines.length} lines; ${first} crashed by a control call, ${second} leads in term ${roles[second].term}`);
} catch (e) {
  if (!failed) fail(String(e?.stack ?? e));
}
clearTimeout(deadline);
ws?.close();
cleanup();
process.exit(0);
