extension YamuxSession {
    /// Sends `data` on a stream, as far as its send window allows; the rest waits in the
    /// session and goes out as WindowUpdates arrive (then ``YamuxEvent/windowAvailable(_:)``
    /// reports the stream writable again).
    ///
    /// For back-pressure, write only while ``queuedBytes(of:)`` is 0, or at most
    /// ``sendCapacity(of:)`` bytes at a time.
    ///
    /// - Returns: How many bytes went into frames now; the rest is queued.
    /// - Throws: ``YamuxError/unknownStream``, ``YamuxError/writeClosed``,
    ///   ``YamuxError/sessionFailed``, or ``YamuxError/sendBufferFull`` (nothing written).
    @discardableResult
    public mutating func write(stream id: YamuxStreamID, data: [UInt8]) throws(YamuxError) -> Int {
        guard case .active = state else { throw .sessionFailed }
        guard let writeSide = streams[id]?.writeSide else { throw .unknownStream }
        guard writeSide == .open else { throw .writeClosed }
        guard !data.isEmpty else { return 0 }
        let queued = streams[id]!.queuedBytes
        let immediate = queued == 0 ? min(data.count, Int(streams[id]!.sendWindow)) : 0
        guard queued + data.count - immediate <= configuration.maxBufferedBytesPerStream else {
            throw .sendBufferFull
        }
        let frameLength = Int(configuration.maxSendFrameLength)
        var offset = 0
        while offset < immediate {
            let length = min(immediate - offset, frameLength)
            appendHeader(.data, [], id, UInt32(length))
            output.append(contentsOf: data[offset..<offset + length])
            offset += length
        }
        streams[id]!.sendWindow -= UInt32(immediate)
        if immediate < data.count {
            streams[id]!.enqueue(data[immediate...])
        }
        if streams[id]!.queuedBytes > 0 || streams[id]!.sendWindow == 0 {
            streams[id]!.blocked = true
        }
        return immediate
    }

    /// How many bytes a write on `stream` would put on the wire at once: its send window
    /// when nothing is queued, else 0. 0 for streams that are not open for writing.
    public func sendCapacity(of stream: YamuxStreamID) -> Int {
        guard let stream = streams[stream], stream.writeSide == .open, stream.queuedBytes == 0 else { return 0 }
        return Int(stream.sendWindow)
    }

    /// Bytes written to `stream` that wait in the session for send window.
    public func queuedBytes(of stream: YamuxStreamID) -> Int {
        streams[stream]?.queuedBytes ?? 0
    }

    /// Reports that the application has taken `bytes` bytes of `stream`'s data. Queues a
    /// WindowUpdate once half the stream's window is free again. Unknown streams are
    /// ignored (data may still arrive after a reset).
    public mutating func consumed(stream id: YamuxStreamID, bytes: Int) {
        guard case .active = state, bytes > 0, let unconsumed = streams[id]?.unconsumed else { return }
        streams[id]!.unconsumed = unconsumed - min(bytes, unconsumed)
        guard !streams[id]!.remoteClosedWrite else { return }
        if let delta = streams[id]!.takeWindowUpdate(
            maxWindow: configuration.maxWindow, autoTune: configuration.autoTuneWindow)
        {
            appendHeader(.windowUpdate, [], id, delta)
        }
    }

    /// Half-closes `stream`: a FIN follows the data already written (at once if nothing
    /// waits for window). Reading goes on until the peer's FIN; when both sides have closed,
    /// ``YamuxEvent/streamClosed(_:)`` is queued (collect it with ``takeEvents()``).
    /// Closing twice does nothing.
    ///
    /// - Throws: ``YamuxError/unknownStream``, ``YamuxError/sessionFailed``.
    public mutating func closeWrite(stream id: YamuxStreamID) throws(YamuxError) {
        guard case .active = state else { throw .sessionFailed }
        guard let writeSide = streams[id]?.writeSide else { throw .unknownStream }
        guard writeSide == .open else { return }
        streams[id]!.writeSide = .finQueued
        flush(id)
    }

    /// Aborts `stream`: queues RST, drops its queued data and forgets it. No event is
    /// queued for it. Unknown streams are ignored.
    public mutating func reset(stream id: YamuxStreamID) {
        guard case .active = state, streams[id] != nil else { return }
        appendHeader(.data, .rst, id, 0)
        forget(id)
    }
}
