#!/usr/bin/env python3
"""An independent audit-log verifier, written from the standards alone (RFC 6962 /
RFC 9162, C2SP tlog-checkpoint and signed-note) and sharing no code with the server.

It fetches the log from a running server, recomputes the Merkle root from the entries,
checks the checkpoint's Ed25519 signature, and verifies inclusion proofs for every entry
and consistency proofs from every earlier size. Usage:

    scripts/independent-verify.py http://127.0.0.1:8080 [VERIFIER_KEY]

Without VERIFIER_KEY it trusts the key the server publishes at /v1/log/key.
Needs Python 3, the `cryptography` package (Ed25519) and scripts/rfc6962.py beside it
(the Merkle tree hashes and proof checks, also from the RFCs).
"""
import base64
import hashlib
import json
import sys
import urllib.request

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from rfc6962 import leaf_hash, mth, verify_consistency, verify_inclusion  # beside this script


def get(base, path):
    with urllib.request.urlopen(base + path) as response:
        return response.read()


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


def main():
    base = sys.argv[1].rstrip("/")
    vkey = sys.argv[2] if len(sys.argv) > 2 else get(base, "/v1/log/key").decode()
    text = open_note(get(base, "/v1/log/checkpoint").decode(), vkey)
    origin, size_text, root_b64 = text.splitlines()[:3]
    size, root = int(size_text), base64.b64decode(root_b64)

    leaves, start = [], 0
    while start < size:
        page = json.loads(get(base, f"/v1/log/entries?start={start}&end={size}&limit=1000"))
        for entry in page["entries"]:
            assert entry["index"] == len(leaves), "entries out of order"
            leaves.append(leaf_hash(base64.b64decode(entry["data"])))
        start = len(leaves)
    assert mth(leaves) == root, "recomputed root differs from the signed checkpoint"

    for index in range(size):
        proof = json.loads(get(base, f"/v1/log/proof/inclusion?index={index}&tree_size={size}"))
        hashes = [base64.b64decode(h) for h in proof["hashes"]]
        assert verify_inclusion(index, size, leaves[index], hashes, root), f"inclusion proof {index} fails"
    for first in range(1, size + 1):
        proof = json.loads(get(base, f"/v1/log/proof/consistency?first={first}&second={size}"))
        hashes = [base64.b64decode(h) for h in proof["hashes"]]
        assert verify_consistency(first, size, mth(leaves[:first]), root, hashes), f"consistency proof {first}->{size} fails"

    print(f"independent verifier: {origin} size {size}: root, signature, {size} inclusion and {size} consistency proofs verified")


if __name__ == "__main__":
    main()
