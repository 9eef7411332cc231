import CGSL

/// What kind of random tensor ``RandomSource/tensor(shape:kind:)`` draws.
public enum RandomKind: String, Sendable, CaseIterable {
    /// Independent standard normal entries.
    case gaussian
    /// Independent entries uniform in [0.5, 2] (safe for `log`, division, `sqrt`).
    case positive
    /// A symmetric matrix: (G + Gᵀ)/2 with G Gaussian.
    case symmetric
    /// A well-conditioned symmetric positive definite matrix: G·Gᵀ/n + I (eigenvalues in [1, ~5]).
    case spd
}

/// The owner of one `gsl_rng`; frees it in `deinit`.
private final class RNGBox {
    let rng: UnsafeMutablePointer<gsl_rng>
    init(_ rng: UnsafeMutablePointer<gsl_rng>) { self.rng = rng }
    deinit { gsl_rng_free(rng) }
}

/// A seeded, reproducible source of random numbers: GSL's Mersenne Twister (`gsl_rng_mt19937`).
///
/// A value type: copies evolve independently (the generator state is cloned on the first draw
/// from a shared copy), so passing one around never couples two users. Not `Sendable`: give each
/// thread its own source.
public struct RandomSource {
    private var box: RNGBox

    /// The seed this source started from.
    public let seed: UInt64

    /// A generator seeded with `seed`. The 64-bit seed is folded to the 32 bits mt19937 uses.
    /// - Throws: ``NumericError/gsl(operation:code:reason:)`` if GSL cannot allocate the generator.
    public init(seed: UInt64) throws {
        GSLRuntime.ensureInitialized()
        guard let rng = gsl_rng_alloc(gsl_rng_mt19937) else {
            throw NumericError.gsl(operation: "random", code: Int32(GSL_ENOMEM), reason: "cannot allocate a random generator")
        }
        let folded = (seed ^ (seed >> 32)) & 0xFFFF_FFFF
        gsl_rng_set(rng, UInt(folded))
        self.box = RNGBox(rng)
        self.seed = seed
    }

    /// The generator, made unique first so copies never share state.
    private mutating func generator() -> UnsafeMutablePointer<gsl_rng> {
        if !isKnownUniquelyReferenced(&box), let clone = gsl_rng_clone(box.rng) {
            box = RNGBox(clone)
        }
        return box.rng
    }

    /// A standard normal draw (mean 0, variance 1).
    public mutating func gaussian() -> Double {
        gsl_ran_gaussian_ziggurat(generator(), 1.0)
    }

    /// A uniform draw in [0, 1).
    public mutating func uniform() -> Double {
        gsl_rng_uniform(generator())
    }

    /// A uniform draw in [low, high).
    public mutating func uniform(in low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// A uniformly chosen integer in `0..<upperBound` (`upperBound` > 0; 0 otherwise).
    public mutating func integer(below upperBound: Int) -> Int {
        guard upperBound > 0 else { return 0 }
        return min(Int(uniform() * Double(upperBound)), upperBound - 1)
    }

    /// A random tensor of the given shape and kind.
    ///
    /// `.gaussian` and `.positive` accept any shape. `.symmetric` and `.spd` need a square matrix
    /// (a scalar, and a 1×1 matrix, are accepted too; `.spd` then draws a positive number).
    /// - Throws: ``NumericError/shapeMismatch(_:)`` for a non-square `.symmetric`/`.spd`;
    ///   ``NumericError/tooLarge(shape:bytes:)`` for a shape over the allocation limit.
    public mutating func tensor(shape: [Int], kind: RandomKind = .gaussian) throws -> Tensor {
        var result = try Tensor(zeros: shape)
        switch kind {
        case .gaussian:
            for i in 0..<result.count { result.data[i] = gaussian() }
        case .positive:
            for i in 0..<result.count { result.data[i] = uniform(in: 0.5, 2.0) }
        case .symmetric, .spd:
            if shape.isEmpty {
                result.data[0] = kind == .spd ? uniform(in: 0.5, 2.0) : gaussian()
                return result
            }
            guard shape.count == 2, shape[0] == shape[1] else {
                throw NumericError.shapeMismatch("a \(kind.rawValue) random value needs a square matrix, got shape \(Tensor.describe(shape))")
            }
            let n = shape[0]
            var g = try Tensor(zeros: shape)
            for i in 0..<g.count { g.data[i] = gaussian() }
            if kind == .symmetric {
                for i in 0..<n { for j in 0..<n { result.data[i * n + j] = 0.5 * (g.data[i * n + j] + g.data[j * n + i]) } }
            } else {
                result = try Linalg.matmul(g, g, transB: true)
                for i in 0..<result.count { result.data[i] /= Double(max(n, 1)) }
                for i in 0..<n { result.data[i * n + i] += 1 }
                // Exact symmetry: average the two triangles (BLAS may differ in the last bit).
                for i in 0..<n { for j in 0..<i {
                    let mean = 0.5 * (result.data[i * n + j] + result.data[j * n + i])
                    result.data[i * n + j] = mean
                    result.data[j * n + i] = mean
                } }
            }
        }
        return result
    }
}
