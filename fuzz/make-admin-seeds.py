#!/usr/bin/env python3
"""Writes fuzz_admin's seeds (fuzz/fuzz_admin.c): results as bulwarkd
sends them (ROWS frames: a listing, a refusal, one of two frames, a bad
ID) and commands as bulwark admin sends them (ADMIN's text), so that the
fuzzer starts from inputs that pass every check and from ones that each
fail one. Run from the top of the tree: fuzz/make-admin-seeds.py
"""
import os, struct

OUT = "fuzz/corpus/fuzz_admin"


def text(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">H", len(b)) + b


def rows(cols, cells, more=False, outcome=None):
    p = bytes([1 if more else 0, len(cols)])
    p += b"".join(text(c) for c in cols)
    p += struct.pack(">H", len(cells))
    p += b"".join(text(c) for row in cells for c in row)
    if outcome is not None:
        status, ident, msg = outcome
        p += bytes([status]) + ident.encode() + text(msg)
    return p


def frames(*payloads):
    # the target's framing: u16 length, then the payload
    return b"\x00" + b"".join(struct.pack(">H", len(p)) + p for p in payloads)


NODE_COLS = ["node", "security", "last_signon", "locked_until",
             "failed_signons"]
SEEDS = {
    "rows-nodes": frames(rows(NODE_COLS, [
        ["ALPHA", "TRANSITIONAL", "never", "no", "0"],
        ["BETA", "STRICT", "2026-12-01 20:00:00 UTC", "no", "2"]],
        outcome=(0, "BWK1321I", "2 nodes listed"))),
    "rows-two-frames": frames(
        rows(["label", "sha256"], [["default", "AB:CD"]], more=True),
        rows(["label", "sha256"], [["standby", "EF:01"]],
             outcome=(0, "BWK1323I", "2 certificates listed"))),
    "rows-refused": frames(rows([], [], outcome=(
        1, "BWK1326E", "there is no node GHOST"))),
    "rows-done-empty": frames(rows([], [], outcome=(
        0, "BWK1320I", "registered node N1"))),
    "rows-bad-severity": frames(rows([], [], outcome=(
        1, "BWK1320I", "registered node N1"))),
    "rows-other-columns": frames(
        rows(["node"], [["A"]], more=True),
        rows(["name"], [["B"]], outcome=(0, "BWK1321I", "2 nodes listed"))),
    "rows-after-last": frames(
        rows([], [], outcome=(0, "BWK1320I", "removed node N1")),
        rows([], [], outcome=(0, "BWK1320I", "removed node N1"))),
}
COMMANDS = [
    "register node n1 correct-horse-1",
    "register admin a2 correct-horse-2 sessionsecurity=strict",
    "update node n1 sessionsecurity=transitional",
    "update node n1 new-password-99",
    "upd n n1 pw sessionsec=strict sessionsecurity=strict",
    "remove node n1",
    "unlock admin boss",
    "query node",
    "q n al*",
    "query admin ?oss",
    "query session",
    "q se",
    "query certificate",
    "query cert extra",
    "register node -bad correct-horse-1",
    "register session x",
    "frobnicate node n1",
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
    for i, cmd in enumerate(COMMANDS):
        with open(os.path.join(OUT, "command-%02d" % i), "wb") as f:
            f.write(b"\x01" + cmd.encode())


main()
