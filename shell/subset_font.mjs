// Shrinks a TrueType font for the web page: keeps the tables Dear ImGui's stb_truetype reads
// (cmap, head, hhea, hmtx, maxp, loca, glyf, OS/2) and the outlines of the characters the UI can
// draw; every other glyph becomes empty. Glyph ids, cmap and metrics stay as they are, so the
// kept characters render exactly as from the full font. Build-time only (node, no packages).
//
// usage: node subset_font.mjs IN.ttf OUT.ttf
import fs from 'node:fs';

// Characters kept: Latin (ImGui's default range is U+0020..U+00FF), Latin Extended-A, general
// punctuation, arrows, math operators, geometric shapes and the replacement character.
const KEEP = [[0x20, 0x17f], [0x2000, 0x206f], [0x2190, 0x21ff], [0x2200, 0x22ff], [0x25a0, 0x25ff], [0xfffd, 0xfffd]];
const TABLES = ['OS/2', 'cmap', 'glyf', 'head', 'hhea', 'hmtx', 'loca', 'maxp'];

function fail(msg) {
  console.error(`subset_font: ${msg}`);
  process.exit(1);
}

const [inPath, outPath] = process.argv.slice(2);
if (!inPath || !outPath) fail('usage: node subset_font.mjs IN.ttf OUT.ttf');
const font = fs.readFileSync(inPath);
if (font.readUInt32BE(0) !== 0x00010000) fail(`${inPath} is not a TrueType (glyf) font`);

const tables = {};
for (let i = 0, n = font.readUInt16BE(4); i < n; i++) {
  const o = 12 + 16 * i;
  const tag = font.toString('latin1', o, o + 4);
  tables[tag] = font.subarray(font.readUInt32BE(o + 8), font.readUInt32BE(o + 8) + font.readUInt32BE(o + 12));
}
for (const t of TABLES) if (!tables[t]) fail(`${inPath} has no '${t}' table`);

// ---- cmap: the glyphs of the kept characters (format 4 or 12, Windows Unicode) ----
const wanted = (cp) => KEEP.some(([a, b]) => cp >= a && cp <= b);
const glyphs = new Set([0]);  // .notdef
{
  const cmap = tables.cmap;
  let sub = -1, best = -1;
  for (let i = 0, n = cmap.readUInt16BE(2); i < n; i++) {
    const pid = cmap.readUInt16BE(4 + 8 * i), eid = cmap.readUInt16BE(6 + 8 * i), off = cmap.readUInt32BE(8 + 8 * i);
    const fmt = cmap.readUInt16BE(off);
    const rank = pid === 3 && eid === 10 && fmt === 12 ? 3 : pid === 3 && eid === 1 && fmt === 4 ? 2 : pid === 0 && (fmt === 4 || fmt === 12) ? 1 : 0;
    if (rank > best) { best = rank; sub = off; }
  }
  if (best <= 0) fail('no Unicode cmap (format 4 or 12)');
  const fmt = cmap.readUInt16BE(sub);
  if (fmt === 4) {
    const segs = cmap.readUInt16BE(sub + 6) / 2;
    const ends = sub + 14, starts = ends + 2 * segs + 2, deltas = starts + 2 * segs, ranges = deltas + 2 * segs;
    for (let s = 0; s < segs; s++) {
      const end = cmap.readUInt16BE(ends + 2 * s), start = cmap.readUInt16BE(starts + 2 * s);
      const delta = cmap.readInt16BE(deltas + 2 * s), ro = cmap.readUInt16BE(ranges + 2 * s);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        if (!wanted(c)) continue;
        let g;
        if (ro === 0) g = (c + delta) & 0xffff;
        else {
          g = cmap.readUInt16BE(ranges + 2 * s + ro + 2 * (c - start));
          if (g) g = (g + delta) & 0xffff;
        }
        if (g) glyphs.add(g);
      }
    }
  } else {
    for (let i = 0, n = cmap.readUInt32BE(sub + 12); i < n; i++) {
      const o = sub + 16 + 12 * i;
      const start = cmap.readUInt32BE(o), end = cmap.readUInt32BE(o + 4), g0 = cmap.readUInt32BE(o + 8);
      for (let c = Math.max(start, 0); c <= end; c++) if (wanted(c)) glyphs.add(g0 + c - start);
    }
  }
}

// ---- glyf/loca: keep those outlines and the components of composite glyphs ----
const longLoca = tables.head.readInt16BE(50) === 1;
const numGlyphs = tables.maxp.readUInt16BE(4);
const loca = (i) => (longLoca ? tables.loca.readUInt32BE(4 * i) : 2 * tables.loca.readUInt16BE(2 * i));
const glyf = tables.glyf;
const pending = [...glyphs];
while (pending.length) {
  const g = pending.pop();
  if (g >= numGlyphs) continue;
  const start = loca(g), end = loca(g + 1);
  if (end <= start || glyf.readInt16BE(start) >= 0) continue;  // empty or simple
  let p = start + 10, flags;
  do {
    flags = glyf.readUInt16BE(p);
    const component = glyf.readUInt16BE(p + 2);
    if (!glyphs.has(component)) { glyphs.add(component); pending.push(component); }
    p += 4 + (flags & 0x0001 ? 4 : 2) + (flags & 0x0008 ? 2 : flags & 0x0040 ? 4 : flags & 0x0080 ? 8 : 0);
  } while (flags & 0x0020);
}
const parts = [];
const offsets = [];
let size = 0;
for (let g = 0; g < numGlyphs; g++) {
  offsets.push(size);
  if (!glyphs.has(g)) continue;
  const data = glyf.subarray(loca(g), loca(g + 1));
  const padded = Buffer.alloc((data.length + 3) & ~3);
  data.copy(padded);
  parts.push(padded);
  size += padded.length;
}
offsets.push(size);
const useLong = longLoca || size >= 0x20000;
const newLoca = Buffer.alloc((numGlyphs + 1) * (useLong ? 4 : 2));
offsets.forEach((o, i) => (useLong ? newLoca.writeUInt32BE(o, 4 * i) : newLoca.writeUInt16BE(o / 2, 2 * i)));
const head = Buffer.from(tables.head);
head.writeInt16BE(useLong ? 1 : 0, 50);
head.writeUInt32BE(0, 8);  // checkSumAdjustment, set below

const out = { ...Object.fromEntries(TABLES.map((t) => [t, tables[t]])), glyf: Buffer.concat(parts), loca: newLoca, head };

// ---- write: offset table, sorted directory, 4-byte aligned tables, checksums ----
const checksum = (b) => {
  let s = 0;
  for (let i = 0; i < b.length; i += 4) {
    s = (s + ((b[i] << 24) | ((b[i + 1] || 0) << 16) | ((b[i + 2] || 0) << 8) | (b[i + 3] || 0))) >>> 0;
  }
  return s;
};
const tags = Object.keys(out).sort();
const n = tags.length;
const pow = 2 ** Math.floor(Math.log2(n));
const header = Buffer.alloc(12 + 16 * n);
header.writeUInt32BE(0x00010000, 0);
header.writeUInt16BE(n, 4);
header.writeUInt16BE(pow * 16, 6);
header.writeUInt16BE(Math.log2(pow), 8);
header.writeUInt16BE(n * 16 - pow * 16, 10);
const body = [];
let offset = header.length;
tags.forEach((tag, i) => {
  const data = out[tag];
  const o = 12 + 16 * i;
  header.write(tag, o, 'latin1');
  header.writeUInt32BE(checksum(data), o + 4);
  header.writeUInt32BE(offset, o + 8);
  header.writeUInt32BE(data.length, o + 12);
  const padded = Buffer.alloc((data.length + 3) & ~3);
  data.copy(padded);
  body.push(padded);
  offset += padded.length;
});
const result = Buffer.concat([header, ...body]);
const headAt = header.readUInt32BE(12 + 16 * tags.indexOf('head') + 8);
result.writeUInt32BE((0xb1b0afba - checksum(result)) >>> 0, headAt + 8);
fs.writeFileSync(outPath, result);
console.log(`subset_font: ${inPath}: ${font.length} -> ${result.length} bytes (${glyphs.size} of ${numGlyphs} glyphs)`);
