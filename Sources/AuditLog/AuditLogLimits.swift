/// The size limits that parsers in this module enforce.
///
/// Why named limits: notes and checkpoints arrive from outside (witnesses,
/// mirrors, API clients), and every loop over their lines must be bounded so a
/// hostile input costs little to reject.
public enum AuditLogLimits {
    /// The most signature lines a signed note may carry.
    ///
    /// Why 100: golang.org/x/mod/sumdb/note rejects notes with more, and the
    /// C2SP signed-note spec asks verifiers to accept at least 16.
    public static let maximumSignaturesPerNote = 100

    /// The most bytes a signed note or checkpoint text may have.
    ///
    /// Why 1 MiB: 100 signatures of even post-quantum size (about 5 kB each,
    /// under 7 kB in base64) fit comfortably, while runaway input does not.
    public static let maximumNoteByteCount = 1 << 20
}
