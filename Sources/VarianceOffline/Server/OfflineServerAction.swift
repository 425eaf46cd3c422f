/// What the relay's shell does next for one stream, as ``OfflineServerSession`` decides.
package enum OfflineServerAction: Sendable, Equatable {
    /// Read the next message and pass it to ``OfflineServerSession/receive(_:)`` (or, at
    /// the end of input, call ``OfflineServerSession/endOfInput()``).
    case read
    /// Write this message body, then read.
    case write([UInt8])
    /// Write this message body, then close the stream.
    case writeAndClose([UInt8])
    /// Deposit the envelope in the store, then report with
    /// ``OfflineServerSession/stored(_:)`` or ``OfflineServerSession/storeFailed()``.
    case store(OfflineEnvelope)
    /// Delete these acknowledged ids from the mailbox (none: skip), then load the next page
    /// and report with ``OfflineServerSession/loaded(_:)`` or
    /// ``OfflineServerSession/storeFailed()``. Deleting and loading need not be atomic.
    case acknowledgeAndLoad(acknowledged: [EnvelopeID], page: PageRequest)
    /// Close the stream without writing.
    case close
}

/// One page of a mailbox to load for a fetch batch.
package struct PageRequest: Sendable, Equatable {
    /// The mailbox.
    package var recipient: RecipientKey
    /// Only envelopes deposited after this sequence (0: from the start).
    package var after: Int64
    /// At most this many envelopes.
    package var limit: Int
    /// At most this many payload bytes, except that the first envelope always comes.
    package var maxBytes: Int
}
