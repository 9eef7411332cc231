import Foundation
import Ricci

/// Identifiers of generated code and the source text of each statement (for comments).
enum ExportNames {
    /// Keywords of Python, C and Swift, and the names the generated code uses itself.
    static let reserved: Set<String> = [
        // Python
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
        "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "print", "len", "float", "int",
        "range", "dict", "tuple", "list", "type", "sum", "max", "min", "abs",
        // C
        "auto", "char", "const", "default", "do", "double", "enum", "extern", "goto", "inline", "long", "register",
        "restrict", "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned",
        "void", "volatile", "case", "main", "exp", "log", "sin", "cos", "tan", "tanh", "sqrt", "pow", "fabs",
        "malloc", "free", "calloc", "memcpy", "memset", "fprintf", "stderr", "NULL", "size_t", "ptrdiff_t",
        // Swift
        "let", "var", "func", "inout", "init", "self", "Self", "super", "protocol", "extension", "operator",
        "guard", "defer", "repeat", "fallthrough", "where", "throw", "throws", "rethrows", "Any", "Double", "Int",
        "Array", "nil", "true", "false", "some", "any", "internal", "private", "public", "fileprivate", "open",
        "subscript", "associatedtype", "deinit", "catch", "Error", "String", "Foundation",
        // the generated code's own names
        "xp", "np", "jnp", "jax", "inputs", "args", "evaluate", "random_inputs", "check_gradient", "math",
        "status", "out", "qq", "result", "buf", "cblas", "i", "j", "t", "s",
    ]

    /// A safe identifier for a name: ASCII (other characters as `uXXXX`), not reserved, not in `taken`.
    static func identifier(_ name: String, avoiding taken: Set<String>, suffix: String = "_") -> String {
        var s = ""
        for u in name.unicodeScalars {
            if u.isASCII, CharacterSet.alphanumerics.contains(u) || u == "_" { s.unicodeScalars.append(u) }
            else { s += "u" + String(u.value, radix: 16) }
        }
        if s.isEmpty || s.first?.isNumber == true { s = "v" + s }
        if s.hasPrefix("_") || s.hasPrefix("rc_") { s = "v" + s }   // the generated helpers' and locals' prefixes
        var candidate = s
        if reserved.contains(candidate) || taken.contains(candidate) { candidate = s + suffix }
        var k = 2
        while reserved.contains(candidate) || taken.contains(candidate), k < 10_000 {
            candidate = s + suffix + String(k)
            k += 1
        }
        return candidate
    }

    /// The statements of a source text, as written: split at newlines and `;`, comments removed.
    static func statementTexts(_ source: String) -> [String] {
        var out: [String] = []
        for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
            let code = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            for part in code.split(separator: ";") {
                let t = part.trimmingCharacters(in: .whitespaces)
                if !t.isEmpty { out.append(t) }
            }
        }
        return out
    }

    /// The texts of a program's definitions and expressions (declarations left out), in order, or
    /// none when the split does not match the parsed statements.
    static func definitionTexts(_ program: Program, _ texts: [String]) -> [String] {
        guard texts.count == program.statements.count else { return [] }
        var out: [String] = []
        for (s, t) in zip(program.statements, texts) {
            if case .declaration = s { continue }
            out.append(t)
        }
        return out
    }
}
