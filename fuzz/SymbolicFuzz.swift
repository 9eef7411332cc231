// libFuzzer target over the symbolic pipeline: parse → check → lower → differentiate → simplify →
// raise → render. Compiled into one module with the sources of Sources/Ricci by fuzz/build.sh.
// The first byte picks the variable, and either the derivative kind or a derivation (bit 7): one
// library call per input, as one CLI command per run; the rest is the program text.

@_cdecl("LLVMFuzzerTestOneInput")
public func symbolicFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let bytes = UnsafeBufferPointer(start: data, count: size)
    let selector = bytes[0]
    let source = String(decoding: bytes.dropFirst(), as: UTF8.self)
    do {
        let typed = try TypeChecker.check(source: source)
        let lowered = try Lowerer.lower(typed)
        let report = LoweredReport(lowered)
        _ = report.json().serialized()
        _ = report.einstein(.text)
        let inputs = typed.names.filter { n in
            guard let s = typed.symbols[n], s.definition == nil, case .tensor = s.kind else { return false }
            return true
        }
        guard !inputs.isEmpty else { return 0 }
        let wrt = inputs[Int(selector >> 2) % inputs.count]
        let kinds: [DerivativeKind] = [.gradient, .jacobian, .hessian, .gradient]
        let kind = kinds[Int(selector & 3)]
        if selector & 0x80 == 0, let results = try? Derivatives.derivatives(of: lowered, wrt: [wrt], kind: kind) {
            let r = DerivativeReport(source: source, results: results)
            _ = r.json().serialized()
            _ = r.text(.text)
            _ = r.text(.latex)
        }
        if selector & 0x80 != 0, let d = try? Derivations.derive(source: source, wrt: wrt) {
            let r = DerivationReport(d)
            _ = r.text()
            _ = r.latex()
            _ = r.json().serialized()
        }
    } catch {
        _ = "\(error)"
    }
    return 0
}
