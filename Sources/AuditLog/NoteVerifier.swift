import Crypto

/// A public Ed25519 note key that checks signatures: parsed from, and written as, a verifier key text.
///
/// Why: clients, witnesses and the offline verifier are configured with the
/// log's verifier key `<name>+<8 hex id>+<base64(0x01 || public key)>`, the
/// format of golang.org/x/mod/sumdb/note, so the same key works with Go tools.
public struct NoteVerifier: Hashable, Sendable, CustomStringConvertible {
    /// The key's name, matched against the name in signature lines.
    public let name: NoteKeyName
    /// The key's id, matched against the first four bytes of each signature.
    public let keyID: NoteKeyID
    /// The raw 32-byte Ed25519 public key.
    public let ed25519PublicKey: [UInt8]

    private let publicKey: Curve25519.Signing.PublicKey

    /// Parses a verifier key text `<name>+<8 hex id>+<base64(0x01 || 32-byte public key)>`.
    ///
    /// Why it throws: the text comes from configuration; a mangled text, another
    /// algorithm or an id that does not match the key must be refused.
    public init(verifierKey text: String) throws(NoteKeyError) {
        let (name, statedID, algorithm, publicKey) = try KeyText.parts(text, isPrivate: false)
        let computedID = NoteKeyID(name: name, algorithm: algorithm, publicKey: publicKey)
        guard computedID == statedID else {
            throw .keyIDMismatch(stated: statedID, computed: computedID)
        }
        guard algorithm == NoteKeyID.ed25519Algorithm else {
            throw .unknownAlgorithm(algorithm)
        }
        try self.init(name: name, ed25519PublicKey: publicKey)
    }

    /// Creates a verifier from a name and a raw 32-byte Ed25519 public key.
    ///
    /// Why: a key stored as bytes (or derived from a signer) needs no text round trip.
    public init(name: NoteKeyName, ed25519PublicKey: [UInt8]) throws(NoteKeyError) {
        guard ed25519PublicKey.count == 32 else {
            throw .wrongKeyLength(byteCount: ed25519PublicKey.count)
        }
        do {
            publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: ed25519PublicKey)
        } catch {
            throw .invalidKey
        }
        self.name = name
        self.ed25519PublicKey = ed25519PublicKey
        keyID = NoteKeyID(name: name, algorithm: NoteKeyID.ed25519Algorithm, publicKey: ed25519PublicKey)
    }

    /// The verifier key text `<name>+<8 lowercase hex id>+<base64(0x01 || public key)>`.
    ///
    /// Why: this is what the log publishes so that anyone can check its checkpoints.
    public var verifierKey: String {
        name.text + "+" + keyID.hexEncodedString + "+"
            + Base64.encode([NoteKeyID.ed25519Algorithm] + ed25519PublicKey)
    }

    /// The verifier key text, which is public.
    public var description: String {
        verifierKey
    }

    /// Whether `signature` is a valid Ed25519 signature of `message` by this key.
    ///
    /// Why a Boolean: a bad signature is an answer, not a failure of the check.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        publicKey.isValidSignature(signature, for: message)
    }

    /// Compares name, id and key bytes.
    public static func == (left: NoteVerifier, right: NoteVerifier) -> Bool {
        left.name == right.name && left.keyID == right.keyID && left.ed25519PublicKey == right.ed25519PublicKey
    }

    /// Hashes name, id and key bytes, consistent with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(keyID)
        hasher.combine(ed25519PublicKey)
    }
}
