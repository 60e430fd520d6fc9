-- wrk script: POST one balanced two-posting USD transaction per request.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"date":"2026-11-20","description":"benchmark contribution","postings":[{"account":"assets:bank:usd","asset":"USD","amount":125},{"account":"income:contributions","asset":"USD","amount":-125}]}'
