import Hummingbird
import LedgerAPI
import LedgerApplication
import LedgerCore
import Logging
import WireContract

/// The benchmark's baseline: the same HTTP stack, middleware and JSON work as a write —
/// read the body within the limits, parse it strictly, answer 201 with its canonical
/// bytes — but no ledger, no database, no fsync. `scripts/bench` loads it with the same
/// request as `POST /v1/transactions`, so the write path reads as a ratio of what the
/// stack itself can do on the machine. Served by `ledger-bench echo-server`, never by the
/// shipped binary.
func buildEchoApplication(
    host: String, port: Int, limits: RequestLimits = .standard, logger: Logger
) -> some ApplicationProtocol {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: ProblemMiddleware())
    router.post("/v1/transactions") { request, _ in
        let body = try await RequestReading.body(of: request, limits: limits)
        let value: JSONValue
        do {
            value = try JSONParser.parse(body)
        } catch {
            throw Problem.malformedJSON("\(error)")
        }
        return JSONResponse.make(status: .created, body: value.canonicalBytes)
    }
    let configuration = ApplicationConfiguration(
        address: .hostname(host, port: port), serverName: "commons-ledger-echo"
    )
    return Application(router: router, configuration: configuration, logger: logger)
}
