import VarianceMedia
import CVPX
import CVPXShim

/// A VP8 decoder producing I420 frames. Not thread-safe: one owner calls it.
public final class VP8Decoder {
    private let context: UnsafeMutablePointer<vpx_codec_ctx_t>

    /// A single-threaded VP8 decoder.
    public init() throws(CodecError) {
        context = .allocate(capacity: 1)
        context.initialize(to: vpx_codec_ctx_t())
        let result = variance_vp8_decoder_init(context)
        guard result == VPX_CODEC_OK else {
            context.deallocate()
            throw .vpx("create decoder", result)
        }
    }

    deinit {
        vpx_codec_destroy(context)
        context.deallocate()
    }

    /// Decodes one compressed frame. Returns the picture, or nil when the frame decoded but
    /// produced nothing to show. Throws on a corrupt frame or one that needs a reference
    /// the decoder lacks; the caller should then ask for a key frame.
    public func decode(_ data: [UInt8]) throws(CodecError) -> I420Frame? {
        guard !data.isEmpty, data.count <= Int(UInt32.max) else {
            throw .invalidInput("vpx", "decode", "empty frame")
        }
        let result = data.withUnsafeBufferPointer { buffer in
            vpx_codec_decode(context, buffer.baseAddress, UInt32(buffer.count), nil, 0)
        }
        guard result == VPX_CODEC_OK else { throw .vpx("decode", result) }
        var iterator: vpx_codec_iter_t? = nil
        var latest: I420Frame?
        while let image = vpx_codec_get_frame(context, &iterator) {
            latest = Self.copy(image.pointee)
        }
        return latest
    }

    private static func copy(_ image: vpx_image_t) -> I420Frame? {
        let width = Int(image.d_w)
        let height = Int(image.d_h)
        guard width > 0, height > 0, image.fmt == VPX_IMG_FMT_I420,
            let y = image.planes.0, let u = image.planes.1, let v = image.planes.2
        else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(I420Frame.byteCount(width: width, height: height))
        func appendPlane(_ plane: UnsafeMutablePointer<UInt8>, stride: Int32, width: Int, height: Int) {
            for row in 0..<height {
                out.append(contentsOf: UnsafeBufferPointer(start: plane + row * Int(stride), count: width))
            }
        }
        let chromaWidth = I420Frame.chromaWidth(width)
        let chromaHeight = I420Frame.chromaHeight(height)
        appendPlane(y, stride: image.stride.0, width: width, height: height)
        appendPlane(u, stride: image.stride.1, width: chromaWidth, height: chromaHeight)
        appendPlane(v, stride: image.stride.2, width: chromaWidth, height: chromaHeight)
        return I420Frame(width: width, height: height, data: out)
    }
}
