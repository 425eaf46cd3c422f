// Writing frames, draining stream queues, and ending streams and the session.
extension YamuxSession {
    mutating func appendHeader(
        _ type: YamuxFrameType, _ flags: YamuxFlags, _ id: YamuxStreamID, _ length: UInt32
    ) {
        YamuxFrameHeader(type: type, flags: flags, streamID: id, length: length).encode(into: &output)
    }

    /// Frames as much of the stream's queue as its send window allows and then the FIN if
    /// one is due; reports `.windowAvailable`, and `.streamClosed` when both halves are done.
    mutating func flush(_ id: YamuxStreamID) {
        guard var stream = streams.removeValue(forKey: id) else { return }
        let frameLength = Int(configuration.maxSendFrameLength)
        while stream.queuedBytes > 0, stream.sendWindow > 0 {
            let length = min(stream.queuedBytes, Int(stream.sendWindow), frameLength)
            let carriesFin = length == stream.queuedBytes && stream.writeSide == .finQueued
            appendHeader(.data, carriesFin ? .fin : [], id, UInt32(length))
            stream.dequeue(length, into: &output)
            stream.sendWindow -= UInt32(length)
            if carriesFin { stream.writeSide = .finSent }
        }
        if stream.queuedBytes == 0, stream.writeSide == .finQueued {
            appendHeader(.data, .fin, id, 0)
            stream.writeSide = .finSent
        }
        if stream.blocked, stream.writeSide == .open, stream.queuedBytes == 0, stream.sendWindow > 0 {
            stream.blocked = false
            events.append(.windowAvailable(id))
        }
        if stream.isClosed {
            streams[id] = stream
            forget(id)
            events.append(.streamClosed(id))
        } else {
            streams[id] = stream
        }
    }

    /// Removes a stream; remembers an inbound id so that it cannot be reused.
    mutating func forget(_ id: YamuxStreamID) {
        guard let stream = streams.removeValue(forKey: id) else { return }
        // An idle session keeps no table storage (a relay holds thousands of them).
        if streams.isEmpty { streams = [:] }
        if stream.isOutbound {
            outboundStreamCount -= 1
        } else {
            inboundStreamCount -= 1
            closedInbound.insert(id)
        }
    }

    /// Ends the session: queues GoAway(protocol error), drops every stream and reports
    /// the error. Later input is ignored.
    mutating func fail(_ error: YamuxProtocolError) {
        guard case .active = state else { return }
        state = .failed(error)
        appendHeader(.goAway, [], .session, YamuxGoAwayCode.protocolError.rawValue)
        if localGoAway == nil { localGoAway = .protocolError }
        streams.removeAll()
        inboundStreamCount = 0
        outboundStreamCount = 0
        pendingHeader = nil
        decoder.clear()
        events.append(.protocolError(error))
    }
}
