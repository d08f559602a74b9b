#!/usr/bin/env python3
"""The import rules of the house (ARCHITECTURE.md, "Slices"), checked from the source text.

A top-level module of `src/` is a *slice* (`letters`, `auth`, ...), a part of the *kernel*
(`error`, `db`, `geo`, ...) or part of the *assembly* (`server`, `app`, `cache`, the binary and
the command line), which puts the slices together. The rules:

  1. Nothing outside the assembly imports the assembly: a slice asks for what it needs through
     the kernel, never through `server`, `app` or `cache`.
  2. No circle between top-level modules outside the assembly: two slices (or a slice and the
     kernel) never import each other, directly or round a loop. Circles inside one slice are
     allowed.

Rules that the code does not keep yet are listed in `.ci/imports.allow`, one per line, as this
script prints them. The check fails on a break that is not listed, and on a listed line that no
longer happens (delete it: the list only shrinks). `--report` prints everything and exits 0.

A reference is any `crate::name` in code (comments are left out), a `use crate::{a, b}` group,
and `super::name` in a top-level module.
"""

import os
import re
import sys
from collections import defaultdict

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SRC = os.path.join(ROOT, "src")
ALLOW = os.path.join(ROOT, ".ci", "imports.allow")

# The assembly: what puts the slices together (and the binary's own modules).
ASSEMBLY = {"server", "app", "cache", "edges", "slices", "main", "lib", "cli"}
# Test-only modules of the library (compiled under cfg(test)).
TEST_ONLY = {"fuzz", "test_alloc"}


def top_module(path):
    rel = os.path.relpath(path, SRC).replace(os.sep, "/")
    first = rel.split("/")[0]
    return first[:-3] if first.endswith(".rs") else first


def depth(path):
    """0 for src/x.rs and src/x/mod.rs (their `super` is the crate root), more below."""
    rel = os.path.relpath(path, SRC).replace(os.sep, "/")
    parts = rel.split("/")
    if len(parts) == 1 or (len(parts) == 2 and parts[1] == "mod.rs"):
        return 0
    return len(parts) - 1


COMMENT = re.compile(r"(^|[^:\"'])//.*$")
CRATE_PATH = re.compile(r"(?<![\w$])crate::(\w+)")
CRATE_GROUP = re.compile(r"(?<![\w$])crate::\{")
SUPER_PATH = re.compile(r"(?<![\w:])super::(\w+)")


def group_heads(text, start):
    """The first names of each path in the `{...}` group that opens at `start`."""
    names, level, token, fresh = [], 0, "", True
    for ch in text[start:]:
        if ch == "{":
            level += 1
            if level == 1:
                fresh = True
                continue
        elif ch == "}":
            level -= 1
            if level == 0:
                break
        if level == 1:
            if ch == ",":
                fresh = True
                token = ""
            elif fresh and (ch.isalnum() or ch == "_"):
                token += ch
            elif token:
                names.append(token)
                token, fresh = "", False
    if token:
        names.append(token)
    return names


def references(path):
    """(referenced top-level module, line number) for each reference in `path`."""
    with open(path, encoding="utf-8") as f:
        lines = [COMMENT.sub(r"\1", line) for line in f.read().split("\n")]
    text = "\n".join(lines)
    line_of = lambda pos: text.count("\n", 0, pos) + 1
    found = [(m.group(1), line_of(m.start())) for m in CRATE_PATH.finditer(text)]
    for m in CRATE_GROUP.finditer(text):
        found += [(name, line_of(m.start())) for name in group_heads(text, m.end() - 1)]
    if depth(path) == 0:
        found += [(m.group(1), line_of(m.start())) for m in SUPER_PATH.finditer(text)]
    return found


def graph():
    modules = {top_module(os.path.join(d, f)) for d, _, fs in os.walk(SRC) for f in fs if f.endswith(".rs")}
    edges = defaultdict(lambda: defaultdict(list))  # from -> to -> ["file:line"]
    for folder, _, files in os.walk(SRC):
        for name in sorted(files):
            if not name.endswith(".rs"):
                continue
            path = os.path.join(folder, name)
            here = top_module(path)
            for target, line in references(path):
                if target in modules and target != here:
                    rel = os.path.relpath(path, ROOT).replace(os.sep, "/")
                    edges[here][target].append(f"{rel}:{line}")
    return modules, edges


def circles(nodes, edges):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, {})):
            if w not in nodes:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def breaks():
    modules, edges = graph()
    found = []  # (rule line, evidence)
    for src in sorted(edges):
        if src in ASSEMBLY or src in TEST_ONLY:
            continue
        for dst in sorted(edges[src]):
            if dst in ASSEMBLY:
                found.append((f"imports-assembly {src} -> {dst}", edges[src][dst]))
    inner = {m for m in modules if m not in ASSEMBLY and m not in TEST_ONLY}
    for comp in circles(inner, edges):
        members = set(comp)
        for src in comp:
            for dst in sorted(edges[src]):
                if dst in members and src < dst and src in edges.get(dst, {}):
                    found.append((f"mutual {src} <-> {dst}", edges[src][dst][:1] + edges[dst][src][:1]))
        found.append((f"circle {' '.join(comp)}", []))
    return found


def main():
    report = "--report" in sys.argv
    found = breaks()
    allowed = []
    if os.path.exists(ALLOW):
        with open(ALLOW, encoding="utf-8") as f:
            allowed = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    lines = [rule for rule, _ in found]
    new = [(rule, ev) for rule, ev in found if rule not in allowed]
    gone = [rule for rule in allowed if rule not in lines]
    if report:
        for rule, ev in found:
            print(rule + ("" if not ev else "    (" + ", ".join(ev[:3]) + ("…" if len(ev) > 3 else "") + ")"))
        print(f"{len(found)} breaks of the import rules, {len(allowed)} allowed in .ci/imports.allow")
        return 0
    for rule, ev in new:
        print(f"import rule broken: {rule}    ({', '.join(ev[:3])})")
    for rule in gone:
        print(f"no longer happens, delete it from .ci/imports.allow: {rule}")
    if new or gone:
        print("see the rules at the top of .ci/imports.py and ARCHITECTURE.md, \"Slices\"")
        return 1
    print(f"import rules: kept ({len(allowed)} known breaks left in .ci/imports.allow)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
