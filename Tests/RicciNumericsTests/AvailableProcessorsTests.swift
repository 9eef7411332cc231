import Foundation
import XCTest
@testable import RicciNumerics

/// Thread counts follow the affinity mask (`taskset`, a container's cpuset), not the machine's count.
final class AvailableProcessorsTests: XCTestCase {
    func testTheCountIsBetweenOneAndTheMachinesProcessors() {
        let n = AvailableProcessors.current()
        XCTAssertGreaterThanOrEqual(n, 1)
        XCTAssertLessThanOrEqual(n, ProcessInfo.processInfo.activeProcessorCount)
        XCTAssertLessThanOrEqual(PlanEntrywiseLoop.threads, max(n, 1))
    }
}
