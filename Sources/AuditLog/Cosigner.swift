import Crypto

/// A witness's Ed25519 cosigning key (C2SP tlog-cosignature, `cosignature/v1`): it signs
/// `cosignature/v1\ntime <T>\n` followed by a checkpoint's body, and writes the line
/// `— <name> base64(key id || big-endian u64 T || signature)`.
///
/// Why its own type and not `NoteSigner`: a cosignature signs a different message (a
/// timestamp line ahead of the body) and its key id commits to algorithm byte 0x04, so a
/// cosigning key can never be mistaken for, or used as, a log key.
public struct Cosigner: Sendable, CustomStringConvertible {
    /// The algorithm byte of an Ed25519 `cosignature/v1` key.
    public static let algorithm: UInt8 = 0x04

    public let name: NoteKeyName
    public let keyID: NoteKeyID
    private let privateKey: Curve25519.Signing.PrivateKey

    /// A cosigner from its name and 32-byte Ed25519 seed (the caller draws it).
    public init(name: NoteKeyName, seed: [UInt8]) throws(NoteKeyError) {
        guard seed.count == 32 else { throw .wrongKeyLength(byteCount: seed.count) }
        do {
            privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: seed)
        } catch {
            throw .invalidKey
        }
        self.name = name
        let publicKey = Array(privateKey.publicKey.rawRepresentation)
        keyID = NoteKeyID(name: name, algorithm: Self.algorithm, publicKey: publicKey)
    }

    /// Parses `PRIVATE+KEY+<name>+<8 hex id>+<base64(0x04 || seed)>`.
    public init(signerKey text: String) throws(NoteKeyError) {
        let (name, statedID, algorithm, seed) = try KeyText.parts(text, isPrivate: true)
        guard algorithm == Self.algorithm else { throw .unknownAlgorithm(algorithm) }
        try self.init(name: name, seed: seed)
        guard keyID == statedID else { throw .keyIDMismatch(stated: statedID, computed: keyID) }
    }

    /// The secret key text `PRIVATE+KEY+<name>+<id>+<base64(0x04 || seed)>`.
    public var signerKey: String {
        "PRIVATE+KEY+" + name.text + "+" + keyID.hexEncodedString + "+"
            + Base64.encode([Self.algorithm] + Array(privateKey.rawRepresentation))
    }

    /// The public key, as witnesses publish it.
    public var verifier: CosignatureVerifier {
        do {
            return try CosignatureVerifier(name: name, ed25519PublicKey: Array(privateKey.publicKey.rawRepresentation))
        } catch {
            preconditionFailure("a public key derived from a valid private key is valid: \(error)")
        }
    }

    public var description: String { "Cosigner(" + name.text + "+" + keyID.hexEncodedString + ")" }

    /// The cosignature of the checkpoint whose note body is `text`, made at `timestamp`
    /// (POSIX seconds).
    public func cosign(text: String, timestamp: UInt64) throws(SignedNoteError) -> NoteSignature {
        precondition(timestamp <= UInt64(Int64.max), "a cosignature's timestamp fits 63 bits")
        let signature: [UInt8]
        let message = CosignatureVerifier.message(text: text, timestamp: timestamp)
        do {
            signature = Array(try privateKey.signature(for: message))
        } catch {
            throw .signingFailed(name: name, keyID: keyID)
        }
        return try NoteSignature(name: name, keyID: keyID, signatureBytes: Self.bigEndian(timestamp) + signature)
    }

    static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
    }
}

/// A witness's public cosigning key: checks `cosignature/v1` signatures.
public struct CosignatureVerifier: Hashable, Sendable, CustomStringConvertible {
    public let name: NoteKeyName
    public let keyID: NoteKeyID
    public let ed25519PublicKey: [UInt8]

    public init(name: NoteKeyName, ed25519PublicKey: [UInt8]) throws(NoteKeyError) {
        guard ed25519PublicKey.count == 32 else { throw .wrongKeyLength(byteCount: ed25519PublicKey.count) }
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: ed25519PublicKey)) != nil else {
            throw .invalidKey
        }
        self.name = name
        self.ed25519PublicKey = ed25519PublicKey
        keyID = NoteKeyID(name: name, algorithm: Cosigner.algorithm, publicKey: ed25519PublicKey)
    }

    /// Parses a vkey `<name>+<8 hex id>+<base64(0x04 || 32-byte public key)>`.
    public init(verifierKey text: String) throws(NoteKeyError) {
        let (name, statedID, algorithm, publicKey) = try KeyText.parts(text, isPrivate: false)
        guard algorithm == Cosigner.algorithm else { throw .unknownAlgorithm(algorithm) }
        try self.init(name: name, ed25519PublicKey: publicKey)
        guard keyID == statedID else { throw .keyIDMismatch(stated: statedID, computed: keyID) }
    }

    /// The vkey text `<name>+<8 hex id>+<base64(0x04 || public key)>`.
    public var verifierKey: String {
        name.text + "+" + keyID.hexEncodedString + "+" + Base64.encode([Cosigner.algorithm] + ed25519PublicKey)
    }

    public var description: String { verifierKey }

    /// The signed message: `cosignature/v1`, the time line, then the note body.
    static func message(text: String, timestamp: UInt64) -> [UInt8] {
        Array("cosignature/v1\ntime \(timestamp)\n".utf8) + Array(text.utf8)
    }

    /// The time of `signature` if it is this key's valid cosignature of the checkpoint
    /// whose note body is `text`; `nil` otherwise (another key, a bad signature, a
    /// timestamp past 2^63 − 1).
    public func timestamp(of signature: NoteSignature, text: String) -> UInt64? {
        guard signature.name == name, signature.keyID == keyID, signature.signatureBytes.count == 72 else { return nil }
        let timestamp = signature.signatureBytes.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard timestamp <= UInt64(Int64.max),
              let key = try? Curve25519.Signing.PublicKey(rawRepresentation: ed25519PublicKey),
              key.isValidSignature(
                  signature.signatureBytes.dropFirst(8), for: Self.message(text: text, timestamp: timestamp)
              )
        else { return nil }
        return timestamp
    }
}
