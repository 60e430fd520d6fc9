/// A transparency-log trust policy in the C2SP tlog-policy format: the logs whose
/// signature makes a checkpoint theirs, the witnesses, and the quorum of cosignatures a
/// checkpoint needs to be trusted.
///
///     log <vkey> [<url>]
///     witness <name> <vkey> [<url>]
///     group <name> all|any|<k> <name>...
///     quorum <name>|none
///
/// Why: a reader who trusts a checkpoint only when independent witnesses cosigned it
/// cannot be shown a split view of the log unless those witnesses collude.
public struct WitnessPolicy: Sendable {
    public struct Log: Sendable, Equatable {
        public let verifier: NoteVerifier
        public let url: String?
    }

    public struct WitnessEntry: Sendable, Equatable {
        public let name: String
        public let verifier: CosignatureVerifier
        public let url: String?
    }

    /// A rule: a witness's cosignature, or at least `threshold` of a group's members.
    indirect enum Rule: Sendable {
        case none
        case witness(String)
        case group(threshold: Int, members: [Rule])
    }

    public let logs: [Log]
    public let witnesses: [WitnessEntry]
    let quorum: Rule

    /// The most logs, witnesses or groups a policy may define (the specification asks
    /// implementations to support at least 32 of each).
    public static let definitionsMax = 256

    /// A line the policy cannot accept, by its number (from 1).
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "policy line \(line): \(reason)" }

        public init(line: Int, reason: String) {
            self.line = line
            self.reason = reason
        }
    }

    /// Parses a policy file's text.
    public init(parsing text: String) throws(Invalid) {
        var parser = Parser()
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            try parser.read(line, number: offset + 1)
        }
        guard let quorum = parser.quorum else { throw Invalid(line: parser.lineCount, reason: "no quorum line") }
        logs = parser.logs
        witnesses = parser.witnesses
        self.quorum = quorum
    }

    /// Whether `note` is signed by one of the policy's logs and cosigned by witnesses
    /// meeting the quorum; returns the checkpoint text's cosigners when it is.
    public func verify(_ note: SignedNote) -> Set<String>? {
        guard (try? note.verify(using: logs.map(\.verifier))) != nil else { return nil }
        var cosigned: Set<String> = []
        for witness in witnesses
        where note.signatures.contains(where: { witness.verifier.timestamp(of: $0, text: note.text) != nil }) {
            cosigned.insert(witness.name)
        }
        return Self.isMet(quorum, by: cosigned) ? cosigned : nil
    }

    static func isMet(_ rule: Rule, by cosigned: Set<String>) -> Bool {
        switch rule {
        case .none: true
        case .witness(let name): cosigned.contains(name)
        case .group(let threshold, let members): members.filter { isMet($0, by: cosigned) }.count >= threshold
        }
    }
}

extension WitnessPolicy {
    /// Reads a policy line by line: each name defined before it is used, once.
    struct Parser {
        var logs: [Log] = []
        var witnesses: [WitnessEntry] = []
        var rules: [String: Rule] = [:]
        var quorum: Rule?
        var lineCount = 0
        var publicKeys: Set<[UInt8]> = []

        mutating func read(_ line: Substring, number: Int) throws(Invalid) {
            lineCount = number
            guard line.utf8.allSatisfy({ $0 == 0x09 || $0 >= 0x20 && $0 != 0x7F }) else {
                throw Invalid(line: number, reason: "a control character")
            }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let keyword = words.first, !keyword.hasPrefix("#") else { return }
            guard logs.count + witnesses.count + rules.count < WitnessPolicy.definitionsMax else {
                throw Invalid(line: number, reason: "more than \(WitnessPolicy.definitionsMax) definitions")
            }
            switch keyword {
            case "log": try readLog(words, number)
            case "witness": try readWitness(words, number)
            case "group": try readGroup(words, number)
            case "quorum":
                guard quorum == nil else { throw Invalid(line: number, reason: "a second quorum line") }
                guard words.count == 2 else { throw Invalid(line: number, reason: "quorum <name>") }
                quorum = try rule(named: words[1], number, allowNone: true)
            default:
                throw Invalid(line: number, reason: "unknown keyword \(keyword)")
            }
        }

        mutating func readLog(_ words: [String], _ number: Int) throws(Invalid) {
            guard (2...3).contains(words.count), let verifier = try? NoteVerifier(verifierKey: words[1]) else {
                throw Invalid(line: number, reason: "log <vkey> [<url>], the vkey an Ed25519 log key")
            }
            guard publicKeys.insert(verifier.ed25519PublicKey).inserted else {
                throw Invalid(line: number, reason: "a key listed twice")
            }
            logs.append(Log(verifier: verifier, url: words.count == 3 ? words[2] : nil))
        }

        mutating func readWitness(_ words: [String], _ number: Int) throws(Invalid) {
            guard (3...4).contains(words.count), let verifier = try? CosignatureVerifier(verifierKey: words[2]) else {
                throw Invalid(line: number, reason: "witness <name> <vkey> [<url>], the vkey a cosignature/v1 key")
            }
            try define(words[1], as: .witness(words[1]), number)
            guard publicKeys.insert(verifier.ed25519PublicKey).inserted else {
                throw Invalid(line: number, reason: "a key listed twice")
            }
            witnesses.append(WitnessEntry(name: words[1], verifier: verifier, url: words.count == 4 ? words[3] : nil))
        }

        mutating func readGroup(_ words: [String], _ number: Int) throws(Invalid) {
            guard words.count >= 4 else { throw Invalid(line: number, reason: "group <name> all|any|<k> <name>...") }
            let names = Array(words[3...])
            guard Set(names).count == names.count else { throw Invalid(line: number, reason: "a member listed twice") }
            var members: [Rule] = []
            for name in names { members.append(try rule(named: name, number, allowNone: false)) }
            let threshold: Int
            switch words[2] {
            case "all": threshold = names.count
            case "any": threshold = 1
            default:
                guard words[2].utf8.allSatisfy({ (0x30...0x39).contains($0) }), let k = Int(words[2]),
                      !words[2].hasPrefix("0"), (1...names.count).contains(k)
                else { throw Invalid(line: number, reason: "the threshold must be all, any or 1 to \(names.count)") }
                threshold = k
            }
            try define(words[1], as: .group(threshold: threshold, members: members), number)
        }

        mutating func define(_ name: String, as rule: Rule, _ number: Int) throws(Invalid) {
            guard name != "none", rules[name] == nil else {
                throw Invalid(line: number, reason: "the name \(name) is taken")
            }
            rules[name] = rule
        }

        func rule(named name: String, _ number: Int, allowNone: Bool) throws(Invalid) -> Rule {
            if name == "none" {
                guard allowNone else { throw Invalid(line: number, reason: "none cannot be a member") }
                return .none
            }
            guard let rule = rules[name] else { throw Invalid(line: number, reason: "\(name) is not defined above") }
            return rule
        }
    }
}
