import VarianceMedia
import CVPX
import CVPXShim

/// Settings of a `VP8Encoder`.
public struct VP8EncoderConfiguration: Sendable, Equatable {
    /// Picture size; both even.
    public var width: Int
    /// Picture height in pixels; even.
    public var height: Int
    /// Frame rate the rate control plans for.
    public var framesPerSecond: Int
    /// Target bits per second.
    public var bitrate: Int
    /// Longest run of frames between key frames.
    public var maximumKeyframeInterval: Int

    /// Defaults: 640×480 at 30 fps, 800 kbit/s, a key frame at least every 3000 frames.
    public init(
        width: Int = 640, height: Int = 480, framesPerSecond: Int = 30, bitrate: Int = 800_000,
        maximumKeyframeInterval: Int = 3_000
    ) {
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
        self.bitrate = bitrate
        self.maximumKeyframeInterval = maximumKeyframeInterval
    }
}

/// A VP8 encoder tuned for calls: realtime deadline, constant bitrate, no lag, error
/// resilient, one thread. Takes I420 frames of the configured size.
///
/// Not thread-safe: one owner (the send pipeline) calls it.
public final class VP8Encoder {
    /// The settings in force; `bitrate` follows `setBitrate(_:)`.
    public private(set) var configuration: VP8EncoderConfiguration
    private let context: UnsafeMutablePointer<vpx_codec_ctx_t>
    private let config: UnsafeMutablePointer<vpx_codec_enc_cfg_t>
    private var keyframeRequested = false
    private var frameIndex: Int64 = 0

    /// Creates the libvpx encoder; throws when the configuration is refused (odd sizes).
    public init(configuration: VP8EncoderConfiguration = VP8EncoderConfiguration()) throws(CodecError) {
        guard configuration.width > 0, configuration.height > 0,
            configuration.width % 2 == 0, configuration.height % 2 == 0
        else {
            throw .invalidInput("vpx", "create encoder", "width and height must be positive and even")
        }
        guard configuration.framesPerSecond > 0 else {
            throw .invalidInput("vpx", "create encoder", "frames per second must be positive")
        }
        self.configuration = configuration
        context = .allocate(capacity: 1)
        context.initialize(to: vpx_codec_ctx_t())
        config = .allocate(capacity: 1)
        config.initialize(to: vpx_codec_enc_cfg_t())
        do {
            try Self.check("default configuration", variance_vp8_encoder_default_config(config))
            config.pointee.g_w = UInt32(configuration.width)
            config.pointee.g_h = UInt32(configuration.height)
            config.pointee.g_timebase = vpx_rational(num: 1, den: Int32(configuration.framesPerSecond))
            config.pointee.rc_target_bitrate = UInt32(max(configuration.bitrate / 1000, 30))
            config.pointee.g_threads = 1
            config.pointee.g_lag_in_frames = 0
            config.pointee.g_error_resilient = vpx_codec_er_flags_t(VPX_ERROR_RESILIENT_DEFAULT)
            config.pointee.g_pass = VPX_RC_ONE_PASS
            config.pointee.rc_end_usage = VPX_CBR
            config.pointee.rc_min_quantizer = 2
            config.pointee.rc_max_quantizer = 56
            config.pointee.rc_undershoot_pct = 100
            config.pointee.rc_overshoot_pct = 15
            config.pointee.rc_buf_initial_sz = 500
            config.pointee.rc_buf_optimal_sz = 600
            config.pointee.rc_buf_sz = 1000
            config.pointee.rc_dropframe_thresh = 0
            config.pointee.kf_mode = VPX_KF_AUTO
            config.pointee.kf_max_dist = UInt32(max(configuration.maximumKeyframeInterval, 1))
            try Self.check("create encoder", variance_vp8_encoder_init(context, config))
        } catch {
            config.deallocate()
            context.deallocate()
            throw error
        }
        // Speed 6 of 16 for realtime; the denoiser off keeps encode time steady.
        _ = variance_vp8_set_cpu_used(context, -6)
        _ = variance_vp8_set_noise_sensitivity(context, 0)
        _ = variance_vp8_set_static_threshold(context, 1)
    }

    deinit {
        vpx_codec_destroy(context)
        context.deallocate()
        config.deallocate()
    }

    /// The next frame is encoded as a key frame (after a PLI from the receiver).
    public func requestKeyframe() {
        keyframeRequested = true
    }

    /// Changes the target bitrate (bits per second) from the next frame on.
    public func setBitrate(_ bitsPerSecond: Int) throws(CodecError) {
        config.pointee.rc_target_bitrate = UInt32(max(bitsPerSecond / 1000, 30))
        try Self.check("set bitrate", vpx_codec_enc_config_set(context, config))
        configuration.bitrate = bitsPerSecond
    }

    /// Encodes one frame. Returns the compressed frames libvpx produced for it (normally
    /// one; none when the rate control drops the frame). Timestamps count frames.
    public func encode(_ frame: I420Frame) throws(CodecError) -> [EncodedVideoFrame] {
        guard frame.width == configuration.width, frame.height == configuration.height else {
            throw .invalidInput(
                "vpx", "encode",
                "frame is \(frame.width)x\(frame.height), encoder expects \(configuration.width)x\(configuration.height)")
        }
        let flags: vpx_enc_frame_flags_t = keyframeRequested ? vpx_enc_frame_flags_t(VPX_EFLAG_FORCE_KF) : 0
        keyframeRequested = false
        let pts = frameIndex
        frameIndex += 1
        var pixels = frame.data
        let result: vpx_codec_err_t = pixels.withUnsafeMutableBufferPointer { buffer in
            var image = vpx_image_t()
            guard vpx_img_wrap(&image, VPX_IMG_FMT_I420, UInt32(frame.width), UInt32(frame.height), 1, buffer.baseAddress) != nil
            else { return VPX_CODEC_MEM_ERROR }
            return vpx_codec_encode(context, &image, pts, 1, flags, UInt(VPX_DL_REALTIME))
        }
        try Self.check("encode", result)
        var frames: [EncodedVideoFrame] = []
        var iterator: vpx_codec_iter_t? = nil
        while let packet = vpx_codec_get_cx_data(context, &iterator) {
            guard packet.pointee.kind == VPX_CODEC_CX_FRAME_PKT else { continue }
            let compressed = packet.pointee.data.frame
            guard let base = compressed.buf else { continue }
            let bytes = Array(UnsafeRawBufferPointer(start: base, count: compressed.sz))
            frames.append(
                EncodedVideoFrame(
                    data: bytes, isKeyframe: compressed.flags & vpx_codec_frame_flags_t(VPX_FRAME_IS_KEY) != 0,
                    timestamp: compressed.pts))
        }
        return frames
    }

    private static func check(_ operation: String, _ code: vpx_codec_err_t) throws(CodecError) {
        guard code == VPX_CODEC_OK else { throw .vpx(operation, code) }
    }
}
