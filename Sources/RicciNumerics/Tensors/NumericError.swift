import Foundation

/// Every failure of the numeric layer: linear algebra, GSL, memory limits, files and einsum input.
///
/// Each case carries enough context to print a message a person can act on; ``description`` is
/// that message. Nothing in `RicciNumerics` traps on bad input: it throws one of these instead.
public enum NumericError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A matrix is singular (or numerically singular) where the operation needs an inverse.
    case singular(operation: String)
    /// A Cholesky factorization failed: the matrix is not symmetric positive definite.
    case notPositiveDefinite(operation: String)
    /// An argument lies outside the operation's domain (e.g. `logdet` of a matrix with det ≤ 0).
    case domain(operation: String, message: String)
    /// GSL returned a non-zero status code.
    case gsl(operation: String, code: Int32, reason: String)
    /// An allocation was refused before it happened: `shape` would need `bytes` of memory.
    case tooLarge(shape: [Int], bytes: String)
    /// Shapes that should agree do not.
    case shapeMismatch(String)
    /// A file could not be read, written or decoded.
    case file(path: String, message: String)
    /// Einsum subscripts or labeled operands are invalid.
    case einsum(String)

    /// A one-line, human-readable message.
    public var description: String {
        switch self {
        case .singular(let operation):
            return "\(operation): the matrix is singular (not invertible)"
        case .notPositiveDefinite(let operation):
            return "\(operation): the matrix is not symmetric positive definite"
        case .domain(let operation, let message):
            return "\(operation): \(message)"
        case .gsl(let operation, let code, let reason):
            return "\(operation): GSL error \(code): \(reason)"
        case .tooLarge(let shape, let bytes):
            return "refusing to allocate a tensor of shape \(Tensor.describe(shape)): it would need \(bytes), "
                + "over the limit of \(Tensor.maxElements) elements (\(Tensor.formatBytes(Double(Tensor.maxElements) * 8)))"
        case .shapeMismatch(let message):
            return "shape mismatch: \(message)"
        case .file(let path, let message):
            return "\(path): \(message)"
        case .einsum(let message):
            return "einsum: \(message)"
        }
    }
}

extension NumericError: LocalizedError {
    /// The same text as ``description``, so `localizedDescription` is useful too.
    public var errorDescription: String? { description }
}
