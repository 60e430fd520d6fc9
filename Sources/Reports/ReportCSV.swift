public import LedgerCore

/// A report's tables as CSV (RFC 4180), one file per table, for spreadsheets.
///
/// Amounts are decimal text in their asset's unit ("1000.00"), ratios as computed, empty
/// cells for nulls. Text that a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, their fullwidth forms, tab or carriage return, even after leading
/// blanks) is prefixed with `'`: member names come from outside.
public enum ReportCSV {
    /// The CSV text of one table.
    public static func text(of table: ReportTable, scales: [AssetCode: Int]) -> String {
        var lines = [table.columns.map { quote($0.name) }.joined(separator: ",")]
        let assetColumn = table.columns.firstIndex { $0.name == "asset" }
        for row in table.rows {
            var asset: AssetCode?
            if let assetColumn, case .string(let code) = row[assetColumn] { asset = AssetCode(code) }
            let cells = zip(table.columns, row).map { column, cell in
                quote(
                    ReportCell.text(
                        cell, type: column.type, scale: asset.flatMap { scales[$0] },
                        guardFormulas: column.type == .text))
            }
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Every table as (file name, CSV text): `<report>-<table>.csv`.
    public static func files(of report: Report) -> [(name: String, text: String)] {
        report.tables.map { table in
            ("\(report.parameters.name.rawValue)-\(table.name).csv", text(of: table, scales: report.assetScales))
        }
    }

    /// RFC 4180 quoting, decided and done on UTF-8 bytes: as Characters, `"` followed by
    /// a combining mark, or CR LF, equal none of the special characters.
    static func quote(_ text: String) -> String {
        let quote = UInt8(ascii: "\"")
        let special: [UInt8] = [UInt8(ascii: ","), quote, UInt8(ascii: "\n"), UInt8(ascii: "\r")]
        guard text.utf8.contains(where: special.contains) else { return text }
        var out: [UInt8] = [quote]
        for byte in text.utf8 {
            if byte == quote { out.append(quote) }
            out.append(byte)
        }
        out.append(quote)
        return String(decoding: out, as: UTF8.self)
    }
}

/// How a cell reads as text, for CSV and HTML alike.
enum ReportCell {
    /// Characters a spreadsheet may take as the start of a formula: `= + - @`, their
    /// fullwidth forms (U+FF1D, U+FF0B, U+FF0D, U+FF20, which some spreadsheets fold to
    /// ASCII), and tab and carriage return (OWASP's CSV injection list).
    static let formulaStarts: Set<Unicode.Scalar> = [
        "=", "+", "-", "@", "\t", "\r", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}",
    ]

    /// Whitespace a spreadsheet skips before a formula.
    static let leadingBlanks: Set<Unicode.Scalar> = [" ", "\t", "\r", "\n"]

    /// Whether a spreadsheet could run `text` as a formula: it starts with a formula
    /// character, possibly after blanks (" =1+1" is a formula in some spreadsheets).
    static func isFormulaLike(_ text: String) -> Bool {
        if let first = text.unicodeScalars.first, formulaStarts.contains(first) { return true }
        return text.unicodeScalars.first { !leadingBlanks.contains($0) }.map(formulaStarts.contains) ?? false
    }

    static func text(
        _ cell: JSONValue, type: ReportTable.CellType, scale: Int?, guardFormulas: Bool = false
    ) -> String {
        switch cell {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value):
            if type == .amount, let scale { return Amount.decimalText(minorUnits: value, scale: scale) }
            return String(value)
        case .string(let text):
            if guardFormulas, isFormulaLike(text) { return "'" + text }
            return text
        case .array, .object: return cell.canonicalText
        }
    }
}
