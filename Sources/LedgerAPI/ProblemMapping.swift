import Hummingbird
import LedgerApplication
public import LedgerCore
import LedgerStorage
import NIOCore
import Reports
public import WireContract

/// The one mapping from an error to HTTP: every error that escapes a route becomes its
/// problem here (`ProblemMiddleware` asks), and a business rejection becomes its status here.
extension Problem {
    /// The problem for a rejection: the one place rejections become HTTP (their codes and
    /// texts are `Rejection.text`, shared with the importer's report).
    public init(_ rejection: Rejection) {
        let text = rejection.text
        let status: HTTPResponse.Status = switch text.kind {
        case .unprocessable: .unprocessableContent
        case .conflict: .conflict
        case .notFound: .notFound
        }
        self.init(status: status, code: text.code, title: text.title, detail: text.detail, errors: text.errors)
    }

    /// The problem for an atomic batch refused by one item: that item's problem, located
    /// by its index, saying nothing was written.
    init(_ failure: BatchRejection) {
        let problem = Problem(failure.rejection)
        self.init(
            status: problem.status, code: problem.code, title: problem.title,
            detail: "transactions[\(failure.index)]: \(problem.detail); nothing was written",
            errors: [FieldProblem(field: "transactions[\(failure.index)]", detail: problem.detail)] + problem.errors
        )
    }

    /// The problem an error that escaped a route at `path` answers with, or nil for an
    /// infrastructure failure (answered 500 with nothing of the error in the body).
    static func mapping(_ error: any Error, path: String) -> Problem? {
        switch error {
        case let problem as Problem: problem
        case let rejection as Rejection: Problem(rejection)
        case let failure as BatchRejection: Problem(failure)
        case is InvalidCursor: .invalidCursor
        case let error as LogRangeError: logRangeProblem(error)
        case let error as ReportError: reportProblem(error)
        case let busy as ReportBusy: .reportBusy(retryAfterSeconds: busy.retryAfterSeconds)
        case is NIOTooManyBytesError: .bodyTooLarge(Limits.requestBodyBytesMax)
        case let error as HTTPError where error.status == .notFound: routeProblem(path: path)
        case let error as HTTPError where error.status.code < 500: .httpError(error)
        default: nil
        }
    }

    static func logRangeProblem(_ error: LogRangeError) -> Problem {
        switch error {
        case .invalid(let detail): .invalidRange(detail)
        case .beyondTree(let detail): .beyondLog(detail)
        }
    }

    /// A report that names what is not there or overflows is the caller's 422; a log
    /// that does not parse is the server's failure (nil: 500).
    static func reportProblem(_ error: ReportError) -> Problem? {
        switch error {
        case .unknown(let detail): .unknownReference(detail)
        case .overflow(let detail): .amountOverflow(detail)
        case .malformed: nil
        }
    }

    /// No route matched `path`: 405 listing the methods when the path exists (HEAD too:
    /// the API serves no HEAD), 404 otherwise.
    static func routeProblem(path: String) -> Problem {
        let allowed = RoutePolicy.methods(forPath: path)
        guard !allowed.isEmpty else { return .routeNotFound }
        return .methodNotAllowed(path: path, allowed: allowed)
    }
}
