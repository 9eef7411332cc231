import Foundation
import Ricci
import RicciNumerics

/// Writes the driver program that calls every exported C or Swift function at Ricci's inputs (read
/// from raw little-endian files) and prints one JSON line per case: `{"case", "problems": [...]}`.
struct ExportDriver {
    let target: ExportTarget
    let dir: URL
    var cases: [String] = []
    var prototypes: [String] = []
    var ids: [String] = []
    var c: Bool { target == .c }

    init(target: ExportTarget, dir: URL) {
        self.target = target
        self.dir = dir
    }

    func write(_ t: Tensor, _ name: String) throws -> String {
        let path = dir.appendingPathComponent(name).path
        let data = t.data.withUnsafeBufferPointer { Data(buffer: $0) }
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    static func literal(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    mutating func add(id: String, signature sig: ExportSignature, reference ref: ExportReference) throws {
        var args: [String] = []
        var setup: [String] = []
        var protoArgs: [String] = []
        for (n, p) in zip(sig.sizes, sig.sizeParameters) {
            let v = ref.sizes[n] ?? 0
            args.append(c ? "\(v)L" : "\(p): \(v)")
            protoArgs.append("long")
        }
        var firstArray: (label: String, k: Int)?
        for (k, input) in sig.inputs.enumerated() {
            guard let t = ref.inputs.first(where: { $0.0 == input.name })?.1 else { throw RicciError(.usage, "no reference input \(input.name)") }
            let path = Self.literal(try write(t, "\(id)_in\(k).bin"))
            setup.append(c ? "double *in\(k) = rd(\(path), \(t.count));" : "let in\(k) = rd(\(path))")
            if input.rank == 0 {
                args.append(c ? "in\(k)[0]" : "\(input.parameter): in\(k)[0]")
                protoArgs.append("double")
            } else {
                args.append(c ? "in\(k)" : "\(input.parameter): in\(k)")
                protoArgs.append("const double *")
                if firstArray == nil { firstArray = (input.parameter, k) }
            }
        }
        for f in sig.functions {
            if f.opaque {
                guard let (cm, b, result, argument) = ref.opaque[f.name] else { throw RicciError(.usage, "no instance of \(f.name)") }
                let pc = Self.literal(try write(cm, "\(id)_\(f.parameter)_C.bin")), pb = Self.literal(try write(b, "\(id)_\(f.parameter)_b.bin"))
                let m = result.reduce(1, *), n = argument.reduce(1, *)
                if c {
                    let fn = "\(id)_\(f.parameter)"
                    prototypes.append("static double *\(fn)_C, *\(fn)_b;")
                    prototypes.append("static void \(fn)(const double *u, double *o) { opaque(\(fn)_C, \(fn)_b, \(m), \(n), \(f.derivative), u, o); }")
                    setup.append("\(fn)_C = rd(\(pc), \(m * n)); \(fn)_b = rd(\(pb), \(m));")
                    args.append(fn)
                    protoArgs.append("void (*)(const double *, double *)")
                } else {
                    setup.append("let \(f.parameter)_C = rd(\(pc)), \(f.parameter)_b = rd(\(pb))")
                    args.append("\(f.parameter): { opaque(\(f.parameter)_C, \(f.parameter)_b, \(m), \(n), \(f.derivative), $0) }")
                }
            } else {
                args.append(c ? "tanh\(f.derivative)" : "\(f.parameter): tanh\(f.derivative)")
                protoArgs.append("double (*)(double)")
            }
        }
        var compare: [String] = []
        for (k, key) in sig.outputs.enumerated() {
            guard let t = ref.outputs.first(where: { $0.0 == key })?.1 else { throw RicciError(.usage, "no reference output \(key)") }
            let path = Self.literal(try write(t, "\(id)_out\(k).bin"))
            if c {
                setup.append("double *want\(k) = rd(\(path), \(t.count)); double *got\(k) = calloc(\(max(1, t.count)), sizeof(double));")
                args.append("got\(k)")
                protoArgs.append("double *")
                compare.append("check(&np, problems, \(Self.literal(key)), got\(k), want\(k), \(t.count));")
            } else {
                setup.append("let want\(k) = rd(\(path))")
                let got = t.order == 0 || sig.outputs.isEmpty ? "[r.\(key)]" : "r.\(key)"
                compare.append("check(&problems, \(Self.literal(key)), \(t.order == 0 ? "[r.\(key)]" : got), want\(k))")
            }
        }
        var body: [String] = []
        let call = "\(id)(" + args.joined(separator: ", ") + ")"
        if c {
            prototypes.append("int \(id)(" + protoArgs.joined(separator: ", ") + ");")
            body.append("static void check_\(id)(void) {")
            body.append("    char problems[8][240]; int np = 0;")
            body += setup.map { "    " + $0 }
            body.append("    int st = \(call);")
            body.append("    if (st != 0) snprintf(problems[np++], 240, \"status %d\", st);")
            body.append("    else { " + compare.joined(separator: " ") + " }")
            // a bad size (or, without sizes, a NULL array) must be refused with status 1
            if !sig.sizes.isEmpty {
                var bad = args
                bad[0] = "0L"
                body.append("    if (\(id)(" + bad.joined(separator: ", ") + ") != 1) snprintf(problems[np++], 240, \"a size 0 was not refused\");")
            } else if let first = firstArray {
                var bad = args
                if let at = bad.firstIndex(of: "in\(first.k)") { bad[at] = "NULL" }
                body.append("    if (\(id)(" + bad.joined(separator: ", ") + ") != 1) snprintf(problems[np++], 240, \"a NULL array was not refused\");")
            }
            body.append("    report(\(Self.literal(id)), problems, np);")
            body.append("}")
        } else {
            body.append("func check_\(id)() {")
            body.append("    var problems: [String] = []")
            body += setup.map { "    " + $0 }
            body.append("    do {")
            body.append("        let r = try \(call)")
            body += compare.map { "        " + $0 }
            body.append("    } catch { problems.append(\"threw \\(error)\") }")
            if let first = firstArray {
                let bad = call.replacingOccurrences(of: "\(first.label): in\(first.k)", with: "\(first.label): Array(in\(first.k).dropLast())")
                body.append("    do { _ = try \(bad); problems.append(\"a short \(first.label) was not refused\") }")
                body.append("    catch { if !\"\\(error)\".contains(\"\(first.label)\") { problems.append(\"the error does not name \(first.label): \\(error)\") } }")
            }
            body.append("    report(\(Self.literal(id)), problems)")
            body.append("}")
        }
        cases.append(body.joined(separator: "\n"))
        ids.append(id)
    }

    func source() -> String {
        if c {
            return Self.cPrelude + "\n" + prototypes.joined(separator: "\n") + "\n\n" + cases.joined(separator: "\n\n")
                + "\n\nint main(void) {\n" + ids.map { "    check_\($0)();" }.joined(separator: "\n") + "\n    return 0;\n}\n"
        }
        return Self.swiftPrelude + "\n" + cases.joined(separator: "\n\n") + "\n\n" + ids.map { "check_\($0)()" }.joined(separator: "\n") + "\n"
    }

    static let cPrelude = #"""
    #include <math.h>
    #include <stdio.h>
    #include <stdlib.h>
    static double *rd(const char *path, long n) {
        double *a = calloc(n > 0 ? n : 1, sizeof(double));
        FILE *f = fopen(path, "rb");
        if (!a || !f || fread(a, sizeof(double), n, f) != (size_t)n) { fprintf(stderr, "cannot read %s\n", path); exit(2); }
        fclose(f);
        return a;
    }
    static double tanh0(double x) { return tanh(x); }
    static double tanh1(double x) { return 1 - tanh(x) * tanh(x); }
    static double tanh2(double x) { return -2 * tanh(x) * (1 - tanh(x) * tanh(x)); }
    static void opaque(const double *C, const double *b, long m, long n, int d, const double *u, double *o) {
        for (long r = 0; r < m; r++) {
            double s = b[r];
            for (long a = 0; a < n; a++) s += C[r * n + a] * u[a];
            double f = tanh(s);
            if (d == 0) o[r] = f; else for (long a = 0; a < n; a++) o[r * n + a] = (1 - f * f) * C[r * n + a];
        }
    }
    static void check(int *np, char problems[][240], const char *key, const double *got, const double *want, long n) {
        double diff = 0, scale = 1;
        for (long i = 0; i < n; i++) { double d = fabs(got[i] - want[i]); if (!(d <= diff)) diff = d; if (fabs(want[i]) > scale) scale = fabs(want[i]); }
        if (!(diff / scale <= 1e-8) && *np < 8) snprintf(problems[(*np)++], 240, "%s: rel. error %.2e against Ricci's evaluation", key, diff / scale);
    }
    static void report(const char *id, char problems[][240], int np) {
        printf("{\"case\": \"%s\", \"problems\": [", id);
        for (int i = 0; i < np; i++) printf("%s\"%s\"", i ? ", " : "", problems[i]);
        printf("]}\n");
    }
    """#

    static let swiftPrelude = #"""
    import Foundation
    func rd(_ path: String) -> [Double] {
        guard let d = FileManager.default.contents(atPath: path) else { print("cannot read \(path)"); exit(2) }
        return d.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
    }
    func tanh0(_ x: Double) -> Double { tanh(x) }
    func tanh1(_ x: Double) -> Double { 1 - tanh(x) * tanh(x) }
    func tanh2(_ x: Double) -> Double { -2 * tanh(x) * (1 - tanh(x) * tanh(x)) }
    func opaque(_ C: [Double], _ b: [Double], _ m: Int, _ n: Int, _ d: Int, _ u: [Double]) -> [Double] {
        var o = [Double](repeating: 0, count: d == 0 ? m : m * n)
        for r in 0..<m {
            var s = b[r]
            for a in 0..<n { s += C[r * n + a] * u[a] }
            let f = tanh(s)
            if d == 0 { o[r] = f } else { for a in 0..<n { o[r * n + a] = (1 - f * f) * C[r * n + a] } }
        }
        return o
    }
    func check(_ problems: inout [String], _ key: String, _ got: [Double], _ want: [Double]) {
        guard got.count == want.count else { problems.append("\(key): \(got.count) entries, Ricci has \(want.count)"); return }
        var diff = 0.0, scale = 1.0
        for (g, w) in zip(got, want) { let d = abs(g - w); if !(d <= diff) { diff = d }; scale = max(scale, abs(w)) }
        if !(diff / scale <= 1e-8) { problems.append("\(key): rel. error \(diff / scale) against Ricci's evaluation") }
    }
    func report(_ id: String, _ problems: [String]) {
        let obj: [String: Any] = ["case": id, "problems": problems]
        if let d = try? JSONSerialization.data(withJSONObject: obj), let s = String(data: d, encoding: .utf8) { print(s) }
    }
    """#
}
