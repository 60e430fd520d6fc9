import Crypto

/// A private Ed25519 note key that signs notes, such as the log's checkpoints.
///
/// Why: the log signs each checkpoint with this key; it reads and writes the
/// signer key text `PRIVATE+KEY+<name>+<8 hex id>+<base64(0x01 || 32-byte seed)>`
/// of golang.org/x/mod/sumdb/note, so keys move freely between Go tools and us.
/// Ed25519 signing is deterministic, so the same key and text always give the
/// same signature. The module never draws randomness: a new key's seed is
/// passed in by the caller.
public struct NoteSigner: Sendable, CustomStringConvertible {
    /// The key's name, written in every signature line.
    public let name: NoteKeyName
    /// The key's id, written at the start of every signature.
    public let keyID: NoteKeyID

    private let privateKey: Curve25519.Signing.PrivateKey

    /// Parses a signer key text `PRIVATE+KEY+<name>+<8 hex id>+<base64(0x01 || seed)>`.
    ///
    /// Why it throws: the text comes from a secret file; a mangled text, another
    /// algorithm, or an id that does not match the derived public key is refused.
    public init(signerKey text: String) throws(NoteKeyError) {
        let (name, statedID, algorithm, seed) = try KeyText.parts(text, isPrivate: true)
        guard algorithm == NoteKeyID.ed25519Algorithm else {
            throw .unknownAlgorithm(algorithm)
        }
        try self.init(name: name, seed: seed)
        guard keyID == statedID else {
            throw .keyIDMismatch(stated: statedID, computed: keyID)
        }
    }

    /// Creates a signer from a name and a 32-byte Ed25519 seed (the RFC 8032 private key).
    ///
    /// Why: keys held in a secret store as raw bytes need no text round trip.
    public init(name: NoteKeyName, seed: [UInt8]) throws(NoteKeyError) {
        guard seed.count == 32 else {
            throw .wrongKeyLength(byteCount: seed.count)
        }
        do {
            privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        } catch {
            throw .invalidKey
        }
        self.name = name
        keyID = NoteKeyID(
            name: name,
            algorithm: NoteKeyID.ed25519Algorithm,
            publicKey: Array(privateKey.publicKey.rawRepresentation)
        )
    }

    /// Generates a new signer from 32 random bytes supplied by the caller.
    ///
    /// Why the caller supplies them: the module stays pure and testable; in
    /// production pass 32 bytes from the system's secure random generator.
    public static func generate(name: NoteKeyName, randomBytes: [UInt8]) throws(NoteKeyError) -> NoteSigner {
        try NoteSigner(name: name, seed: randomBytes)
    }

    /// The secret signer key text `PRIVATE+KEY+<name>+<8 lowercase hex id>+<base64(0x01 || seed)>`.
    ///
    /// Why: this is how the key is stored and moved; treat it as a secret.
    public var signerKey: String {
        "PRIVATE+KEY+" + name.text + "+" + keyID.hexEncodedString + "+"
            + Base64.encode([NoteKeyID.ed25519Algorithm] + Array(privateKey.rawRepresentation))
    }

    /// The matching public verifier.
    ///
    /// Why: the log publishes it next to the first checkpoint it signs.
    public var verifier: NoteVerifier {
        let publicKey = Array(privateKey.publicKey.rawRepresentation)
        do {
            return try NoteVerifier(name: name, ed25519PublicKey: publicKey)
        } catch {
            preconditionFailure("a public key derived from a valid private key is valid: \(error)")
        }
    }

    /// The key's name and id only, so that printing a signer never reveals the secret.
    public var description: String {
        "NoteSigner(" + name.text + "+" + keyID.hexEncodedString + ")"
    }

    /// The Ed25519 signature (64 bytes) of `message`.
    ///
    /// Why it throws: the cryptography library reports failures as errors,
    /// which become `SignedNoteError.signingFailed`.
    public func signature(for message: [UInt8]) throws(SignedNoteError) -> [UInt8] {
        do {
            return Array(try privateKey.signature(for: message))
        } catch {
            throw .signingFailed(name: name, keyID: keyID)
        }
    }
}
