public import AuditLog
public import Hummingbird
public import LedgerApplication
public import LedgerCore
public import LedgerStorage
public import Logging

/// A C2SP tlog-witness in the same binary (`commons-ledger witness serve`), for a member
/// organisation to run: `POST /add-checkpoint` cosigns a log's checkpoint only if it is
/// signed by a key the witness trusts for its origin and proven consistent with the last
/// checkpoint it cosigned for that origin; `GET /checkpoint?origin=…` gives monitors the
/// latest checkpoint it cosigned, with its cosignature. Answers are the specification's
/// plain-text bodies, not problem+json: the callers are tlog tools.
public func buildWitnessApplication(
    configuration: WitnessConfiguration, store: WitnessStore, cosigner: Cosigner, clock: any LedgerClock,
    logger: Logger
) -> some ApplicationProtocol {
    let router = Router()
    let witness = WitnessRoutes(
        trusted: configuration.logs, store: store, cosigner: cosigner, clock: clock, logger: logger
    )
    router.post("/add-checkpoint", use: witness.addCheckpoint)
    router.get("/checkpoint", use: witness.checkpoint)
    return Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "commons-ledger-witness"
        ),
        logger: logger
    )
}

struct WitnessRoutes: Sendable {
    let trusted: [String: [NoteVerifier]]
    let store: WitnessStore
    let cosigner: Cosigner
    let clock: any LedgerClock
    let logger: Logger

    @Sendable func addCheckpoint(_ request: Request, context: BasicRequestContext) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: WitnessConfiguration.bodyBytesMax)
        } catch {
            return Self.text(.contentTooLarge, "the body is over \(WitnessConfiguration.bodyBytesMax) bytes\n")
        }
        guard let parsed = Witness.Request(body: Array(buffer: body)) else {
            let expected = "old size, proof lines, a blank line, a checkpoint"
            return Self.text(.badRequest, "not an add-checkpoint body: \(expected)\n")
        }
        let seconds = clock.now().microsecondsSinceEpoch / 1_000_000
        let (trusted, cosigner) = (trusted, cosigner)
        let answer = try await store.addCheckpoint(origin: parsed.checkpoint.origin, decide: { state in
            Witness.addCheckpoint(parsed, trusted: trusted, state: state, cosigner: cosigner, now: UInt64(seconds))
        }, at: seconds)
        return respond(answer, to: parsed)
    }

    func respond(_ answer: Witness.Answer, to request: Witness.Request) -> Response {
        let origin = request.checkpoint.origin
        switch answer {
        case .cosigned(let lines, let state):
            logger.info("cosigned", metadata: ["origin": "\(origin)", "size": "\(state.treeSize)"])
            return Self.text(.ok, lines)
        case .badRequest(let reason):
            return Self.text(.badRequest, reason + "\n")
        case .forbidden:
            return Self.text(.forbidden, "no signature by a key trusted for \(origin) verifies\n")
        case .unknownOrigin:
            return Self.text(.notFound, "this witness does not follow \(origin)\n")
        case .conflict(let latest):
            logger.notice("refused: not the latest cosigned size, or another root for it", metadata: [
                "origin": "\(origin)", "old": "\(request.oldSize)", "latest": "\(latest)",
                "checkpoint": "\(request.note.message)",
            ])
            var response = Self.text(.conflict, "\(latest)\n")
            response.headers[.contentType] = "text/x.tlog.size"
            return response
        case .inconsistent:
            // Kept in the log: a signed checkpoint that is not consistent is evidence of a fork.
            logger.warning("refused: the consistency proof does not verify (a fork?)", metadata: [
                "origin": "\(origin)", "old": "\(request.oldSize)", "checkpoint": "\(request.note.message)",
            ])
            return Self.text(.unprocessableContent, "the consistency proof does not verify\n")
        }
    }

    @Sendable func checkpoint(_ request: Request, context: BasicRequestContext) async throws -> Response {
        guard let origin = request.uri.queryParameters.get("origin"), trusted[origin] != nil else {
            return Self.text(.notFound, "name a log this witness follows: ?origin=…\n")
        }
        guard let state = try await store.latest(origin: origin) else {
            return Self.text(.notFound, "nothing cosigned yet for \(origin)\n")
        }
        return Self.text(.ok, state.note)
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
