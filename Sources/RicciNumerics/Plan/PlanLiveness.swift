import Ricci

/// Storage by liveness: each temporary takes a slot free at its first write (the slot of an operand
/// dying at that step when the step is entrywise, so the loop runs in place); the peak is known
/// before running.
enum PlanLiveness {
    /// Assigns slots and in-place flags; returns the slot sizes (elements) and the peak bytes.
    static func assign(_ buffers: inout [PlanBuffer], _ steps: inout [PlanStep]) -> (slots: [Int], peak: Double) {
        var lastUse = [Int](repeating: -1, count: buffers.count)
        for (s, step) in steps.enumerated() {
            for b in step.kernel.operands { lastUse[b] = s }
            lastUse[step.output] = max(lastUse[step.output], s)
        }
        var slots: [Int] = []
        var occupant: [Int?] = []
        for (s, step) in steps.enumerated() {
            // free slots whose buffer died before this step
            for k in occupant.indices { if let b = occupant[k], lastUse[b] < s { occupant[k] = nil } }
            let out = step.output
            guard buffers[out].role == .temporary, buffers[out].slot < 0 else { continue }
            let need = buffers[out].count
            if case .entrywise(let tree, _) = step.kernel {
                let full = fullOperands(tree)
                if let dying = full.first(where: { b in
                    buffers[b].role == .temporary && lastUse[b] == s && buffers[b].count == need && buffers[b].slot >= 0
                }) {
                    buffers[out].slot = buffers[dying].slot
                    occupant[buffers[out].slot] = out
                    steps[s].kernel = .entrywise(tree, inPlaceOf: dying)
                    continue
                }
            }
            let free = occupant.indices.filter { occupant[$0] == nil }
            let fit = free.filter { slots[$0] >= need }.min { slots[$0] < slots[$1] }
                ?? free.max { slots[$0] < slots[$1] }
            if let k = fit {
                slots[k] = max(slots[k], need)
                occupant[k] = out
                buffers[out].slot = k
            } else {
                slots.append(need)
                occupant.append(out)
                buffers[out].slot = slots.count - 1
            }
        }
        var elements = slots.reduce(0.0) { $0 + Double($1) }
        for b in buffers where b.role != .temporary { elements += Double(b.count) }
        return (slots, elements * 8)
    }

    /// Buffers read element for element (same position) by a fused expression: safe to overwrite.
    static func fullOperands(_ e: PlanEntrywise) -> [Int] {
        var full: [Int] = [], other: Set<Int> = []
        func walk(_ e: PlanEntrywise) {
            switch e {
            case .operand(let b, let how): if how == .full { full.append(b) } else { other.insert(b) }
            case .constant: break
            case .negate(let x), .power(let x, _), .function(_, _, let x), .user(_, _, let x): walk(x)
            case .add(let xs), .multiply(let xs): xs.forEach(walk)
            case .subtract(let a, let b), .divide(let a, let b): walk(a); walk(b)
            }
        }
        walk(e)
        return full.filter { !other.contains($0) }
    }
}
