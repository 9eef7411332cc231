import Foundation

/// Reading numeric CSV files as matrices.
///
/// One row per line; cells separated by commas, or by spaces/tabs when a line has no comma
/// (semicolons are accepted as commas). `#` starts a comment (whole line or trailing); blank lines
/// are skipped; cells may be quoted (`"1.5"`). The result is always a matrix (order 2): a single
/// column is n×1 and a single row is 1×n — the caller reshapes. `nan`, `inf` and exponents are
/// accepted. A cell that is not a number, or a row of a different length, is an error naming
/// the line.
public enum CSV {
    /// Reads a CSV file as a matrix.
    public static func read(contentsOf path: String) throws -> Tensor {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw NumericError.file(path: path, message: "cannot read the file (\(FileProblem.describe(error, path: path)))")
        }
        guard let text = String(data: data, encoding: .utf8) ?? String(data: data, encoding: .isoLatin1) else {
            throw NumericError.file(path: path, message: "the file is not text")
        }
        return try parse(text, source: path)
    }

    /// Parses CSV text as a matrix; `source` names it in error messages.
    public static func parse(_ text: String, source: String = "<csv>") throws -> Tensor {
        var values: [Double] = []
        var columns: Int?
        var rows = 0
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            var line = Substring(rawLine)
            if lineNumber == 1, line.hasPrefix("\u{FEFF}") { line = line.dropFirst() }
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            let cells = splitCells(trimmed)
            for (column, cell) in cells.enumerated() {
                guard let value = number(cell) else {
                    let shown = cell.isEmpty ? "an empty cell" : "'\(cell)'"
                    throw NumericError.file(path: source, message: "line \(lineNumber), column \(column + 1): \(shown) is not a number")
                }
                values.append(value)
            }
            if let expected = columns, expected != cells.count {
                throw NumericError.file(path: source, message: "line \(lineNumber) has \(cells.count) values, earlier rows have \(expected)")
            }
            columns = cells.count
            rows += 1
        }
        guard let width = columns else {
            throw NumericError.file(path: source, message: "no numbers found (the file is empty or only comments)")
        }
        return try Tensor(shape: [rows, width], data: values)
    }

    private static func splitCells(_ line: String) -> [String] {
        let separators: Set<Character> = [",", ";"]
        if line.contains(where: { separators.contains($0) }) {
            return line.split(omittingEmptySubsequences: false, whereSeparator: { separators.contains($0) })
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        return line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    }

    private static func number(_ cell: String) -> Double? {
        var text = Substring(cell)
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            text = text.dropFirst().dropLast()
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let value = Double(trimmed) { return value }
        switch trimmed.lowercased() {
        case "nan", "+nan", "-nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return nil
        }
    }
}
