import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files of one database — the main file and those SQLite keeps beside it — held
/// readable by their owner only.
///
/// They hold members' private data (contact details, anonymous members' names) and, in
/// the WAL, recent copies of every page written. SQLite creates `-wal`, `-shm` and
/// `-journal` with the main file's permission bits, so creating the main file 0600
/// before SQLite opens it, and tightening any existing file found looser, covers all of
/// them whatever the umask.
enum DatabaseFiles {
    /// Owner read and write, nothing for group or others.
    static let mode: mode_t = 0o600
    /// The files SQLite may keep beside the main file.
    static let companionSuffixes = ["-wal", "-shm", "-journal"]

    /// Creates the main file with mode 0600 when it is missing (never truncating an
    /// existing one), and sets 0600 on every existing file of the database whose mode
    /// gives anything to group or others. Throws the `errno` of a failed call.
    static func secure(path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        close(descriptor)
        for file in [path] + companionSuffixes.map({ path + $0 }) {
            try tighten(file)
        }
    }

    /// Sets 0600 on `file` when it exists and grants more; a missing file is fine.
    static func tighten(_ file: String) throws {
        var status = stat()
        guard stat(file, &status) == 0 else {
            if errno == ENOENT { return }
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
        guard status.st_mode & 0o077 != 0 else { return }
        guard chmod(file, mode) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
    }
}
