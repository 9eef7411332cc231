#!/usr/bin/env bash
# Builds the two libFuzzer targets with the toolchain's -sanitize=fuzzer into fuzz/.build:
#   symbolic: the sources of Sources/Ricci and fuzz/SymbolicFuzz.swift in one module;
#   readers:  Ricci and RicciNumerics as libraries (GSL/OpenBLAS through Sources/CGSL) and fuzz/ReadersFuzz.swift.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=fuzz/.build
mkdir -p "$OUT"
SWIFTC=${SWIFTC:-swiftc}
# optimized as a release build is (budgets are sized for it), with the fuzzer's coverage instrumentation
FLAGS=(-sanitize=fuzzer -parse-as-library ${FUZZ_OPT:--O} -g -swift-version 5)
RICCI=$(find Sources/Ricci -name '*.swift' | sort)
NUMERICS=$(find Sources/RicciNumerics -name '*.swift' | sort)
if [ "${1:-all}" != readers ]; then
  # shellcheck disable=SC2086
  $SWIFTC "${FLAGS[@]}" -module-name RicciFuzz $RICCI fuzz/SymbolicFuzz.swift -o "$OUT/symbolic"
fi
if [ "${1:-all}" != symbolic ]; then
  # the plans' entrywise kernels (C): an object file and a module map for swiftc
  mkdir -p "$OUT/CRicciKernels"
  printf 'module CRicciKernels {\n    header "%s"\n    export *\n}\n' "$PWD/Sources/CRicciKernels/include/ricci_kernels.h" \
    > "$OUT/CRicciKernels/module.modulemap"
  ${CC:-clang} -O2 -c Sources/CRicciKernels/entrywise.c -I Sources/CRicciKernels/include -o "$OUT/entrywise.o"
  ${CC:-clang} -O2 -c Sources/CRicciKernels/allocator.c -I Sources/CRicciKernels/include -o "$OUT/allocator.o"
  ${CC:-clang} -O2 -c Sources/CRicciKernels/gemv.c -I Sources/CRicciKernels/include -o "$OUT/gemv.o"
  ${CC:-clang} -O2 -c Sources/CRicciKernels/pool.c -I Sources/CRicciKernels/include -o "$OUT/pool.o"
  ${CC:-clang} -O2 -c Sources/CRicciKernels/cpus.c -I Sources/CRicciKernels/include -o "$OUT/cpus.o"
  # shellcheck disable=SC2086
  $SWIFTC "${FLAGS[@]}" -module-name Ricci -emit-module -emit-module-path "$OUT/Ricci.swiftmodule" \
    -emit-library -static -o "$OUT/libRicci.a" $RICCI
  # shellcheck disable=SC2086
  $SWIFTC "${FLAGS[@]}" -module-name RicciNumerics -I "$OUT" -I Sources/CGSL -I "$OUT/CRicciKernels" -emit-module \
    -emit-module-path "$OUT/RicciNumerics.swiftmodule" -emit-library -static -o "$OUT/libRicciNumerics.a" $NUMERICS
  $SWIFTC "${FLAGS[@]}" -module-name ReadersFuzz -I "$OUT" -I Sources/CGSL -I "$OUT/CRicciKernels" -L "$OUT" -lRicciNumerics -lRicci \
    "$OUT/entrywise.o" "$OUT/allocator.o" "$OUT/gemv.o" "$OUT/pool.o" "$OUT/cpus.o" -lgsl -lopenblas -lm fuzz/ReadersFuzz.swift -o "$OUT/readers"
fi
