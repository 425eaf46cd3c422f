import Foundation
import LibP2PKad
import Testing

@Suite(.serialized) struct KadSimulationTests {
    static let nodes = 1000

    /// One bootstrap of 1,000 nodes, measured before and after 10% of them die.
    @Test func thousandNodesWithAndWithoutChurn() {
        var parameters = KadSimulation.Parameters(nodeCount: Self.nodes)
        parameters.seed = 11
        var simulation = KadSimulation(parameters)
        simulation.bootstrap()
        let healthy = simulation.measure(lookups: 400)
        print("kad simulation, no churn:", healthy)
        #expect(healthy.successRate == 1)
        #expect(healthy.medianHops <= Double(Self.nodes).log2Value / 2 + 1)

        simulation.kill(fraction: 0.1)
        let churned = simulation.measure(lookups: 400)
        print("kad simulation, 10% churn:", churned)
        #expect(churned.deadCount == 100)
        #expect(churned.successRate >= 0.99)
        #expect(churned.medianHops <= Double(Self.nodes).log2Value / 2 + 1)
    }

    @Test func clientsStayOutOfTablesAndMessagesGoThroughTheWire() {
        var parameters = KadSimulation.Parameters(nodeCount: 150)
        parameters.lookups = 100
        parameters.clientFraction = 0.2
        parameters.throughWire = true
        parameters.seed = 13
        let report = KadSimulation.run(parameters)
        print("kad simulation:", report)
        #expect(report.clientsInTables == 0)
        #expect(report.successRate == 1)
    }
}

extension Double {
    var log2Value: Double {
        var result = 0.0
        var value = self
        while value >= 2 { value /= 2; result += 1 }
        return result + (value - 1)  // close enough between powers of two; exact at them
    }
}

/// The large figures: 10,000 nodes (about a minute in a debug build; runs in CI).
/// `KAD_LARGE_SIMULATION_NODES` sets another size: `make sanitize-address` runs it with fewer
/// nodes (AddressSanitizer makes the 10,000-node network take many minutes), the same code
/// on a smaller network.
@Suite(.serialized)
struct KadLargeSimulationTests {
    static let nodes = ProcessInfo.processInfo.environment["KAD_LARGE_SIMULATION_NODES"].flatMap { Int($0) } ?? 10_000

    @Test func tenThousandNodes() {
        var parameters = KadSimulation.Parameters(nodeCount: Self.nodes)
        parameters.seed = 2026
        var simulation = KadSimulation(parameters)
        simulation.bootstrap()
        // The same seed bootstraps the same network again, for a fresh 30% churn.
        var second = simulation
        let healthy = simulation.measure(lookups: 1000)
        print("kad simulation, no churn:", healthy)
        simulation.kill(fraction: 0.1)
        let ten = simulation.measure(lookups: 1000)
        print("kad simulation, 10% churn:", ten)
        second.kill(fraction: 0.3)
        let thirty = second.measure(lookups: 1000)
        print("kad simulation, 30% churn:", thirty)
        #expect(healthy.successRate >= 0.99)
        #expect(ten.successRate >= 0.99)
        #expect(thirty.deadCount == Int((Double(Self.nodes) * 0.3).rounded()))
    }
}
