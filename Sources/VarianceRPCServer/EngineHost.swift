#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Logging
import Synchronization
import UnixSignals
import VarianceEngine
import VarianceRPC

/// Runs an engine behind the stdio server: `engine.ready`, the read loop, the event pump,
/// signals, and a clean exit (every request read is answered first).
public enum EngineHost {
    /// Never returns: exits 0 after end of input, `engine.shutdown`, SIGTERM or SIGINT;
    /// exits 1 if the engine cannot start (after `engine.failed`).
    public static func run(
        configuration: EngineConfiguration, logger: Logger, inputFD: Int32, outputFD: Int32,
        framing: Framing = .lineDelimited
    ) -> Never {
        let writer = OutputWriter(fd: outputFD)
        let engine: Engine
        do {
            engine = try Engine(configuration: configuration, logger: logger, encodeEvent: EventCoding.encoder)
        } catch {
            logger.critical("The engine cannot start", metadata: ["reason": "\(error.message)"])
            writer.send(
                RPCFrame.notification(method: EngineNotification.failed, params: ["reason": .string(error.message)]),
                framing: framing)
            exit(1)
        }

        let late = LateBound()
        let control = ServerControl(
            shutdown: { late.server?.requestStop() },
            subscribe: { late.server?.subscribe(kinds: $0) })
        var limits = RPCServer.Limits()
        limits.maxMessageBytes = configuration.maxMessageBytes
        let server = RPCServer(
            writer: writer, methods: EngineMethods.table(engine: engine, control: control), limits: limits,
            logger: logger, initialFraming: framing)
        late.server = server

        var ready: JSONObject = [
            "version": .string(EngineVersion.version), "protocolVersion": .int(Int64(EngineVersion.protocolVersion)),
            "identity": .string(engine.identityState.rawValue),
        ]
        if let did = engine.readyDID { ready["did"] = .string(did) }
        writer.send(RPCFrame.notification(method: EngineNotification.ready, params: .object(ready)), framing: framing)

        Task.detached(priority: .utility) { await engine.prepare() }
        // Ends when the engine closes its event stream (in `close()`), after the last event.
        let pump = Task.detached {
            for await record in engine.events {
                server.notify(method: record.method, params: EventCoding.params(of: record))
            }
        }
        Task.detached {
            let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
            for await signal in signals {
                logger.info("Stopping on signal", metadata: ["signal": "\(signal)"])
                server.requestStop()
                server.whenDrained { finish(engine: engine, pump: pump, writer: writer) }
                break
            }
        }

        server.run(inputFD: inputFD)
        server.drain()
        finish(engine: engine, pump: pump, writer: writer)
    }

    /// Closes the engine (node, database checkpoint), writes every notification it emitted
    /// until then, and exits 0. The node runs until the close, so a message that arrives
    /// after end of input is still stored and acknowledged: its `message.received` must
    /// reach the output too, or the client, told of it by no one, would never hear of it
    /// live. Safe to call twice.
    private static func finish(engine: Engine, pump: Task<Void, Never>, writer: OutputWriter) -> Never {
        let done = DispatchSemaphore(value: 0)
        Task.detached {
            await engine.close()
            await pump.value
            done.signal()
        }
        _ = done.wait(timeout: .now() + .seconds(10))
        writer.flush()
        exit(0)
    }
}

/// Lets the method table reach the server it is built for.
private final class LateBound: Sendable {
    private let storage = Mutex<RPCServer?>(nil)
    var server: RPCServer? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
