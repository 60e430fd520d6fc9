import Foundation
import Glibc

/// Runs a command with `posix_spawnp` and waits for it: what the tests use instead of
/// Foundation's `Process`, whose `run()` on Linux crashed in its `memcpy` in about one
/// full test run in six on two cores (even with every launch behind one lock). Standard
/// input is `/dev/null`; standard output and error go to files, read once it ends (no
/// pipe to fill and block on).
public enum Spawn {
    /// What a finished command left.
    public struct Outcome: Sendable {
        /// The exit status, or 128 + the signal that ended it.
        public let status: Int32
        public let output: String
        public let errors: String
    }

    /// The command could not be started.
    public struct NotStarted: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `arguments` (the first found on `PATH`) with this process's environment plus
    /// `environment`, and returns once it has exited.
    public static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Outcome {
        precondition(!arguments.isEmpty, "a command to run")
        let directory = try TemporaryDirectory()
        let outputPath = directory.path("stdout")
        let errorPath = directory.path("stderr")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let merged = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv + envp { free(pointer) }
        }
        var pid = pid_t()
        let started = posix_spawnp(&pid, arguments[0], &actions, nil, argv, envp)
        guard started == 0 else {
            throw NotStarted(description: "\(arguments[0]): \(String(cString: strerror(started)))")
        }
        var waitStatus: Int32 = 0
        while waitpid(pid, &waitStatus, 0) == -1, errno == EINTR {}
        let signal = waitStatus & 0x7f
        let status = signal == 0 ? (waitStatus >> 8) & 0xff : 128 + signal
        return Outcome(
            status: status,
            output: String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self),
            errors: String(decoding: FileManager.default.contents(atPath: errorPath) ?? Data(), as: UTF8.self)
        )
    }
}
