public import LedgerCore

/// A report's tables as CSV (RFC 4180), one file per table, for spreadsheets.
///
/// Amounts are decimal text in their asset's unit ("1000.00"), ratios as computed, empty
/// cells for nulls. Text that a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, tab or carriage return) is prefixed with `'`: member names come from
/// outside.
public enum ReportCSV {
    /// The CSV text of one table.
    public static func text(of table: ReportTable, scales: [AssetCode: Int]) -> String {
        var lines = [table.columns.map { quote($0.name) }.joined(separator: ",")]
        let assetColumn = table.columns.firstIndex { $0.name == "asset" }
        for row in table.rows {
            var asset: AssetCode?
            if let assetColumn, case .string(let code) = row[assetColumn] { asset = AssetCode(code) }
            let cells = zip(table.columns, row).map { column, cell in
                quote(ReportCell.text(cell, type: column.type, scale: asset.flatMap { scales[$0] }, guardFormulas: column.type == .text))
            }
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Every table as (file name, CSV text): `<report>-<table>.csv`.
    public static func files(of report: Report) -> [(name: String, text: String)] {
        report.tables.map { table in ("\(report.parameters.name.rawValue)-\(table.name).csv", text(of: table, scales: report.assetScales)) }
    }

    static func quote(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// How a cell reads as text, for CSV and HTML alike.
enum ReportCell {
    static func text(_ cell: JSONValue, type: ReportTable.CellType, scale: Int?, guardFormulas: Bool = false) -> String {
        switch cell {
        case .null: return ""
        case .bool(let value): return value ? "true" : "false"
        case .integer(let value):
            if type == .amount, let scale { return Amount.decimalText(minorUnits: value, scale: scale) }
            return String(value)
        case .string(let text):
            if guardFormulas, let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { return "'" + text }
            return text
        case .array, .object: return cell.canonicalText
        }
    }
}
