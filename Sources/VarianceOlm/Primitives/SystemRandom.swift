/// The system random generator, with one byte of storage so that it is not an empty type.
///
/// Pass this, not `SystemRandomNumberGenerator`, as `inout some RandomNumberGenerator` to our
/// own generic functions. Under ThreadSanitizer Swift (6.3) reports every inout access inside
/// a generic function as a write of the argument's address (`__tsan_external_write`), but a
/// caller whose generator is an empty type passes an unspecified address (`ptr undef` in the
/// IR, whatever the register holds: `swiftc -sanitize=thread -emit-ir`). When that register
/// held a code address, two threads "raced" on it ("Swift access race" on
/// `global 'generateOneTimeKeys(_:)'`); when it held something without shadow memory, TSan
/// itself crashed with SEGV in `__tsan::ExternalAccess` (swiftlang/swift#35579 stopped the
/// instrumentation for known-empty types, not for a generic callee given one). A one-byte
/// stored property gives the value a real stack slot of its own, per call, so the address is
/// real and never shared. Outside TSan it changes nothing: `next()` is the system generator.
package struct SystemRandom: RandomNumberGenerator {
    private var system = SystemRandomNumberGenerator()
    private var storage: UInt8 = 0

    package init() {}

    package mutating func next() -> UInt64 { system.next() }
}
