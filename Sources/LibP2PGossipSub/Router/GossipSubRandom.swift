import LibP2PCore

/// The router's deterministic random number generator. The shell seeds it from the system
/// generator; tests seed it with a constant so that a run repeats exactly.
public typealias GossipSubRandom = SplitMix64
