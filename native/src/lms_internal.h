// Shared by the shim's translation units: the opaque structs and the one error channel.
#pragma once

#include "lms.h"
#include "llama.h"

#include <atomic>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

struct lms_model {
    llama_model *       model = nullptr;
    const llama_vocab * vocab = nullptr;
    bool                tied_output = false;
    bool                embedding_input = false;  // plain positions and n_embd-wide input: latent input is safe
};

struct lms_context {
    lms_model *       owner = nullptr;
    llama_context *   ctx = nullptr;
    std::atomic<bool> abort_requested{false};
    int32_t           n_embd = 0;
    int32_t           n_vocab = 0;
    int32_t           n_seq_max = 0;
    int32_t           type_k = 1;  // ggml_type of the KV cache, for memory accounting
    int32_t           type_v = 1;
    bool              capture_installed = false;
    bool              hidden_ok = true;  // final hidden states are n_embd wide

    // layer capture (see lms_context_set_capture_layer)
    int32_t              capture_layer = -1;
    std::string          capture_name;
    std::vector<float>   captured;          // rows of n_embd floats, in the order ggml produced them
    std::vector<int32_t> capture_row_index; // batch row -> captured row, -1 when that row has none
};

namespace lms {

// Records msg as this thread's last error and returns status.
lms_status fail(lms_status status, const std::string & msg);
void       clear_error();

// The last error-level line llama.cpp/ggml logged on this thread ("" if none); cleared by clear_error.
std::string last_native_log_error();

// Runs body, turning any C++ exception into a status + message. Every exported function goes through it.
template <typename F>
lms_status guarded(const char * fn, F && body) noexcept {
    try {
        clear_error();
        return body();
    } catch (const std::bad_alloc &) {
        return fail(LMS_ERR_INTERNAL, std::string(fn) + ": out of memory");
    } catch (const std::exception & e) {
        return fail(LMS_ERR_INTERNAL, std::string(fn) + ": " + e.what());
    } catch (...) {
        return fail(LMS_ERR_INTERNAL, std::string(fn) + ": unknown C++ exception");
    }
}

// Copies s into a caller buffer (NUL-terminated when it fits), reporting the byte count without NUL.
lms_status copy_out(const std::string & s, char * buf, size_t buf_size, size_t * needed);

bool file_exists(const char * path);
int64_t file_size(const char * path);

}  // namespace lms

#define LMS_REQUIRE(cond, msg) \
    do { if (!(cond)) return lms::fail(LMS_ERR_INVALID_ARGUMENT, (msg)); } while (0)
