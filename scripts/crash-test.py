#!/usr/bin/env python3
"""Load generator and checker for scripts/crash-test (Python 3 standard library only).

    crash-test.py seed    BASE TOKEN
    crash-test.py load    BASE TOKEN WORK ROUND CLIENTS
    crash-test.py check   BASE TOKEN WORK ROUND SAMPLE [--all]
    crash-test.py summary WORK [VERIFY_HEADING]

Files in WORK (one line per transaction, each line written and flushed as it happens):
  acked.csv            key,id,amount   every 201 a load client received (before a crash)
  unknown-R.csv        key,amount,error  requests of round R whose outcome the client
                       could not know (connection reset or refused, or a non-201 answer)
  resolved.csv         key,id,amount,outcome  unknown requests after their retry:
                       "replayed" (recorded before the crash) or "recorded_now"
  checkpoints.csv      size,root   every signed checkpoint a watcher saw during the loads
  load-R.json, check-R.json   figures for the summary
A request's body is a function of its key and amount alone, so a retry sends the same bytes.
Keys "crash-rR-cC-I" are single POSTs; "crash-rR-bC-I" are items of batches (client 0),
retried and re-POSTed as batch items, since their keys live in the batch namespace.
"""
import base64
import csv
import http.client
import json
import os
import random
import sys
import threading
import time
from urllib.parse import urlsplit, quote

from rfc6962 import verify_consistency  # beside this script

BANK = "assets:bank:usd"
INCOME = "income:contributions"
PER_CLIENT = 100_000  # amounts are distinct: 1 + round*CLIENTS_MAX*PER_CLIENT + client*PER_CLIENT + i
CLIENTS_MAX = 256
# Client 0 of each round writes through POST /v1/transactions/batch, BATCH_SIZE items per
# request (keys "crash-rR-bC-I"), so kills land mid-batch too; the others POST one by one.
BATCH_CLIENTS = 1
BATCH_SIZE = 50


def transaction_for(key, amount):
    return {
        "date": "2026-11-25", "description": "crash-test " + key,
        "postings": [{"account": BANK, "asset": "USD", "amount": amount},
                     {"account": INCOME, "asset": "USD", "amount": -amount}],
    }


def body_for(key, amount):
    return json.dumps(transaction_for(key, amount), separators=(",", ":"), sort_keys=True).encode()


def batch_body(rows):
    """A batch of (key, amount) items, each with its key: the same bytes on every retry."""
    items = [dict(transaction_for(key, amount), idempotency_key=key) for key, amount in rows]
    return json.dumps({"transactions": items}, separators=(",", ":"), sort_keys=True).encode()


def is_batch_key(key):
    return "-b" in key


class Client:
    """One persistent HTTP/1.1 connection (reconnects when asked to)."""

    def __init__(self, base, token, timeout=30):
        parts = urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.headers = {"Authorization": "Bearer " + token}
        self.connection = None

    def request(self, method, path, body=None, headers=None):
        """Returns (status, response headers, parsed JSON or None). Raises on I/O errors
        (and then drops the connection, so the next call opens a new one) — except that a
        GET on a kept-alive connection the server closed while it sat idle (its idle
        timeout) is sent once more on a new one: reads are safe to repeat."""
        reused = self.connection is not None
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        all_headers = dict(self.headers)
        if body is not None:
            all_headers["Content-Type"] = "application/json"
        all_headers.update(headers or {})
        try:
            self.connection.request(method, path, body=body, headers=all_headers)
            response = self.connection.getresponse()
            data = response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if method == "GET" and reused:
                return self.request(method, path, body, headers)
            raise
        except BaseException:
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        parsed = None
        if data:
            try:
                parsed = json.loads(data)
            except ValueError:
                parsed = {"raw": data[:200].decode(errors="replace")}
        return response.status, response, parsed

    def post_transaction(self, key, amount):
        return self.request("POST", "/v1/transactions", body_for(key, amount), {"Idempotency-Key": key})

    def post_batch(self, rows):
        """POSTs (key, amount) items as one batch; returns (status, per-item results)."""
        status, _, data = self.request("POST", "/v1/transactions/batch", batch_body(rows))
        return status, (data or {}).get("results", [])

    def post_any(self, key, amount):
        """Sends one write the way it was first sent: alone, or as a one-item batch (a batch
        item's key lives in the batch namespace and is fingerprinted per item). Returns
        (status, replayed, transaction)."""
        if is_batch_key(key):
            status, results = self.post_batch([(key, amount)])
            result = results[0] if status == 200 and results else {}
            return result.get("status", status), bool(result.get("replayed")), result.get("transaction")
        status, response, data = self.post_transaction(key, amount)
        return status, response.getheader("Idempotent-Replayed") == "true", data

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def bank_amount(transaction):
    """The bank posting's amount in a transaction's JSON, or None."""
    for posting in (transaction or {}).get("postings", []):
        if posting.get("account") == BANK and posting.get("asset") == "USD":
            return posting.get("amount")
    return None


def bank_balance(client):
    status, _, data = client.request("GET", "/v1/accounts/%s/balances" % quote(BANK, safe=":"))
    if status != 200:
        raise SystemExit("GET balances answered %s: %s" % (status, data))
    return sum(line["balance"] for line in data["balances"] if line["asset"] == "USD")


def read_rows(path):
    if not os.path.exists(path):
        return []
    with open(path, newline="") as handle:
        return list(csv.reader(handle))


def seed(base, token):
    client = Client(base, token)
    for path, body in [("/v1/assets", {"code": "USD", "scale": 2}),
                       ("/v1/accounts", {"code": BANK, "type": "asset", "constraint": "no_negative"}),
                       ("/v1/accounts", {"code": INCOME, "type": "income"})]:
        status, _, data = client.request("POST", path, json.dumps(body).encode())
        if status != 201:
            raise SystemExit("seeding: POST %s answered %s: %s" % (path, status, data))


def load(base, token, work, round_number, clients):
    """Each client POSTs transactions back to back until its first failure (the crash).
    Every 201 is appended to acked.csv and flushed before the client sends anything else;
    the request a client had in flight when it failed goes to unknown-R.csv."""
    acked = open(os.path.join(work, "acked.csv"), "a", newline="")
    unknown = open(os.path.join(work, "unknown-%d.csv" % round_number), "w", newline="")
    lock = threading.Lock()
    counts = {"acked": 0, "unknown": 0, "errors": {}, "non_201": []}
    started = time.monotonic()
    deadline = started + 120  # a safety net: the crash ends the load long before this

    def run_batches(client_number):
        client = Client(base, token)
        for start in range(0, PER_CLIENT, BATCH_SIZE):
            if time.monotonic() > deadline:
                break
            rows = [("crash-r%d-b%d-%d" % (round_number, client_number, i),
                     1 + round_number * CLIENTS_MAX * PER_CLIENT + client_number * PER_CLIENT + i)
                    for i in range(start, start + BATCH_SIZE)]
            try:
                status, results = client.post_batch(rows)
            except (OSError, http.client.HTTPException) as error:
                kind = "batch " + type(error).__name__
                with lock:
                    for key, amount in rows:
                        unknown.write("%s,%d,%s\n" % (key, amount, kind))
                    unknown.flush()
                    counts["unknown"] += len(rows)
                    counts["errors"][kind] = counts["errors"].get(kind, 0) + 1
                return
            applied = [(key, amount, result) for (key, amount), result in zip(rows, results)
                       if result.get("status") == 201 and (result.get("transaction") or {}).get("id")]
            with lock:
                for key, amount, result in applied:
                    acked.write("%s,%s,%d\n" % (key, result["transaction"]["id"], amount))
                acked.flush()
                counts["acked"] += len(applied)
                counts["batches"] += 1
            if status != 200 or len(applied) != len(rows):
                with lock:
                    for (key, amount), result in zip(rows, results + [{}] * len(rows)):
                        if not (result.get("status") == 201 and (result.get("transaction") or {}).get("id")):
                            unknown.write("%s,%d,batch HTTP %s\n" % (key, amount, status))
                            counts["unknown"] += 1
                    unknown.flush()
                    counts["non_201"].append("batch %s: HTTP %s %s" % (rows[0][0], status, json.dumps(results)[:300]))
                return

    def run(client_number):
        if client_number < BATCH_CLIENTS:
            return run_batches(client_number)
        client = Client(base, token)
        for i in range(PER_CLIENT):
            if time.monotonic() > deadline:
                break
            key = "crash-r%d-c%d-%d" % (round_number, client_number, i)
            amount = 1 + round_number * CLIENTS_MAX * PER_CLIENT + client_number * PER_CLIENT + i
            try:
                status, response, data = client.post_transaction(key, amount)
            except (OSError, http.client.HTTPException) as error:
                kind = type(error).__name__
                with lock:
                    unknown.write("%s,%d,%s\n" % (key, amount, kind))
                    unknown.flush()
                    counts["unknown"] += 1
                    counts["errors"][kind] = counts["errors"].get(kind, 0) + 1
                return
            if status == 201 and data and data.get("id"):
                with lock:
                    acked.write("%s,%s,%d\n" % (key, data["id"], amount))
                    acked.flush()
                    counts["acked"] += 1
                continue
            # Any other answer is unexpected under this load: keep it for the summary and
            # resolve the request like an unknown one.
            with lock:
                unknown.write("%s,%d,HTTP %s\n" % (key, amount, status))
                unknown.flush()
                counts["unknown"] += 1
                counts["non_201"].append("%s: HTTP %s %s" % (key, status, json.dumps(data)[:300]))
            return

    def watch():
        """Reads the latest signed checkpoint every 50 ms until the crash, as an auditor
        would, and keeps every one it saw: after the restart each must still be a prefix
        of the log (consistency proofs)."""
        client = Client(base, token)
        seen = open(os.path.join(work, "checkpoints.csv"), "a", newline="")
        last = None
        while time.monotonic() < deadline:
            try:
                status, _, data = client.request("GET", "/v1/log/checkpoint")
            except (OSError, http.client.HTTPException):
                break
            if status == 200 and data and "raw" in data:  # a signed note, not JSON
                size_line, root_line = data["raw"].split("\n")[1:3]
                if (size_line, root_line) != last:
                    seen.write("%s,%s\n" % (size_line, root_line))
                    seen.flush()
                    last = (size_line, root_line)
                    with lock:
                        counts["checkpoints_seen"] += 1
            time.sleep(0.05)
        seen.close()

    if not 0 < clients <= CLIENTS_MAX:
        raise SystemExit("CRASH_CLIENTS must be 1 to %d" % CLIENTS_MAX)
    counts["checkpoints_seen"] = 0
    counts["batches"] = 0
    threads = [threading.Thread(target=run, args=(n,)) for n in range(clients)] + [threading.Thread(target=watch)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    acked.close()
    unknown.close()
    counts["seconds"] = round(seconds, 2)
    with open(os.path.join(work, "load-%d.json" % round_number), "w") as handle:
        json.dump(counts, handle)
    errors = ", ".join("%s %d" % item for item in sorted(counts["errors"].items())) or "none"
    print("  load: %d clients, %.2f s: %d acknowledged (%.0f/s; %d batches of %d), %d unknown at crash (%s)"
          % (clients, seconds, counts["acked"], counts["acked"] / max(seconds, 0.001), counts["batches"], BATCH_SIZE,
             counts["unknown"], errors))
    for line in counts["non_201"]:
        print("  UNEXPECTED answer during load: " + line)


def parallel(items, threads, work_function):
    """Runs work_function(client, item) over items on `threads` connections; returns the
    list of non-None results (failure messages)."""
    items = list(items)
    failures, lock, position = [], threading.Lock(), [0]

    def run(client):
        while True:
            with lock:
                if position[0] >= len(items):
                    return
                item = items[position[0]]
                position[0] += 1
            for attempt in range(3):  # a transient connection error is retried, not a verdict
                try:
                    result = work_function(client, item)
                    break
                except (OSError, http.client.HTTPException) as error:
                    result = "%s: %s %s" % (item[0], type(error).__name__, error)
                    time.sleep(0.2)
            if result is not None:
                with lock:
                    failures.append(result)

    clients = [Client(work_function.base, work_function.token) for _ in range(threads)]
    pool = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return failures


def check(base, token, work, round_number, sample_size, check_all):
    """The checks after a crash and restart (or, with check_all, at the end: every write)."""
    started = time.monotonic()
    client = Client(base, token)
    acked = [(key, tid, int(amount)) for key, tid, amount in read_rows(os.path.join(work, "acked.csv"))]
    resolved = [(key, tid, int(amount), outcome)
                for key, tid, amount, outcome in read_rows(os.path.join(work, "resolved.csv"))]
    unknown = [(key, int(amount), error)
               for key, amount, error in read_rows(os.path.join(work, "unknown-%d.csv" % round_number))]
    prefix = "crash-r%d-" % round_number
    this_round = [row for row in acked if row[0].startswith(prefix)]
    failures, lost, threads = [], set(), 8

    # (c, part 1) The balance the restarted server reports, before anything is retried.
    balance_before = bank_balance(client)

    # (a) Every acknowledged transaction is there: GET /v1/transactions/{id} answers 200 with
    # its amount and description. Each round GETs its own writes and the resolved ones (the
    # listing below covers the earlier rounds' writes); the final check GETs every one.
    def get_one(connection, row):
        key, tid, amount = row[:3]
        status, _, data = connection.request("GET", "/v1/transactions/" + quote(tid))
        if status != 200:
            lost.add(key)
            return "LOST: acknowledged %s (key %s, amount %d): GET answered %s %s" % (
                tid, key, amount, status, json.dumps(data)[:200])
        if bank_amount(data) != amount or data.get("description") != "crash-test " + key:
            return "MISMATCH: %s (key %s): amount %s, description %r; acknowledged amount %d" % (
                tid, key, bank_amount(data), data.get("description"), amount)
        return None
    get_one.base, get_one.token = base, token
    get_rows = (acked if check_all else this_round) + [row[:3] for row in resolved]
    get_failures = parallel(get_rows, threads, get_one)
    failures += get_failures

    # Resolve the requests whose outcome was unknown at the crash: retry each with its key.
    # A replay means it was recorded before the crash, a plain 201 that it was not (and is now).
    outcomes = {"replayed": [], "recorded_now": []}
    resolved_file = open(os.path.join(work, "resolved.csv"), "a", newline="")
    for key, amount, error in unknown:
        status, replayed, data = client.post_any(key, amount)
        if status != 201 or not data or not data.get("id"):
            failures.append("UNRESOLVED: retry of unknown %s (%s) answered %s: %s" % (key, error, status, data))
            continue
        outcome = "replayed" if replayed else "recorded_now"
        if bank_amount(data) != amount:
            failures.append("MISMATCH: retry of %s answered amount %s, sent %d" % (key, bank_amount(data), amount))
        outcomes[outcome].append(amount)
        resolved.append((key, data["id"], amount, outcome))
        resolved_file.write("%s,%s,%d,%s\n" % (key, data["id"], amount, outcome))
        resolved_file.flush()
    resolved_file.close()
    everything = acked + [row[:3] for row in resolved]

    # (c) The bank balance: before the retries, every acknowledged write plus the unknown ones
    # that turned out recorded; after them, plus the ones recorded now.
    earlier = sum(amount for key, _, amount, _ in resolved if not key.startswith(prefix))
    expected_before = sum(row[2] for row in acked) + earlier + sum(outcomes["replayed"])
    if balance_before != expected_before:
        failures.append("BALANCE: after restart %d, expected %d (acknowledged + unknown found recorded): "
                        "difference %d" % (balance_before, expected_before, balance_before - expected_before))
    balance_after = bank_balance(client)
    expected_after = expected_before + sum(outcomes["recorded_now"])
    if balance_after != expected_after:
        failures.append("BALANCE: after resolving unknown requests %d, expected %d" % (balance_after, expected_after))

    # The book holds exactly these transactions, each once with its amount, and nothing else
    # (GET /v1/transactions?account=assets:bank:usd, every page).
    listed, cursor = {}, None
    while True:
        path = "/v1/transactions?account=%s&limit=1000" % quote(BANK, safe=":")
        if cursor:
            path += "&cursor=" + quote(cursor)
        status, _, data = client.request("GET", path)
        if status != 200:
            failures.append("LIST: GET %s answered %s: %s" % (path, status, data))
            break
        for item in data["items"]:
            listed.setdefault(item.get("description"), []).append((item["id"], bank_amount(item)))
        cursor = data.get("next_cursor")
        if not cursor:
            break
    expected = {"crash-test " + key: (tid, amount, key) for key, tid, amount in everything}
    list_failures = []
    for description, found in sorted(listed.items(), key=lambda item: str(item[0])):
        if len(found) > 1:
            list_failures.append("DUPLICATE: %r recorded %d times: %s" % (description, len(found), found))
        if description not in expected:
            list_failures.append("PHANTOM: %r %s is in the book but was never acknowledged or resolved"
                                 % (description, found))
        elif found[0] != expected[description][:2]:
            list_failures.append("MISMATCH: %r listed as %s, acknowledged as %s"
                                 % (description, found[0], expected[description][:2]))
    for description, (tid, amount, key) in expected.items():
        if description not in listed:
            lost.add(key)
            list_failures.append("LOST: acknowledged %s (key %s, amount %d) is not in the list" % (tid, key, amount))
    failures += list_failures

    # (b) Re-POSTing an acknowledged request replays the original: same id, Idempotent-Replayed.
    if check_all or len(everything) <= sample_size:
        replay_rows = everything
    else:  # the last writes acknowledged before this crash, and a random sample of all
        latest = this_round[-min(len(this_round), sample_size // 4):]
        chosen = set(row[0] for row in latest)
        rest = [row for row in everything if row[0] not in chosen]
        replay_rows = latest + random.sample(rest, min(len(rest), sample_size - len(latest)))

    def replay_one(connection, row):
        key, tid, amount = row[:3]
        status, replayed, data = connection.post_any(key, amount)
        if status != 201 or not replayed or (data or {}).get("id") != tid:
            return "REPLAY: %s (acknowledged as %s) answered %s, Idempotent-Replayed %s, id %s" % (
                key, tid, status, replayed, (data or {}).get("id"))
        return None
    replay_one.base, replay_one.token = base, token
    replay_failures = parallel(replay_rows, threads, replay_one)
    failures += replay_failures
    balance_final = bank_balance(client)
    if balance_final != balance_after:
        failures.append("BALANCE: re-POSTing acknowledged requests moved the balance from %d to %d"
                        % (balance_after, balance_final))

    # (d) Every checkpoint the watcher saw during the loads is a prefix of the log the
    # restarted server signs now: a consistency proof from it to the latest verifies
    # (RFC 9162), so nothing it covered was lost or rewritten.
    checkpoint_failures = []
    status, _, data = client.request("GET", "/v1/log/checkpoint")
    latest_size, latest_root = 0, b""
    if status == 200 and data and "raw" in data:
        size_line, root_line = data["raw"].split("\n")[1:3]
        latest_size, latest_root = int(size_line), base64.b64decode(root_line)
    else:
        checkpoint_failures.append("CHECKPOINT: GET /v1/log/checkpoint answered %s" % status)
    seen = sorted(set((int(size), root) for size, root in read_rows(os.path.join(work, "checkpoints.csv"))))
    for size, root in seen if latest_size else []:
        if size > latest_size:
            checkpoint_failures.append("CHECKPOINT: a checkpoint of %d entries was seen; the log now has %d" % (size, latest_size))
            continue
        status, _, proof = client.request("GET", "/v1/log/proof/consistency?first=%d&second=%d" % (size, latest_size))
        hashes = [base64.b64decode(h) for h in (proof or {}).get("hashes", [])]
        if status != 200 or not verify_consistency(size, latest_size, base64.b64decode(root), latest_root, hashes):
            checkpoint_failures.append("CHECKPOINT: the checkpoint seen at size %d (root %s) is not consistent with "
                                       "the latest, size %d" % (size, root, latest_size))
    failures += checkpoint_failures

    # (e) The trial balance is zero: debits equal credits in every asset.
    status, _, trial = client.request("GET", "/v1/trial-balance")
    trial_failures = [] if status == 200 and trial and trial.get("is_balanced") is True else [
        "TRIAL BALANCE: GET /v1/trial-balance answered %s: %s" % (status, json.dumps(trial)[:300])]
    failures += trial_failures

    duplicated = sum(1 for found in listed.values() if len(found) > 1)
    figures = {"acked_total": len(acked), "acked_round": len(this_round), "unknown": len(unknown), "duplicated": duplicated,
               "checkpoints_checked": len(seen), "latest_size": latest_size,
               "replayed": len(outcomes["replayed"]), "recorded_now": len(outcomes["recorded_now"]),
               "lost": len(lost), "lost_keys": sorted(lost), "failures": len(failures), "gets": len(get_rows),
               "replays_checked": len(replay_rows), "listed": sum(len(found) for found in listed.values()),
               "balance": balance_final, "seconds": round(time.monotonic() - started, 2)}
    with open(os.path.join(work, "check-%s.json" % ("final" if check_all else round_number)), "w") as handle:
        json.dump(figures, handle)
    verdict = lambda problems: "ok" if not problems else "FAILED (%d)" % len(problems)
    if unknown:
        print("  unknown at crash, retried with their keys: %d found recorded (replayed), %d not recorded "
              "(recorded now)" % (len(outcomes["replayed"]), len(outcomes["recorded_now"])))
    print("  (a) GET %d transactions (%s) with their amounts: %s; the book lists %d, each acknowledged or "
          "resolved write once and nothing else: %s"
          % (len(get_rows), "all" if check_all else "this round's and the resolved", verdict(get_failures),
             figures["listed"], verdict(list_failures)))
    print("  (b) re-POST %d acknowledged requests (%s): same id, Idempotent-Replayed: %s"
          % (len(replay_rows), "all" if replay_rows is everything else "sample, incl. this round's last",
             verdict(replay_failures)))
    print("  (c) bank balance %d = acknowledged %d + unknown found recorded/recorded now: %s"
          % (balance_final, sum(row[2] for row in acked),
             verdict([f for f in failures if f.startswith("BALANCE")])))
    print("  (d) %d checkpoints seen during the loads are consistent with the latest (size %d): %s"
          % (len(seen), latest_size, verdict(checkpoint_failures)))
    print("  (e) trial balance zero in every asset: %s" % verdict(trial_failures))
    print("  lost acknowledged writes: %d; duplicated: %d; checks took %.2f s" % (len(lost), duplicated, figures["seconds"]))
    for failure in failures[:50]:
        print("  FAIL " + failure)
    if len(failures) > 50:
        print("  ... and %d more failures" % (len(failures) - 50))
    return 1 if failures else 0


def summary(work, verify_heading="verify (crashed copy)"):
    """The table at the end: one line per round from load-R.json, check-R.json and the
    rounds.tsv the shell script writes (round, kill delay, restart seconds, verify result).
    scripts/ha-test verifies the restarted server rather than a copy, and says so."""
    rows = [line.rstrip("\n").split("\t") for line in open(os.path.join(work, "rounds.tsv"))]
    totals = {"acked": 0, "unknown": 0, "replayed": 0, "recorded_now": 0}
    lost = set()
    print("%-5s %8s %8s %6s %8s %8s %9s %6s %9s  %s" % ("round", "kill at", "acked", "ack/s", "unknown",
          "recorded", "not rec.", "lost", "restart", verify_heading))
    for round_number, delay, restart, verify in rows:
        load = json.load(open(os.path.join(work, "load-%s.json" % round_number)))
        checked_path = os.path.join(work, "check-%s.json" % round_number)
        checked = json.load(open(checked_path)) if os.path.exists(checked_path) else {}
        print("%-5s %7ss %8d %6.0f %8d %8s %9s %6s %8ss  %s" % (
            round_number, delay, load["acked"], load["acked"] / max(load["seconds"], 0.001), load["unknown"],
            checked.get("replayed", "?"), checked.get("recorded_now", "?"), checked.get("lost", "?"), restart, verify))
        totals["acked"] += load["acked"]
        totals["unknown"] += load["unknown"]
        for name in ("replayed", "recorded_now"):
            totals[name] += checked.get(name, 0)
        lost.update(checked.get("lost_keys", []))
    final_path = os.path.join(work, "check-final.json")
    final = json.load(open(final_path)) if os.path.exists(final_path) else {}
    lost.update(final.get("lost_keys", []))
    print("rounds: %d; acknowledged writes: %d; unknown at crash: %d (found recorded %d, not recorded %d); "
          "lost acknowledged writes: %d (final check of all %s: %s lost)"
          % (len(rows), totals["acked"], totals["unknown"], totals["replayed"], totals["recorded_now"],
             len(lost), final.get("replays_checked", "?"), final.get("lost", "?")))
    # Duplicates are counted on the final listing of the whole book (each round's too).
    duplicated = max([final.get("duplicated", 0)] + [json.load(open(os.path.join(work, "check-%s.json" % row[0])))
                                                      .get("duplicated", 0) for row in rows
                                                      if os.path.exists(os.path.join(work, "check-%s.json" % row[0]))])
    print("%d kills, %d acknowledged, %d lost, %d duplicated" % (len(rows), totals["acked"], len(lost), duplicated))
    return 0 if not lost and duplicated == 0 and final else 1


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "seed":
        seed(argv[2], argv[3])
        return 0
    if command == "load":
        load(argv[2], argv[3], argv[4], int(argv[5]), int(argv[6]))
        return 0
    if command == "check":
        return check(argv[2], argv[3], argv[4], int(argv[5]), int(argv[6]), "--all" in argv[7:])
    if command == "summary":
        return summary(*argv[2:4])
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
