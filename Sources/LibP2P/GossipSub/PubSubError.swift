import LibP2PGossipSub

/// Why a ``PubSub`` call failed. Small and free of message contents, so it can be logged.
public enum PubSubError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The service was stopped (or never started).
    case notRunning
    /// Already subscribed to ``PubSubConfiguration/maxTopics`` topics.
    case tooManyTopics(limit: Int)
    /// Already ``PubSubConfiguration/maxSubscribersPerTopic`` subscriptions on this topic.
    case tooManySubscribers(limit: Int)
    /// The router refused: an empty or too long topic, or a message over the size limit.
    case refused(GossipSubError)

    /// A sentence saying what is wrong.
    public var description: String {
        switch self {
        case .notRunning: "the pubsub service is not running"
        case .tooManyTopics(let limit): "already subscribed to \(limit) topics, the limit"
        case .tooManySubscribers(let limit): "already \(limit) subscriptions on this topic, the limit"
        case .refused(let error): "\(error)"
        }
    }
}
