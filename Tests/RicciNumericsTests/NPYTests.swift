import Foundation
import XCTest
@testable import RicciNumerics

final class NPYTests: XCTestCase {
    /// The fixture values: element i (row-major) is i*0.5 - 1 for floats, i - 3 for integers.
    private func expected(_ shape: [Int], integer: Bool = false) throws -> Tensor {
        let n = shape.reduce(1, *)
        return try Tensor(shape: shape, data: (0..<n).map { integer ? Double($0 - 3) : Double($0) * 0.5 - 1 })
    }

    func testVersions1To3() throws {
        for name in ["v1_f8_2x3.npy", "v2_f8_2x3.npy", "v3_f8_2x3.npy"] {
            XCTAssertEqual(try NPY.read(contentsOf: fixture(name)), try expected([2, 3]), name)
        }
    }

    func testFortranOrderBecomesRowMajor() throws {
        XCTAssertEqual(try NPY.read(contentsOf: fixture("fortran_f8_3x4.npy")), try expected([3, 4]))
        XCTAssertEqual(try NPY.read(contentsOf: fixture("fortran_f8_2x3x4.npy")), try expected([2, 3, 4]))
    }

    func testOtherDtypesAndShapes() throws {
        XCTAssertEqual(try NPY.read(contentsOf: fixture("f4_2x2.npy")), try expected([2, 2]))
        XCTAssertEqual(try NPY.read(contentsOf: fixture("i8_5.npy")), try expected([5], integer: true))
        XCTAssertEqual(try NPY.read(contentsOf: fixture("i4_2x3.npy")), try expected([2, 3], integer: true))
        XCTAssertEqual(try NPY.read(contentsOf: fixture("b1_4.npy")).data, [1, 0, 0, 1])
        XCTAssertEqual(try NPY.read(contentsOf: fixture("vector_f8_7.npy")), try expected([7]))
        XCTAssertEqual(try NPY.read(contentsOf: fixture("tensor3_f8_2x3x4.npy")), try expected([2, 3, 4]))
        XCTAssertEqual(try NPY.read(contentsOf: fixture("scalar_f8.npy")), Tensor(scalar: 2.5))
    }

    func testRoundTrip() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ricci-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var rng = try RandomSource(seed: 7)
        for shape in [[], [5], [3, 4], [2, 3, 4], [2, 1, 3, 2], [0, 3]] {
            let t = try rng.tensor(shape: shape)
            let path = directory.appendingPathComponent("t.npy").path
            try NPY.write(t, to: path)
            XCTAssertEqual(try NPY.read(contentsOf: path), t, "\(shape)")
            XCTAssertEqual(NPY.encode(t).prefix(10).count, 10)
        }
        // The header is padded so the data starts on a 64-byte boundary, as NumPy does.
        let data = NPY.encode(Tensor(vector: [1, 2]))
        XCTAssertEqual((data.count - 16) % 64, 0)
        XCTAssertEqual(Array(data[6..<8]), [1, 0])
    }

    func testMalformedFilesGiveClearErrors() {
        func message(_ name: String) -> String {
            guard case .file(_, let text)? = numericError({ try NPY.read(contentsOf: fixture(name)) }) else { return "" }
            return text
        }
        XCTAssertTrue(message("malformed_truncated.npy").contains("truncated"))
        XCTAssertTrue(message("malformed_magic.npy").contains("not a .npy file"))
        XCTAssertTrue(message("malformed_header.npy").contains("truncated"))
        XCTAssertTrue(message("bigendian_f8_2.npy").contains("big-endian"))
        XCTAssertTrue(message("complex_c16_2.npy").contains("complex"))
        XCTAssertTrue(message("no_such_file.npy").contains("no such file"))
        XCTAssertTrue(message("matrix_3x2.csv").contains("not a .npy file"))
    }

    func testNeverTrapsOnGarbage() {
        var rng = try? RandomSource(seed: 11)
        let valid = NPY.encode(Tensor(vector: [1, 2, 3]))
        for length in 0..<valid.count {
            _ = try? NPY.decode(valid.prefix(length))
        }
        for _ in 0..<500 {
            var bytes = [UInt8](valid)
            let position = rng?.integer(below: bytes.count) ?? 0
            bytes[position] = UInt8(rng?.integer(below: 256) ?? 0)
            _ = try? NPY.decode(Data(bytes))
        }
        let huge = Data("\u{93}NUMPY".utf8.dropFirst(0))  // not even the right magic bytes
        XCTAssertThrowsError(try NPY.decode(huge))
        let absurd = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000000000), }"
        var header = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(absurd.utf8.count), 0])
        header.append(contentsOf: Array(absurd.utf8))
        guard case .tooLarge? = numericError({ try NPY.decode(header) }) else { return XCTFail("expected tooLarge") }
    }

    /// A fuzz finding (readers target): a Fortran-order file of zero elements whose other axes are
    /// huge trapped on an overflow while its axes were merged for the transpose to row-major order.
    func testEmptyFortranOrderFileWithHugeAxes() throws {
        // (3, 0, 2^62, 7) read back to front: two axes of strides 0 were merged into 2^62·7 entries
        for shape in ["(3, 0, 4611686018427387904, 7)", "(2, 0, 1099511627776, 1099511627776)"] {
            let text = "{'descr': '<f8', 'fortran_order': True, 'shape': \(shape), }"
            var file = Data([0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, UInt8(text.utf8.count), 0])
            file.append(contentsOf: Array(text.utf8))
            let t = try NPY.decode(file)
            XCTAssertEqual(t.count, 0, shape)
            XCTAssertTrue(t.shape.contains(0), shape)
        }
    }
}
