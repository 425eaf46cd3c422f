#ifndef VARIANCE_CVPX_FUNCTIONS_H
#define VARIANCE_CVPX_FUNCTIONS_H
#include <vpx/vpx_encoder.h>
#include <vpx/vpx_decoder.h>

/* Plain functions in front of libvpx's macros (vpx_codec_enc_init, vpx_codec_dec_init) and
   its variadic control call, so Swift can reach them. */

/* Initializes a VP8 encoder context with `config`. */
vpx_codec_err_t variance_vp8_encoder_init(vpx_codec_ctx_t *context, const vpx_codec_enc_cfg_t *config);

/* Fills `config` with libvpx's default VP8 encoder configuration. */
vpx_codec_err_t variance_vp8_encoder_default_config(vpx_codec_enc_cfg_t *config);

/* Initializes a VP8 decoder context (single thread, no post-processing). */
vpx_codec_err_t variance_vp8_decoder_init(vpx_codec_ctx_t *context);

/* VP8E_SET_CPUUSED: speed/quality trade-off, -16...16; higher is faster. */
vpx_codec_err_t variance_vp8_set_cpu_used(vpx_codec_ctx_t *context, int cpuUsed);

/* VP8E_SET_NOISE_SENSITIVITY: 0 turns the denoiser off. */
vpx_codec_err_t variance_vp8_set_noise_sensitivity(vpx_codec_ctx_t *context, unsigned int level);

/* VP8E_SET_STATIC_THRESHOLD. */
vpx_codec_err_t variance_vp8_set_static_threshold(vpx_codec_ctx_t *context, unsigned int threshold);
#endif
