#!/usr/bin/env python3
"""Stack frames and the deepest call chains of a runtime build compiled with
-fstack-usage -fcallgraph-info=su (GCC's per-file .ci call graphs, whose nodes carry each
function's frame in bytes).

  stack_report.py BUILD_DIR SOURCE_DIR [--limit BYTES] [--top N] [--root NAME]...
                  [--objdump TOOL --lib ARCHIVE...] [--kernels DIR] [--known FILE]

Prints the N largest frames, then for each root (default: the C API's mote_model_load and
mote_session_run, and their C++ methods) the deepest chain of calls below it with every frame
on the way. Calls through the op table (op_infer, op_run and op_run_reference call every
family's infer_* / run_* through a function pointer) are resolved to all of those functions.
A function calling itself is counted twice (reduce_f32 goes one level deep; the error text's
vformat calls itself for a %m message and a phrase, mote/text_codes.h: 6 frames of 24 bytes at
most on a Cortex-M4). Functions of the C library, libm and libgcc (memcpy, exp, 64-bit division) have no
frame in the graph: with --lib (the archives the firmware links) their frames are read from
their disassembly (the prologue's push, vpush and sp adjustments, and their own calls), else
the chains only name them.

Exit status 1 if a function defined under SOURCE_DIR/runtime/kernels (--kernels: a part of it)
has a frame larger than --limit (default 512): no kernel may keep its working memory on the
stack (mote/kernel.h). --known lists frames above the limit that may stay, each up to the bytes
it names (a ratchet: none may grow, no new one may appear).
"""
import argparse
import glob
import os
import re
import subprocess
import sys

GRAPH = re.compile(r'^graph: \{ title: "([^"]*)"')
NODE = re.compile(r'^node: \{ title: "([^"]*)" label: "([^"]*)"')
EDGE = re.compile(r'^edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"')
BYTES = re.compile(r'^(\d+) bytes \((\w+)')


def load_graph(build_dir):
    frames = {}  # title -> (bytes, qualifier)
    names = {}  # title -> demangled signature
    where = {}  # title -> file:line:column
    edges = {}  # title -> set of callee titles
    unit = {}  # title -> the source file compiled into the function
    files = glob.glob(os.path.join(build_dir, "**", "*.ci"), recursive=True)
    for path in files:
        source = ""
        with open(path) as f:
            for line in f:
                m = GRAPH.match(line)
                if m:
                    source = m.group(1)
                    continue
                m = NODE.match(line)
                if m:
                    title, label = m.group(1), m.group(2)
                    parts = label.split("\\n")
                    names.setdefault(title, parts[0])
                    if len(parts) > 1:
                        where.setdefault(title, parts[1])
                    if len(parts) > 2:
                        b = BYTES.match(parts[2])
                        if b:
                            frames[title] = (int(b.group(1)), b.group(2))
                            unit.setdefault(title, source)
                    continue
                m = EDGE.match(line)
                if m:
                    edges.setdefault(m.group(1), set()).add(m.group(2))
    return files, frames, names, where, edges, unit


PUSH = re.compile(r"\t(push|stmdb\tsp!,|vpush|vstmdb\tsp!,)\t?\s*\{([^}]*)\}")
SUB_SP = re.compile(r"\tsub(?:w|\.w)?\tsp, (?:sp, )?#(\d+)")
PRE_SP = re.compile(r"\[sp, #-(\d+)\]!")
FUNC = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
CALL = re.compile(r"\t(?:bl|b\.w|b)\t[0-9a-f]+ <([^>+]+)>$")


def register_bytes(regs):
    """Bytes a push/vpush register list takes: r/lr/pc/sl/fp/ip 4 each, sN 4, dN 8 (ranges too)."""
    total = 0
    for item in regs.split(","):
        item = item.strip()
        m = re.match(r"([sd])(\d+)-[sd](\d+)$", item)
        if m:
            total += (int(m.group(3)) - int(m.group(2)) + 1) * (8 if m.group(1) == "d" else 4)
        elif item.startswith("d"):
            total += 8
        elif item:
            total += 4
    return total


def library_graph(objdump, archives):
    """Frames and calls of the library functions, from their disassembly: every push, vpush and
    downward sp adjustment of a function is added up (none of them allocates on a loop)."""
    frames, edges = {}, {}
    for lib in archives:
        text = subprocess.run([objdump, "-d", lib], capture_output=True, text=True, check=True).stdout
        current = None
        for line in text.splitlines():
            m = FUNC.match(line)
            if m:
                current = m.group(1)
                if current in frames:
                    current = None  # the first archive's definition wins, as in the link
                else:
                    frames[current], edges[current] = 0, set()
                continue
            if current is None:
                continue
            m = PUSH.search(line)
            if m:
                frames[current] += register_bytes(m.group(2))
                continue
            m = SUB_SP.search(line) or PRE_SP.search(line)
            if m:
                frames[current] += int(m.group(1))
                continue
            m = CALL.search(line)
            if m and m.group(1) != current:
                edges[current].add(m.group(1))
    # Aliases (two names at one address: __aeabi_dadd and __adddf3) share the frame and calls.
    nm = objdump[: -len("objdump")] + "nm" if objdump.endswith("objdump") else "nm"
    for lib in archives:
        text = subprocess.run([nm, "-A", "--defined-only", lib], capture_output=True, text=True).stdout
        at = {}
        for line in text.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TtWw":
                at.setdefault(parts[0], []).append(parts[2])  # archive:member:address
        for group in at.values():
            known = [g for g in group if g in frames]
            for g in group:
                if known and g not in frames:
                    frames[g], edges[g] = frames[known[0]], edges[known[0]]
    return frames, edges


def resolve_aliases(frames, edges):
    """GCC defines a constructor once (C2, the base object's) and calls the C1 alias."""
    for src, callees in edges.items():
        for c in list(callees):
            if c not in frames and ("C1E" in c or "D1E" in c):
                other = c.replace("C1E", "C2E").replace("D1E", "D2E")
                if other in frames:
                    callees.discard(c)
                    callees.add(other)


def resolve_indirect(names, frames, edges):
    """The op table's function-pointer calls: op_infer reaches every infer_*, op_run and
    op_run_reference every run_* family function."""
    infers = [t for t in frames if names[t].startswith("mote::Status mote::infer_")]
    runs = [t for t in frames if re.match(r"mote::Status mote::run_\w+\(const (mote::)?OpArgs&\)$", names[t])]
    for src, callees in edges.items():
        if "__indirect_call" not in callees:
            continue
        callees.discard("__indirect_call")
        name = names.get(src, "")
        if "op_infer" in name:
            callees.update(infers)
        elif "op_run" in name:
            callees.update(runs)
        else:
            callees.add("__indirect_call")  # unknown: reported as such


def deepest(root, frames, edges):
    """The most stack any chain of calls from root takes: (bytes, [titles]), externals as 0."""
    memo = {}

    def visit(t, on_path):
        if t in memo:
            return memo[t]
        own = frames.get(t, (0, ""))[0]
        if t in edges.get(t, ()):
            own *= 2  # recursion, one level
        best = (0, [])
        on_path.add(t)
        for c in edges.get(t, ()):
            if c in on_path:
                continue
            sub = visit(c, on_path)
            if sub[0] > best[0] or (sub[0] == best[0] and len(sub[1]) > len(best[1])):
                best = sub
        on_path.discard(t)
        memo[t] = (own + best[0], [t] + best[1])
        return memo[t]

    return visit(root, set())


def short(name):
    """A demangled signature without its return type and parameter list."""
    name = re.sub(r"\(.*$", "", name)
    depth, cut = 0, 0
    for i, ch in enumerate(name):  # the last space outside template brackets
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == " " and depth == 0:
            cut = i + 1
    return name[cut:]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("build_dir")
    ap.add_argument("source_dir")
    ap.add_argument("--limit", type=int, default=512, help="the largest kernel frame allowed (bytes)")
    ap.add_argument("--chain-limit", type=int, default=0,
                    help="the deepest chain below any entry point allowed (bytes; 0: not checked)")
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--root", action="append")
    ap.add_argument("--objdump", default="arm-none-eabi-objdump")
    ap.add_argument("--lib", action="append", default=[], help="a library archive the firmware links")
    ap.add_argument("--kernels", default="runtime/kernels/",
                    help="the kernels whose frames are held to --limit (a directory under SOURCE_DIR)")
    ap.add_argument("--known", help="a file of kernel frames known to be above --limit, one 'BYTES FUNCTION' a line "
                    "(the frame today, the function as the report names it): those may take up to BYTES, no more")
    args = ap.parse_args()
    source = os.path.realpath(args.source_dir) + os.sep
    files, frames, names, where, edges, unit = load_graph(args.build_dir)
    if not files or not frames:
        print(f"stack_report: no .ci call graphs with frames under {args.build_dir} "
              "(compile with -fstack-usage -fcallgraph-info=su)", file=sys.stderr)
        return 2
    resolve_indirect(names, frames, edges)
    resolve_aliases(frames, edges)
    if args.lib:
        lib_frames, lib_edges = library_graph(args.objdump, args.lib)
        for f, b in lib_frames.items():
            if f not in frames:  # a name the runtime defines itself keeps the runtime's frame
                frames[f] = (b, "library")
                names.setdefault(f, f)
                where[f] = "library"
                edges.setdefault(f, set()).update(lib_edges[f])
        # GCC's graph names a call it kept to memset or memcpy __builtin_memset.
        for t in set(names) | {c for cs in edges.values() for c in cs}:
            if t.startswith("__builtin_") and t not in frames and t[len("__builtin_"):] in lib_frames:
                frames[t] = (0, "static")
                names[t] = t
                edges.setdefault(t, set()).add(t[len("__builtin_"):])

    def rel(t):
        return where.get(t, "?").replace(source, "")

    own = sum(1 for t in frames if where.get(t) != "library")
    print(f"### Largest stack frames ({own} functions in {len(files)} files)\n")
    print("| bytes | function | defined at |")
    print("|---:|---|---|")
    for t in sorted((t for t in frames if where.get(t) != "library"), key=lambda t: -frames[t][0])[:args.top]:
        b, q = frames[t]
        print(f"| {b}{'' if q == 'static' else ' ' + q} | {short(names[t])} | {rel(t)} |")

    roots = args.root or ["mote_model_load", "mote_session_run", "mote::Model::load", "mote::Session::run"]
    print("\n### Deepest call chains (bytes of stack below each entry point)\n")
    deepest_total = 0
    for r in roots:
        found = [t for t in frames if t == r or short(names[t]) == r]
        if not found:
            print(f"{r}: not in this build")
            continue
        total, chain = max((deepest(t, frames, edges) for t in found), key=lambda x: x[0])
        deepest_total = max(deepest_total, total)
        ext = sorted({short(names.get(c, c)) for t in chain for c in edges.get(t, ()) if c not in frames and ":" not in c})
        print(f"{r}: {total} bytes")
        for t in chain:
            b = frames.get(t, (0, ""))[0]
            rec = " (x2: recursion)" if t in edges.get(t, ()) else ""
            lib = " (library)" if where.get(t) == "library" else ""
            print(f"  {b:6d}  {short(names.get(t, t))}{rec}{lib}")
        if ext:
            print("          functions without a frame in the graph, not counted: " + ", ".join(ext[:12]) +
                  (" ..." if len(ext) > 12 else ""))
        print()

    # A kernel: compiled from a file under runtime/kernels, or defined in one (an inline function
    # of a kernel header), whichever the graph names.
    kernels = source + args.kernels.strip("/") + "/"
    is_kernel = {t for t in frames if unit.get(t, "").startswith(kernels) or where.get(t, "").startswith(kernels)}
    known = {}  # function -> the frame it may keep (above the limit, not to grow)
    if args.known:
        with open(args.known) as f:
            for line in f:
                line = line.split("#", 1)[0].strip()
                if line:
                    b, name = line.split(None, 1)
                    known[name] = max(known.get(name, 0), int(b))
    over = [t for t in is_kernel if frames[t][0] > max(args.limit, known.get(short(names[t]), 0))]
    allowed = [t for t in is_kernel if args.limit < frames[t][0] <= known.get(short(names[t]), 0)]
    if allowed:
        print(f"\n### Known kernel frames above {args.limit} bytes ({len(allowed)}; {args.known})\n")
        for t in sorted(allowed, key=lambda t: -frames[t][0]):
            print(f"  {frames[t][0]:6d}  {short(names[t])}  {rel(t)}")
    fitting = sorted(n for n in known if not any(short(names[t]) == n and frames[t][0] > args.limit for t in is_kernel))
    if fitting:
        print(f"\nnote: listed in {args.known} but now at most {args.limit} bytes (drop them): " + ", ".join(fitting))
    if over:
        print(f"FAIL: {len(over)} kernel frame(s) above {args.limit} bytes ({args.kernels.strip('/')}: working memory "
              "belongs in the op's scratch):")
        for t in sorted(over, key=lambda t: -frames[t][0]):
            print(f"  {frames[t][0]:6d}  {short(names[t])}  {rel(t)}")
        return 1
    if args.chain_limit and deepest_total > args.chain_limit:
        print(f"FAIL: the deepest call chain takes {deepest_total} bytes of stack, above the {args.chain_limit} "
              "promised (runtime/internal/mote/stack_budget.h)")
        return 1
    kernel_frames = [frames[t][0] for t in is_kernel]
    chain = f"deepest call chain {deepest_total} bytes" + (f" (at most {args.chain_limit})" if args.chain_limit else "")
    rule = f"every kernel frame is at most {args.limit} bytes" + (f" but {len(allowed)} known" if allowed else "")
    rest = [frames[t][0] for t in is_kernel if t not in allowed]
    print(f"PASS: {chain}; {rule} (largest {max(rest, default=0)}, {len(kernel_frames)} functions under "
          f"{args.kernels.strip('/')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
