import Foundation

/// The budgets of the symbolic work of one library call (lowering, differentiating, deriving):
/// every rewriting loop and every search spends from one of them, and a call that runs one out
/// ends with an error that names it, never a hang.
///
/// A budget is installed for the duration of ``run(limits:_:)`` (a task-local value, so concurrent calls
/// have their own); code that runs without one spends from nothing and is only bounded by its own
/// loop limits. Once a budget has run out the simplifier returns its input unchanged, so the call
/// finishes quickly and ``run(limits:_:)`` throws.
public final class WorkBudget: @unchecked Sendable {
    /// The kinds of work that are budgeted.
    public enum Kind: String, Sendable, CaseIterable {
        /// Work of the index-form simplifier: every pass over a term of f factors counts f times f plus
        /// the factors directly inside them.
        case simplifier = "simplifier"
        /// Steps of the search that recognizes a power of a contraction among a term's factors.
        case powerSearch = "power search"
        /// Terms produced by differentiation (the product rule makes one term per factor).
        case differentiation = "differentiation"
        /// Vertices and edges visited while raising index terms back to matrix notation.
        case raising = "raising"
        /// Bytes of formulas printed in Einstein notation (every format of every statement, the
        /// definitions of the Γ tensors included).
        case output = "output"
        /// Milliseconds of processor time (the whole process's, as the command line's
        /// `RICCI_TIME_BUDGET` counts it) since the budget was installed, looked at whenever any
        /// other kind is spent: the structural budgets bound the work, but how long a unit takes
        /// varies with the program (long names, deep sums), and this bounds the time itself. A limit
        /// of 0 or less turns it off.
        case time = "time"
    }

    /// The default limits: generous for every real program (the largest tests spend under a tenth),
    /// and small enough that a call that runs one out has spent seconds, not hours.
    public static let defaultLimits: [Kind: Int] = [.simplifier: 100_000_000, .powerSearch: 2_000_000,
                                                    .differentiation: 4_000_000, .raising: 400_000_000,
                                                    .output: 32_000_000, .time: timeDefault]

    /// The time budget's default: 6 s, or `RICCI_TIME_BUDGET` seconds when the environment sets it
    /// (the command line's budget for a whole command; 0 turns both off).
    static let timeDefault: Int = {
        guard let text = ProcessInfo.processInfo.environment["RICCI_TIME_BUDGET"], let v = Double(text), v >= 0,
              v.isFinite else { return 6_000 }
        return v == 0 ? 0 : Int(min(v, 1e9) * 1000)
    }()

    /// The budget of the running call, if one is installed.
    @TaskLocal static var current: WorkBudget?

    let limits: [Kind: Int]
    private var spent: [Kind: Int] = [:]
    /// The budget that ran out first, if any.
    public private(set) var exhausted: Kind?

    /// Processor time of the process when the budget was installed, in nanoseconds.
    private let start: Int64
    /// The time limit in nanoseconds (`Int64.max` when off).
    private let timeLimit: Int64

    /// A budget with the given limits (the defaults where a kind is not given).
    public init(limits: [Kind: Int] = [:]) {
        self.limits = WorkBudget.defaultLimits.merging(limits) { $1 }
        let ms = self.limits[.time] ?? 0
        self.timeLimit = ms > 0 ? Int64(min(ms, Int(Int64.max / 1_000_000) - 1)) * 1_000_000 : Int64.max
        self.start = WorkBudget.processorNanoseconds()
    }

    /// The processor time the process has used, in nanoseconds (0 if the clock cannot be read).
    static func processorNanoseconds() -> Int64 {
        var t = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) == 0 else { return 0 }
        return Int64(t.tv_sec) &* 1_000_000_000 &+ Int64(t.tv_nsec)
    }

    /// Spends `n` units of `kind`; false once any budget has run out (the time budget included).
    func spend(_ kind: Kind, _ n: Int = 1) -> Bool {
        if exhausted != nil { return false }
        let total = (spent[kind] ?? 0) &+ n
        spent[kind] = total
        if total > limits[kind] ?? Int.max {
            exhausted = kind
            return false
        }
        if timeLimit != Int64.max, WorkBudget.processorNanoseconds() &- start > timeLimit {
            exhausted = .time
            return false
        }
        return true
    }

    /// Spends from the running call's budget; true when there is none.
    static func spend(_ kind: Kind, _ n: Int = 1) -> Bool { current?.spend(kind, n) ?? true }

    /// Whether the running call's budget has run out.
    static var isExhausted: Bool { current?.exhausted != nil }

    /// Throws the named limit error now when the running call's budget has run out, so that the call
    /// stops before work whose result would be thrown away (printing a half-simplified result).
    static func checkpoint() throws {
        if let b = current, let k = b.exhausted { throw error(k, limit: b.limits[k] ?? 0) }
    }

    /// The error for a budget that ran out.
    static func error(_ kind: Kind, limit: Int) -> RicciError {
        if kind == .time {
            return RicciError(.limit, "the time budget ran out (\(limit) ms of processor time): the program makes "
                              + "too much symbolic work; simplify it or split it into definitions")
        }
        if kind == .output {
            return RicciError(.limit, "the output budget ran out (\(limit) bytes of printed formulas): the "
                              + "derivation would print too much; simplify the program or split it into definitions")
        }
        return RicciError(.limit, "the \(kind.rawValue) budget ran out (\(limit) steps): the program makes too much "
                   + "symbolic work (e.g. powers of long products); simplify it or split it into definitions")
    }

    /// Runs `body` under a budget (the running call's, or a new one with `limits` when there is
    /// none) and throws the named limit error when a budget ran out during it.
    public static func run<T>(limits: [Kind: Int] = [:], _ body: () throws -> T) throws -> T {
        if let b = current {
            let value = try body()
            if let k = b.exhausted { throw error(k, limit: b.limits[k] ?? 0) }
            return value
        }
        let b = WorkBudget(limits: limits)
        return try $current.withValue(b) {
            let value = try body()
            if let k = b.exhausted { throw error(k, limit: b.limits[k] ?? 0) }
            return value
        }
    }
}
