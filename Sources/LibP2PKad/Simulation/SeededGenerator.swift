import LibP2PCore

/// The simulator's deterministic generator, so a simulation with the same seed runs the same
/// way everywhere.
public typealias SeededGenerator = SplitMix64
