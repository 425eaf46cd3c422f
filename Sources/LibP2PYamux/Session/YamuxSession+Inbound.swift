// Handling the peer's frames.
extension YamuxSession {
    /// What to do with a frame once its header is known.
    enum Admission {
        /// No payload: handle the header now.
        case handle
        /// Wait for the payload, then handle the frame.
        case readPayload
        /// Skip the payload as it arrives, handle the header now.
        case discardPayload
        /// The header alone breaks the protocol.
        case reject(YamuxProtocolError)
    }

    /// Decodes and handles every whole frame in the decoder.
    mutating func processInput() {
        while case .active = state {
            if let header = pendingHeader {
                guard let payload = decoder.readPayload(count: Int(header.length)) else { return }
                pendingHeader = nil
                handle(header, payload: payload)
                continue
            }
            let header: YamuxFrameHeader
            do throws(YamuxProtocolError) {
                guard let next = try decoder.readHeader() else { return }
                header = next
            } catch {
                fail(error)
                return
            }
            switch admission(of: header) {
            case .handle:
                handle(header, payload: [])
            case .readPayload:
                pendingHeader = header
            case .discardPayload:
                decoder.discard(count: Int(header.length))
                handle(header, payload: [])
            case .reject(let error):
                fail(error)
            }
        }
    }

    /// Checks a header before any of its payload is buffered: a Data frame may carry at
    /// most what the stream's window allows (a new stream's window is the spec's default).
    func admission(of header: YamuxFrameHeader) -> Admission {
        guard header.type == .data, header.length > 0 else { return .handle }
        let id = header.streamID
        if id == .session { return .reject(.invalidStreamID(id)) }
        if header.flags.contains(.rst) { return .discardPayload }
        if header.flags.contains(.syn) {
            return header.length <= YamuxConfiguration.defaultWindow ? .readPayload : .reject(.windowExceeded(id))
        }
        guard let stream = streams[id] else { return .discardPayload }
        return header.length <= stream.receiveWindow ? .readPayload : .reject(.windowExceeded(id))
    }

    mutating func handle(_ header: YamuxFrameHeader, payload: [UInt8]) {
        switch header.type {
        case .ping:
            if header.flags.contains(.syn) {
                events.append(.pingReceived(opaque: header.length))
                appendHeader(.ping, .ack, .session, header.length)
            } else if header.flags.contains(.ack) {
                events.append(.pong(opaque: header.length))
            }
        case .goAway:
            guard remoteGoAway == nil else { return }
            let code = YamuxGoAwayCode(rawValue: header.length)
            remoteGoAway = code
            events.append(.goAwayReceived(code))
        case .data, .windowUpdate:
            handleStreamFrame(header, payload: payload)
        }
    }

    /// A Data or WindowUpdate frame. Flags are honoured on both types, in the order RST,
    /// SYN, ACK, window or data, FIN.
    mutating func handleStreamFrame(_ header: YamuxFrameHeader, payload: [UInt8]) {
        let id = header.streamID
        let flags = header.flags
        if id == .session {
            // Session-level WindowUpdates mean nothing in yamux 1.0.0; a SYN or Data there is wrong.
            if header.type == .data || flags.contains(.syn) { fail(.invalidStreamID(id)) }
            return
        }
        if flags.contains(.rst) {
            if streams[id] != nil {
                forget(id)
                events.append(.streamReset(id))
            }
            return
        }
        if flags.contains(.syn) {
            guard acceptInboundStream(id) else { return }
        }
        guard streams[id] != nil else {
            // Forgotten or never opened. Data is refused; a late WindowUpdate is harmless.
            if header.type == .data { appendHeader(.data, .rst, id, 0) }
            return
        }
        if flags.contains(.ack), streams[id]!.awaitingAck {
            streams[id]!.awaitingAck = false
            events.append(.streamAccepted(id))
        }
        var settle = false
        switch header.type {
        case .windowUpdate:
            // After our FIN the window no longer matters: ignore it, never fail on it.
            if header.length > 0, streams[id]!.writeSide != .finSent {
                streams[id]!.addSendCredit(header.length)
                settle = true
            }
        case .data where !payload.isEmpty:
            if streams[id]!.remoteClosedWrite {
                // Data after the peer's own FIN: this stream is broken, the session is not.
                appendHeader(.data, .rst, id, 0)
                forget(id)
                events.append(.streamReset(id))
                return
            }
            guard payload.count <= streams[id]!.receiveWindow else {
                fail(.windowExceeded(id))
                return
            }
            streams[id]!.receiveWindow -= UInt32(payload.count)
            streams[id]!.unconsumed += payload.count
            events.append(.data(id, payload))
        default:
            break
        }
        if flags.contains(.fin), !streams[id]!.remoteClosedWrite {
            streams[id]!.remoteClosedWrite = true
            events.append(.remoteClosedWrite(id))
            settle = true
        }
        if settle { flush(id) }
    }

    /// Opens a stream for the peer's SYN, or refuses it with RST (limit, GoAway), or fails
    /// the session (wrong parity, reuse). Returns whether the stream is open.
    mutating func acceptInboundStream(_ id: YamuxStreamID) -> Bool {
        guard id.isClientInitiated == (role == .server) else {
            fail(.invalidStreamID(id))
            return false
        }
        guard streams[id] == nil, !closedInbound.contains(id) else {
            fail(.streamIDReused(id))
            return false
        }
        guard localGoAway == nil, inboundStreamCount < configuration.maxInboundStreams else {
            appendHeader(.data, .rst, id, 0)
            closedInbound.insert(id)
            return false
        }
        var stream = YamuxStream(id: id, isOutbound: false, targetWindow: configuration.initialWindow)
        let delta = stream.grantInitialWindow()
        streams[id] = stream
        inboundStreamCount += 1
        events.append(.streamOpened(id))
        appendHeader(.windowUpdate, .ack, id, delta)
        return true
    }
}
