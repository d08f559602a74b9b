#!/usr/bin/env python3
"""The main WASM module's budget, checked after `make build`.

1. Its brotli size (the `.br` file `make precompress` wrote) is at most 250 KB (256,000 bytes):
   what a phone downloads before any page hydrates.
2. wasm-split did not fall back to keeping the whole data segment in the main module. When the
   relocated segment comes out longer than the linker's ("Overlong segment … putting it in main
   module", BENCHMARKS.md, issue 7), every page's constants stay in main and it grows by tens of
   KB without warning. Normally the pages' constants go to their chunks, so main keeps well under
   half of the linked module's data; at more than 60 % the fallback happened.
3. Every lazily loaded part arrives in one download (issue 29, .ci/bundle-wasm.mjs): each split
   point has its bundle, the loader asks for bundles, and no bundle is over 200 KB brotli (a
   page downloads the main module and its route's bundle).
"""

import os
import sys

BUDGET = 256_000
MOST_DATA_SHARE = 0.6
BUNDLE_BUDGET = 204_800

site = os.environ.get("LEPTOS_SITE_ROOT", "target/site")
target = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/digdaya/target"))
main = os.path.join(site, "pkg", "digdaya.wasm")
linked = os.path.join(target, "front", "wasm32-unknown-unknown", "wasm-release", "digdaya.wasm")


def data_bytes(path):
    """The size of the data section (id 11) of a WASM module."""
    with open(path, "rb") as f:
        b = f.read()
    if b[:4] != b"\0asm":
        sys.exit(f"{path} is not a WASM module")
    i, total = 8, 0
    while i < len(b):
        section = b[i]
        i += 1
        size = shift = 0
        while True:
            byte = b[i]
            i += 1
            size |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                break
        if section == 11:
            total += size
        i += size
    return total


def main_():
    failed = False
    brotli = os.path.getsize(main + ".br")
    print(f"main WASM: {brotli:,} bytes brotli (budget {BUDGET:,})")
    if brotli > BUDGET:
        print("  over budget: see BENCHMARKS.md for what the main module carries")
        failed = True
    if os.path.exists(linked):
        kept, whole = data_bytes(main), data_bytes(linked)
        print(f"main WASM data: {kept:,} of the linked module's {whole:,} bytes ({kept / whole:.0%})")
        if kept > MOST_DATA_SHARE * whole:
            print("  wasm-split kept the whole data segment in main (an overlong segment): see SPLIT_SLACK in src/lib.rs")
            failed = True
    else:
        print(f"  {linked} not found: the data check needs `make build`")
        failed = True
    failed |= bundles()
    return 1 if failed else 0


def bundles():
    """Check 3; True when it fails."""
    import json

    pkg = os.path.join(site, "pkg")
    loaders = [f for f in os.listdir(pkg) if f.startswith("__wasm_split.") and f.endswith(".js")]
    if not loaders:
        print("no split loader: not a --split build")
        return True
    with open(os.path.join(pkg, loaders[0]), encoding="utf-8") as f:
        if "function __bundled(" not in f.read():
            print(f"  {loaders[0]} does not load bundles: run `make precompress`")
            return True
    with open(os.path.join(pkg, "wasm-bundles.json"), encoding="utf-8") as f:
        table = json.load(f)
    failed = False
    sizes = []
    for split, file in table.items():
        path = os.path.join(pkg, file + ".br")
        if not os.path.exists(path):
            print(f"  {split}: {file}.br missing")
            failed = True
            continue
        sizes.append((os.path.getsize(path), file))
    sizes.sort(reverse=True)
    print(f"bundles: {len(sizes)} for {len(table)} split points; largest " +
          ", ".join(f"{f} {n:,}" for n, f in sizes[:3]) + f" bytes brotli (budget {BUNDLE_BUDGET:,} each)")
    for n, f in sizes:
        if n > BUNDLE_BUDGET:
            print(f"  {f}: {n:,} bytes brotli, over budget")
            failed = True
    return failed


if __name__ == "__main__":
    sys.exit(main_())
