// libFuzzer target over the file readers and einsum subscripts: the bytes as an .npy file, as a
// .csv text, and (the first line) as einsum subscripts planned over small shapes.
import Foundation
import RicciNumerics

@_cdecl("LLVMFuzzerTestOneInput")
public func readersFuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    _ = try? NPY.decode(bytes)
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? CSV.parse(text)
    let subscripts = String(text.prefix { $0 != "\n" }.prefix(200))
    let operands = subscripts.split(separator: "-").first?.split(separator: ",").count ?? 1
    let shapes = (0..<min(operands, 8)).map { k in
        Array(repeating: 2 + k % 3, count: min(6, subscripts.split(separator: ",").dropFirst(k).first?.count ?? 1))
    }
    let plan = try? Einsum.plan(subscripts, shapes: shapes)
    // contracted only when every intermediate is small (a legitimate 10^7-entry result is slow, not a hang)
    if let plan, plan.steps.allSatisfy({ $0.size <= 65_536 }), shapes.allSatisfy({ $0.reduce(1, *) <= 4_096 }) {
        let tensors = shapes.compactMap { try? Tensor(repeating: 1, shape: $0) }
        if tensors.count == shapes.count { _ = try? Einsum.einsum(subscripts, tensors) }
    }
    return 0
}
