import Foundation
import Ricci

extension NumericPlan {
    static func bytesText(_ b: Double) -> String {
        b >= 1e9 ? String(format: "%.2f GB", b / 1e9) : b >= 1e6 ? String(format: "%.2f MB", b / 1e6)
            : b >= 1e3 ? String(format: "%.1f kB", b / 1e3) : String(format: "%.0f B", b)
    }

    static func flopsText(_ f: Double) -> String {
        f >= 1e9 ? String(format: "%.2f GFLOP", f / 1e9) : f >= 1e6 ? String(format: "%.2f MFLOP", f / 1e6)
            : f >= 1e3 ? String(format: "%.1f kFLOP", f / 1e3) : String(format: "%.0f FLOP", f)
    }

    func shapeText(_ b: PlanBuffer) -> String {
        b.shape.isEmpty ? "scalar" : b.shape.map(\.description).joined(separator: "×")
    }

    /// The plan as `--plan` prints it: inputs, each step (buffer = formula, kernel, FLOPs, bytes), outputs, peak memory.
    public var text: String {
        var lines: [String] = []
        let dims = sizes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        lines.append("plan: \(steps.count) steps, \(Self.flopsText(flops)), peak memory \(Self.bytesText(peakBytes))" + (dims.isEmpty ? "" : " at \(dims)"))
        lines.append("inputs: " + inputs.map { "\($0.name) (\(shapeText(buffers[$0.buffer])))" }.joined(separator: ", "))
        let width = String(steps.count).count
        for (k, s) in steps.enumerated() {
            let b = buffers[s.output]
            var kernel = s.kernel.name
            if case .entrywise(_, let p?) = s.kernel { kernel += ", in place of \(buffers[p].name)" }
            let num = String(repeating: " ", count: max(0, width - String(k + 1).count)) + String(k + 1)
            lines.append("\(num). \(b.name) = \(s.formula)    [\(kernel); \(shapeText(b)); \(Self.flopsText(s.flops)), \(Self.bytesText(s.bytes))]")
        }
        lines.append("outputs: " + outputs.map { "\($0.name) (\(shapeText(buffers[$0.buffer])))" }.joined(separator: ", "))
        for (first, r) in rowStreams.sorted(by: { $0.key < $1.key }) {
            let fused = ([first] + r.inner + [r.last]).map { String($0 + 1) }.joined(separator: ", ")
            lines.append("fused: steps \(fused) in one pass over \(buffers[r.matrix].name), block of rows by block of rows")
        }
        return lines.joined(separator: "\n")
    }

    /// The plan in JSON: steps with kernel, formula, FLOPs, bytes; totals; peak memory; which BLAS
    /// kernels run (``BLASRuntime/description``); the threads of Ricci's own loops and products.
    public var json: JSON {
        .object([
            ("steps", .array(steps.map { s in
                .object([("output", .string(buffers[s.output].name)), ("kernel", .string(s.kernel.name)),
                         ("formula", .string(s.formula)), ("shape", .array(buffers[s.output].shape.map { .string($0.description) })),
                         ("flops", .number(s.flops)), ("bytes", .number(s.bytes))])
            })),
            ("flops", .number(flops)),
            ("fused", .array(rowStreams.sorted(by: { $0.key < $1.key }).map { first, r in
                .object([("matrix", .string(buffers[r.matrix].name)),
                         ("steps", .array(([first] + r.inner + [r.last]).map { .number(Double($0 + 1)) }))])
            })),
            ("peak_bytes", .number(peakBytes)),
            ("compile_ms", .number(compileMilliseconds)),
            ("blas", .string(BLASRuntime.description)),
            ("threads", .number(Double(PlanEntrywiseLoop.threads))),
        ])
    }
}
