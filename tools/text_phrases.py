#!/usr/bin/env python3
"""Chooses the phrase table of Mote's compact error messages (runtime/internal/mote/text_codes.h).

    text_phrases.py SOURCE...

Reads the messages written as MOTE_T("...") in the given sources (the runtime's files that a
build links: the table's size is paid by every build, the messages' by the builds that link
them) and prints the kPhrases initializer: up to 128 phrases, picked one at a time as the one
that saves the most bytes (its uses times its length less one, less its own bytes and NUL) in
the messages as the phrases before it encoded them. A phrase may hold earlier phrases' codes;
none starts at a directive's letter or ends in its '%', as MOTE_T's encoder requires.

    text_phrases.py --image FIRMWARE.elf [HEADER]

takes the messages an image holds instead (its MOTE_T arrays and its message list, decoded with
the table of HEADER, runtime/internal/mote/text_codes.h by default; needs arm-none-eabi-nm and
-objdump): only what that build links. It prints the kMessages initializer too: those messages,
each once, the ones MOTE_T then names by their index. The tables in the header were made with
    tools/text_phrases.py --image build/arm_size/digits/firmware.elf
(the firmware that `ctest -R arm_size` links for models/digits.onnx: the core and the digits
model's kernels, tests/freestanding/check_arm_size.sh). An image holds the whole message list
whichever of its messages it links: built with -DMOTE_MESSAGE_TABLE=0 (CMAKE_CXX_FLAGS), its
messages are all MOTE_T arrays again, and a message no longer linked leaves the list.
"""
import collections
import os
import re
import sys

LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"')
PCT = ord("%")
MAX_PHRASE = 40


def messages(paths):
    out = []
    for path in paths:
        text = open(path).read()
        for m in re.finditer(r"MOTE_T\(", text):
            i, parts = m.end(), []
            while True:
                while text[i].isspace():
                    i += 1
                lm = LITERAL.match(text, i)
                if not lm:
                    break
                parts.append(lm.group(1))
                i = lm.end()
            s = "".join(parts).encode().decode("unicode_escape")
            if s:
                out.append(tuple(ord(c) for c in s))
    return out


def image_messages(elf, header):
    """The MOTE_T messages linked into `elf`, decoded with the phrase table in `header`."""
    import ast
    import subprocess
    text = open(header).read()
    body = text[text.index("kPhrases[] ="):]
    body = body[body.index("=") + 1:body.index(";")]
    table = b"".join(ast.literal_eval("b" + lit) for lit in re.findall(r'"(?:[^"\\]|\\.)*"', body))
    phrases = table.split(b"\0")
    syms = subprocess.run(["arm-none-eabi-nm", "-S", elf], capture_output=True, text=True, check=True).stdout
    heads = subprocess.run(["arm-none-eabi-objdump", "-h", elf], capture_output=True, text=True, check=True).stdout
    sections = []
    for line in heads.splitlines():
        f = line.split()
        if len(f) >= 7 and f[0].isdigit():
            sections.append((int(f[3], 16), int(f[2], 16), int(f[5], 16)))
    data = open(elf, "rb").read()

    def read(addr, size):
        for va, n, off in sections:
            if va <= addr < va + n:
                return data[off + addr - va:off + addr - va + size]
        raise SystemExit(f"no section holds 0x{addr:x}")

    def decode(b):
        out = []
        for c in b:
            out += decode(phrases[c - 0x80]) if c >= 0x80 else [c]
        return out

    out = []
    for line in syms.splitlines():
        f = line.split()
        if len(f) == 4 and "mote_message_" in f[3]:
            for b in read(int(f[0], 16), int(f[1], 16)).split(b"\0"):  # a message, or the list
                if b and tuple(decode(b)) not in out:
                    out.append(tuple(decode(b)))
    return out


def encode(msgs, phrase, code):
    out, uses, n = [], 0, len(phrase)
    for s in msgs:
        r, i = [], 0
        while i < len(s):
            if s[i:i + n] == phrase and not (i > 0 and s[i - 1] == PCT):
                r.append(code)
                i += n
                uses += 1
            else:
                r.append(s[i])
                i += 1
        out.append(tuple(r))
    return out, uses


def choose(msgs):
    table = []
    while len(table) < 128:
        count = collections.Counter()
        for s in msgs:
            for i in range(len(s)):
                if i > 0 and s[i - 1] == PCT:
                    continue
                for j in range(i + 2, min(len(s), i + MAX_PHRASE) + 1):
                    if s[j - 1] != PCT:
                        count[s[i:j]] += 1
        ranked = sorted(((n * (len(p) - 1) - (len(p) + 1), p) for p, n in count.items() if n > 1), reverse=True)
        for _, p in ranked[:20]:  # overlapping uses were counted: the best real gain among the top
            enc, uses = encode(msgs, p, 0x80 + len(table))
            gain = uses * (len(p) - 1) - (len(p) + 1)
            if gain > 0:
                break
        else:
            break
        msgs = enc
        table.append(p)
    return table, msgs


def c_text(p):
    out = ""
    for c in p:
        out += "\\%03o" % c if c >= 0x80 else ("\\" + chr(c) if chr(c) in '"\\' else chr(c))
    return out


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    if argv[1] == "--image":
        header = argv[3] if len(argv) > 3 else os.path.join(os.path.dirname(__file__), "..", "runtime", "internal", "mote",
                                                               "text_codes.h")
        msgs = image_messages(argv[2], header)
    else:
        msgs = messages(argv[1:])
    before = sum(len(s) + 1 for s in msgs)
    table, coded = choose(msgs)
    after = sum(len(s) + 1 for s in coded) + sum(len(p) + 1 for p in table)
    print(f"// {len(msgs)} messages: {before} bytes, {after} with the table ({len(table)} phrases)")
    line = "   "
    for p in table:
        piece = ' "' + c_text(p) + '\\0"'
        if len(line) + len(piece) > 110:
            print(line)
            line = "   "
        line += piece
    print(line + ";")
    if argv[1] == "--image":
        print(f"// {len(msgs)} messages, each named by its index")
        line = "   "
        for m in msgs:
            piece = ' "' + c_text(m) + '\\0"'
            if len(line) + len(piece) > 110 and line != "   ":
                print(line)
                line = "   "
            line += piece
        print(line + ";")


if __name__ == "__main__":
    main(sys.argv)
