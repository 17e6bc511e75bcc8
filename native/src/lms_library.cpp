// Library-level functions: ABI version, error channel, log routing, backend loading.
#include "lms_internal.h"

#include "ggml-backend.h"

#include <mutex>
#include <sys/stat.h>

namespace {

thread_local std::string t_last_error;
thread_local std::string t_last_log_error;
thread_local std::string t_log_line;  // ggml logs one line in several calls: join them

std::mutex       g_log_mutex;
lms_log_callback g_log_cb = nullptr;
void *           g_log_user = nullptr;

void log_trampoline(ggml_log_level level, const char * text, void *) {
    if (text == nullptr) {
        return;
    }
    // GGML_LOG_LEVEL_CONT continues the previous line; errors are kept for the next failure message.
    if (level == GGML_LOG_LEVEL_ERROR) {
        t_last_log_error = text;
        while (!t_last_log_error.empty() && (t_last_log_error.back() == '\n' || t_last_log_error.back() == ' ')) {
            t_last_log_error.pop_back();
        }
    }
    std::lock_guard<std::mutex> lock(g_log_mutex);
    if (g_log_cb != nullptr) {
        g_log_cb(static_cast<int32_t>(level), text, g_log_user);
    }
}

bool g_backend_ready = false;
std::mutex g_backend_mutex;

}  // namespace

namespace lms {

lms_status fail(lms_status status, const std::string & msg) {
    t_last_error = msg;
    if (!t_last_log_error.empty() && msg.find(t_last_log_error) == std::string::npos) {
        t_last_error += " (llama.cpp: " + t_last_log_error + ")";
    }
    return status;
}

void clear_error() {
    t_last_error.clear();
    t_last_log_error.clear();
}

std::string last_native_log_error() { return t_last_log_error; }

lms_status copy_out(const std::string & s, char * buf, size_t buf_size, size_t * needed) {
    if (needed != nullptr) {
        *needed = s.size();
    }
    if (buf == nullptr || buf_size < s.size() + 1) {
        if (buf == nullptr && buf_size == 0) {
            return fail(LMS_ERR_BUFFER_TOO_SMALL, "buffer too small");
        }
        return fail(LMS_ERR_BUFFER_TOO_SMALL, "buffer of " + std::to_string(buf_size) + " bytes is too small for " +
                                                  std::to_string(s.size() + 1));
    }
    std::memcpy(buf, s.data(), s.size());
    buf[s.size()] = '\0';
    return LMS_OK;
}

bool file_exists(const char * path) {
    struct stat st {};
    return path != nullptr && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int64_t file_size(const char * path) {
    struct stat st {};
    return stat(path, &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

}  // namespace lms

extern "C" {

int32_t lms_abi_version(void) { return LMS_ABI_VERSION; }

const char * lms_last_error(void) { return t_last_error.c_str(); }

lms_status lms_log_set(lms_log_callback cb, void * user_data) {
    return lms::guarded(__func__, [&] {
        {
            std::lock_guard<std::mutex> lock(g_log_mutex);
            g_log_cb = cb;
            g_log_user = user_data;
        }
        llama_log_set(log_trampoline, nullptr);
        return LMS_OK;
    });
}

lms_status lms_backend_init(const char * backend_dir) {
    return lms::guarded(__func__, [&] {
        std::lock_guard<std::mutex> lock(g_backend_mutex);
        if (!g_backend_ready) {
            if (backend_dir != nullptr && backend_dir[0] != '\0') {
                ggml_backend_load_all_from_path(backend_dir);
            } else {
                ggml_backend_load_all();
            }
            llama_backend_init();
            g_backend_ready = true;
        }
        if (ggml_backend_dev_count() == 0) {
            return lms::fail(LMS_ERR_BACKEND, std::string("no ggml backend could be loaded from '") +
                                                  (backend_dir ? backend_dir : "") +
                                                  "': it must hold libggml-cpu-*.so (or another backend library)");
        }
        return LMS_OK;
    });
}

int32_t lms_backend_device_count(void) { return static_cast<int32_t>(ggml_backend_dev_count()); }

lms_status lms_backend_device_name(int32_t i, char * buf, size_t buf_size, size_t * needed) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(i >= 0 && static_cast<size_t>(i) < ggml_backend_dev_count(), "device index out of range");
        ggml_backend_dev_t dev = ggml_backend_dev_get(static_cast<size_t>(i));
        std::string s = std::string(ggml_backend_dev_name(dev)) + ": " + ggml_backend_dev_description(dev);
        return lms::copy_out(s, buf, buf_size, needed);
    });
}

}  // extern "C"
