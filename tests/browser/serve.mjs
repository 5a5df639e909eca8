// A small static file server for the built site, bound to 127.0.0.1 (used by the browser tests and
// usable by `./dev serve`).
// usage: node tests/browser/serve.mjs [SITE_DIR [PORT [HOST]]]   (default build/web/site 8080 127.0.0.1)
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm',
  '.png': 'image/png', '.json': 'application/json', '.raft': 'text/plain; charset=utf-8',
};

// Serves `dir` on `host`:`port` (0 = any free port); resolves to the listening server.
export function serve(dir, port = 0, host = '127.0.0.1') {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    let p;
    try { p = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { p = '/'; }
    const file = path.join(root, p.endsWith('/') ? p + 'index.html' : p);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // usage: node serve.mjs [SITE [PORT [HOST]]]  or  --site DIR --port N --host H
  const here = path.dirname(fileURLToPath(import.meta.url));
  let site = path.resolve(here, '..', '..', 'build', 'web', 'site');
  let port = 8080;
  let host = '127.0.0.1';
  const usage = () => process.stderr.write('usage: node tests/browser/serve.mjs [SITE_DIR [PORT [HOST]]]  (or --site DIR --port N --host H)\n');
  const bad = (what) => { process.stderr.write(`serve: ${what}\n`); usage(); process.exit(2); };
  const setPort = (v) => { if (!/^\d+$/.test(v) || +v > 65535) bad(`port must be a number up to 65535, got '${v}'`); port = +v; };
  const argv = process.argv.slice(2);
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => (i + 1 < argv.length ? argv[++i] : bad(`${a} needs a value`));
    if (a === '--site') site = path.resolve(value());
    else if (a === '--port') setPort(value());
    else if (a === '--host') host = value();
    else if (a === '--help' || a === '-h') { usage(); process.exit(0); }
    else if (a.startsWith('-')) bad(`unknown option '${a}'`);
    else positional.push(a);
  }
  if (positional.length > 3) bad('too many arguments');
  if (positional[0]) site = path.resolve(positional[0]);
  if (positional[1]) setPort(positional[1]);
  if (positional[2]) host = positional[2];
  if (!fs.existsSync(path.join(site, 'index.html'))) {
    process.stderr.write(`serve: no index.html in ${site} (build the web target first)\n`);
    process.exit(1);
  }
  try {
    const server = await serve(site, port, host);
    console.log(`Raft Lab: http://${host}:${server.address().port}/  (serving ${site}; Ctrl+C stops)`);
  } catch (e) {
    process.stderr.write(`serve: cannot listen on ${host}:${port}: ${e.code || e.message}\n`);
    process.exit(1);
  }
}
