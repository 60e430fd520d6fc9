-- wrk script for scripts/soak: counts every response by status (summed over the threads in
-- done()) and prints them with the p99 latency. SOAK_MODE=write POSTs one transaction per
-- request with TOKEN; SOAK_MODE=public GETs public reads anonymously, rotating through the
-- log's checkpoint, a tile and reports whose date changes with every request.
local threads = {}
local mode = os.getenv("SOAK_MODE") or "write"

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    statuses = {}
    counter = 0
end

if mode == "write" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
    wrk.body = '{"date":"2026-11-20","description":"soak","postings":[{"account":"assets:bank:usd","asset":"USD","amount":125},{"account":"income:contributions","asset":"USD","amount":-125}]}'
else
    local reports = {"trial-balance", "reciprocity", "financial-position", "pledge-fulfilment"}
    function request()
        counter = counter + 1
        local pick = counter % 6
        if pick == 0 then return wrk.format("GET", "/v1/log/checkpoint") end
        if pick == 1 then return wrk.format("GET", "/tlog/checkpoint") end
        local day = 1 + counter % 28
        return wrk.format("GET", string.format("/v1/reports/%s?as_of=2026-11-%02d", reports[1 + counter % 4], day))
    end
end

function response(status, headers, body)
    statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
        for status, count in pairs(thread:get("statuses")) do total[status] = (total[status] or 0) + count end
    end
    for status, count in pairs(total) do io.write(string.format("status %d %d\n", status, count)) end
    io.write(string.format("p99_ms %.1f\n", latency:percentile(99) / 1000))
    io.write(string.format("p50_ms %.1f\n", latency:percentile(50) / 1000))
end
