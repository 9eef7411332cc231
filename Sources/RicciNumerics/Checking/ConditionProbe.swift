import Foundation
import Ricci

/// What an evaluation saw of its own conditioning: how close each matrix under `inv`, `det`,
/// `logdet` (and a negative matrix power) is to singular, and whether `log` or `sqrt` got an entry
/// at or below zero. A check uses it to re-draw a random point where finite differences cannot be
/// trusted (see ``CheckPoints``).
///
/// The condition number is the 1-norm estimate κ₁(A) = ‖A‖₁·‖A⁻¹‖₁ (infinite for a singular A).
public final class ConditionProbe {
    /// One observation: where in the program, and what was found.
    public struct Finding: Sendable {
        /// The operation's place in the program's text.
        public var location: SourceLocation
        /// The operation (`inv`, `logdet`, `log`...).
        public var operation: String
        /// κ₁ of the matrix, or the smallest argument of `log`/`sqrt`.
        public var value: Double
    }

    /// Every matrix under inv/det/logdet/^(-k), with its condition number.
    public private(set) var conditions: [Finding] = []
    /// Every `log`/`sqrt` that got an entry ≤ 0, with the smallest entry.
    public private(set) var domain: [Finding] = []

    /// A probe with nothing recorded yet.
    public init() {}

    /// Records the condition number of the argument of a matrix function.
    func matrix(_ operation: String, _ a: Tensor, at location: SourceLocation) {
        guard a.order == 2, a.shape[0] == a.shape[1], a.shape[0] > 1 else {
            if a.count == 1 { conditions.append(Finding(location: location, operation: operation, value: a.data[0] == 0 ? .infinity : 1)) }
            return
        }
        conditions.append(Finding(location: location, operation: operation, value: ConditionProbe.condition(a)))
    }

    /// Records an entrywise function's smallest argument when it is out of the function's domain.
    func entrywise(_ f: EntrywiseFunction, _ x: Tensor, at location: SourceLocation) {
        guard f == .log || f == .sqrt, let low = x.data.min(), !(low > 0) else { return }
        domain.append(Finding(location: location, operation: f.rawValue, value: low))
    }

    /// The largest condition number seen (1 when none).
    public var worstCondition: Finding? { conditions.max { a, b in !(a.value >= b.value) } }

    /// κ₁(A) = ‖A‖₁·‖A⁻¹‖₁; infinity when A is numerically singular.
    public static func condition(_ a: Tensor) -> Double {
        guard let inverse = try? Linalg.inverse(a) else { return .infinity }
        return norm1(a) * norm1(inverse)
    }

    /// The largest column sum of absolute values.
    static func norm1(_ a: Tensor) -> Double {
        let (r, c) = (a.shape[0], a.shape[1])
        var best = 0.0
        for j in 0..<c {
            var s = 0.0
            for i in 0..<r { s += abs(a.data[i * c + j]) }
            best = max(best, s)
        }
        return best
    }

    /// The text of the call at `location` in `source` (`inv(X + A)`), for messages; the location
    /// itself when it cannot be found.
    public static func snippet(_ source: String, at location: SourceLocation) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard location.line >= 1, location.line <= lines.count else { return "at \(location)" }
        let line = Array(lines[location.line - 1])
        guard location.column >= 1, location.column <= line.count else { return "at \(location)" }
        var out = "", depth = 0, opened = false
        for ch in line[(location.column - 1)...] {
            out.append(ch)
            if ch == "(" { depth += 1; opened = true }
            if ch == ")" { depth -= 1; if depth <= 0 && opened { break } }
            if !opened && (ch == ";" || ch == " " || ch == ",") { out.removeLast(); break }
            if out.count > 60 { out += "…"; break }
        }
        return out.isEmpty ? "at \(location)" : "\(out) (line \(location.line))"
    }
}
