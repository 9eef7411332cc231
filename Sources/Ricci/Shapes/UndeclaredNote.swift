/// The note added to a shape error about the undeclared variables it names: their shapes are the
/// defaults of the spelling convention (lowercase: vector, uppercase: matrix, Greek: scalar), which
/// is often the cause of the error.
enum UndeclaredNote {
    /// "; lam was not declared, so it is a vector by default (declare it, e.g. lam: scalar)", or "".
    static func note(for message: String, symbols: [String: Symbol], names: [String], dims: DimTable) -> String {
        let words = Set(message.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
        var parts: [String] = []
        for n in names where words.contains(n) {
            guard let s = symbols[n], !s.declared, s.definition == nil, case .tensor(let shape) = s.kind else { continue }
            let kind = shape.isEmpty ? "a scalar" : shape.count == 1 ? "a vector" : "a matrix"
            let example = shape.isEmpty ? "\(n): vector(n)" : "\(n): scalar"
            parts.append("\(n) was not declared, so it is \(kind) by default (declare it, e.g. \(example))")
            if parts.count == 3 { break }
        }
        return parts.isEmpty ? "" : "; " + parts.joined(separator: "; ")
    }
}
