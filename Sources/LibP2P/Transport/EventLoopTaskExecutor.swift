import NIOCore

/// A `TaskExecutor` that runs jobs on one NIO event loop. A connection's tasks prefer the
/// event loop of its channel: the bytes read, the muxer and the bytes written then stay on
/// that loop's thread instead of hopping to the global pool and back for every message.
final class EventLoopTaskExecutor: TaskExecutor {
    let eventLoop: any EventLoop

    init(_ eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
