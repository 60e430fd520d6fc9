import Hummingbird
import WireContract

/// Cuts a request off at its deadline (`request_timeout_seconds`): a handler still at
/// work — reading in the database, or waiting for its write's group commit — is cancelled
/// and answered 503 `request_timeout`, so a slow query cannot hold a connection, a client
/// and the server's memory for ever (the idle timeout only covers silent connections).
///
/// Cancelling is safe for the book: a SQLite read is interrupted (GRDB turns the task's
/// cancellation into `sqlite3_interrupt`); a write still waiting for a group is dropped
/// and writes nothing (`GroupCommitter.submit`); a write whose group has begun runs to
/// the end, and its real answer is returned, late, rather than a timeout. The response
/// body a handler returns is streamed after this, outside the deadline.
struct RequestDeadlineMiddleware<Context: RequestContext>: RouterMiddleware {
    let seconds: Int
    /// Every request's deadline, in one table (`DeadlineWheel`: no timer per request).
    let deadlines = DeadlineWheel()

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try await withoutActuallyEscaping(next) { next in
            // The task group below ends only after both children have: `next` never
            // outlives this call, and only the handler child calls it.
            let handler = UncheckedHandler(run: { try await next(request, context) })
            let deadline = ContinuousClock.now + .seconds(seconds)
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await handler.run() }
                group.addTask { [deadlines] in
                    try await deadlines.sleep(until: deadline)
                    return nil
                }
                if let response = try await group.next() ?? nil {
                    group.cancelAll()
                    return response
                }
                // The deadline came first: stop the handler, and wait for it to stop.
                group.cancelAll()
                if let late = try? await group.next(), let response = late { return response }
                throw Problem.requestTimeout(seconds: seconds)
            }
        }
    }

    /// The route's handler, run on the group's child task.
    ///
    /// Why unchecked: `next` is not `Sendable`, but exactly one child task calls it, once,
    /// and the group outlives that call.
    struct UncheckedHandler: @unchecked Sendable {
        let run: () async throws -> Response
    }
}
