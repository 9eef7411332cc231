extension RandomSource {
    /// The matrix with its entries off the diagonal set to 0 (what a `diagonal` declaration draws);
    /// anything but a square matrix is returned unchanged.
    public static func diagonalPart(_ t: Tensor) -> Tensor {
        guard t.order == 2, t.shape[0] == t.shape[1] else { return t }
        var out = t
        let n = t.shape[0]
        for i in 0..<n { for j in 0..<n where i != j { out.data[i * n + j] = 0 } }
        return out
    }

    /// Whether every entry off the diagonal of a square matrix is exactly 0 (true for anything else).
    public static func isDiagonal(_ t: Tensor) -> Bool {
        guard t.order == 2, t.shape[0] == t.shape[1] else { return true }
        let n = t.shape[0]
        for i in 0..<n { for j in 0..<n where i != j && t.data[i * n + j] != 0 { return false } }
        return true
    }
}
