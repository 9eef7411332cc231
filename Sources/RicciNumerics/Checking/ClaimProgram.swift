import Foundation
import Ricci

// MARK: - the claim spliced into the program

/// The program followed by the claim, its last statement named: `C = <claim>`. Locations in the
/// spliced text map back into the claim's text.
struct ClaimProgram {
    /// The spliced program.
    let text: String
    /// The claim parsed alone (locations in the claim's text).
    let parsed: Program
    /// The name the claim's value gets.
    let name: String
    /// Lines of the program before the claim.
    let programLines: Int
    /// Where `name = ` was inserted into the claim (nil when the claim names its result itself).
    let insertion: SourceLocation?
    let prefixLength: Int
    /// The names the claim defines.
    let defined: Set<String>

    init(source: String, claim: String, original: TypedProgram) throws {
        if claim.allSatisfy(\.isWhitespace) {
            throw RicciError(.syntax, "the claim is empty: write the derivative as an expression", at: SourceLocation(line: 1, column: 1))
        }
        parsed = try Parser.parse(claim)
        for s in parsed.statements {
            if case .declaration(let n, _, _, let loc) = s {
                throw RicciError(.syntax, "the claim declares \(n): declare names in the program; a claim is an expression "
                    + "(or definitions ending with one)", at: loc)
            }
        }
        var defined = Set<String>()
        for s in parsed.statements {
            guard case .definition(let n, _, _, let loc) = s else { continue }
            if original.symbols[n] != nil {
                throw RicciError(.name, "the claim defines \(n), which is already a name of the program; "
                    + "give the claim's intermediates new names", at: loc)
            }
            defined.insert(n)
        }
        self.defined = defined
        let tokens = try Lexer.tokenize(claim)
        var words = Set(original.names)
        var start = SourceLocation(line: 1, column: 1)
        var afterSeparator = true
        for t in tokens {
            switch t.kind {
            case .separator: afterSeparator = true
            case .end: break
            default:
                if afterSeparator { start = t.location }
                afterSeparator = false
                if case .identifier(let w) = t.kind { words.insert(w) }
            }
        }
        programLines = 1 + source.filter { $0 == "\n" || $0 == "\r\n" }.count
        var text = claim
        if case .expression = parsed.statements.last {
            let candidates = ["C", "Claim"] + (1...99).map { "Claim\($0)" }
            let n = candidates.first { !words.contains($0) } ?? "ClaimValue"
            name = n
            let prefix = "\(n) = "
            prefixLength = prefix.count
            insertion = start
            text = ClaimProgram.insert(prefix, into: claim, at: start)
        } else if case .definition(let n, _, _, _) = parsed.statements.last {
            name = n
            prefixLength = 0
            insertion = nil
        } else {
            throw RicciError(.syntax, "the claim is empty", at: SourceLocation(line: 1, column: 1))
        }
        self.text = source + "\n" + text
    }

    /// `text` with `prefix` inserted before the character at `location`.
    static func insert(_ prefix: String, into text: String, at location: SourceLocation) -> String {
        var line = 1, column = 1
        var out = ""
        var done = false
        for c in text {
            if !done && line == location.line && column == location.column {
                out += prefix
                done = true
            }
            out.append(c)
            if c == "\n" || c == "\r\n" { line += 1; column = 1 } else { column += 1 }
        }
        if !done { out += prefix }
        return out
    }

    /// A location of the spliced text in the claim's text (`unknown` for one inside the program).
    func map(_ loc: SourceLocation) -> SourceLocation {
        guard loc.line > programLines else { return .unknown }
        var l = SourceLocation(line: loc.line - programLines, column: loc.column)
        if let ins = insertion, l.line == ins.line, l.column >= ins.column {
            l.column = max(ins.column, l.column - prefixLength)
        }
        return l
    }

    func map(_ e: RicciError) -> RicciError {
        RicciError(e.kind, e.message, at: map(e.location))
    }

    /// The claim's shape, after the dimensions only the claim has (the range of an index that only a
    /// `delta` or `ones` fixes, as in `C[i, j, k, l] = 2*(X'*X)[i, k]*delta[j, l]`) are read as the
    /// expected dimensions at the same positions.
    func settle(_ typed: TypedProgram, original: TypedProgram, expected: [Dim]) -> [Dim] {
        let shape = typed.result.shape
        let known = Set(original.dims.symbolicNames)
        guard Shapes.normalized(typed.resolve(shape)).count == Shapes.normalized(expected).count else {
            return typed.resolve(shape)
        }
        for (v, e) in zip(shape, expected) {
            guard case .named(let n) = typed.dims.resolve(v), !known.contains(n) else { continue }
            let target: DimVar
            switch e {
            case .fixed(let k): target = typed.dims.fixed(k)
            case .named(let m): target = typed.dims.named(m)
            }
            typed.dims.unify(v, target)
        }
        return typed.resolve(shape)
    }

    /// Names the claim reads must be the program's, or the claim's own definitions.
    func checkNames(_ typed: TypedProgram, original: TypedProgram) throws {
        let known = Set(original.names)
        for n in typed.names where !known.contains(n) && !defined.contains(n) && n != name {
            let inputs = original.names.filter { original.symbols[$0]?.definition == nil }
            let near = n.count > 2 ? nearestName(to: n, in: original.names) : nil
            let hint = near.map { " (did you mean '\($0)'?)" } ?? ""
            throw RicciError(.name, "'\(n)' is not a name of the program\(hint); a claim may use the program's names "
                + "(\(inputs.joined(separator: ", "))) and its definitions, and define its own",
                at: typed.symbols[n]?.location ?? .unknown)
        }
    }

    /// The claim may not tie the program's free dimensions together or to a number.
    func checkDims(_ typed: TypedProgram, original: TypedProgram) throws {
        let free = original.dims.symbolicNames.filter { !$0.contains("*") }
        let at = typed.result.location
        for (i, a) in free.enumerated() {
            let va = typed.dims.named(a)
            if case .fixed(let n) = typed.dims.resolve(va) {
                throw RicciError(.shape, "your answer only type-checks if the dimension \(a) is \(n), "
                    + "but \(a) is free in the program", at: at)
            }
            for b in free[(i + 1)...] where typed.dims.same(va, typed.dims.named(b)) {
                throw RicciError(.shape, "your answer only type-checks if the dimensions \(a) and \(b) are equal, "
                    + "but they are independent in the program", at: at)
            }
        }
    }
}
