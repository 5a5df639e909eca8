// Usage: node check_png.mjs FILE.png [WIDTH HEIGHT]
// Exits 0 when FILE is a PNG (of that size, if given) whose pixels look drawn, 1 otherwise.
import fs from 'node:fs';
import { decodePng, pixelStats, looksDrawn, MIN_VARIANCE, MIN_COLORS } from '../browser/png.mjs';

const [file, w, h] = process.argv.slice(2);
if (!file) {
  console.error('usage: node check_png.mjs FILE.png [WIDTH HEIGHT]');
  process.exit(2);
}
try {
  const stats = pixelStats(decodePng(fs.readFileSync(file)));
  const summary = `${stats.width}x${stats.height}, luma mean ${stats.mean.toFixed(1)}, variance ${stats.variance.toFixed(1)}, ${stats.colors}${stats.colors >= 4096 ? '+' : ''} colors`;
  if (w && h && (stats.width !== Number(w) || stats.height !== Number(h))) {
    console.error(`${file}: expected ${w}x${h}, got ${summary}`);
    process.exit(1);
  }
  if (!looksDrawn(stats)) {
    console.error(`${file}: looks blank (${summary}; need variance > ${MIN_VARIANCE} and > ${MIN_COLORS} colors)`);
    process.exit(1);
  }
  console.log(`${file}: ${summary}`);
} catch (e) {
  console.error(`${file}: ${e.message}`);
  process.exit(1);
}
