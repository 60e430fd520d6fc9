# Shell functions shared by scripts/crash-test and scripts/ha-test (sourced, not run): start
# `commons-ledger serve` and wait until it is ready, the way both tests restart it after a
# kill.
#
# They read the caller's variables bin (the binary), port, base (http://127.0.0.1:$port) and
# work (the server's log goes there), and set server (its process id) and start_seconds. A
# server that does not come up fails the test: keep_work=1, its log on standard error, exit 1.

seconds_since() { awk -v start="$1" -v now="$(date +%s.%N)" 'BEGIN { printf "%.2f", now - start }'; }

# Starts `serve` on $port with the arguments given (the database and its options) and waits
# until /readyz answers, which it does only once the database answers too. A server that
# exits or is not ready within 30 s is a failure.
start_server() { # label (names the log file: server-LABEL.log), serve arguments...
    local label="$1" log="$work/server-$1.log" started
    shift
    started=$(date +%s.%N)
    "$bin" serve --port "$port" "$@" > "$log" 2>&1 &
    server=$!
    for _ in $(seq 1 300); do
        if curl -fsS "$base/readyz" >/dev/null 2>&1; then
            start_seconds=$(seconds_since "$started")
            return 0
        fi
        kill -0 "$server" 2>/dev/null || break
        sleep 0.1
    done
    echo "FAIL: 'serve' did not come up ($label) after $(seconds_since "$started") s; its log:" >&2
    cat "$log" >&2
    keep_work=1
    echo "work directory kept: $work" >&2
    exit 1
}
