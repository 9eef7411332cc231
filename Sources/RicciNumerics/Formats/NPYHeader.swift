import Foundation

/// The dictionary in a `.npy` header: `{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }`.
struct NPYHeader: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    /// One value of the header's Python literal dictionary.
    private enum Value {
        case string(String)
        case bool(Bool)
        case integer(Int)
        case tuple([Int])
        case other(String)
    }

    /// Parses the header text; `source` names the file in errors.
    static func parse(_ text: String, source: String) throws -> NPYHeader {
        func fail(_ message: String) -> NumericError { .file(path: source, message: message) }
        var scanner = Scanner(chars: Array(text.unicodeScalars), source: source)
        let dictionary = try scanner.dictionary()
        guard case .string(let descr)? = dictionary["descr"] else {
            if dictionary["descr"] != nil {
                throw fail("structured or nested dtypes are not supported (descr is not a simple type string)")
            }
            throw fail("the header has no 'descr' entry")
        }
        guard case .bool(let fortran)? = dictionary["fortran_order"] else {
            throw fail("the header has no True/False 'fortran_order' entry")
        }
        let shape: [Int]
        switch dictionary["shape"] {
        case .tuple(let dims)?: shape = dims
        case .integer(let n)?: shape = [n]
        default: throw fail("the header has no 'shape' tuple")
        }
        if let negative = shape.first(where: { $0 < 0 }) {
            throw fail("the shape has a negative size \(negative)")
        }
        return NPYHeader(descr: descr, fortranOrder: fortran, shape: shape)
    }

    /// The header text NumPy writes (without padding).
    var text: String {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        return "{'descr': '\(descr)', 'fortran_order': \(fortranOrder ? "True" : "False"), 'shape': \(dims), }"
    }

    /// A minimal scanner for the Python literal subset NumPy writes.
    private struct Scanner {
        let chars: [Unicode.Scalar]
        let source: String
        var position = 0

        init(chars: [Unicode.Scalar], source: String) {
            self.chars = chars
            self.source = source
        }

        func fail(_ message: String) -> NumericError { .file(path: source, message: message) }

        mutating func skipSpace() {
            while position < chars.count, chars[position].properties.isWhitespace { position += 1 }
        }

        mutating func expect(_ c: Unicode.Scalar) throws {
            skipSpace()
            guard position < chars.count, chars[position] == c else {
                throw fail("malformed header: expected '\(c)' at character \(position + 1)")
            }
            position += 1
        }

        mutating func peek() -> Unicode.Scalar? {
            skipSpace()
            return position < chars.count ? chars[position] : nil
        }

        mutating func dictionary() throws -> [String: Value] {
            try expect("{")
            var result: [String: Value] = [:]
            while let c = peek(), c != "}" {
                guard case .string(let key) = try value() else { throw fail("malformed header: a key is not a string") }
                try expect(":")
                result[key] = try value()
                if peek() == "," { position += 1 }
            }
            try expect("}")
            return result
        }

        mutating func value() throws -> Value {
            guard let c = peek() else { throw fail("malformed header: it ends early") }
            switch c {
            case "'", "\"":
                position += 1
                var text = ""
                while position < chars.count, chars[position] != c { text.unicodeScalars.append(chars[position]); position += 1 }
                guard position < chars.count else { throw fail("malformed header: unterminated string") }
                position += 1
                return .string(text)
            case "(":
                position += 1
                var dims: [Int] = []
                while let next = peek(), next != ")" {
                    guard case .integer(let n) = try value() else { throw fail("malformed header: the shape holds a non-integer") }
                    dims.append(n)
                    if peek() == "," { position += 1 }
                }
                try expect(")")
                return .tuple(dims)
            case "[":
                // A structured dtype: skip the balanced brackets and report it as unsupported.
                var depth = 0
                let start = position
                repeat {
                    if chars[position] == "[" { depth += 1 } else if chars[position] == "]" { depth -= 1 }
                    position += 1
                } while depth > 0 && position < chars.count
                return .other(String(String.UnicodeScalarView(chars[start..<position])))
            default:
                var word = ""
                while position < chars.count, chars[position].properties.isAlphabetic || ("0"..."9").contains(chars[position]) || chars[position] == "-" {
                    word.unicodeScalars.append(chars[position])
                    position += 1
                }
                if word == "True" { return .bool(true) }
                if word == "False" { return .bool(false) }
                if word.hasSuffix("L") { word.removeLast() }  // Python 2 longs: (3L, 4L)
                guard let n = Int(word) else { throw fail("malformed header: unexpected '\(word.isEmpty ? String(c) : word)'") }
                return .integer(n)
            }
        }
    }
}
