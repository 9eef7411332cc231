/// Plain-language descriptions of shapes, for error messages and type listings.
extension DimTable {
    /// "a scalar", "a vector of length n", "an n×d matrix", "an order-3 tensor a×b×c".
    public func describe(_ shape: [DimVar]) -> String {
        let ds = shape.map { resolve($0).description }
        switch ds.count {
        case 0: return "a scalar"
        case 1: return "a vector of length \(ds[0])"
        case 2: return "\(ds[0] == "1" ? "a 1×\(ds[1]) row" : "a \(ds.joined(separator: "×"))") matrix"
        default: return "an order-\(ds.count) tensor \(ds.joined(separator: "×"))"
        }
    }

    /// "n×d" (or "n" for a vector, "1" for a scalar).
    public func short(_ shape: [DimVar]) -> String {
        shape.isEmpty ? "1" : shape.map { resolve($0).description }.joined(separator: "×")
    }

    /// The declaration type of a shape: `scalar`, `vector(n)`, `matrix(r, c)`, `tensor(a, b, c)`.
    public func typeText(_ shape: [DimVar]) -> String {
        let ds = shape.map { resolve($0).description }
        switch ds.count {
        case 0: return "scalar"
        case 1: return "vector(\(ds[0]))"
        case 2: return "matrix(\(ds[0]), \(ds[1]))"
        default: return "tensor(\(ds.joined(separator: ", ")))"
        }
    }
}
