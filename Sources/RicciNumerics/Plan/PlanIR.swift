import Ricci

// The numeric plan's intermediate representation: data only, no closures.
//
// A plan is a straight-line list of ``PlanStep``s over named ``PlanBuffer``s. Each step writes one
// buffer with one ``PlanKernel`` whose operands are buffer ids. Exporters (NumPy, JAX, Swift, C)
// walk `plan.buffers` and `plan.steps` and translate each kernel; the executor in this module does
// the same with BLAS and fused loops. Conventions:
//
// - Storage is row-major (C order). A scalar has shape `[]`, a column vector `[n]`, a matrix `[r, c]`.
// - A kernel writes its whole output buffer, except when `accumulate` is true: then it adds into it
//   (`C += ...`, the buffer was written by an earlier step of the same buffer).
// - A buffer is written by exactly one step unless later steps accumulate into it.
// - `op(A)` is `A` or, with the transpose flag, `Aᵀ` (never materialized).

/// One axis of a buffer, symbolically: a fixed size, a dimension name of the program, or a product
/// of dimensions (`kron`, `vec`).
public indirect enum PlanDim: Hashable, Sendable, CustomStringConvertible {
    /// A concrete size.
    case fixed(Int)
    /// A dimension of the program (`n`).
    case named(String)
    /// A product of dimensions (`n*d`).
    case product([PlanDim])

    /// `3`, `n`, `n*d`.
    public var description: String {
        switch self {
        case .fixed(let n): return String(n)
        case .named(let s): return s
        case .product(let ds): return ds.map(\.description).joined(separator: "*")
        }
    }
}

/// A named array of doubles the plan reads or writes.
public struct PlanBuffer: Hashable, Sendable {
    /// What a buffer is for.
    public enum Role: String, Hashable, Sendable {
        /// A program input, given to ``NumericPlan/run(_:functions:)`` by its name.
        case input
        /// A requested result: `value`, `grad_W`, `hessian_W`.
        case output
        /// An intermediate; may share storage (``slot``) with others whose lifetimes do not overlap.
        case temporary
    }

    /// The buffer's index in ``NumericPlan/buffers``.
    public var id: Int
    /// Inputs: the program's name; outputs: `value`, `grad_W`, `hessian_W`; temporaries: `t7`, or a
    /// program definition's name (`H1`) when the buffer holds one.
    public var name: String
    /// Input, output or temporary.
    public var role: Role
    /// The shape in terms of the program's dimensions.
    public var shape: [PlanDim]
    /// The shape at the sizes the plan was compiled for.
    public var sizes: [Int]
    /// The storage slot after liveness analysis: temporaries with the same slot never live at the
    /// same time (a kernel may write in place into a slot whose buffer dies at that step).
    public var slot: Int
    /// Number of elements (saturating at `Int.max`).
    public var count: Int { saturatingProduct(sizes) }
}

/// How an operand of an entrywise expression is indexed at output position `(i, j)`.
public enum PlanBroadcast: String, Hashable, Sendable {
    /// Same shape as the output: element `(i, j)`.
    case full
    /// A scalar (one element) used at every position.
    case scalar
    /// A vector indexed by the row: `v[i]` (as in `Diag(v)*A` or `v*w'`).
    case row
    /// A vector indexed by the column: `v[j]` (as in `A*Diag(v)` or `v*w'`).
    case column
    /// The transpose of a matrix of the output's shape transposed: `A[j, i]`.
    case transposed
}

/// A fused entrywise computation: evaluated once per output element, in one pass, with no
/// temporaries. Operands broadcast as their ``PlanBroadcast`` says.
public indirect enum PlanEntrywise: Hashable, Sendable {
    /// Element of buffer `id`.
    case operand(Int, PlanBroadcast)
    /// A constant.
    case constant(Double)
    /// `-a`.
    case negate(PlanEntrywise)
    /// `a + b + ...`.
    case add([PlanEntrywise])
    /// `a - b`.
    case subtract(PlanEntrywise, PlanEntrywise)
    /// `a * b * ...` (entrywise).
    case multiply([PlanEntrywise])
    /// `a / b` (entrywise).
    case divide(PlanEntrywise, PlanEntrywise)
    /// `a^p` for a constant `p`.
    case power(PlanEntrywise, Double)
    /// A built-in function or its `derivative`-th derivative (`tanh`, `tanh'`).
    case function(EntrywiseFunction, derivative: Int, PlanEntrywise)
    /// A user `elementwise` function `h`, `h'`, ... supplied at run time.
    case user(String, derivative: Int, PlanEntrywise)

    /// The buffer ids read.
    public var operands: [Int] {
        switch self {
        case .operand(let b, _): return [b]
        case .constant: return []
        case .negate(let x), .power(let x, _), .function(_, _, let x), .user(_, _, let x): return x.operands
        case .add(let xs), .multiply(let xs): return xs.flatMap(\.operands)
        case .subtract(let a, let b), .divide(let a, let b): return a.operands + b.operands
        }
    }

    /// True when some operand is read with ``PlanBroadcast/full`` (then its shape is the expression's).
    public var readsFull: Bool {
        switch self {
        case .operand(_, let how): return how == .full
        case .constant: return false
        case .negate(let x), .power(let x, _), .function(_, _, let x), .user(_, _, let x): return x.readsFull
        case .add(let xs), .multiply(let xs): return xs.contains { $0.readsFull }
        case .subtract(let a, let b), .divide(let a, let b): return a.readsFull || b.readsFull
        }
    }

    /// The buffers read with ``PlanBroadcast/full``.
    public var fullOperands: [Int] {
        switch self {
        case .operand(let b, let how): return how == .full ? [b] : []
        case .constant: return []
        case .negate(let x), .power(let x, _), .function(_, _, let x), .user(_, _, let x): return x.fullOperands
        case .add(let xs), .multiply(let xs): return xs.flatMap(\.fullOperands)
        case .subtract(let a, let b), .divide(let a, let b): return a.fullOperands + b.fullOperands
        }
    }

    /// Floating-point operations per element (a function call counts as one).
    public var flopsPerElement: Int {
        switch self {
        case .operand, .constant: return 0
        case .negate(let x), .power(let x, _), .function(_, _, let x), .user(_, _, let x): return 1 + x.flopsPerElement
        case .add(let xs), .multiply(let xs): return max(0, xs.count - 1) + xs.reduce(0) { $0 + $1.flopsPerElement }
        case .subtract(let a, let b), .divide(let a, let b): return 1 + a.flopsPerElement + b.flopsPerElement
        }
    }
}

/// How a square system is factored.
public enum PlanFactorization: String, Hashable, Sendable {
    /// LU with partial pivoting (general square matrices).
    case lu
    /// Cholesky (matrices declared `spd`).
    case cholesky
}

/// A constant a ``PlanKernel/fill(_:)`` step writes.
public enum PlanFill: Hashable, Sendable {
    /// Every element the same value (`ones`, `zeros`, a constant).
    case constant(Double)
    /// The identity matrix (`eye(n)`, `delta[i, j]`).
    case identity
    /// `R[I, i] = 1` when `I mod m == i` (first factor of the reshaping delta, m = size of axis 1).
    case reshapeRows
    /// `Q[I, j] = 1` when `I div m == j` with `m` given (second factor of the reshaping delta).
    case reshapeColumns(m: Int)
}

/// What a step computes. Operand fields are buffer ids; the output is the step's ``PlanStep/output``.
public enum PlanKernel: Hashable, Sendable {
    /// `C = alpha·op(A)·op(B)` (`+=` when accumulating): matrices, BLAS dgemm.
    case gemm(a: Int, transA: Bool, b: Int, transB: Bool, alpha: Double, accumulate: Bool)
    /// `y = alpha·op(A)·x` for a vector `x` (a vector output): BLAS dgemv.
    case gemv(a: Int, transA: Bool, x: Int, alpha: Double, accumulate: Bool)
    /// `C = alpha·x·yᵀ` for vectors (an outer product): BLAS dger.
    case ger(x: Int, y: Int, alpha: Double, accumulate: Bool)
    /// `C = alpha·op(A)·op(A)ᵀ`: with `transA`, `alpha·AᵀA`; without, `alpha·AAᵀ`. BLAS dsyrk, then
    /// the other triangle mirrored (the output is full and symmetric).
    case syrk(a: Int, transA: Bool, alpha: Double, accumulate: Bool)
    /// The scalar `alpha·Σ a ⊙ op(b)`: `tr(A*B)` is `dot(A, B, transB: true)`, `sum(A .* B)` and `x'*y`
    /// are `dot(A, B, transB: false)`.
    case dot(a: Int, b: Int, transB: Bool, alpha: Double)
    /// `C = alpha·Xᵀ·Diag(v)·X` (`+=` when accumulating) without an n×n matrix: X is n×d, v has n
    /// entries, C is d×d.
    case scaledGram(x: Int, v: Int, alpha: Double, accumulate: Bool)
    /// The output element by element from a fused expression (operands broadcast as marked).
    /// `inPlaceOf` names an operand buffer whose storage the output reuses (it dies here), or nil.
    case entrywise(PlanEntrywise, inPlaceOf: Int?)
    /// A scalar: the reduction of a fused entrywise expression over its shape (`tr` sums the
    /// diagonal; `sum(A .* B)` is `reduce(.sum, A*B)` in one pass). The expression's shape is that
    /// of its ``PlanBroadcast/full`` operands (the compiler always gives it one unless it is scalar).
    case reduce(Reduction, PlanEntrywise)
    /// A materialized transpose (only where a kernel cannot take a flag).
    case transpose(Int)
    /// `inv(A)`.
    case inverse(Int, PlanFactorization)
    /// `op(A)⁻¹·B` by a factorization, without forming the inverse.
    case solve(a: Int, transA: Bool, b: Int, PlanFactorization)
    /// `det(A)` (a scalar).
    case determinant(Int, PlanFactorization)
    /// `logdet(A)` (a scalar).
    case logDeterminant(Int, PlanFactorization)
    /// `A^n` for an integer `n` (negative: of the inverse).
    case matrixPower(Int, Int)
    /// NumPy einsum subscripts over the operands (index-form results with no matrix form, `:`).
    case einsum(subscripts: String, operands: [Int])
    /// A constant buffer.
    case fill(PlanFill)
    /// `diag(A)`: the diagonal of a matrix as a vector.
    case diagonal(Int)
    /// `Diag(v)`: a dense diagonal matrix (only when nothing absorbs it as a scaling).
    case diagonalMatrix(Int)
    /// `kron(A, B)`, materialized (only when no product follows).
    case kron(Int, Int)
    /// `vec(A)`: the columns stacked (column-major order).
    case vec(Int)
    /// `softmax(A)`, column by column.
    case softmax(Int)
    /// An opaque function `F(X)` (`derivative == 0`) or its Jacobian tensor, supplied at run time.
    case opaque(String, derivative: Int, Int)
    /// A copy (an output that is an input or another output).
    case copy(Int)

    /// The buffer ids read, in order.
    public var operands: [Int] {
        switch self {
        case .gemm(let a, _, let b, _, _, _): return [a, b]
        case .gemv(let a, _, let x, _, _): return [a, x]
        case .ger(let x, let y, _, _): return [x, y]
        case .syrk(let a, _, _, _): return [a]
        case .dot(let a, let b, _, _): return [a, b]
        case .scaledGram(let x, let v, _, _): return [x, v]
        case .entrywise(let e, _), .reduce(_, let e): return e.operands
        case .transpose(let a), .inverse(let a, _), .determinant(let a, _), .logDeterminant(let a, _),
             .matrixPower(let a, _), .diagonal(let a), .diagonalMatrix(let a), .vec(let a), .softmax(let a),
             .opaque(_, _, let a), .copy(let a):
            return [a]
        case .solve(let a, _, let b, _), .kron(let a, let b): return [a, b]
        case .einsum(_, let xs): return xs
        case .fill: return []
        }
    }

    /// A short name of the kernel: `gemm`, `scaledGram`, `entrywise`, ...
    public var name: String {
        switch self {
        case .gemm: return "gemm"
        case .gemv: return "gemv"
        case .ger: return "ger"
        case .syrk: return "syrk"
        case .dot: return "dot"
        case .scaledGram: return "scaledGram"
        case .entrywise: return "entrywise"
        case .reduce: return "reduce"
        case .transpose: return "transpose"
        case .inverse: return "inverse"
        case .solve: return "solve"
        case .determinant: return "det"
        case .logDeterminant: return "logdet"
        case .matrixPower: return "matrixPower"
        case .einsum: return "einsum"
        case .fill: return "fill"
        case .diagonal: return "diag"
        case .diagonalMatrix: return "Diag"
        case .kron: return "kron"
        case .vec: return "vec"
        case .softmax: return "softmax"
        case .opaque: return "opaque"
        case .copy: return "copy"
        }
    }
}

/// One step of a plan: a kernel writing one buffer.
public struct PlanStep: Hashable, Sendable {
    /// The buffer written.
    public var output: Int
    /// What the step computes, with its operands.
    public var kernel: PlanKernel
    /// What the step computes in the language's matrix notation, over buffer names (`X'*t2`).
    public var formula: String
    /// Floating-point operations at the compiled sizes.
    public var flops: Double
    /// Bytes read and written at the compiled sizes.
    public var bytes: Double
}

/// A result a plan is asked for.
public enum PlanRequest: Hashable, Sendable {
    /// The objective's value: output `value`.
    case value
    /// The gradient by a variable: output `grad_W`.
    case gradient(String)
    /// The Hessian by a variable: output `hessian_W`.
    case hessian(String)

    /// The output buffer's name: `value`, `grad_W`, `hessian_W`.
    public var outputName: String {
        switch self {
        case .value: return "value"
        case .gradient(let w): return "grad_" + w
        case .hessian(let w): return "hessian_" + w
        }
    }
}
