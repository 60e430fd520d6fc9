// Goal: `commons-ledger export` writes journals that ledger-cli, hledger and beancount read
// back to exactly our balances. A tiny hand-written book pins the exact text in each
// dialect (scales 0, 2 and 3, negative amounts, a reversal, quotes and semicolons in a
// description, an asset code beancount cannot take as is, a back-dated posting, a closed
// account); the beancount name mapping is checked for validity and injectivity; and the
// demo fund is exported and its balances, as each installed tool computes them, compared
// with the store's own. A missing tool skips its test with a note, or fails it when
// COMMONS_LEDGER_REQUIRE_PEERS=1 (as scripts/test sets).
import Foundation
import LedgerCore
import LedgerStorage
import LedgerTestSupport
import Logging
import Reports
import Testing

// MARK: - The tiny book

/// A hand-made book: three assets, seven accounts (one unrooted, one closed, one opened by
/// a fund step), six transactions, one of them a reversal, one back-dated before its
/// accounts were created, one dated after an account it uses was closed.
enum TinyBook {
    static func time(_ text: String) -> Timestamp { Timestamp(text + ".000000Z")! }
    static func hex32(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: 32 - digits.count) + digits
    }
    static func account(_ number: Int) -> AccountID { AccountID("acc_" + hex32(number))! }
    static func transaction(_ number: Int) -> TransactionID { TransactionID("txn_" + hex32(number))! }

    static let jpy = Asset(code: AssetCode("JPY")!, scale: 0, name: "Japanese yen", createdAt: time("2026-01-01T08:00:00"))
    static let usd = Asset(code: AssetCode("USD")!, scale: 2, name: "US dollar", createdAt: time("2026-01-01T08:00:00"))
    static let inch = Asset(code: AssetCode("1INCH")!, scale: 3, name: "1inch token", createdAt: time("2026-01-01T08:00:00"))

    static func open(_ number: Int, _ code: String, _ type: AccountType, allowed: [String]? = nil, at created: String = "2026-01-08T09:00:00") -> Account {
        Account(
            id: account(number), code: AccountCode(code)!, type: type, allowedAssets: allowed?.map { AssetCode($0)! },
            constraint: nil, metadata: .object([:]), createdAt: time(created), closedAt: nil
        )
    }

    static let bank = open(1, "assets:bank:usd", .asset, allowed: ["USD"])
    static let wallet = open(2, "assets:wallet", .asset)
    static let gifts = open(3, "income:gifts_2026.q1", .income)
    static let fees = open(4, "expenses:fees", .expense)
    static let payable = open(5, "liabilities:payable", .liability)
    static let petty = open(6, "bank:petty", .asset, allowed: ["USD"])
    static let conversion = open(7, "equity:conversion", .equity, at: "2026-01-16T09:00:00")

    static func posting(_ account: Account, _ asset: Asset, _ minorUnits: Int64) -> Posting {
        Posting(accountID: account.id, accountCode: account.code, asset: asset.code, amount: Amount(minorUnits: minorUnits)!)
    }

    static func recorded(
        _ number: Int, _ date: String, _ description: String, metadata: [String: JSONValue] = [:], reverses: Int? = nil,
        _ postings: [Posting]
    ) -> LedgerTransaction {
        LedgerTransaction(
            id: transaction(number), date: LocalDate(date)!, description: description, metadata: .object(metadata), postings: postings,
            recordedAt: time("2026-01-16T10:00:00"), reversesID: reverses.map(transaction), reversedByID: nil
        )
    }

    /// The events in log (recording) order.
    static var events: [LedgerEvent] {
        let gift = recorded(1, "2026-01-10", "Gift from \"Friends\"; thanks", metadata: [
            "source": .string("mail; desk 3"), "batch": .integer(7), "checked": .bool(true), "nested": .object(["a": .integer(1)]),
        ], [posting(bank, usd, 1_250), posting(gifts, usd, -1_250)])
        return [
            .assetRegistered(jpy), .assetRegistered(usd), .assetRegistered(inch),
            .keyCreated(APIKey(id: "key_" + String(repeating: "0", count: 32), name: "auditor", role: .auditor, createdAt: time("2026-01-01T08:00:00"), expiresAt: nil, revokedAt: nil)),
            .accountOpened(bank), .accountOpened(wallet), .accountOpened(gifts), .accountOpened(fees), .accountOpened(payable),
            .accountOpened(petty),
            .transactionRecorded(gift),
            .transactionRecorded(recorded(2, "2026-01-05", "(draft) yen and tokens", [
                posting(wallet, jpy, 1_000), posting(gifts, jpy, -1_000), posting(wallet, inch, 1_500), posting(gifts, inch, -1_500),
            ])),
            .transactionRecorded(gift.reversal(id: transaction(3), date: LocalDate("2026-01-12")!, description: nil, recordedAt: time("2026-01-16T10:00:00"))),
            .transactionRecorded(recorded(4, "2026-01-15", "Fee, owed", [posting(fees, usd, 5), posting(payable, usd, -5)])),
            .transactionRecorded(recorded(5, "2026-01-25", "Fee paid from petty cash", [posting(payable, usd, 5), posting(petty, usd, -5)])),
            .accountClosed(Account(
                id: payable.id, code: payable.code, type: .asset, allowedAssets: nil, constraint: nil, metadata: .object([:]),
                createdAt: time("2026-01-20T10:00:00"), closedAt: time("2026-01-20T10:00:00")
            )),
            .fundAction(FundAction(
                kind: .conversionRecorded, subject: "cnv_1", details: .object(["id": .string("cnv_1")]), accountsOpened: [conversion],
                transaction: recorded(6, "2026-01-16", "Convert 500 JPY to 3.50 USD", metadata: ["conversion_id": .string("cnv_1")], [
                    posting(wallet, jpy, -500), posting(conversion, jpy, 500), posting(conversion, usd, -350), posting(wallet, usd, 350),
                ])
            )),
        ]
    }

    /// Balances computed by hand from the postings above: (our account code, asset, decimal
    /// text at the asset's scale). Zero balances (bank, payable, gifts in USD) are absent.
    static let expectedBalances: [(account: String, asset: String, amount: String)] = [
        ("assets:wallet", "JPY", "500"), ("assets:wallet", "1INCH", "1.500"), ("assets:wallet", "USD", "3.50"),
        ("bank:petty", "USD", "-0.05"),
        ("equity:conversion", "JPY", "500"), ("equity:conversion", "USD", "-3.50"),
        ("expenses:fees", "USD", "0.05"),
        ("income:gifts_2026.q1", "JPY", "-1000"), ("income:gifts_2026.q1", "1INCH", "-1.500"),
    ]

    static func export(_ dialect: JournalDialect) throws -> String {
        var export = JournalExport(dialect: dialect)
        var text = export.header(notes: ["Tiny book."])
        for event in events {
            text += try export.text(for: event)
        }
        return text + export.trailer()
    }
}

/// The exact journals of the tiny book. Reviewed line by line against the events above
/// (amounts at each scale, signs, names, escapes, dates of beancount opens and closes);
/// `tinyBookBalancesInEveryTool` checks that the tools read them to the hand-computed balances.
enum TinyBookJournal {
    static let ledger = #"""
        ; Commons Ledger journal export for ledger-cli.
        ; Tiny book.

        tag id
        tag reverses
        tag action

        commodity JPY
            note Japanese yen
            format 1000 JPY
        commodity USD
            note US dollar
            format 1000.00 USD
        commodity "1INCH"
            note 1inch token
            format 1000.000 "1INCH"
        account assets:bank:usd
            ; type: asset
        account assets:wallet
            ; type: asset
        account income:gifts_2026.q1
            ; type: income
        account expenses:fees
            ; type: expense
        account liabilities:payable
            ; type: liability
        account bank:petty
            ; type: asset
        tag batch
        tag checked
        tag source

        2026-01-10 * Gift from "Friends"； thanks
            ; id: txn_00000000000000000000000000000001
            ; batch: 7
            ; checked: true
            ; source: mail; desk 3
            ; 1 metadata member not written here (nested or not tag-shaped), see the audit log
            assets:bank:usd                                        12.50 USD
            income:gifts_2026.q1                                  -12.50 USD

        2026-01-05 * () (draft) yen and tokens
            ; id: txn_00000000000000000000000000000002
            assets:wallet                                           1000 JPY
            income:gifts_2026.q1                                   -1000 JPY
            assets:wallet                                          1.500 "1INCH"
            income:gifts_2026.q1                                  -1.500 "1INCH"

        2026-01-12 * Reversal of txn_00000000000000000000000000000001
            ; id: txn_00000000000000000000000000000003
            ; reverses: txn_00000000000000000000000000000001
            assets:bank:usd                                       -12.50 USD
            income:gifts_2026.q1                                   12.50 USD

        2026-01-15 * Fee, owed
            ; id: txn_00000000000000000000000000000004
            expenses:fees                                           0.05 USD
            liabilities:payable                                    -0.05 USD

        2026-01-25 * Fee paid from petty cash
            ; id: txn_00000000000000000000000000000005
            liabilities:payable                                     0.05 USD
            bank:petty                                             -0.05 USD

        ; account liabilities:payable closed on 2026-01-20
        account equity:conversion
            ; type: equity
        tag conversion_id

        2026-01-16 * Convert 500 JPY to 3.50 USD
            ; id: txn_00000000000000000000000000000006
            ; action: conversion.recorded
            ; conversion_id: cnv_1
            assets:wallet                                           -500 JPY
            equity:conversion                                        500 JPY
            equity:conversion                                      -3.50 USD
            assets:wallet                                           3.50 USD


        """#

    static let hledger = #"""
        ; Commons Ledger journal export for hledger.
        ; Tiny book.

        decimal-mark .

        commodity 1000. JPY  ; Japanese yen
        commodity 1000.00 USD  ; US dollar
        commodity 1000.000 "1INCH"  ; 1inch token
        account assets:bank:usd  ; type: A
        account assets:wallet  ; type: A
        account income:gifts_2026.q1  ; type: R
        account expenses:fees  ; type: X
        account liabilities:payable  ; type: L
        account bank:petty  ; type: A

        2026-01-10 * Gift from "Friends"； thanks
            ; id: txn_00000000000000000000000000000001
            ; batch: 7
            ; checked: true
            ; source: mail; desk 3
            ; 1 metadata member not written here (nested or not tag-shaped), see the audit log
            assets:bank:usd                                        12.50 USD
            income:gifts_2026.q1                                  -12.50 USD

        2026-01-05 * () (draft) yen and tokens
            ; id: txn_00000000000000000000000000000002
            assets:wallet                                           1000 JPY
            income:gifts_2026.q1                                   -1000 JPY
            assets:wallet                                          1.500 "1INCH"
            income:gifts_2026.q1                                  -1.500 "1INCH"

        2026-01-12 * Reversal of txn_00000000000000000000000000000001
            ; id: txn_00000000000000000000000000000003
            ; reverses: txn_00000000000000000000000000000001
            assets:bank:usd                                       -12.50 USD
            income:gifts_2026.q1                                   12.50 USD

        2026-01-15 * Fee, owed
            ; id: txn_00000000000000000000000000000004
            expenses:fees                                           0.05 USD
            liabilities:payable                                    -0.05 USD

        2026-01-25 * Fee paid from petty cash
            ; id: txn_00000000000000000000000000000005
            liabilities:payable                                     0.05 USD
            bank:petty                                             -0.05 USD

        ; account liabilities:payable closed on 2026-01-20
        account equity:conversion  ; type: E

        2026-01-16 * Convert 500 JPY to 3.50 USD
            ; id: txn_00000000000000000000000000000006
            ; action: conversion.recorded
            ; conversion_id: cnv_1
            assets:wallet                                           -500 JPY
            equity:conversion                                        500 JPY
            equity:conversion                                      -3.50 USD
            assets:wallet                                           3.50 USD


        """#

    static let beancount = #"""
        ; Commons Ledger journal export for beancount.
        ; Tiny book.

        option "title" "Commons Ledger"
        ; Account open and close directives are at the end of the file: each open is dated
        ; at the earlier of the account's creation and its first posting, which is only
        ; known once every transaction has been read. Beancount orders directives by
        ; date, not by position, so this is equivalent to writing them first.

        2026-01-01 commodity JPY
          name: "Japanese yen"
          code: "JPY"
          scale: 0
        2026-01-01 commodity USD
          name: "US dollar"
          code: "USD"
          scale: 2
        2026-01-01 commodity X-1INCH-X
          name: "1inch token"
          code: "1INCH"
          scale: 3

        2026-01-10 * "Gift from \"Friends\"; thanks"
          id: "txn_00000000000000000000000000000001"
          batch: 7
          checked: TRUE
          source: "mail; desk 3"
          ; 1 metadata member not written here (nested or not tag-shaped), see the audit log
          Assets:Bank:Usd                                        12.50 USD
          Income:GiftsC5F2026C2Eq1                              -12.50 USD

        2026-01-05 * "(draft) yen and tokens"
          id: "txn_00000000000000000000000000000002"
          Assets:Wallet                                           1000 JPY
          Income:GiftsC5F2026C2Eq1                               -1000 JPY
          Assets:Wallet                                          1.500 X-1INCH-X
          Income:GiftsC5F2026C2Eq1                              -1.500 X-1INCH-X

        2026-01-12 * "Reversal of txn_00000000000000000000000000000001"
          id: "txn_00000000000000000000000000000003"
          reverses: "txn_00000000000000000000000000000001"
          Assets:Bank:Usd                                       -12.50 USD
          Income:GiftsC5F2026C2Eq1                               12.50 USD

        2026-01-15 * "Fee, owed"
          id: "txn_00000000000000000000000000000004"
          Expenses:Fees                                           0.05 USD
          Liabilities:Payable                                    -0.05 USD

        2026-01-25 * "Fee paid from petty cash"
          id: "txn_00000000000000000000000000000005"
          Liabilities:Payable                                     0.05 USD
          Assets:NoRoot:Bank:Petty                               -0.05 USD

        2026-01-16 * "Convert 500 JPY to 3.50 USD"
          id: "txn_00000000000000000000000000000006"
          action: "conversion.recorded"
          conversion_id: "cnv_1"
          Assets:Wallet                                           -500 JPY
          Equity:Conversion                                        500 JPY
          Equity:Conversion                                      -3.50 USD
          Assets:Wallet                                           3.50 USD

        ; Accounts
        2026-01-08 open Assets:Bank:Usd USD
          code: "assets:bank:usd"
        2026-01-05 open Assets:Wallet
          code: "assets:wallet"
        2026-01-05 open Income:GiftsC5F2026C2Eq1
          code: "income:gifts_2026.q1"
        2026-01-08 open Expenses:Fees
          code: "expenses:fees"
        2026-01-08 open Liabilities:Payable
          code: "liabilities:payable"
        2026-01-25 close Liabilities:Payable
        2026-01-08 open Assets:NoRoot:Bank:Petty USD
          code: "bank:petty"
        2026-01-16 open Equity:Conversion
          code: "equity:conversion"

        """#
}

@Suite struct JournalExportTextTests {
    @Test(arguments: JournalDialect.allCases)
    func theTinyBookIsWrittenExactly(dialect: JournalDialect) throws {
        let expected = switch dialect {
        case .ledger: TinyBookJournal.ledger
        case .hledger: TinyBookJournal.hledger
        case .beancount: TinyBookJournal.beancount
        }
        let text = try TinyBook.export(dialect)
        #expect(text == expected)
        if text != expected {
            // Name the first differing line: a whole-file diff is unreadable in test output.
            let got = text.split(separator: "\n", omittingEmptySubsequences: false)
            let want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            if let line = zip(got, want).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
                Issue.record("line \(line.offset + 1): got \(line.element.0), want \(line.element.1)")
            }
        }
    }

    @Test func exportsCountTransactionsAndIgnoreKeys() throws {
        var export = JournalExport(dialect: .hledger)
        #expect(try export.text(for: TinyBook.events[3]) == "")
        _ = export.header(notes: [])
        for event in TinyBook.events { _ = try export.text(for: event) }
        #expect(export.transactionCount == 6)
    }

    @Test func aPostingInAnUnregisteredAssetStopsTheExport() throws {
        var export = JournalExport(dialect: .ledger)
        _ = try export.text(for: .assetRegistered(TinyBook.usd))
        _ = try export.text(for: .accountOpened(TinyBook.wallet))
        _ = try export.text(for: .accountOpened(TinyBook.gifts))
        let transaction = TinyBook.recorded(9, "2026-01-05", "yen", [TinyBook.posting(TinyBook.wallet, TinyBook.jpy, 1), TinyBook.posting(TinyBook.gifts, TinyBook.jpy, -1)])
        #expect(throws: JournalExportError.unknownAsset(AssetCode("JPY")!)) { try export.text(for: .transactionRecorded(transaction)) }
        let unknown = TinyBook.recorded(10, "2026-01-05", "usd", [TinyBook.posting(TinyBook.bank, TinyBook.usd, 1), TinyBook.posting(TinyBook.gifts, TinyBook.usd, -1)])
        #expect(throws: JournalExportError.unknownAccount(TinyBook.bank.id)) { try export.text(for: .transactionRecorded(unknown)) }
    }

    @Test func controlCharactersNeverStartANewLine() throws {
        var export = JournalExport(dialect: .hledger)
        _ = try export.text(for: .assetRegistered(TinyBook.usd))
        _ = try export.text(for: .accountOpened(TinyBook.wallet))
        _ = try export.text(for: .accountOpened(TinyBook.gifts))
        // The API refuses control characters; a damaged log must still not inject a posting.
        let text = try export.text(for: .transactionRecorded(TinyBook.recorded(
            11, "2026-01-05", "a\n    assets:wallet  1000.00 USD", metadata: ["note": .string("b\nc")],
            [TinyBook.posting(TinyBook.wallet, TinyBook.usd, 1), TinyBook.posting(TinyBook.gifts, TinyBook.usd, -1)]
        )))
        // The header line, the id and note tags, two postings: nothing more.
        #expect(text.split(separator: "\n").count == 5)
        #expect(text.contains("2026-01-05 * a\u{FFFD}    assets:wallet  1000.00 USD\n"))
        #expect(text.contains("    ; note: b\u{FFFD}c\n"))
    }
}

// MARK: - Beancount names

@Suite struct BeancountNameTests {
    @Test(arguments: [
        ("assets:bank:usd", AccountType.asset, "Assets:Bank:Usd"),
        ("liabilities:climate:grants-payable:mem_0a", .liability, "Liabilities:Climate:Grants-payable:MemC5F0a"),
        ("income:gifts_2026.q1", .income, "Income:GiftsC5F2026C2Eq1"),
        ("expenses:9lives", .expense, "Expenses:9lives"),
        ("equity:conversion", .equity, "Equity:Conversion"),
        ("bank:petty", .asset, "Assets:NoRoot:Bank:Petty"),
        ("assets", .asset, "Assets:NoRoot:Assets"),
        ("income:x", .expense, "Expenses:NoRoot:Income:X"),
        ("assets:noroot:x", .asset, "Assets:Noroot:X"),
    ])
    func accountNames(code: String, type: AccountType, name: String) {
        #expect(BeancountNames.account(code: AccountCode(code)!, type: type) == name)
    }

    @Test(arguments: [("USD", "USD"), ("XAU_G", "XAU_G"), ("TCO2E", "TCO2E"), ("1INCH", "X-1INCH-X"), ("XAU_", "X-XAU_-X"), ("__", "X-__-X"), ("A1", "A1")])
    func commodityNames(code: String, name: String) {
        #expect(BeancountNames.commodity(AssetCode(code)!) == name)
    }

    /// Beancount 2's grammar (lexer.l): a root, then components `[A-Z0-9][A-Za-z0-9-]*`.
    static func isBeancountAccount(_ name: String) -> Bool {
        let components = name.split(separator: ":", omittingEmptySubsequences: false)
        guard components.count >= 2, ["Assets", "Liabilities", "Equity", "Income", "Expenses"].contains(String(components[0])) else { return false }
        return components.dropFirst().allSatisfy { component in
            guard let first = component.unicodeScalars.first, ("A"..."Z").contains(first) || ("0"..."9").contains(first) else { return false }
            return component.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
    }

    /// Beancount 2's currency grammar: `[A-Z][A-Z0-9'._-]{0,22}[A-Z0-9]`.
    static func isBeancountCommodity(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard (2...24).contains(scalars.count), let first = scalars.first, let last = scalars.last,
              ("A"..."Z").contains(first), ("A"..."Z").contains(last) || ("0"..."9").contains(last)
        else { return false }
        return scalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "'._-".unicodeScalars.contains($0) }
    }

    /// Random codes from our grammars: every name is valid for beancount and no two codes
    /// share one. Seeded, so a failure reproduces; the seed is in the message.
    @Test func randomCodesMapToValidDistinctNames() {
        let seed: UInt64 = 20_261_125
        var random = SeededGenerator(seed: seed)
        let first = Array("abcdefghijklmnopqrstuvwxyz0123456789".unicodeScalars)
        let rest = first + Array("_.-".unicodeScalars)
        let roots = ["assets", "liabilities", "equity", "income", "expenses", "bank", "noroot"]
        var accounts: [String: String] = [:]
        for _ in 0..<20_000 {
            var segments = [random.next() % 4 == 0 ? roots.randomElement(using: &random)! : ""]
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                var segment = String(first.randomElement(using: &random)!)
                for _ in 0..<Int.random(in: 0...3, using: &random) { segment.unicodeScalars.append(rest.randomElement(using: &random)!) }
                segments.append(segment)
            }
            if segments[0].isEmpty { segments.removeFirst() }
            guard let code = AccountCode(segments.joined(separator: ":")) else { continue }
            let type = AccountType.allCases.randomElement(using: &random)!
            let name = BeancountNames.account(code: code, type: type)
            #expect(Self.isBeancountAccount(name), "seed \(seed): \(code) → \(name)")
            // Codes are unique in a book whatever their type, so injectivity is over (code, type).
            let key = "\(code.rawValue) \(type.rawValue)"
            if let other = accounts[name], other != key {
                Issue.record("seed \(seed): \(key) and \(other) both map to \(name)")
            }
            accounts[name] = key
        }
        let codeScalars = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_".unicodeScalars)
        var commodities: [String: String] = [:]
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int.random(in: 2...16, using: &random) { text.unicodeScalars.append(codeScalars.randomElement(using: &random)!) }
            let code = AssetCode(text)!
            let name = BeancountNames.commodity(code)
            #expect(Self.isBeancountCommodity(name), "seed \(seed): \(code) → \(name)")
            if let other = commodities[name], other != text { Issue.record("seed \(seed): \(text) and \(other) both map to \(name)") }
            commodities[name] = text
        }
    }
}

// MARK: - The peers: hledger, ledger-cli, beancount

/// Finding and running the plain-text accounting tools.
enum Peers {
    /// Set by scripts/test: a missing tool is then a failure, not a skip.
    static let areRequired = ProcessInfo.processInfo.environment["COMMONS_LEDGER_REQUIRE_PEERS"] == "1"

    /// The tool's path on PATH, if installed.
    static func path(_ tool: String) -> String? {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether a test of `tool` should run: it is installed, or its absence must fail.
    static func shouldTest(_ tool: String) -> Bool { areRequired || path(tool) != nil }

    struct Missing: Error, CustomStringConvertible {
        let tool: String
        var description: String {
            "COMMONS_LEDGER_REQUIRE_PEERS=1 but \(tool) is not on PATH; install it with scripts/ensure-packages (Debian packages hledger, ledger, beancount)"
        }
    }

    /// The tool's path; throws (failing the test) when it is missing.
    static func require(_ tool: String) throws -> String {
        guard let path = path(tool) else { throw Missing(tool: tool) }
        return path
    }

    struct Failed: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let standardError: String
        var description: String { "\(command) exited \(status): \(standardError)" }
    }

    /// Runs the tool and returns its standard output; throws unless it exits 0 with an
    /// empty standard error (warnings count as failures: the journal should draw none).
    static func run(_ executable: String, _ arguments: [String], in directory: TemporaryDirectory) throws -> String {
        let outcome = try Spawn.run([executable] + arguments)
        let command = ([executable] + arguments).joined(separator: " ")
        guard outcome.status == 0, outcome.errors.isEmpty else {
            throw Failed(command: command, status: outcome.status, standardError: outcome.errors)
        }
        return outcome.output
    }

    /// Balances keyed by "account commodity", in minor units.
    typealias Balances = [String: Int64]

    static func key(_ account: String, _ commodity: String) -> String { "\(account) \(commodity)" }

    /// One amount as a tool printed it, read exactly at the commodity's scale.
    static func minorUnits(_ text: String, scale: Int, context: String) throws -> Int64 {
        guard let amount = Amount(decimalText: text.trimmingCharacters(in: .whitespaces), scale: scale) else {
            throw Unreadable(detail: "\(context): \(text) at scale \(scale)")
        }
        return amount.minorUnits
    }

    struct Unreadable: Error, CustomStringConvertible {
        let detail: String
        var description: String { "cannot read tool output: \(detail)" }
    }

    /// Splits one CSV line (fields optionally double-quoted, "" inside quotes).
    static func csvFields(_ line: Substring) -> [String] {
        var fields: [String] = []
        var field = ""
        var isQuoted = false
        var characters = line.makeIterator()
        while let character = characters.next() {
            if isQuoted {
                if character == "\"" {
                    isQuoted = false
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                if field.hasSuffix("\"") || !field.isEmpty { field.append("\"") }
                isQuoted = true
            } else if character == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(character)
            }
        }
        fields.append(field)
        return fields
    }

    /// `hledger balance --flat --no-total --layout=bare -O csv`: "account","commodity","balance".
    static func hledgerBalances(_ output: String, scales: [String: Int]) throws -> Balances {
        var balances: Balances = [:]
        for line in output.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = csvFields(line)
            guard fields.count == 3, let scale = scales[fields[1]] else { throw Unreadable(detail: "hledger line \(line)") }
            let units = try minorUnits(fields[2], scale: scale, context: "hledger \(fields[0])")
            if units != 0 { balances[key(fields[0], fields[1]), default: 0] += units }
        }
        return balances
    }

    /// `ledger balance --flat --no-total --format '%(account)\t%(scrub(amount))\n'`: the
    /// account's own amount (not its subaccounts'), one commodity per line, the account
    /// name on the first line only.
    static func ledgerBalances(_ output: String, scales: [String: Int]) throws -> Balances {
        var balances: Balances = [:]
        var account = ""
        for line in output.split(whereSeparator: \.isNewline) {
            var amount = Substring(line)
            if let tab = line.firstIndex(of: "\t") {
                account = String(line[..<tab])
                amount = line[line.index(after: tab)...]
            }
            if amount.trimmingCharacters(in: .whitespaces) == "0" { continue }
            let parts = amount.split(separator: " ", maxSplits: 1)
            let symbol = parts.count == 2 ? parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : ""
            guard parts.count == 2, let scale = scales[symbol] else { throw Unreadable(detail: "ledger line \(line)") }
            let units = try minorUnits(String(parts[0]), scale: scale, context: "ledger \(account)")
            if units != 0 { balances[key(account, symbol), default: 0] += units }
        }
        return balances
    }

    /// `bean-query -f csv FILE "SELECT account, currency, sum(position) … GROUP BY account, currency"`:
    /// padded cells, the balance as "NUMBER CURRENCY" (empty when it sums to zero), CRLF
    /// line ends (Python's csv module; Swift reads "\r\n" as one newline character).
    static func beancountBalances(_ output: String, scales: [String: Int]) throws -> Balances {
        var balances: Balances = [:]
        for line in output.split(whereSeparator: \.isNewline).dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count == 3 else { throw Unreadable(detail: "bean-query line \(line)") }
            if fields[2].isEmpty { continue }
            let parts = fields[2].split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, String(parts[1]) == fields[1], let scale = scales[fields[1]] else {
                throw Unreadable(detail: "bean-query line \(line)")
            }
            let units = try minorUnits(String(parts[0]), scale: scale, context: "bean-query \(fields[0])")
            if units != 0 { balances[key(fields[0], fields[1]), default: 0] += units }
        }
        return balances
    }

    static let beancountQuery = "SELECT account, currency, sum(position) AS balance GROUP BY account, currency ORDER BY account, currency"

    /// Runs every check of one tool on a journal and returns the balances it computed,
    /// keyed by the names and commodity symbols the dialect uses.
    static func balances(_ dialect: JournalDialect, journal: String, scales: [String: Int], in directory: TemporaryDirectory) throws -> Balances {
        let file = directory.path("book.\(dialect.rawValue)")
        try journal.write(toFile: file, atomically: true, encoding: .utf8)
        switch dialect {
        case .hledger:
            // --strict: every account and commodity must be declared (hledger 1.25).
            let output = try run(try require("hledger"), ["-f", file, "--strict", "balance", "--flat", "--no-total", "--layout=bare", "-O", "csv"], in: directory)
            return try hledgerBalances(output, scales: scales)
        case .ledger:
            // --pedantic: an undeclared account, commodity or tag is an error.
            let output = try run(try require("ledger"), ["-f", file, "--pedantic", "balance", "--flat", "--no-total", "--format", "%(account)\t%(scrub(amount))\n"], in: directory)
            return try ledgerBalances(output, scales: scales)
        case .beancount:
            _ = try run(try require("bean-check"), [file], in: directory)
            let output = try run(try require("bean-query"), ["-f", "csv", file, beancountQuery], in: directory)
            return try beancountBalances(output, scales: scales)
        }
    }

    /// The tool that checks `dialect`.
    static func tool(for dialect: JournalDialect) -> String {
        switch dialect {
        case .ledger: "ledger"
        case .hledger: "hledger"
        case .beancount: "bean-query"
        }
    }

    /// Our balances as the dialect names them: (account code, type, asset code, minor units).
    static func named(_ lines: [(code: String, type: AccountType, asset: String, minorUnits: Int64)], for dialect: JournalDialect) -> Balances {
        var balances: Balances = [:]
        for line in lines where line.minorUnits != 0 {
            let asset = AssetCode(line.asset)!
            let key = switch dialect {
            case .ledger, .hledger: key(line.code, line.asset)
            case .beancount: key(BeancountNames.account(code: AccountCode(line.code)!, type: line.type), BeancountNames.commodity(asset))
            }
            balances[key, default: 0] += line.minorUnits
        }
        return balances
    }

    /// Scales keyed by the commodity symbol the dialect's tool prints.
    static func scales(_ assets: [(code: String, scale: Int)], for dialect: JournalDialect) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: assets.map { asset in
            (dialect == .beancount ? BeancountNames.commodity(AssetCode(asset.code)!) : asset.code, asset.scale)
        })
    }
}

/// Whether the tool checking each dialect should be run (see `Peers.shouldTest`).
let skipNote: Comment = "tool not installed: skipped (scripts/test installs hledger, ledger and beancount and sets COMMONS_LEDGER_REQUIRE_PEERS=1)"

@Suite struct PeerToolTests {
    @Test(.enabled(if: Peers.shouldTest("hledger") && Peers.shouldTest("ledger") && Peers.shouldTest("bean-query"), skipNote))
    func tinyBookBalancesInEveryTool() throws {
        let directory = try TemporaryDirectory()
        let types: [String: AccountType] = [
            "assets:wallet": .asset, "bank:petty": .asset, "equity:conversion": .equity, "expenses:fees": .expense, "income:gifts_2026.q1": .income,
        ]
        let assets = [TinyBook.jpy, TinyBook.usd, TinyBook.inch].map { (code: $0.code.rawValue, scale: $0.scale) }
        for dialect in JournalDialect.allCases {
            let scales = Peers.scales(assets, for: dialect)
            let expected = try Peers.named(TinyBook.expectedBalances.map { line in
                (line.account, types[line.account]!, line.asset, try Peers.minorUnits(line.amount, scale: scales[dialect == .beancount ? BeancountNames.commodity(AssetCode(line.asset)!) : line.asset]!, context: "expected"))
            }, for: dialect)
            let computed = try Peers.balances(dialect, journal: try TinyBook.export(dialect), scales: scales, in: directory)
            #expect(computed == expected, "\(dialect)")
        }
    }

    @Test(.enabled(if: Peers.shouldTest("hledger"), skipNote))
    func hledgerReadsTheDemoFundToOurBalances() async throws {
        try await DemoBook.check(.hledger)
    }

    @Test(.enabled(if: Peers.shouldTest("ledger"), skipNote))
    func ledgerReadsTheDemoFundToOurBalances() async throws {
        try await DemoBook.check(.ledger)
    }

    @Test(.enabled(if: Peers.shouldTest("bean-query") && Peers.shouldTest("bean-check"), skipNote))
    func beancountReadsTheDemoFundToOurBalances() async throws {
        try await DemoBook.check(.beancount)
    }

    /// hledger reads every transaction id back from its tag: the ids are exactly the store's.
    @Test(.enabled(if: Peers.shouldTest("hledger"), skipNote))
    func hledgerReadsBackEveryTransactionID() async throws {
        let book = try await DemoBook.shared.value
        let directory = try TemporaryDirectory()
        let file = directory.path("book.hledger")
        try book.journals[.hledger]!.write(toFile: file, atomically: true, encoding: .utf8)
        let output = try Peers.run(try Peers.require("hledger"), ["-f", file, "tags", "^id$", "--values"], in: directory)
        let ids = Set(output.split(whereSeparator: \.isNewline).map(String.init))
        #expect(ids == book.transactionIDs)
        #expect(ids.count == book.transactionIDs.count)
    }
}

/// The demo fund, built once for the peer tests and kept in memory (journals and balances,
/// not the database): 36 months, seed 2026 (the CLI's default demo), which includes reversals
/// (cancelled disbursements) as well as conversions, pledges, contributions and grants.
struct DemoBook: Sendable {
    let journals: [JournalDialect: String]
    let balances: [(code: String, type: AccountType, asset: String, minorUnits: Int64)]
    let assets: [(code: String, scale: Int)]
    let transactionIDs: Set<String>

    static let shared = Task { try await DemoBook.build() }

    static func build() async throws -> DemoBook {
        let directory = try TemporaryDirectory()
        let path = directory.path("demo.sqlite")
        let clock = DemoFund.Clock()
        let store = try SQLiteLedgerStore(path: path, clock: clock, identifiers: SeededIdentifiers(seed: 3), signer: .test, logger: .init(label: "demo"))
        try store.migrate()
        var demo = DemoFund(store: store, clock: clock, seed: 2026)
        _ = try await demo.run(months: 36, ending: LocalDate("2026-11-25")!)

        // The export, paged as the CLI pages it.
        var journals: [JournalDialect: String] = [:]
        for dialect in JournalDialect.allCases {
            var export = JournalExport(dialect: dialect)
            var text = export.header(notes: ["Demo fund, 36 months."])
            var start: Int64 = 0
            var end: Int64?
            while true {
                let page = try await store.logEntries(start: start, end: end, limit: 50)
                end = end ?? page.treeSize
                for entry in page.entries { text += try export.text(forEntry: entry.data) }
                guard let next = page.nextStart else { break }
                start = next
            }
            journals[dialect] = text + export.trailer()
        }
        #expect(journals[.hledger]!.contains("    ; reverses: txn_"), "the demo should include a reversal")

        // Our balances: the store's trial balance, which reads the maintained balances.
        let trial = try await store.trialBalance(asOf: nil)
        #expect(trial.isBalanced)
        let balances = trial.sections.flatMap { section in
            section.lines.map { (code: $0.accountCode.rawValue, type: $0.accountType, asset: section.asset.rawValue, minorUnits: $0.balance.minorUnits) }
        }
        let assets = try await store.assets(page: PageRequest(limit: 1_000, cursor: nil)).items.map { (code: $0.code.rawValue, scale: $0.scale) }
        var ids: Set<String> = []
        var cursor: PageCursor?
        repeat {
            let page = try await store.transactions(filter: TransactionFilter(), page: PageRequest(limit: 1_000, cursor: cursor))
            ids.formUnion(page.items.map(\.id.rawValue))
            cursor = page.nextCursor
        } while cursor != nil
        try store.close()
        return DemoBook(journals: journals, balances: balances, assets: assets, transactionIDs: ids)
    }

    /// Exports the demo in `dialect`, has the tool compute every balance, and compares
    /// each account and commodity with the store: equal, and no balance on either side only.
    static func check(_ dialect: JournalDialect) async throws {
        let book = try await shared.value
        #expect(book.balances.count > 40, "the demo should give every tool something to add up")
        let directory = try TemporaryDirectory()
        let scales = Peers.scales(book.assets, for: dialect)
        let computed = try Peers.balances(dialect, journal: book.journals[dialect]!, scales: scales, in: directory)
        let ours = Peers.named(book.balances, for: dialect)
        for key in Set(ours.keys).union(computed.keys).sorted() where ours[key] != computed[key] {
            Issue.record("\(dialect): \(key): ours \(ours[key].map(String.init) ?? "none"), \(Peers.tool(for: dialect)) \(computed[key].map(String.init) ?? "none")")
        }
        #expect(computed == ours)
    }
}
