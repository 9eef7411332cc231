// swift-tools-version:5.10
import PackageDescription

let package = Package(
    name: "Ricci",
    products: [
        .library(name: "Ricci", targets: ["Ricci"]),
        .library(name: "RicciNumerics", targets: ["RicciNumerics"]),
        .executable(name: "ricci", targets: ["ricci"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `make docs`: the DocC catalogs (Sources/*/*.docc) built to static HTML; no code depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The symbolic core: parsing, shapes, index form, lowering, printing. No numerics, no C.
        .target(name: "Ricci"),
        // GSL with OpenBLAS linked ahead of it (see module.modulemap); no Swift API of its own.
        .systemLibrary(name: "CGSL", path: "Sources/CGSL"),
        // Entrywise kernels of the numeric plans (tanh, exp, sigmoid), vectorized C compiled for
        // AVX-512, AVX2+FMA and baseline x86-64, chosen by the processor at run time.
        .target(name: "CRicciKernels"),
        // Dense tensors, .npy/.csv I/O, GSL/BLAS kernels, the contraction planner, evaluation.
        .target(name: "RicciNumerics", dependencies: ["Ricci", "CGSL", "CRicciKernels"]),
        // The command-line tool: argument parsing only, calling the libraries.
        .executableTarget(name: "ricci", dependencies: [
            "Ricci", "RicciNumerics",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "RicciTests", dependencies: ["Ricci"]),
        .testTarget(name: "RicciNumericsTests", dependencies: ["Ricci", "RicciNumerics"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RicciCLITests", dependencies: ["Ricci", "RicciNumerics"]),
        // The ```swift blocks of README.md and of the DocC articles, one test each (make snippets).
        .testTarget(name: "RicciDocTests", dependencies: ["Ricci", "RicciNumerics"]),
    ]
)
