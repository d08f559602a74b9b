// One download per lazily loaded part of the app (issue 29).
//
// wasm-split (cargo-leptos --split) cuts the app into the main module, one module per split
// point (each lazy page's view, each lazy loader) and one "chunk" for every set of split points
// that share code: 906 files, of which a page such as the services page needs ~240, each a
// request of its own (a round trip on a slow link; HTTP/1.1 runs 6 at a time). This step, run
// by `make precompress` after wasm-split, writes for every split point one bundle holding all
// the files it needs, `bundle_<name>.bin`, and changes the loader wasm-split wrote
// (`__wasm_split.*.js`) so that loading a split point fetches its bundle once and instantiates
// its modules from it. The modules and their order of instantiation stay exactly as wasm-split
// made them; only the transport changes. A file missing from the bundles that arrived (or a
// bundle that failed to arrive) is fetched on its own, as before.
//
// Bundle format: a 4-byte little-endian header length, the header (UTF-8 JSON, `[[file, bytes],
// …]` in order), then the files' bytes one after the other.
//
// The bundle of a page's view is named after the view (`bundle_letters_view.bin` for the lazy
// route `Letters`), so the server names it in the page's preload link (`ui::lazy_page!`).
// wasm-split's manifest (`__wasm_split_manifest.json`) is replaced by `wasm-bundles.json`
// (split point → bundle): leptos read the former to add a preload link per chunk, which made
// the same page's HTML differ from one request to the next (issue 29).
//
// Running it again changes nothing.
import { readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const pkg = process.argv[2];
if (!pkg) throw new Error('usage: bundle-wasm.mjs <site>/pkg');
const manifestPath = join(pkg, '__wasm_split_manifest.json');
const oursPath = join(pkg, 'wasm-bundles.json');
const loaderFile = readdirSync(pkg).find((f) => /^__wasm_split\..*\.js$/.test(f));
if (!loaderFile) process.exit(0); // not a split build: nothing to bundle

const loaderPath = join(pkg, loaderFile);
let loader = readFileSync(loaderPath, 'utf8');
if (loader.includes('function __bundled(')) process.exit(0); // already done

const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const splits = Object.keys(manifest).sort();

// `__letters_view_13859481036649071275` → `letters_view`; a name two split points share keeps
// its number.
const base = (split) => split.replace(/^_+/, '').replace(/_\d+$/, '');
const bundleOf = (s) => `bundle_${splits.filter((t) => base(t) === base(s)).length > 1 ? s.replace(/^_+/, '') : base(s)}.bin`;

const bundles = {};
for (const split of splits) {
  const parts = manifest[split].map((name) => [name, readFileSync(join(pkg, `${name}.wasm`))]);
  const header = Buffer.from(JSON.stringify(parts.map(([name, bytes]) => [name, bytes.length])));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  const file = bundleOf(split);
  writeFileSync(join(pkg, file), Buffer.concat([length, header, ...parts.map(([, bytes]) => bytes)]));
  bundles[split] = file;
}

// Each split point's loader asks for its bundle first; every module's fetch takes its bytes
// from the bundles that arrived.
const fetches = /fetch\(new URL\("\.\/([\w.-]+)\.wasm", import\.meta\.url\)\)/g;
const exported = /^export const __wasm_split_load_(\w+) = /gm;
// wasm-split writes each module's fetch as a four-line function and each chunk under a comment
// naming every split point that shares it (a tenth of the file): both shrink to a call.
const fetcher =
  /\(\) => \{\n\s*const src = fetch\(new URL\("\.\/([\w.-]+)\.wasm", import\.meta\.url\)\);\n\s*return async \(imports\) => \(WebAssembly\.instantiateStreaming\(src, imports\)\);\n\}\n/g;
const wrapped = [];
loader = loader
  .replace(/^\/\* .* \*\/\n/gm, '')
  .replace(fetcher, (_, name) => `__fetcher("${name}")`)
  .replace(fetches, (_, name) => `__part("${name}")`)
  .replace(exported, (_, split) => {
    if (!bundles[split]) throw new Error(`no bundle for the split point ${split}`);
    wrapped.push(`export const __wasm_split_load_${split} = __bundled("${bundles[split]}", __load_${split});`);
    return `const __load_${split} = `;
  });
if (wrapped.length !== splits.length) {
  throw new Error(`${wrapped.length} loaders for ${splits.length} split points in ${loaderFile}`);
}
const runtime = `
// Added by .ci/bundle-wasm.mjs: a split point's modules arrive in one bundle.
const __parts = new Map();
let __arrived = Promise.resolve();
const __asked = new Set();
function __unpack(buffer) {
    const headerLength = new DataView(buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, headerLength)));
    let at = 4 + headerLength;
    const names = [];
    for (const [name, length] of header) {
        if (!__parts.has(name)) {
            __parts.set(name, new Uint8Array(buffer, at, length));
            names.push(name);
        }
        at += length;
    }
    return names;
}
function __bundled(file, load) {
    return (...args) => {
        let names = Promise.resolve([]);
        if (!__asked.has(file)) {
            __asked.add(file);
            names = fetch(new URL("./" + file, import.meta.url))
                .then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error(file + ": " + r.status))))
                .then(__unpack)
                .catch((e) => {
                    __asked.delete(file);
                    console.warn(e);
                    return [];
                });
            __arrived = Promise.all([__arrived, names]);
        }
        // Parts already loaded by an earlier split point are never asked for: let them go.
        return Promise.resolve(load(...args)).finally(() =>
            names.then((left) => left.forEach((name) => __parts.delete(name))));
    };
}
function __fetcher(name) {
    return () => {
        const src = __part(name);
        return async (imports) => WebAssembly.instantiateStreaming(src, imports);
    };
}
function __part(name) {
    return __arrived.then(() => {
        const bytes = __parts.get(name);
        if (bytes === undefined) return fetch(new URL("./" + name + ".wasm", import.meta.url));
        __parts.delete(name);
        return new Response(bytes, { headers: { "Content-Type": "application/wasm" } });
    });
}
`;
writeFileSync(loaderPath, `${loader}${runtime}${wrapped.join('\n')}\n`);
writeFileSync(oursPath, `${JSON.stringify(bundles, null, 1)}\n`);
unlinkSync(manifestPath);
