#!/usr/bin/env python3
"""Checks a witness's cosignature on a checkpoint, written from C2SP tlog-cosignature and
signed-note alone (Python 3 and the `cryptography` package; no code shared with the ledger).

    scripts/independent-cosignature.py CHECKPOINT_FILE WITNESS_VKEY

CHECKPOINT_FILE holds a signed checkpoint followed by the witness's signature line(s);
WITNESS_VKEY is `<name>+<8 hex key id>+<base64(0x04 || 32-byte Ed25519 public key)>`. It
checks the key id (SHA-256(name || "\\n" || 0x04 || key)[:4]), finds the witness's line,
and verifies the Ed25519 signature over "cosignature/v1\\ntime <T>\\n" + the checkpoint body,
T being the big-endian u64 after the key id. Prints the timestamp; exits non-zero otherwise.
"""
import base64
import hashlib
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def main():
    note = open(sys.argv[1], encoding="utf-8").read()
    name, key_id_hex, key_b64 = sys.argv[2].strip().split("+", 2)
    key = base64.b64decode(key_b64)
    assert key[0] == 0x04 and len(key) == 33, "not an Ed25519 cosignature/v1 key (type 0x04)"
    key_id = hashlib.sha256(name.encode() + b"\n" + key).digest()[:4]
    assert key_id.hex() == key_id_hex, "the key id does not match the name and key"
    body, _, signatures = note.rpartition("\n\n")
    body += "\n"
    for line in signatures.splitlines():
        assert line.startswith("\u2014 "), "malformed signature line"
        signer, payload = line[2:].split(" ")
        raw = base64.b64decode(payload)
        if signer != name or raw[:4] != key_id:
            continue
        assert len(raw) == 4 + 8 + 64, "a cosignature/v1 is key id, 8-byte time, 64-byte signature"
        timestamp = int.from_bytes(raw[4:12], "big")
        message = f"cosignature/v1\ntime {timestamp}\n".encode() + body.encode()
        Ed25519PublicKey.from_public_bytes(key[1:]).verify(raw[12:], message)  # raises if invalid
        print(f"independent cosignature check: {name} cosigned {body.splitlines()[0]} size "
              f"{body.splitlines()[1]} at {timestamp}")
        return
    raise AssertionError(f"no cosignature by {name}")


if __name__ == "__main__":
    main()
