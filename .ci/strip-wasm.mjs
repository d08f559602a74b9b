// Removes the custom sections `producers` and `target_features` from the WASM files given: the
// engine ignores them, yet with wasm-split's many small chunks they are a large share of every
// chunk (about 125 of its 180-300 compressed bytes). Only those sections go; every other byte
// stays as it was. Files without them are left untouched, so running it again changes nothing.
// Run by `make build` (the precompress step) before the files are compressed.
import { readFileSync, writeFileSync } from 'node:fs';

const DROP = new Set(['producers', 'target_features']);

function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[at++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if (byte < 0x80) return [value, at];
  }
}

for (const file of process.argv.slice(2)) {
  const bytes = readFileSync(file);
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) continue; // "\0asm"
  const kept = [bytes.subarray(0, 8)];
  let dropped = 0;
  for (let at = 8; at < bytes.length; ) {
    const start = at;
    const id = bytes[at++];
    let size;
    [size, at] = leb(bytes, at);
    const end = at + size;
    if (end > bytes.length) throw new Error(`${file}: a section runs past the end`);
    let drop = false;
    if (id === 0) {
      const [length, name] = leb(bytes, at);
      drop = DROP.has(bytes.subarray(name, name + length).toString('utf8'));
    }
    if (drop) dropped++;
    else kept.push(bytes.subarray(start, end));
    at = end;
  }
  if (dropped) writeFileSync(file, Buffer.concat(kept));
}
