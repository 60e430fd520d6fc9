public import LedgerCore

/// The plain-text accounting tools an export is written for.
public enum JournalDialect: String, CaseIterable, Hashable, Sendable {
    /// ledger-cli 3.
    case ledger
    /// hledger (1.25 and later).
    case hledger
    /// beancount 2.
    case beancount
}

/// Why an export stopped: the log used something it never declared.
///
/// A verified log never does this (the store refuses such writes); the export still
/// checks, because it prints amounts with their asset's scale and must never guess one.
public enum JournalExportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A posting or an account names an asset no earlier entry registered.
    case unknownAsset(AssetCode)
    /// A posting or a closing names an account no earlier entry opened.
    case unknownAccount(AccountID)
    /// A log entry's bytes are not an entry (see `LogEntry(json:)`).
    case malformedEntry(String)

    public var description: String {
        switch self {
        case .malformedEntry(let detail): "not a log entry: \(detail)"
        case .unknownAsset(let code): "asset \(code) is used before it is registered"
        case .unknownAccount(let id): "account \(id) is used before it is opened"
        }
    }
}

/// Writes the book as a plain-text journal for ledger-cli, hledger or beancount, so an
/// auditor can recompute every balance with a tool we did not write.
///
/// It is fed the log's events in log order and returns text chunks as it goes: it keeps
/// one small record per asset and per account, never the transactions, so a book of a
/// million transactions streams through in constant memory.
///
/// What it writes, per dialect:
/// - Assets: hledger `commodity 1000.00 USD` and ledger `commodity USD` + `format 1000.00
///   USD` fix each commodity's precision to the asset's scale; beancount `commodity`
///   directives carry the scale and the original code as metadata. Commodity symbols that
///   contain a digit are double-quoted for hledger and ledger, which require it.
/// - Accounts: hledger `account CODE  ; type: A|L|E|R|X`; ledger `account CODE` with the
///   type as a comment; beancount `open` (with the allowed commodities) and `close`.
///   hledger and ledger get our account codes unchanged; beancount names follow
///   `BeancountNames`.
/// - Transactions: the effective date, cleared (`*`: everything in the book is final), the
///   description, the transaction id as `id` metadata (plus `reverses` for a reversal and
///   `action` for a fund step), the metadata members that are tag-shaped, and every
///   posting with its exact amount printed from integer minor units at the asset's scale.
///
/// Free text is escaped as the dialect needs: beancount strings are double-quoted with
/// `\"` and `\\`; in hledger and ledger a `;` would start a comment, so it is written as
/// `；` (U+FF1B), and a description starting with `(` is preceded by an empty code `()` so
/// it is not read as one. Control characters (never accepted by the API, but the export
/// must not let a damaged log inject journal lines) become U+FFFD.
public struct JournalExport: Sendable {
    /// The dialect being written.
    public let dialect: JournalDialect

    /// Transactions written so far.
    public private(set) var transactionCount = 0

    /// What the export remembers of an account: enough to name it, type it and, for
    /// beancount, date its `open` and `close` around every posting.
    struct AccountRecord: Sendable {
        let code: AccountCode
        let type: AccountType
        let allowedAssets: [AssetCode]?
        let createdOn: LocalDate
        var closedOn: LocalDate?
        var firstPostingOn: LocalDate?
        var lastPostingOn: LocalDate?
        /// The name written in the journal.
        let name: String
    }

    private var scales: [AssetCode: Int] = [:]
    private var accounts: [AccountID: AccountRecord] = [:]
    /// Account ids in the order they were opened, so the beancount trailer is deterministic.
    private var accountOrder: [AccountID] = []
    /// Tags already declared for ledger's `--strict`/`--pedantic` checks.
    private var declaredTags: Set<String> = []
    /// Whether the last text written was a declaration: a blank line then separates it
    /// from the transaction that follows (declarations themselves are written compactly).
    private var isAfterDeclaration = false

    /// Metadata keys the export itself writes; a transaction's own member of that name is
    /// left out rather than written twice.
    public static let reservedMetadataKeys: Set<String> = ["id", "reverses", "action"]

    /// Longest metadata key written as a tag; longer keys are left out (the log keeps them).
    static let metadataKeyLengthMax = 64

    /// Column at which amounts end when account names are short enough, for readability.
    static let amountColumn = 60

    /// A writer for `dialect`, with nothing declared yet.
    public init(dialect: JournalDialect) {
        self.dialect = dialect
    }

    // MARK: - Header and trailer

    /// The text that opens the journal: `notes` as comment lines (where the export came
    /// from), then what the dialect needs before any directive.
    public mutating func header(notes: [String]) -> String {
        var text = ""
        let title =
            switch dialect {
            case .ledger: "ledger-cli"
            case .hledger: "hledger"
            case .beancount: "beancount"
            }
        text += "; Commons Ledger journal export for \(title).\n"
        for note in notes {
            text += "; \(Self.sanitized(note))\n"
        }
        text += "\n"
        switch dialect {
        case .hledger:
            // Amounts are printed with "." only; this makes "1.000" unambiguous for hledger.
            text += "decimal-mark .\n\n"
        case .ledger:
            for tag in ["id", "reverses", "action"] {
                text += "tag \(tag)\n"
                declaredTags.insert(tag)
            }
            text += "\n"
        case .beancount:
            text += "option \"title\" \"Commons Ledger\"\n"
            text += "; Account open and close directives are at the end of the file: each open is dated\n"
            text += "; at the earlier of the account's creation and its first posting, which is only\n"
            text += "; known once every transaction has been read. Beancount orders directives by\n"
            text += "; date, not by position, so this is equivalent to writing them first.\n\n"
        }
        return text
    }

    /// The text that closes the journal: for beancount, every account's `open` and, when
    /// it was closed, `close` directive.
    ///
    /// Why here and dated so: transactions carry effective dates that may precede the
    /// account's creation (a payment recorded today for last month), and the log is in
    /// recording order, so the earliest posting date of an account is only known at the
    /// end. Each `open` is dated at the earlier of its creation date and its first posting
    /// date, so beancount accepts every posting while the date stays the true creation
    /// date for all accounts that were not back-dated into. Likewise each `close` is dated
    /// at the later of the closing date and the last posting date. Dating every `open` at
    /// the book's earliest date would also be accepted, but would lose the creation dates.
    public func trailer() -> String {
        guard dialect == .beancount, !accountOrder.isEmpty else { return "" }
        var text = "; Accounts\n"
        for id in accountOrder {
            guard let account = accounts[id] else { continue }
            let openOn = min(account.createdOn, account.firstPostingOn ?? account.createdOn)
            text += "\(openOn) open \(account.name)"
            if let allowed = account.allowedAssets {
                text += " " + allowed.map(BeancountNames.commodity).joined(separator: ",")
            }
            text += "\n  code: \(Self.beancountString(account.code.rawValue))\n"
            if let closedOn = account.closedOn {
                let closeOn = max(closedOn, account.lastPostingOn ?? closedOn)
                text += "\(closeOn) close \(account.name)\n"
            }
        }
        return text
    }

    // MARK: - Events

    /// The text for one stored log entry, from its exact bytes: parsed as the verifier
    /// parses them, then written as `text(for:)` writes its event.
    public mutating func text(forEntry bytes: [UInt8]) throws(JournalExportError) -> String {
        let entry: LogEntry
        do {
            entry = try LogEntry(json: try JSONParser.parse(bytes))
        } catch {
            throw .malformedEntry("\(error)")
        }
        return try text(for: entry.event)
    }

    /// The text for one log event; empty for events that are not part of the book (API keys).
    public mutating func text(for event: LedgerEvent) throws(JournalExportError) -> String {
        switch event {
        case .assetRegistered(let asset):
            return assetDeclaration(asset)
        case .accountOpened(let account):
            return try accountDeclaration(account)
        case .accountClosed(let account):
            guard var record = accounts[account.id] else { throw .unknownAccount(account.id) }
            let closedOn = (account.closedAt ?? account.createdAt).date
            record.closedOn = closedOn
            accounts[account.id] = record
            switch dialect {
            case .ledger, .hledger: return declaration("; account \(record.name) closed on \(closedOn)\n")
            case .beancount: return ""
            }
        case .transactionRecorded(let transaction):
            return try transactionText(transaction, action: nil)
        case .fundAction(let action):
            var text = ""
            for account in action.accountsOpened {
                text += try accountDeclaration(account)
            }
            if let transaction = action.transaction {
                text += try transactionText(transaction, action: action.kind.rawValue)
            }
            return text
        case .keyCreated, .keyRevoked, .logKeyRotated:
            return ""
        }
    }

    private mutating func assetDeclaration(_ asset: Asset) -> String {
        scales[asset.code] = asset.scale
        switch dialect {
        case .hledger:
            // hledger wants a decimal mark in the directive even at scale 0 ("1000.").
            let number = asset.scale == 0 ? "1000." : "1000." + String(repeating: "0", count: asset.scale)
            return declaration("commodity \(number) \(symbol(asset.code))  ; \(Self.sanitized(asset.name))\n")
        case .ledger:
            let number = asset.scale == 0 ? "1000" : "1000." + String(repeating: "0", count: asset.scale)
            return declaration(
                "commodity \(symbol(asset.code))\n    note \(Self.sanitized(asset.name))\n"
                    + "    format \(number) \(symbol(asset.code))\n"
            )
        case .beancount:
            var text = "\(asset.createdAt.date) commodity \(BeancountNames.commodity(asset.code))\n"
            text += "  name: \(Self.beancountString(asset.name))\n"
            text += "  code: \(Self.beancountString(asset.code.rawValue))\n"
            text += "  scale: \(asset.scale)\n"
            return declaration(text)
        }
    }

    private mutating func accountDeclaration(_ account: Account) throws(JournalExportError) -> String {
        for asset in account.allowedAssets ?? [] where scales[asset] == nil {
            throw .unknownAsset(asset)
        }
        let name =
            switch dialect {
            case .ledger, .hledger: account.code.rawValue
            case .beancount: BeancountNames.account(code: account.code, type: account.type)
            }
        if accounts[account.id] == nil {
            accountOrder.append(account.id)
        }
        accounts[account.id] = AccountRecord(
            code: account.code, type: account.type, allowedAssets: account.allowedAssets,
            createdOn: account.createdAt.date, closedOn: nil, firstPostingOn: nil, lastPostingOn: nil, name: name
        )
        switch dialect {
        case .hledger:
            return declaration("account \(name)  ; type: \(Self.hledgerTypeCode(account.type))\n")
        case .ledger:
            return declaration("account \(name)\n    ; type: \(account.type.rawValue)\n")
        case .beancount:
            return ""
        }
    }

    private mutating func transactionText(
        _ transaction: LedgerTransaction, action: String?
    ) throws(JournalExportError) -> String {
        // Resolve every posting first, so a bad one leaves no half-written transaction.
        var lines: [(name: String, number: String, symbol: String)] = []
        lines.reserveCapacity(transaction.postings.count)
        for posting in transaction.postings {
            guard var account = accounts[posting.accountID] else { throw .unknownAccount(posting.accountID) }
            guard let scale = scales[posting.asset] else { throw .unknownAsset(posting.asset) }
            account.firstPostingOn = min(account.firstPostingOn ?? transaction.date, transaction.date)
            account.lastPostingOn = max(account.lastPostingOn ?? transaction.date, transaction.date)
            accounts[posting.accountID] = account
            let symbol = dialect == .beancount ? BeancountNames.commodity(posting.asset) : symbol(posting.asset)
            lines.append((account.name, posting.amount.decimalText(scale: scale), symbol))
        }
        var tags: [(key: String, value: MetadataValue)] = [("id", .text(transaction.id.rawValue))]
        if let reverses = transaction.reversesID {
            tags.append(("reverses", .text(reverses.rawValue)))
        }
        if let action {
            tags.append(("action", .text(action)))
        }
        let (members, leftOut) = exportedMetadata(transaction.metadata)
        tags += members

        var text = ""
        if dialect == .ledger {
            for tag in members where !declaredTags.contains(tag.key) {
                text += "tag \(tag.key)\n"
                declaredTags.insert(tag.key)
            }
        }
        if isAfterDeclaration || !text.isEmpty {
            text += "\n"
            isAfterDeclaration = false
        }
        let indent: String
        switch dialect {
        case .ledger, .hledger:
            indent = "    "
            var description = Self.sanitized(transaction.description).replacingSemicolons()
            if description.hasPrefix("(") { description = "() " + description }
            text += "\(transaction.date) *" + (description.isEmpty ? "" : " " + description) + "\n"
            for tag in tags {
                text += "\(indent); \(tag.key): \(tag.value.plainText)\n"
            }
            text += Self.leftOutNote(leftOut, indent: indent)
        case .beancount:
            indent = "  "
            text += "\(transaction.date) * \(Self.beancountString(Self.sanitized(transaction.description)))\n"
            for tag in tags {
                text += "\(indent)\(tag.key): \(tag.value.beancountText)\n"
            }
            text += Self.leftOutNote(leftOut, indent: indent)
        }
        for line in lines {
            let padding = max(2, Self.amountColumn - line.name.utf8.count - line.number.utf8.count)
            text += indent + line.name + String(repeating: " ", count: padding) + line.number + " " + line.symbol + "\n"
        }
        text += "\n"
        transactionCount += 1
        return text
    }

    /// The comment that says how many metadata members the transaction left out; empty for none.
    private static func leftOutNote(_ leftOut: Int, indent: String) -> String {
        guard leftOut > 0 else { return "" }
        return "\(indent); \(leftOut) metadata member\(leftOut == 1 ? "" : "s") not written here (nested or "
            + "not tag-shaped), see the audit log\n"
    }

    /// Returns a declaration's text and notes that a blank line must follow before a transaction.
    private mutating func declaration(_ text: String) -> String {
        isAfterDeclaration = true
        return text
    }

    // MARK: - Metadata

    /// A metadata value the export writes: text, an integer or a boolean.
    enum MetadataValue: Sendable {
        case text(String)
        case integer(Int64)
        case boolean(Bool)

        /// As an hledger/ledger tag value.
        var plainText: String {
            switch self {
            case .text(let text): text
            case .integer(let value): String(value)
            case .boolean(let value): value ? "true" : "false"
            }
        }

        /// As a beancount metadata value (string, number or boolean).
        var beancountText: String {
            switch self {
            case .text(let text): JournalExport.beancountString(text)
            case .integer(let value): String(value)
            case .boolean(let value): value ? "TRUE" : "FALSE"
            }
        }
    }

    /// The transaction metadata members written as tags, sorted by key, and how many were
    /// left out.
    ///
    /// A member is written when its key is `[a-z][a-z0-9_]*` (at most 64 bytes, a valid tag
    /// name in all three tools and a valid beancount key) and not one the export writes
    /// itself, and its value is an integer, a boolean or a string the dialect can hold as a
    /// tag value (for hledger: no `,`, which ends a tag value). Nested values and other keys
    /// stay in the audit log, which the transaction id leads to; the journal says how many.
    func exportedMetadata(_ metadata: JSONValue) -> (members: [(key: String, value: MetadataValue)], leftOut: Int) {
        guard case .object(let object) = metadata else { return ([], 0) }
        var members: [(key: String, value: MetadataValue)] = []
        var leftOut = 0
        for (key, value) in object {
            guard Self.isTagKey(key), !Self.reservedMetadataKeys.contains(key) else {
                leftOut += 1
                continue
            }
            switch value {
            case .integer(let number):
                members.append((key, .integer(number)))
            case .bool(let flag):
                members.append((key, .boolean(flag)))
            case .string(let text) where !(dialect == .hledger && text.contains(",")):
                // Inside a comment a `;` is plain text: the value is written as it is.
                members.append((key, .text(Self.sanitized(text))))
            default:
                leftOut += 1
            }
        }
        members.sort { $0.key < $1.key }
        return (members, leftOut)
    }

    /// Whether `key` is `[a-z][a-z0-9_]*` and at most `metadataKeyLengthMax` bytes.
    static func isTagKey(_ key: String) -> Bool {
        let bytes = key.utf8
        guard let first = bytes.first, bytes.count <= metadataKeyLengthMax,
            first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z")
        else { return false }
        return bytes.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "_")
        }
    }

    // MARK: - Names and text

    /// The commodity symbol for hledger and ledger: the code itself, double-quoted when it
    /// contains a digit (both tools read an unquoted digit as part of the number).
    func symbol(_ code: AssetCode) -> String {
        code.rawValue.utf8.contains(where: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
            ? "\"\(code.rawValue)\"" : code.rawValue
    }

    /// hledger's account type code: Asset, Liability, Equity, Revenue, eXpense.
    static func hledgerTypeCode(_ type: AccountType) -> String {
        switch type {
        case .asset: "A"
        case .liability: "L"
        case .equity: "E"
        case .income: "R"
        case .expense: "X"
        }
    }

    /// `text` as a beancount string literal: double-quoted, `"` and `\` escaped.
    static func beancountString(_ text: String) -> String {
        var quoted = "\""
        for scalar in sanitized(text).unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            default: quoted.unicodeScalars.append(scalar)
            }
        }
        return quoted + "\""
    }

    /// `text` with every control character replaced by U+FFFD, so no value can end a line.
    static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return text }
        var clean = ""
        for scalar in text.unicodeScalars {
            clean.unicodeScalars.append(scalar.properties.generalCategory == .control ? "\u{FFFD}" : scalar)
        }
        return clean
    }
}

extension String {
    /// The text with `;` written as `；` (U+FF1B): in hledger and ledger a `;` starts a comment.
    fileprivate func replacingSemicolons() -> String {
        guard contains(";") else { return self }
        var text = ""
        for scalar in unicodeScalars {
            text.unicodeScalars.append(scalar == ";" ? "\u{FF1B}" : scalar)
        }
        return text
    }
}
