#include <nice/agent.h>
#include <glib.h>
#include <glib-object.h>

/* Swift cannot call variadic C functions or macros such as g_signal_connect and
 * g_object_set; these typed wrappers are the only glue the Swift side needs. */

typedef void (*cnice_gathering_done_fn)(NiceAgent *agent, guint stream_id, gpointer user_data);
typedef void (*cnice_state_changed_fn)(NiceAgent *agent, guint stream_id, guint component_id,
                                       guint state, gpointer user_data);
typedef void (*cnice_new_candidate_fn)(NiceAgent *agent, NiceCandidate *candidate, gpointer user_data);
typedef void (*cnice_selected_pair_fn)(NiceAgent *agent, guint stream_id, guint component_id,
                                       NiceCandidate *local, NiceCandidate *remote, gpointer user_data);

static inline gulong cnice_on_gathering_done(NiceAgent *agent, cnice_gathering_done_fn fn, gpointer data) {
    return g_signal_connect(agent, "candidate-gathering-done", G_CALLBACK(fn), data);
}
static inline gulong cnice_on_state_changed(NiceAgent *agent, cnice_state_changed_fn fn, gpointer data) {
    return g_signal_connect(agent, "component-state-changed", G_CALLBACK(fn), data);
}
static inline gulong cnice_on_new_candidate(NiceAgent *agent, cnice_new_candidate_fn fn, gpointer data) {
    return g_signal_connect(agent, "new-candidate-full", G_CALLBACK(fn), data);
}
static inline gulong cnice_on_selected_pair(NiceAgent *agent, cnice_selected_pair_fn fn, gpointer data) {
    return g_signal_connect(agent, "new-selected-pair-full", G_CALLBACK(fn), data);
}
static inline void cnice_disconnect_all(NiceAgent *agent, gpointer data) {
    g_signal_handlers_disconnect_matched(agent, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, data);
}

static inline void cnice_set_bool(NiceAgent *agent, const char *name, gboolean value) {
    g_object_set(agent, name, value, NULL);
}
static inline void cnice_set_uint(NiceAgent *agent, const char *name, guint value) {
    g_object_set(agent, name, value, NULL);
}
static inline void cnice_set_string(NiceAgent *agent, const char *name, const char *value) {
    g_object_set(agent, name, value, NULL);
}

static inline NiceCandidateType cnice_candidate_type(const NiceCandidate *c) { return c->type; }
static inline guint cnice_candidate_component(const NiceCandidate *c) { return c->component_id; }
