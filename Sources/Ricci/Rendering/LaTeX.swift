/// LaTeX spellings of names: Greek letters as commands, other names escaped so they cannot break
/// or inject into a document.
public enum LaTeX {
    /// A variable or function name in LaTeX.
    public static func symbol(_ n: String) -> String {
        if Builtins.greek.contains(n) { return "\\" + n }
        if n.count == 1 { return escapeText(n) }
        if let us = n.firstIndex(of: "_"), us != n.startIndex, n.index(after: us) != n.endIndex {
            let base = String(n[..<us]), sub = String(n[n.index(after: us)...])
            return "\(symbol(base))_{\(escapeText(sub))}"
        }
        return "\\mathit{\(escapeText(n))}"
    }

    /// The bytes `escapeText` rewrites.
    static let special = Set("\\_{}#$%&^~".utf8)

    /// Escapes characters that are special to LaTeX.
    public static func escapeText(_ s: String) -> String {
        // most names have nothing to escape: one pass over the bytes, no copy
        if !s.utf8.contains(where: { special.contains($0) }) { return s }
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\textbackslash{}"
            case "_": out += "\\_"
            case "{", "}", "#", "$", "%", "&": out += "\\" + String(c)
            case "^": out += "\\^{}"
            case "~": out += "\\~{}"
            default: out.append(c)
            }
        }
        return out
    }

}
