import DequeModule

/// One stream's state inside a ``YamuxSession`` (see the diagram at the top of
/// YamuxSession.swift): its two halves, its windows, and the data waiting for window.
struct YamuxStream: Sendable {
    /// This side's write half.
    enum WriteSide: Sendable, Equatable {
        /// Writes allowed.
        case open
        /// closeWrite() was called; the FIN goes out after the queued data.
        case finQueued
        /// The FIN is in the output.
        case finSent
    }

    let id: YamuxStreamID
    /// Opened by this side (we sent the SYN).
    let isOutbound: Bool
    /// We sent a SYN and have not seen the ACK yet.
    var awaitingAck: Bool
    var writeSide: WriteSide = .open
    /// The peer sent FIN.
    var remoteClosedWrite = false

    /// Bytes we may still send before the peer grants more.
    var sendWindow: UInt32 = YamuxConfiguration.defaultWindow
    /// Data accepted by write() but not yet framed, oldest first.
    private(set) var sendQueue: Deque<ArraySlice<UInt8>> = []
    private(set) var queuedBytes = 0
    /// A write found no window; report `.windowAvailable` when it opens again.
    var blocked = false

    /// Credit the peer still has: bytes it may send before we grant more.
    var receiveWindow: UInt32 = YamuxConfiguration.defaultWindow
    /// Bytes delivered to the application and not yet reported consumed.
    var unconsumed = 0
    /// The receive window we aim to keep granted (grows with auto-tuning).
    var targetWindow: UInt32

    init(id: YamuxStreamID, isOutbound: Bool, targetWindow: UInt32) {
        self.id = id
        self.isOutbound = isOutbound
        self.awaitingAck = isOutbound
        self.targetWindow = targetWindow
    }

    /// Both halves are closed: the stream can be forgotten.
    var isClosed: Bool { writeSide == .finSent && remoteClosedWrite }

    /// Raises the granted window from the spec's default to the target; returns the
    /// increment to announce with the SYN or ACK (0 when the target is the default).
    mutating func grantInitialWindow() -> UInt32 {
        let delta = targetWindow - receiveWindow
        receiveWindow = targetWindow
        return delta
    }

    /// Adds send credit, saturating at 2^32 - 1.
    mutating func addSendCredit(_ delta: UInt32) {
        let (sum, overflow) = sendWindow.addingReportingOverflow(delta)
        sendWindow = overflow ? .max : sum
    }

    mutating func enqueue(_ bytes: ArraySlice<UInt8>) {
        sendQueue.append(bytes)
        queuedBytes += bytes.count
    }

    /// Moves the first `count` queued bytes (at most ``queuedBytes``) to `output`.
    mutating func dequeue(_ count: Int, into output: inout [UInt8]) {
        var remaining = count
        while remaining > 0, let first = sendQueue.first {
            if first.count <= remaining {
                output.append(contentsOf: first)
                remaining -= first.count
                queuedBytes -= first.count
                sendQueue.removeFirst()
            } else {
                output.append(contentsOf: first.prefix(remaining))
                sendQueue[sendQueue.startIndex] = first.dropFirst(remaining)
                queuedBytes -= remaining
                remaining = 0
            }
        }
    }

    /// Drops the queue (the stream is reset).
    mutating func dropQueue() {
        sendQueue.removeAll()
        queuedBytes = 0
    }

    /// The WindowUpdate increment to send now, or `nil`: an update goes out once at least
    /// half the target window is free again (go-yamux and rust-yamux do the same), so that
    /// updates stay rare but the sender never waits for a whole window.
    mutating func takeWindowUpdate(maxWindow: UInt32, autoTune: Bool) -> UInt32? {
        if autoTune, receiveWindow == 0, targetWindow < maxWindow {
            // The peer used all its credit: the window, not our reader, limited it.
            targetWindow = UInt32(min(UInt64(targetWindow) * 2, UInt64(maxWindow)))
        }
        let granted = UInt64(receiveWindow) + UInt64(unconsumed)
        guard granted < UInt64(targetWindow) else { return nil }
        let delta = UInt32(UInt64(targetWindow) - granted)
        guard delta >= targetWindow / 2 else { return nil }
        receiveWindow += delta
        return delta
    }
}
