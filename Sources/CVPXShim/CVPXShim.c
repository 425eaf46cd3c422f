#include "CVPXShim.h"
#include <vpx/vp8cx.h>
#include <vpx/vp8dx.h>

vpx_codec_err_t variance_vp8_encoder_init(vpx_codec_ctx_t *context, const vpx_codec_enc_cfg_t *config) {
    return vpx_codec_enc_init(context, vpx_codec_vp8_cx(), config, 0);
}

vpx_codec_err_t variance_vp8_encoder_default_config(vpx_codec_enc_cfg_t *config) {
    return vpx_codec_enc_config_default(vpx_codec_vp8_cx(), config, 0);
}

vpx_codec_err_t variance_vp8_decoder_init(vpx_codec_ctx_t *context) {
    vpx_codec_dec_cfg_t config = {0};
    config.threads = 1;
    return vpx_codec_dec_init(context, vpx_codec_vp8_dx(), &config, 0);
}

vpx_codec_err_t variance_vp8_set_cpu_used(vpx_codec_ctx_t *context, int cpuUsed) {
    return vpx_codec_control(context, VP8E_SET_CPUUSED, cpuUsed);
}

vpx_codec_err_t variance_vp8_set_noise_sensitivity(vpx_codec_ctx_t *context, unsigned int level) {
    return vpx_codec_control(context, VP8E_SET_NOISE_SENSITIVITY, level);
}

vpx_codec_err_t variance_vp8_set_static_threshold(vpx_codec_ctx_t *context, unsigned int threshold) {
    return vpx_codec_control(context, VP8E_SET_STATIC_THRESHOLD, threshold);
}
