#!/usr/bin/env python3
"""An independent audit-log verifier, written from the standards alone (RFC 6962 /
RFC 9162, C2SP tlog-checkpoint and signed-note) and sharing no code with the server.

It fetches the log from a running server, recomputes the Merkle root from the entries,
checks the checkpoint's Ed25519 signature, and verifies inclusion proofs for every entry
and consistency proofs from every earlier size. A `log_key.rotated` entry hands the log's
key over: its note must be signed by both keys it names and name the entry's index, and
the checkpoint must then be signed by the key in force at its size (so a trusted old key
is followed to the new one, and refused past its retirement). Usage:

    scripts/independent-verify.py http://127.0.0.1:8080 [VERIFIER_KEY]
    scripts/independent-verify.py --tiles http://127.0.0.1:8080/tlog [VERIFIER_KEY]

With --tiles it reads only the C2SP tlog-tiles of the log under that prefix (the
checkpoint, every tile and entry bundle the checkpoint's size implies): the root is
recomputed from the level-0 tiles, every hash of a higher tile from the full tile below
it, every entry of a bundle against its leaf hash, and the tile just past the end must be
absent. Without VERIFIER_KEY it trusts the key the server publishes at /v1/log/key.
Needs Python 3, the `cryptography` package (Ed25519) and scripts/rfc6962.py beside it
(the Merkle tree hashes and proof checks, also from the RFCs).
"""
import base64
import hashlib
import json
import sys
import time
import urllib.error
import urllib.request

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from rfc6962 import leaf_hash, mth, verify_consistency, verify_inclusion  # beside this script


def get(base, path):
    """The body of GET base+path; a 429 is waited out as its Retry-After asks (10 times at most)."""
    for _ in range(10):
        try:
            with urllib.request.urlopen(base + path) as response:
                return response.read()
        except urllib.error.HTTPError as error:
            if error.code != 429:
                raise
            time.sleep(min(float(error.headers.get("Retry-After") or 1), 60))
    raise AssertionError(f"{path}: still rate limited after 10 waits")


def open_note(note, vkey):
    """C2SP signed-note with an Ed25519 verifier key `name+hexid+base64(0x01||key)`."""
    name, key_id_hex, key_b64 = vkey.strip().split("+", 2)
    key = base64.b64decode(key_b64)
    assert key[0] == 1 and len(key) == 33, "not an Ed25519 verifier key"
    key_id = hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]
    assert key_id.hex() == key_id_hex, "verifier key id does not match its name and key"
    text, _, signatures = note.rpartition("\n\n")
    text += "\n"
    for line in signatures.splitlines():
        assert line.startswith("\u2014 "), "malformed signature line"
        signer, signature_b64 = line[2:].split(" ")
        raw = base64.b64decode(signature_b64)
        if signer == name and raw[:4] == key_id:
            Ed25519PublicKey.from_public_bytes(key[1:]).verify(raw[4:], text.encode())  # raises if invalid
            return text
    raise AssertionError("no signature by the trusted key")


def tile_path(level, index, width):
    """`tile/<L>/<N>[.p/<W>]`, N in 3-digit groups, all but the last prefixed with x."""
    groups = []
    while True:
        groups.insert(0, f"{index % 1000:03d}")
        index //= 1000
        if index == 0:
            break
    digits = "/".join(["x" + g for g in groups[:-1]] + [groups[-1]])
    return f"tile/{level}/{digits}" + (f".p/{width}" if width < 256 else "")


def tiles_of(size):
    """(level, index, width) of every tile of a tree of `size` entries, level by level."""
    level, nodes = 0, size
    while nodes > 0:
        for index in range(nodes // 256):
            yield level, index, 256
        if nodes % 256:
            yield level, nodes // 256, nodes % 256
        level, nodes = level + 1, nodes // 256


def hashes_in(tile):
    assert len(tile) % 32 == 0, "a tile is whole 32-byte hashes"
    return [tile[i:i + 32] for i in range(0, len(tile), 32)]


def verify_tiles(prefix, vkey):
    text = open_note(get(prefix, "/checkpoint").decode(), vkey)
    origin, size_text, root_b64 = text.splitlines()[:3]
    size, root = int(size_text), base64.b64decode(root_b64)
    tiles = {}
    for level, index, width in tiles_of(size):
        hashes = hashes_in(get(prefix, "/" + tile_path(level, index, width)))
        assert len(hashes) == width, f"tile {tile_path(level, index, width)} has {len(hashes)} hashes"
        tiles[(level, index)] = hashes
    leaves = [h for (level, _), hashes in sorted(tiles.items()) if level == 0 for h in hashes]
    assert len(leaves) == size and mth(leaves) == root, "the root from the level-0 tiles differs from the checkpoint"
    for (level, index), hashes in tiles.items():
        for position, value in enumerate(hashes if level > 0 else []):
            below = tiles[(level - 1, index * 256 + position)]
            assert len(below) == 256 and mth(below) == value, f"tile {level}/{index} hash {position} is not its tile below"
    for level, index, width in tiles_of(size):
        if level > 0:
            break
        bundle = get(prefix, "/" + tile_path(level, index, width).replace("tile/0/", "tile/entries/", 1))
        entries, offset = [], 0
        while offset < len(bundle):
            length = int.from_bytes(bundle[offset:offset + 2], "big")
            entries.append(bundle[offset + 2:offset + 2 + length])
            offset += 2 + length
        assert offset == len(bundle), "an entry bundle ends inside an entry"
        assert [leaf_hash(e) for e in entries] == tiles[(0, index)], f"entry bundle {index} differs from its leaf hashes"
    past = tile_path(0, size // 256, size % 256 + 1)
    try:
        get(prefix, "/" + past)
        raise AssertionError(f"{past} is past the log's end and was served")
    except urllib.error.HTTPError as error:
        assert error.code == 404, f"{past}: {error.code}, not 404"
    print(f"independent verifier (tiles): {origin} size {size}: root from {len(tiles)} tiles, "
          f"their levels and {size} bundled entries verified")


def signed_by(note, vkey):
    """The note's text when `vkey` signed it validly, else None."""
    try:
        return open_note(note, vkey)
    except Exception:  # no such signature, or an invalid one
        return None


def follow_handover(entry, index, current):
    """A `log_key.rotated` entry: its hand-over note must name the key in force (`current`,
    None before the first hand-over) as old, the entry's own index, and be signed by both
    keys. Returns (old key, new key)."""
    payload = entry["payload"]
    note = payload["handover"]
    text = signed_by(note, payload["old_key"])
    assert text is not None and signed_by(note, payload["new_key"]) == text, f"entry {index}: hand-over not signed by both keys"
    lines = text.splitlines()
    assert lines == ["commons-ledger/log-key-handover/v1", "old " + payload["old_key"], "new " + payload["new_key"],
                     f"index {index}"], f"entry {index}: hand-over note does not name this entry's keys and index"
    assert current is None or payload["old_key"] == current, f"entry {index}: hand-over from a key not in force"
    assert payload["old_key"].split("+")[0] == payload["new_key"].split("+")[0], f"entry {index}: the log's name changed"
    return payload["old_key"], payload["new_key"]


def keys_in_force(size, handovers, trusted):
    """The keys that may sign a checkpoint of `size`: the trusted key when the log never
    changed key; else the key whose era covers `size` (both at a hand-over's first size)."""
    if not handovers:
        return [trusted]
    chain = [handovers[0][1]] + [new for _, _, new in handovers]
    assert trusted in chain, "the trusted key is not one the log has signed with"
    keys = [chain[0]] if size <= handovers[0][0] + 1 else []
    for position, (index, _, new) in enumerate(handovers):
        retires = handovers[position + 1][0] + 1 if position + 1 < len(handovers) else float("inf")
        if index + 1 <= size <= retires:
            keys.append(new)
    return keys


def main():
    if sys.argv[1] == "--tiles":
        prefix = sys.argv[2].rstrip("/")
        base = prefix.rsplit("/", 1)[0]
        vkey = sys.argv[3] if len(sys.argv) > 3 else get(base, "/v1/log/key").decode()
        return verify_tiles(prefix, vkey)
    base = sys.argv[1].rstrip("/")
    vkey = sys.argv[2] if len(sys.argv) > 2 else get(base, "/v1/log/key").decode()
    note = get(base, "/v1/log/checkpoint").decode()
    # Read first, trusted once the entries (and any key hand-over among them) are checked.
    origin, size_text, root_b64 = note.split("\n\n")[0].splitlines()[:3]
    size, root = int(size_text), base64.b64decode(root_b64)

    leaves, start, handovers, current = [], 0, [], None
    while start < size:
        page = json.loads(get(base, f"/v1/log/entries?start={start}&end={size}&limit=1000"))
        for entry in page["entries"]:
            assert entry["index"] == len(leaves), "entries out of order"
            data = base64.b64decode(entry["data"])
            parsed = json.loads(data)
            if parsed["kind"] == "log_key.rotated":
                old, current = follow_handover(parsed, entry["index"], current)
                handovers.append((entry["index"], old, current))
            leaves.append(leaf_hash(data))
        start = len(leaves)
    keys = keys_in_force(size, handovers, vkey.strip())
    texts = [signed_by(note, key) for key in keys]
    assert any(texts), "the checkpoint is not signed by the key in force at its size"
    assert mth(leaves) == root, "recomputed root differs from the signed checkpoint"

    for index in range(size):
        proof = json.loads(get(base, f"/v1/log/proof/inclusion?index={index}&tree_size={size}"))
        hashes = [base64.b64decode(h) for h in proof["hashes"]]
        assert verify_inclusion(index, size, leaves[index], hashes, root), f"inclusion proof {index} fails"
    for first in range(1, size + 1):
        proof = json.loads(get(base, f"/v1/log/proof/consistency?first={first}&second={size}"))
        hashes = [base64.b64decode(h) for h in proof["hashes"]]
        assert verify_consistency(first, size, mth(leaves[:first]), root, hashes), f"consistency proof {first}->{size} fails"

    handed = f", {len(handovers)} key hand-over(s) followed" if handovers else ""
    print(f"independent verifier: {origin} size {size}: root, signature{handed}, {size} inclusion and {size} consistency proofs verified")


if __name__ == "__main__":
    main()
