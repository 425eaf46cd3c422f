// swift-tools-version: 6.1
// Variance: a private, decentralized messenger engine. See docs/ARCHITECTURE.md.
import PackageDescription

let package = Package(
    name: "variance",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "variance-engine", targets: ["variance-engine"]),
        .executable(name: "variance-media", targets: ["variance-media"]),
        .executable(name: "rpc-client", targets: ["rpc-client"]),
        .executable(name: "variance-bench", targets: ["variance-bench"]),
        .executable(name: "variance-relay", targets: ["variance-relay"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // C libraries from Debian (see `make deps`).
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        .systemLibrary(name: "CVPX", pkgConfig: "vpx", providers: [.apt(["libvpx-dev"])]),
        // libvpx's init entry points and control calls are macros or variadic: Swift needs
        // plain C functions in front of them.
        .target(name: "CVPXShim", dependencies: ["CVPX"]),
        .systemLibrary(name: "CNice", pkgConfig: "nice", providers: [.apt(["libnice-dev", "libglib2.0-dev"])]),
        .systemLibrary(name: "CSRTP", pkgConfig: "libsrtp2", providers: [.apt(["libsrtp2-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // The media path of calls: ICE (libnice, its GLib loop on its own thread), DTLS-SRTP
        // (OpenSSL, libsrtp2), minimal SDP.
        .target(name: "VarianceCallTransport", dependencies: ["CNice", "CSRTP", "COpenSSL"]),
        // The media core of calls: RTP/RTCP, payload formats, jitter buffers, test sources and
        // sinks, the call state machine and signalling. Pure Swift: no C library, so that the
        // engine can link it.
        .target(
            name: "VarianceMedia",
            dependencies: ["VarianceProtos", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            // Optimized in debug builds too: unoptimized, generating and converting 640×480
            // pictures 30 times a second takes a whole core, and the call tests run beside others.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // Opus and VP8 (libopus, libvpx): only the media process links them.
        .target(
            name: "VarianceCodecs",
            dependencies: ["VarianceMedia", "COpus", "CVPX", "CVPXShim"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // What crosses the pipe between the engine and `variance-media`: length-prefixed
        // protobuf frames (pure, bounded, fuzzed).
        .target(
            name: "VarianceMediaIPC",
            dependencies: ["VarianceProtos", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // The media process's side: one call's transport and media pipeline, driven by frames.
        .target(
            name: "VarianceCallHost",
            dependencies: ["VarianceMediaIPC", "VarianceMedia", "VarianceCodecs", "VarianceCallTransport", "VarianceProtos"],
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),

        // Pure cores.
        .target(name: "LibP2PCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(
            name: "LibP2PProtos", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .target(
            name: "LibP2PNoise",
            dependencies: ["LibP2PCore", "LibP2PProtos", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "LibP2PYamux", dependencies: [.product(name: "DequeModule", package: "swift-collections")]),
        .target(
            name: "LibP2PKad",
            dependencies: [
                "LibP2PCore", "LibP2PProtos",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(
            name: "LibP2PGossipSub",
            dependencies: [
                "LibP2PCore", "LibP2PProtos",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(
            name: "LibP2PRelay",
            dependencies: [
                "LibP2PCore", "LibP2PProtos",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(name: "LibP2PMDNS", dependencies: ["LibP2PCore"]),
        .target(
            name: "LibP2PNAT",
            dependencies: ["LibP2PCore", "LibP2PProtos", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // ThreadSanitizer builds' Mutex (empty in other builds): docs/TESTING.md, Sanitizers.
        .target(name: "TSanSupport"),
        .target(
            name: "LibP2P",
            dependencies: [
                "TSanSupport", "LibP2PCore", "LibP2PNoise", "LibP2PYamux", "LibP2PProtos", "LibP2PKad", "LibP2PRelay", "LibP2PNAT", "LibP2PGossipSub", "LibP2PMDNS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(
            name: "VarianceOlm",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "VarianceMLS", dependencies: ["CSodium", .product(name: "Crypto", package: "swift-crypto")],
            // Ed25519 signature checks through libsodium (about 25% faster than swift-crypto's here).
            swiftSettings: [.define("VARIANCE_MLS_SODIUM")]
        ),
        .target(name: "VarianceRPC", resources: [.embedInCode("Resources/openrpc.json")]),
        .target(name: "VarianceQR", dependencies: ["CQREncode"]),
        .target(
            name: "VarianceMessaging",
            dependencies: [
                "VarianceOlm", "VarianceIdentity", "LibP2PCore", "VarianceProtos",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "VarianceProtos", dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        .target(
            name: "VarianceOffline",
            dependencies: [
                "VarianceProtos",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(
            name: "VarianceIdentity",
            dependencies: ["CSodium", "LibP2PCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "VarianceStorage",
            dependencies: [
                "TSanSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "VarianceEngine",
            dependencies: [
                "TSanSupport", "VarianceIdentity", "VarianceStorage", "LibP2P", "LibP2PCore", "LibP2PKad", "LibP2PRelay", "LibP2PNAT", "VarianceMessaging",
                "VarianceOlm", "VarianceOffline", "VarianceProtos", "VarianceMLS", "VarianceMedia", "VarianceMediaIPC",
                "VarianceQR",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "VarianceRPCServer",
            dependencies: [
                "TSanSupport", "VarianceRPC", "VarianceEngine", "VarianceMessaging",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),

        // Executables (thin).
        .executableTarget(
            name: "variance-engine",
            dependencies: ["VarianceRPCServer", "VarianceEngine", .product(name: "Logging", package: "swift-log")]
        ),
        // One call's media (ICE, DTLS-SRTP, codecs), spawned by the engine per call (docs/CALLS.md).
        .executableTarget(name: "variance-media", dependencies: ["VarianceCallHost"]),
        .executableTarget(
            name: "variance-relay",
            dependencies: [
                "LibP2P", "LibP2PCore", "LibP2PRelay", "LibP2PNAT", "VarianceEngine", "VarianceOffline",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "rpc-client",
            dependencies: [
                "VarianceRPC", "CEditLine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "variance-bench",
            dependencies: [
                "VarianceRPC", "LibP2P", "LibP2PCore", "LibP2PRelay", "LibP2PGossipSub", "VarianceOlm", "VarianceOffline", "VarianceMLS",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),

        // libFuzzer entry points (`make fuzz`).
        .executableTarget(name: "fuzz-rpc", dependencies: ["VarianceRPC"]),
        .executableTarget(name: "fuzz-multistream", dependencies: ["LibP2PCore"]),
        .executableTarget(name: "fuzz-multiaddr", dependencies: ["LibP2PCore"]),
        .executableTarget(name: "fuzz-noise", dependencies: ["LibP2PNoise"]),
        .executableTarget(name: "fuzz-yamux", dependencies: ["LibP2PYamux"]),
        .executableTarget(name: "fuzz-olm", dependencies: ["VarianceOlm"]),
        .executableTarget(name: "fuzz-messaging", dependencies: ["VarianceMessaging"]),
        .executableTarget(name: "fuzz-kad", dependencies: ["LibP2PKad"]),
        .executableTarget(name: "fuzz-relay", dependencies: ["LibP2PRelay"]),
        .executableTarget(name: "fuzz-nat", dependencies: ["LibP2PNAT"]),
        .executableTarget(name: "fuzz-offline", dependencies: ["VarianceOffline"]),
        .executableTarget(name: "fuzz-records", dependencies: ["VarianceMessaging"]),
        .executableTarget(name: "fuzz-mdns", dependencies: ["LibP2PMDNS"]),
        .executableTarget(name: "fuzz-mls", dependencies: ["VarianceMLS"]),
        .executableTarget(name: "fuzz-media", dependencies: ["VarianceMedia"]),
        .executableTarget(name: "fuzz-media-ipc", dependencies: ["VarianceMediaIPC"]),

        // Tests.
        .testTarget(name: "VarianceRPCTests", dependencies: ["VarianceRPC"]),
        .testTarget(name: "LibP2PCoreTests", dependencies: ["LibP2PCore"]),
        .testTarget(
            name: "LibP2PNoiseTests",
            dependencies: [
                "LibP2PNoise", "LibP2PCore", "LibP2PProtos", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "LibP2PYamuxTests", dependencies: ["LibP2PYamux"]),
        .testTarget(
            name: "LibP2PKadTests",
            dependencies: ["LibP2PKad", "LibP2PCore", "LibP2PProtos", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "LibP2PRelayTests",
            dependencies: ["LibP2PRelay", "LibP2PCore", "LibP2PProtos", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "VarianceOfflineTests",
            dependencies: [
                "TSanSupport", "VarianceOffline", "VarianceProtos",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "LibP2PMDNSTests", dependencies: ["LibP2PMDNS", "LibP2PCore"]),
        .testTarget(name: "LibP2PNATTests", dependencies: ["LibP2PNAT", "LibP2PCore", "LibP2PProtos"]),
        .testTarget(
            name: "LibP2PGossipSubTests",
            dependencies: [
                "LibP2PGossipSub", "LibP2PCore", "LibP2PProtos", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "VarianceOlmTests",
            dependencies: ["VarianceOlm", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "VarianceMediaTests", dependencies: ["VarianceMedia", "VarianceCodecs", "VarianceProtos"]),
        .testTarget(name: "VarianceMediaIPCTests", dependencies: ["VarianceMediaIPC", "VarianceProtos"]),
        .testTarget(name: "VarianceCallTransportTests", dependencies: ["VarianceCallTransport", "COpus"]),
        .testTarget(
            name: "VarianceMLSTests",
            dependencies: ["VarianceMLS", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "VarianceMessagingTests",
            dependencies: [
                "VarianceMessaging", "VarianceOlm", "VarianceIdentity", "VarianceProtos", "LibP2PCore",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "VarianceQRTests", dependencies: ["VarianceQR"]),
        .testTarget(
            name: "LibP2PTests",
            dependencies: [
                "TSanSupport", "LibP2P", "LibP2PCore", "LibP2PNoise", "LibP2PYamux", "LibP2PRelay", "LibP2PGossipSub", "LibP2PProtos",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "VarianceIdentityTests", dependencies: ["VarianceIdentity"], resources: [.copy("../Vectors")]),
        .testTarget(
            name: "VarianceStorageTests",
            dependencies: [
                "VarianceStorage", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "VarianceRPCServerTests",
            dependencies: [
                "VarianceRPCServer", "VarianceRPC", "VarianceEngine", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "VarianceRPC", "VarianceMedia",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
