import Foundation

/// NumPy einsum subscripts (`"ij,jk->ik"`) parsed into integer labels.
///
/// Every character other than `,`, `-`, `>`, `.`, white space and control characters is a label, as
/// in opt_einsum (so networks may use any number of indices: `a–z`, `A–Z`, then `À`, `Á`, `α`, `京`…).
/// Labels are numbered by their Unicode code point (so sorting labels sorts them as NumPy and
/// opt_einsum do: upper case before lower case). `...` stands for broadcast axes; those get labels
/// from ``ellipsisBase`` upwards, right-aligned across operands. Spaces are ignored. Without `->`
/// (implicit mode) the output is the ellipsis axes, then the letters that occur exactly once,
/// in alphabetical order. A letter repeated within one operand takes a diagonal.
public struct EinsumSubscripts: Equatable, Sendable {
    /// The first label used for ellipsis axes.
    public static let ellipsisBase = 0x11_0000  // above every Unicode code point

    /// The labels of each operand, one per axis.
    public var inputs: [[Int]]
    /// The labels of the result.
    public var output: [Int]

    /// Parses `text` for operands of the given ranks (needed to expand `...`).
    /// - Throws: ``NumericError/einsum(_:)`` naming the problem (bad character, wrong operand count,
    ///   subscripts that do not match a rank, output labels repeated or absent from the inputs…).
    public static func parse(_ text: String, ranks: [Int]) throws -> EinsumSubscripts {
        let compact = String(String.UnicodeScalarView(text.unicodeScalars.filter { !$0.properties.isWhitespace }))
        if let bad = compact.unicodeScalars.first(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) {
            throw NumericError.einsum("invalid character U+\(String(bad.value, radix: 16, uppercase: true)) in subscripts '\(text)' (labels are printable characters other than ',', '-', '>' and '.')")
        }
        let sides = compact.components(separatedBy: "->")
        guard sides.count <= 2 else { throw NumericError.einsum("subscripts '\(text)' contain '->' more than once") }
        if sides[0].contains("-") || sides[0].contains(">") || (sides.count == 2 && (sides[1].contains("-") || sides[1].contains(">"))) {
            throw NumericError.einsum("subscripts '\(text)': '-' and '>' may only appear together as '->'")
        }
        let terms = sides[0].components(separatedBy: ",")
        guard terms.count == ranks.count else {
            throw NumericError.einsum("subscripts '\(text)' name \(terms.count) operand(s), but \(ranks.count) were given")
        }
        var parsed: [(letters: [Int], ellipsisAt: Int?)] = []
        for (index, term) in terms.enumerated() {
            parsed.append(try parseTerm(term, what: "operand \(index + 1)"))
        }
        var ellipsisRanks: [Int] = []
        for (index, term) in parsed.enumerated() {
            let extra = ranks[index] - term.letters.count
            if term.ellipsisAt == nil, extra != 0 {
                throw NumericError.einsum("operand \(index + 1) has \(ranks[index]) axes but its subscripts '\(terms[index])' name \(term.letters.count)")
            }
            if extra < 0 {
                throw NumericError.einsum("operand \(index + 1) has \(ranks[index]) axes, fewer than the \(term.letters.count) letters of '\(terms[index])'")
            }
            ellipsisRanks.append(term.ellipsisAt == nil ? 0 : extra)
        }
        let broadcastRank = ellipsisRanks.max() ?? 0
        let allEllipsis = (0..<broadcastRank).map { ellipsisBase + $0 }
        func expand(_ term: (letters: [Int], ellipsisAt: Int?), rank: Int) -> [Int] {
            guard let at = term.ellipsisAt else { return term.letters }
            return Array(term.letters[..<at]) + allEllipsis.suffix(rank) + Array(term.letters[at...])
        }
        let inputs = parsed.enumerated().map { expand($0.element, rank: ellipsisRanks[$0.offset]) }
        var output: [Int]
        if sides.count == 2 {
            let term = try parseTerm(sides[1], what: "the output")
            if term.ellipsisAt == nil, broadcastRank > 0 {
                throw NumericError.einsum("the output of '\(text)' needs '...' for the \(broadcastRank) broadcast axes of the inputs")
            }
            output = expand(term, rank: broadcastRank)
            let present = Set(inputs.joined())
            for label in term.letters {
                guard present.contains(label) else {
                    throw NumericError.einsum("output label '\(name(of: label))' does not appear in any input of '\(text)'")
                }
            }
            guard Set(term.letters).count == term.letters.count else {
                throw NumericError.einsum("the output of '\(text)' repeats a label")
            }
        } else {
            var counts: [Int: Int] = [:]
            for term in parsed { for label in term.letters { counts[label, default: 0] += 1 } }
            output = allEllipsis + counts.filter { $0.value == 1 }.map(\.key).sorted()
        }
        return EinsumSubscripts(inputs: inputs, output: output)
    }

    /// The letters of one term, and where its `...` sits (index into the letters), if present.
    private static func parseTerm(_ term: String, what: String) throws -> (letters: [Int], ellipsisAt: Int?) {
        var letters: [Int] = []
        var ellipsisAt: Int?
        var rest = Substring.UnicodeScalarView(term.unicodeScalars)
        while let c = rest.first {
            if c == "." {
                guard rest.starts(with: "...".unicodeScalars) else { throw NumericError.einsum("\(what): '.' must come as '...'") }
                guard ellipsisAt == nil else { throw NumericError.einsum("\(what) has '...' more than once") }
                ellipsisAt = letters.count
                rest = rest.dropFirst(3)
            } else {
                guard !",->".unicodeScalars.contains(c) else { throw NumericError.einsum("\(what): invalid character '\(c)'") }
                letters.append(Int(c.value))
                rest = rest.dropFirst()
            }
        }
        return (letters, ellipsisAt)
    }

    /// A label as written: its letter, or `…k` for the k-th broadcast axis.
    public static func name(of label: Int) -> String {
        if label >= ellipsisBase { return "…\(label - ellipsisBase)" }
        if let scalar = Unicode.Scalar(UInt32(clamping: max(label, 0))) { return String(Character(scalar)) }
        return "#\(label)"
    }

    /// Printing names for every label used.
    public var labelNames: [Int: String] {
        var names: [Int: String] = [:]
        for label in inputs.joined() { names[label] = Self.name(of: label) }
        return names
    }
}
