-- wrk script: POST one pledge per request (a fund step: opens nothing after the first,
-- records the receivable against the member's contribution income). MEMBER and FUND name
-- a registered member and a fund holding USD.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"member_id":"' .. os.getenv("MEMBER") .. '","fund_id":"' .. os.getenv("FUND")
    .. '","asset":"USD","amount":12500,"date":"2026-11-01","due_date":"2026-12-31"}'
