/// The hand-over of a log's signing identity from one Ed25519 key to the next, as a signed
/// note that both keys sign:
///
///     commons-ledger/log-key-handover/v1
///     old <old verifier key>
///     new <new verifier key>
///     index <the log index of the entry that records the hand-over>
///
/// Why both: the old key's signature lets a reader who trusts the old key follow the log
/// forward to its successor; the new key's signature proves the writer of the entry holds
/// it, and lets a reader who was given only the new key accept its predecessor's era.
/// Both keys carry the log's origin as their name, so every checkpoint stays one log's.
/// The index binds the note to one place in one log: it cannot be replayed elsewhere.
public struct LogKeyHandover: Hashable, Sendable {
    /// The first line of every hand-over note.
    public static let header = "commons-ledger/log-key-handover/v1"

    public let oldKey: NoteVerifier
    public let newKey: NoteVerifier
    /// The index of the log entry that records this hand-over.
    public let index: Int64
    /// The signed note, as the log entry stores it.
    public let note: String

    /// The hand-over from `old` to `new`, recorded at log `index`, signed by both.
    public static func sign(from old: NoteSigner, to new: NoteSigner, index: Int64) throws -> LogKeyHandover {
        let text = body(old: old.verifier, new: new.verifier, index: index)
        let note = try SignedNote.sign(text: text, signers: [old, new])
        return try LogKeyHandover(note: note.message)
    }

    /// Parses a hand-over note and checks it: the exact text form, two different keys of
    /// one name, and a valid signature by each (and by nothing else).
    public init(note: String) throws(LogKeyHandoverError) {
        let signed: SignedNote
        do {
            signed = try SignedNote(parsing: note)
        } catch {
            throw .malformed("not a signed note: \(error)")
        }
        let lines = signed.text.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count == 5, lines[0] == Self.header, lines[4].isEmpty,
            lines[1].hasPrefix("old "), lines[2].hasPrefix("new "), lines[3].hasPrefix("index "),
            let index = Int64(lines[3].dropFirst("index ".count)), index >= 0,
            String(index) == lines[3].dropFirst("index ".count)
        else { throw .malformed("the text is not a \(Self.header) statement") }
        let old: NoteVerifier
        let new: NoteVerifier
        do {
            old = try NoteVerifier(verifierKey: String(lines[1].dropFirst("old ".count)))
            new = try NoteVerifier(verifierKey: String(lines[2].dropFirst("new ".count)))
        } catch {
            throw .malformed("a key is not a verifier key: \(error)")
        }
        guard old.name == new.name else { throw .originChanged(old: old.name.text, new: new.name.text) }
        guard old != new else { throw .sameKey }
        guard signed.text == Self.body(old: old, new: new, index: index) else {
            throw .malformed("the text is not in its one canonical form")
        }
        guard signed.signatures.count == 2 else {
            throw .signatures("exactly two signatures, the old key's and the new")
        }
        for key in [old, new] {
            do {
                _ = try signed.verify(using: [key])
            } catch {
                throw .signatures("no valid signature by \(key.verifierKey): \(error)")
            }
        }
        oldKey = old
        newKey = new
        self.index = index
        self.note = note
    }

    static func body(old: NoteVerifier, new: NoteVerifier, index: Int64) -> String {
        "\(header)\nold \(old.verifierKey)\nnew \(new.verifierKey)\nindex \(index)\n"
    }
}

/// Why a hand-over note is refused.
public enum LogKeyHandoverError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case originChanged(old: String, new: String)
    case sameKey
    case signatures(String)

    public var description: String {
        switch self {
        case .malformed(let detail): "malformed key hand-over: \(detail)"
        case .originChanged(let old, let new): "a key hand-over cannot change the log's name (\(old) → \(new))"
        case .sameKey: "a key hand-over must name a new key"
        case .signatures(let detail): "key hand-over signatures: \(detail)"
        }
    }
}
