import Foundation
import Ricci

/// The languages written with explicit loops and sizes: C99 with CBLAS, and Swift.
enum LoopLanguage { case c, swift }

/// A C or Swift source file with one function computing the value and derivatives.
struct LoopSource {
    let model: ExportModel
    let language: LoopLanguage
    let name: String

    init(_ model: ExportModel, language: LoopLanguage, name: String) {
        self.model = model
        self.language = language
        self.name = name
    }

    /// A size in the program's own names: `n`, `3`, `n*d`.
    static func describe(_ d: ExportDim) -> String {
        switch d {
        case .fixed(let n): return String(n)
        case .size(let n): return n
        case .product(let a, let b): return "\(describe(a))*\(describe(b))"
        }
    }

    func render() throws -> String {
        throw RicciError(.usage, "not yet")
    }
}
