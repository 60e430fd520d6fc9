import Foundation
public import Logging

/// Keeps what a logger was told, for tests of what a start or a failure logs.
public final class LogRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(level: Logger.Level, message: String)] = []

    public init() {}

    /// A logger that records here (every level).
    public var logger: Logger {
        Logger(label: "recorded") { _ in Handler(recorder: self) }
    }

    /// The messages logged at `level` or above, in order.
    public func messages(atLeast level: Logger.Level) -> [String] {
        lock.withLock { recorded.filter { $0.level >= level }.map(\.message) }
    }

    fileprivate func record(_ level: Logger.Level, _ message: String) {
        lock.withLock { recorded.append((level, message)) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorder.record(event.level, "\(event.message)")
        }
    }
}
