#!/usr/bin/env python3
"""Splits a GNU ld link map (arm-none-eabi, -Wl,-Map) into what each part of an image costs.

    arm_map_sizes.py MAP [--top N] [--json]
    arm_map_sizes.py --archive SIZE_TOOL LIB [--json]


Parts: "core" (libmote_runtime.a's runtime/src objects: C API, CRC32, diagnostics, the blob
envelope, loader and verifier (the arena plan's check included), op table, session, vocabulary
and tokenizer), "kernels" (its kernels/ objects), "libs" (the toolchain's library members, libm,
libgcc and libc, that the map says were included for a libmote_runtime.a member, or for a member
so included: its "Archive member included to satisfy reference by file" section names only the
first reference, so a member the program needed first counts as other), "other" (the program,
its board start-up and the rest of libc and libgcc). Sizes are of the input sections kept in the image (after
--gc-sections), by kind: .text, .rodata, .data, .bss (.ARM.exidx/.ARM.extab unwind entries are
counted as .rodata: they sit in flash). --top N also lists the N largest core sections.
--archive sums the sections of libmote_runtime.a's members instead (SIZE_TOOL -A: before
--gc-sections, everything compiled)."""
import json
import re
import subprocess
import sys

CORE = {"c_api", "crc32", "diag", "envelope", "kernel_sets", "model", "op_table", "plan_check", "session",
        "text_c_api", "tokenize", "vocab"}


def part_of(path):
    m = re.search(r"libmote_runtime\.a\(([^)]+)\)", path)
    if not m:
        return "other"
    member = re.sub(r"\.(cc|c)(\.obj|\.o)$", "", m.group(1))
    return "core" if member in CORE else "kernels"


def kind_of(section):
    for prefix, kind in ((".text", "text"), (".rodata", "rodata"), (".ARM.ex", "rodata"), (".data", "data"),
                         (".bss", "bss"), ("COMMON", "bss"), (".vectors", "text"), (".init", "text"),
                         (".fini", "text"), (".init_array", "rodata"), (".fini_array", "rodata")):
        if section.startswith(prefix):
            return kind
    return None


def runtime_members(text):
    """The archive members included (transitively) for a libmote_runtime.a member."""
    start = text.find("Archive member included to satisfy reference by file")
    end = text.find("Discarded input sections", start)
    if start < 0:
        return set()
    lines = text[start:end if end > 0 else len(text)].splitlines()[1:]
    why = {}
    for k, line in enumerate(lines):
        if line and not line.startswith(" ") and k + 1 < len(lines):
            m = re.match(r"^\s+(\S+)", lines[k + 1])
            if m:
                why[line.split()[0]] = m.group(1)
    pulled = set()
    for member in why:
        seen, at = set(), member
        while at in why and at not in seen and "libmote_runtime.a" not in at:
            seen.add(at)
            at = why[at]
        if "libmote_runtime.a" in at and "libmote_runtime.a" not in member:
            pulled.add(member)
    return pulled


def parse(path):
    text = open(path, errors="replace").read()
    pulled = runtime_members(text)
    start = text.find("Linker script and memory map")
    end = text.find("Cross Reference Table", start)
    body = text[start:end if end > 0 else len(text)].splitlines()
    sizes = {p: {"text": 0, "rodata": 0, "data": 0, "bss": 0} for p in ("core", "kernels", "libs", "other")}
    sections = []
    pending = None
    in_discard = False
    for line in body:
        if line.startswith("/DISCARD/"):
            in_discard = True
            continue
        if line and not line.startswith(" "):
            in_discard = False  # a new output section
            pending = None
            continue
        if in_discard:
            continue
        m = re.match(r"^ (\S+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
        if m:
            name, addr, size, where = m.group(1), m.group(2), int(m.group(3), 16), m.group(4)
        else:
            m2 = re.match(r"^ (\S+)\s*$", line)
            if m2 and not line.startswith("  "):
                pending = m2.group(1)
                continue
            m3 = re.match(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$", line)
            if not (m3 and pending):
                pending = None
                continue
            name, size, where = pending, int(m3.group(2), 16), m3.group(3)
            pending = None
        if name == "*fill*" or size == 0:
            continue
        kind = kind_of(name)
        if not kind:
            continue
        part = part_of(where)
        if part == "other" and where in pulled:
            part = "libs"
        sizes[part][kind] += size
        if part == "core":
            sections.append((size, name, where))
    return sizes, sorted(sections, reverse=True)


def parse_archive(size_tool, lib):
    out = subprocess.run([size_tool, "-A", lib], check=True, capture_output=True, text=True).stdout
    sizes = {p: {"text": 0, "rodata": 0, "data": 0, "bss": 0} for p in ("core", "kernels", "other")}
    part = "other"
    for line in out.splitlines():
        m = re.match(r"^(\S+)\s+\(ex ", line)
        if m:
            part = part_of(f"libmote_runtime.a({m.group(1)})")
            continue
        m = re.match(r"^(\S+)\s+(\d+)\s+\d+$", line)
        if m:
            kind = kind_of(m.group(1))
            if kind:
                sizes[part][kind] += int(m.group(2))
    return sizes


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    if argv[1] == "--archive":
        sizes = parse_archive(argv[2], argv[3])
        if "--json" in argv:
            print(json.dumps({"sizes": sizes}))
        else:
            for part, k in sizes.items():
                print(f"{part:8s} text {k['text']:7d} rodata {k['rodata']:7d} data {k['data']:6d} bss {k['bss']:6d}")
        return
    top = int(argv[argv.index("--top") + 1]) if "--top" in argv else 0
    sizes, sections = parse(argv[1])
    if "--json" in argv:
        print(json.dumps({"sizes": sizes, "top_core": [
            {"bytes": s, "section": n, "object": re.sub(r".*\((.*)\)", r"\1", w)} for s, n, w in sections[:top]]}))
        return
    for part, k in sizes.items():
        print(f"{part:8s} text {k['text']:7d} rodata {k['rodata']:7d} data {k['data']:6d} bss {k['bss']:6d}")
    for s, n, w in sections[:top]:
        obj = re.sub(r".*[(](.*)[)]", r"\1", w)
        print(f"  {s:6d}  {n}  {obj}")


if __name__ == "__main__":
    main(sys.argv)
