/// Names people bring from other tools (NumPy, MATLAB, LaTeX), each with the way to write it here:
/// an unknown function or name with one of these spellings gets this hint instead of "did you mean".
public enum NameHints {
    /// The hint for a function name, if it is a familiar one.
    public static let functions: [String: String] = [
        "trace": "the trace is tr(A)",
        "Tr": "the trace is tr(A)",
        "transpose": "the transpose is written A' (or Aᵀ, A^T)",
        "norm": "the norms are norm2(x) (Euclidean), normF(X) (Frobenius) and norm1(x) (sum of absolute values)",
        "dot": "the dot product of vectors is x'*y (or x:y)",
        "inner": "the dot product of vectors is x'*y (or x:y)",
        "outer": "the outer product of vectors is x*y'",
        "matmul": "the matrix product is A*B",
        "mean": "the mean of a vector x of length n is sum(x)/n (a dimension name is its size in an expression)",
        "inverse": "the inverse is inv(A) (or A^-1)",
        "pinv": "there is no pseudo-inverse; for full column rank write inv(A'*A)*A'",
        "determinant": "the determinant is det(A), its logarithm logdet(A)",
        "ln": "the natural logarithm is log(x)",
        "log10": "the natural logarithm is log(x); divide by log(10) for base 10",
        "square": "the entrywise square is x.^2",
        "pow": "powers are a^p (a scalar or a square matrix) and x.^p (entrywise)",
        "identity": "the identity is eye(n) (or I, of the size its use needs)",
        "diagonal": "diag(A) is the diagonal of A as a vector, Diag(x) the diagonal matrix of x",
        "max": "there is no max; logsumexp(x) is its smooth version",
        "min": "there is no min; -logsumexp(-x) is its smooth version",
    ]

    /// At most this many characters of a name are compared for "did you mean" (the table is
    /// quadratic in the lengths).
    public static let maxComparedLength = 64
    /// At most this many candidates are compared for one suggestion.
    public static let maxCandidates = 2_000
}
