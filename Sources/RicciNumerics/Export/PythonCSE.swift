import Foundation

/// Common subexpressions of an exported Python module: an expression written more than once
/// across the steps (`xp.tanh(X @ W1)` in the value and in both gradients) is computed once, into
/// a temporary `t1`, `t2`, … at its first use.
///
/// The module is rendered a few times: each counting round finds the texts that occur twice
/// (with the temporaries of earlier rounds already substituted, so that `xp.tanh(t1)` can be found
/// after `t1 = X @ W1`); the last rendering writes the definitions.
final class PythonCSE {
    var counting = true
    var counts: [String: Int] = [:]
    /// Expression text → temporary name.
    var shared: [String: String] = [:]
    var defined: Set<String> = []
    /// Temporaries in order of definition.
    var order: [String] = []
    /// Definitions to write before the current step's line.
    var pending: [String] = []
    var taken: Set<String>
    var next = 0

    init(taken: Set<String>) { self.taken = taken }

    /// Plain names, numbers and views (`X.T`, `x[:, None]`) are never worth a temporary.
    static func isCheap(_ s: String) -> Bool {
        s.range(of: #"^-?[A-Za-z_0-9.]*(\.T|\[None, :\]|\[:, None\])?$"#, options: .regularExpression) != nil
    }

    /// The code to use for an expression: its temporary, or itself (counted while counting).
    func share(_ c: PyCode) -> PyCode {
        guard !PythonCSE.isCheap(c.text) else { return c }
        if let name = shared[c.text] {
            if !counting && !defined.contains(name) {
                defined.insert(name)
                order.append(name)
                pending.append("\(name) = \(c.text)")
            }
            return PyCode(text: name, prec: 4, rank: c.rank)
        }
        if counting { counts[c.text, default: 0] += 1 }
        return c
    }

    /// Lines with the temporaries renumbered t1, t2, … in order of definition (names the program
    /// uses are skipped).
    func renumbered(_ lines: [String], avoiding programNames: Set<String>) -> [String] {
        var map: [String: String] = [:]
        var k = 0
        for old in order {
            repeat { k += 1 } while programNames.contains("t\(k)")
            map[old] = "t\(k)"
        }
        guard let re = try? NSRegularExpression(pattern: #"\bt[0-9]+\b"#) else { return lines }
        return lines.map { line in
            var out = ""
            var last = line.startIndex
            for m in re.matches(in: line, range: NSRange(line.startIndex..., in: line)) {
                guard let r = Range(m.range, in: line) else { continue }
                out += line[last..<r.lowerBound]
                let word = String(line[r])
                // only in code, never in the formula comments
                out += line.trimmingCharacters(in: .whitespaces).hasPrefix("#") ? word : (map[word] ?? word)
                last = r.upperBound
            }
            return out + line[last...]
        }
    }

    /// Names the texts seen twice in the last counting round; returns how many.
    func promote() -> Int {
        var added = 0
        for (text, n) in counts.sorted(by: { $0.key < $1.key }) where n >= 2 && shared[text] == nil {
            repeat { next += 1 } while taken.contains("t\(next)")
            shared[text] = "t\(next)"
            taken.insert("t\(next)")
            added += 1
        }
        counts = [:]
        return added
    }
}
