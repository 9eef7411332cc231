import Foundation
import Ricci

/// Reads `--dims` and `--set` option values.
public enum EvalSettingsParser {
    /// `dims`: "n=3,d=4"; `sets`: "X=x.npy", "Y=y.csv", "alpha=0.5", "h=tanh".
    public static func settings(dims: String?, sets: [String]) throws -> EvaluationSettings {
        var s = EvaluationSettings()
        if let d = dims {
            for part in d.split(separator: ",") where !part.trimmingCharacters(in: .whitespaces).isEmpty {
                let kv = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard kv.count == 2, !kv[0].isEmpty else {
                    throw RicciError(.usage, "--dims expects NAME=SIZE pairs separated by commas, found '\(part)'")
                }
                s.dims[kv[0]] = try size(kv[1], name: kv[0])
            }
        }
        for item in sets {
            let kv = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty else {
                throw RicciError(.usage, "--set expects NAME=FILE.npy, NAME=FILE.csv, NAME=NUMBER or NAME=FUNCTION, found '\(item)'")
            }
            let (name, v) = (kv[0], kv[1])
            if let x = Double(v) {
                s.values[name] = Tensor(scalar: x)
            } else if let f = EntrywiseFunction.named(v) {
                s.functions[name] = f
            } else if v.lowercased().hasSuffix(".npy") {
                s.values[name] = try read { try NPY.read(contentsOf: v) }
            } else if v.lowercased().hasSuffix(".csv") || v.lowercased().hasSuffix(".txt") {
                s.values[name] = try read { try CSV.read(contentsOf: v) }
            } else {
                throw RicciError(.usage, "--set \(name)=\(v): expected a .npy or .csv file, a number, or a built-in function name")
            }
        }
        return s
    }

    static func read(_ f: () throws -> Tensor) throws -> Tensor {
        do { return try f() } catch let e as NumericError { throw RicciError(.io, e.description) }
    }

    /// A size: an integer, `10^9`, or `1e9`; refused when not a positive integer.
    static func size(_ text: String, name: String) throws -> Int {
        var v: Double?
        if let caret = text.firstIndex(of: "^") {
            if let b = Double(text[..<caret]), let e = Double(text[text.index(after: caret)...]) { v = pow(b, e) }
        } else {
            v = Double(text)
        }
        guard let x = v, x == x.rounded(), x >= 1 else {
            throw RicciError(.usage, "--dims \(name)=\(text): a size must be a positive integer")
        }
        guard x < 1e15 else { throw RicciError(.limit, "--dims \(name)=\(text) is too large") }
        return Int(x)
    }
}

/// Text and JSON reports of an evaluation.
public enum EvalReport {
    /// Nested lists of a tensor's entries.
    public static func nested(_ t: Tensor) -> JSON {
        func rec(_ dim: Int, _ offset: Int) -> JSON {
            if dim == t.order { return .number(t.data[offset]) }
            let stride = t.shape[(dim + 1)...].reduce(1, *)
            return .array((0..<t.shape[dim]).map { rec(dim + 1, offset + $0 * stride) })
        }
        return rec(0, 0)
    }

    /// The `--format json` object of an evaluation: shape, value, inputs, sizes, stand-ins.
    public static func json(_ r: Evaluation) -> JSON {
        .object([
            ("shape", .array(r.value.shape.map { .number(Double($0)) })),
            ("value", nested(r.value)),
            ("inputs", .object(r.inputs.map { ($0.0, nested($0.1)) })),
            ("dims", .object(r.sizes.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })),
            ("functions", .object(r.functionNotes.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ])
    }

    /// The text report of an evaluation: sizes, stand-ins, shape, then the value.
    public static func text(_ r: Evaluation) -> String {
        var out = ""
        if !r.sizes.isEmpty {
            out += "dims: " + r.sizes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "\n"
        }
        for (f, note) in r.functionNotes.sorted(by: { $0.key < $1.key }) { out += "\(f)(x) = \(note)\n" }
        out += "shape: " + (r.value.shape.isEmpty ? "scalar" : r.value.shape.map(String.init).joined(separator: "×")) + "\n"
        out += format(r.value)
        return out
    }

    /// Rows of numbers; order 3 and up printed as slices.
    public static func format(_ t: Tensor) -> String {
        func num(_ x: Double) -> String { String(format: "% .6g", x) }
        switch t.order {
        case 0: return num(t.data[0])
        case 1: return "[" + t.data.map(num).joined(separator: ", ") + "]"
        case 2:
            let c = t.shape[1]
            return (0..<t.shape[0]).map { i in "[" + (0..<c).map { num(t.data[i * c + $0]) }.joined(separator: ", ") + "]" }
                .joined(separator: "\n")
        default:
            let inner = Array(t.shape.dropFirst())
            let n = inner.reduce(1, *)
            return (0..<t.shape[0]).compactMap { k in
                guard let sub = try? Tensor(shape: inner, data: Array(t.data[(k * n)..<((k + 1) * n)])) else { return nil }
                return "[\(k), ...] =\n" + format(sub)
            }.joined(separator: "\n")
        }
    }
}
