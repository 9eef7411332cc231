import Foundation
import Ricci

/// The language of an exported file (`ricci export --to`).
public enum ExportTarget: String, Sendable, CaseIterable {
    /// A NumPy module.
    case numpy
    /// A JAX module (jit-able, float64-ready).
    case jax
    /// A Swift source file.
    case swift
    /// A C99 source file with CBLAS calls.
    case c
}

/// What `ricci export` writes: a program's value and derivatives, as code that runs without Ricci.
public struct ExportRequest: Sendable {
    /// The program text (SYNTAX.md).
    public var source: String
    /// The variables to differentiate by, in order.
    public var wrt: [String]
    /// Whether Hessians (by each variable) are exported too.
    public var hessian: Bool
    /// The target language.
    public var target: ExportTarget
    /// The exported function's name in Swift and C (Python modules always define `evaluate`).
    public var functionName: String
    /// Walk Ricci's compiled numeric plan where it compiles (every target; else, and when false, the
    /// printed derivative forms step by step).
    public var usePlan = true

    /// A request with the default function name `ricci_evaluate`.
    public init(source: String, wrt: [String], hessian: Bool = false, target: ExportTarget,
                functionName: String = "ricci_evaluate") {
        self.source = source
        self.wrt = wrt
        self.hessian = hessian
        self.target = target
        self.functionName = functionName
    }
}

/// Writes exported code: the program and its derivatives, step by step, in NumPy, JAX, Swift or C.
///
/// Every target walks Ricci's compiled numeric plan (``NumericPlan``): the steps `ricci grad … --eval`
/// runs, with shared subexpressions, the plan's product order and fused entrywise expressions, one
/// line per step with its formula as a comment, and the derivation's results in the docstring or
/// header comment. A program the plan cannot compile falls back to the printed forms: the program's
/// definitions, its objective (`value`), then each derivative's named intermediates and the
/// derivative itself (`grad_W`, `hessian_W`), matrix notation where it exists, else Einstein notation.
public enum Exporter {
    /// The exported source text.
    public static func export(_ request: ExportRequest) throws -> String {
        let model = try ExportModel(source: request.source, wrt: request.wrt, hessian: request.hessian)
        switch request.target {
        case .numpy:
            var m = PythonModule(model, jax: false, usePlan: request.usePlan)
            return try m.render()
        case .jax:
            var m = PythonModule(model, jax: true, usePlan: request.usePlan)
            return try m.render()
        case .c:
            var s = LoopSource(model, language: .c, name: request.functionName, usePlan: request.usePlan)
            return try s.render()
        case .swift:
            var s = LoopSource(model, language: .swift, name: request.functionName, usePlan: request.usePlan)
            return try s.render()
        }
    }

    /// Checks that a function name is a plain identifier (letters, digits, `_`; not starting with a digit).
    public static func checkFunctionName(_ s: String) throws {
        guard let first = s.unicodeScalars.first, !CharacterSet.decimalDigits.contains(first),
              s.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "_") }) else {
            throw RicciError(.usage, "the function name '\(s)' is not a plain identifier (ASCII letters, digits and _)")
        }
    }
}

/// The parameters of an exported function, in order (what a caller of the Swift or C function passes).
public struct ExportSignature: Sendable {
    /// An array (or scalar) input: its program name and rank.
    public struct Input: Sendable {
        /// The program's name of the input.
        public var name: String
        /// The parameter's identifier in generated code (the name, unless a keyword).
        public var parameter: String
        /// 0 for a scalar, 1 for a vector, 2 for a matrix.
        public var rank: Int
    }

    /// A function argument: the program's function, the derivative order, opaque or elementwise.
    public struct Function: Sendable {
        /// The program's function name.
        public var name: String
        /// The parameter's identifier in generated code (`h`, `h_prime`).
        public var parameter: String
        /// The derivative order the parameter computes (0: the function itself).
        public var derivative: Int
        /// True for an opaque `function`, false for an `elementwise` one.
        public var opaque: Bool
    }

    /// Size arguments by the program's dimension names, and their identifiers in generated code.
    public var sizes: [String]
    /// The identifiers of ``sizes`` in generated code.
    public var sizeParameters: [String]
    /// The array and scalar inputs, in order.
    public var inputs: [Input]
    /// The function arguments, in order.
    public var functions: [Function]
    /// Output keys: `value`, `grad_W`, `hessian_W`.
    public var outputs: [String]

    /// The signature of the export of a program.
    public init(source: String, wrt: [String], hessian: Bool = false) throws {
        let m = try ExportModel(source: source, wrt: wrt, hessian: hessian)
        sizes = m.sizes
        sizeParameters = m.sizes.map { m.sizeIDs[$0] ?? $0 }
        inputs = m.inputs.map { Input(name: $0.name, parameter: $0.id, rank: $0.dims.count) }
        functions = m.functions.flatMap { f in
            f.derivatives.sorted().map { Function(name: f.name, parameter: f.id(derivative: $0), derivative: $0, opaque: f.opaque) }
        }
        outputs = m.outputs.map(\.key)
    }
}
