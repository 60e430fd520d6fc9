import LedgerCore

/// A report as one self-contained HTML page for people: the figures as tables, SVG charts
/// where a picture helps (contributed against received per region, the flows between
/// regions, fulfilment over time, overdue ageing), the signed checkpoint with a one-line
/// command to verify it — and the report document itself, embedded, so the saved page is
/// what `verify-report` checks.
///
/// No scripts, no external resources; chart geometry is integer arithmetic.
public enum ReportHTML {
    /// The id of the `<script type="application/json">` element holding the document.
    public static let documentElementID = "commons-ledger-report"

    /// The page; `verifyCommand` is shown as the way to check it (e.g. with the server's URL).
    public static func page(_ report: Report, verifyCommand: String) -> String {
        let name = report.parameters.name
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">\
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(name.title))</title>
            <style>
            body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1d2329}
            h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #d0d7de}
            table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-variant-numeric:tabular-nums}
            th,td{border-bottom:1px solid #e4e8ec;padding:.25rem .6rem;text-align:left}td.n{text-align:right}
            th{background:#f4f6f8}\
            .proof{background:#f4f8f4;border:1px solid #b8d8b8;padding:.5rem 1rem;border-radius:6px}
            code,pre{font:13px ui-monospace,monospace;overflow-wrap:anywhere;white-space:pre-wrap}
            dl{display:grid;grid-template-columns:max-content auto;gap:.1rem 1rem}dt{font-weight:600}
            svg{max-width:100%;height:auto}svg text{font:12px system-ui,sans-serif}
            </style></head><body>
            <h1>\(escape(name.title))</h1>
            <p>\(escape(describe(report.parameters)))</p>
            <section class="proof"><h2>Provable against the audit log</h2><dl>
            <dt>Log</dt><dd><code>\(escape(report.checkpoint.origin))</code></dd>
            <dt>Entries (tree size)</dt><dd>\(report.checkpoint.treeSize)</dd>
            <dt>Root hash</dt><dd><code>\(escape(report.checkpoint.rootHash))</code></dd>
            <dt>Report SHA-256</dt><dd><code>\(report.sha256)</code></dd></dl>
            <p>Save this page and run:</p><pre>\(escape(verifyCommand))</pre>
            <details><summary>Signed checkpoint</summary>\
            <pre>\(escape(report.checkpoint.note))</pre></details></section>

            """
        if !report.summary.isEmpty {
            html += "<h2>Summary</h2><dl>"
            for (key, value) in report.summary.sorted(by: { $0.key < $1.key }) {
                html +=
                    "<dt>\(escape(key.replacing("_", with: " ").capitalizedFirst))</dt>"
                        + "<dd>\(escape(ReportCell.text(value, type: .text, scale: nil)))</dd>"
            }
            html += "</dl>\n"
        }
        let charts = ReportCharts.charts(for: report)
        if !charts.isEmpty {
            html += "<h2>Charts</h2>\n" + charts.joined(separator: "\n") + "\n"
        }
        for table in report.tables {
            html += tableHTML(table, scales: report.assetScales)
        }
        if !report.notes.isEmpty {
            html += "<h2>Notes</h2><ul>" + report.notes.map { "<li>\(escape($0))</li>" }.joined() + "</ul>\n"
        }
        // The document, with every `<` byte escaped so no text in it can close the element
        // (bytes, not Characters: `<` + U+0301 is one Character that is not `<`).
        var json: [UInt8] = []
        for byte in report.document.canonicalBytes {
            if byte == UInt8(ascii: "<") { json += Array("\\u003c".utf8) } else { json.append(byte) }
        }
        html += "<script type=\"application/json\" id=\"\(documentElementID)\">\(String(decoding: json, as: UTF8.self))"
        html += "</script>\n</body></html>\n"
        return html
    }

    /// The report document embedded in a page this type wrote, or `nil` when there is none.
    ///
    /// Found byte by byte: a String search matches canonically equivalent text, and the
    /// document's bytes are what its fingerprint covers.
    public static func embeddedDocument(in page: [UInt8]) -> [UInt8]? {
        let open = Array("<script type=\"application/json\" id=\"\(documentElementID)\">".utf8)
        guard let start = firstIndex(of: open, in: page, from: 0).map({ $0 + open.count }),
              let end = firstIndex(of: Array("</script>".utf8), in: page, from: start)
        else { return nil }
        return Array(page[start..<end])
    }

    /// Where `needle` first occurs in `haystack` at or after `from`.
    static func firstIndex(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, from <= haystack.count - needle.count else { return nil }
        for start in from...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }

    static func describe(_ parameters: ReportParameters) -> String {
        var parts = ["As of \(parameters.asOf?.description ?? "the latest entry")"]
        if let from = parameters.from, parameters.name == .incomeExpenditure { parts.append("from \(from)") }
        parts.append(parameters.fund.map { "fund \($0)" } ?? "all funds")
        if let member = parameters.member, parameters.name == .memberStatements { parts.append("member \(member)") }
        parts.append(parameters.currency.map { "in \($0)" } ?? "each asset on its own")
        parts.append(
            parameters.audience == .public ? "public version (anonymous members by pseudonym)" : "auditor version")
        return parts.joined(separator: " · ")
    }

    static func tableHTML(_ table: ReportTable, scales: [AssetCode: Int]) -> String {
        var html = "<h2>\(escape(table.title))</h2>"
        guard !table.rows.isEmpty else { return html + "<p>None.</p>\n" }
        let numeric: Set<ReportTable.CellType> = [.amount, .integer, .ratio]
        html +=
            "<table><thead><tr>" + table.columns.map { "<th>\(escape($0.title))</th>" }.joined()
            + "</tr></thead><tbody>"
        let assetColumn = table.columns.firstIndex { $0.name == "asset" }
        for row in table.rows {
            var scale: Int?
            if let assetColumn, case .string(let code) = row[assetColumn], let asset = AssetCode(code) {
                scale = scales[asset]
            }
            html +=
                "<tr>"
                + zip(table.columns, row).map { column, cell in
                    let text = escape(ReportCell.text(cell, type: column.type, scale: scale))
                    return numeric.contains(column.type) ? "<td class=\"n\">\(text)</td>" : "<td>\(text)</td>"
                }.joined() + "</tr>"
        }
        return html + "</tbody></table>\n"
    }

    /// Escapes text for HTML element content and attribute values.
    ///
    /// UTF-8 byte by byte, never Character by Character: a `"` followed by a combining
    /// mark (U+0301) is one Character that equals no ASCII quote, and left raw it would end
    /// an attribute value. (An ASCII byte in UTF-8 is always that character.)
    static func escape(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            case UInt8(ascii: "'"): out += Array("&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
