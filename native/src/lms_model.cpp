// Models: loading, properties, vocabulary, chat templates and quantization.
#include "lms_internal.h"

#include "gguf.h"

#include <memory>

namespace {

// Whether the file has its own output matrix; without one llama.cpp reuses token_embd (tied).
bool file_has_output_tensor(const char * path) {
    gguf_init_params params{};
    params.no_alloc = true;
    params.ctx = nullptr;
    gguf_context * g = gguf_init_from_file(path, params);
    if (g == nullptr) {
        return true;
    }
    const bool has = gguf_find_tensor(g, "output.weight") >= 0;
    gguf_free(g);
    return has;
}

std::string model_desc(const llama_model * m) {
    char buf[256];
    const int32_t n = llama_model_desc(m, buf, sizeof(buf));
    return n > 0 ? std::string(buf, static_cast<size_t>(std::min<int32_t>(n, sizeof(buf) - 1))) : std::string();
}

std::string model_meta(const llama_model * m, const char * key, bool * found) {
    std::vector<char> buf(256);
    int32_t n = llama_model_meta_val_str(m, key, buf.data(), buf.size());
    if (n < 0) {
        *found = false;
        return {};
    }
    if (static_cast<size_t>(n) >= buf.size()) {
        buf.resize(static_cast<size_t>(n) + 1);
        n = llama_model_meta_val_str(m, key, buf.data(), buf.size());
    }
    *found = true;
    return std::string(buf.data(), static_cast<size_t>(n));
}

}  // namespace

extern "C" {

lms_status lms_model_load(const char * path, int32_t n_gpu_layers, int32_t use_mmap, lms_model ** out_model) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(path != nullptr && out_model != nullptr, "path and out_model are required");
        *out_model = nullptr;
        if (!lms::file_exists(path)) {
            return lms::fail(LMS_ERR_IO, std::string("model file not found: ") + path);
        }
        // llama.cpp asserts (and so aborts the process) on some bad hyper-parameters: check them first.
        {
            gguf_init_params gp{};
            gp.no_alloc = true;
            gguf_context * g = gguf_init_from_file(path, gp);
            if (g == nullptr) {
                return lms::fail(LMS_ERR_INVALID_FILE, std::string("not a GGUF file llama.cpp can read: ") + path);
            }
            std::unique_ptr<gguf_context, decltype(&gguf_free)> owned(g, gguf_free);
            const int64_t arch_id = gguf_find_key(g, "general.architecture");
            if (arch_id < 0 || gguf_get_kv_type(g, arch_id) != GGUF_TYPE_STRING) {
                return lms::fail(LMS_ERR_INVALID_FILE, std::string("no general.architecture in ") + path + ": not a model file");
            }
            const std::string key = std::string(gguf_get_val_str(g, arch_id)) + ".block_count";
            const int64_t layers_id = gguf_find_key(g, key.c_str());
            if (layers_id >= 0 && gguf_get_kv_type(g, layers_id) == GGUF_TYPE_UINT32) {
                const uint32_t layers = gguf_get_val_u32(g, layers_id);
                if (layers == 0 || layers > 512) {
                    return lms::fail(LMS_ERR_INVALID_FILE, key + " = " + std::to_string(layers) + " in " + path + ": not a usable model");
                }
            }
        }
        llama_model_params mp = llama_model_default_params();
        mp.n_gpu_layers = n_gpu_layers;
        mp.load_mode = use_mmap ? LLAMA_LOAD_MODE_MMAP : LLAMA_LOAD_MODE_NONE;
        llama_model * m = llama_model_load_from_file(path, mp);
        if (m == nullptr) {
            return lms::fail(LMS_ERR_INVALID_FILE, std::string("llama.cpp could not load '") + path +
                                                       "': not a GGUF model it supports, or a truncated/corrupt file");
        }
        auto * model = new lms_model();
        model->model = m;
        model->vocab = llama_model_get_vocab(m);
        model->tied_output = !file_has_output_tensor(path);
        const auto rope = llama_model_rope_type(m);
        model->embedding_input = rope != LLAMA_ROPE_TYPE_MROPE && rope != LLAMA_ROPE_TYPE_IMROPE && rope != LLAMA_ROPE_TYPE_VISION &&
                                 llama_model_n_embd_inp(m) == llama_model_n_embd(m);
        *out_model = model;
        return LMS_OK;
    });
}

void lms_model_free(lms_model * model) {
    if (model == nullptr) {
        return;
    }
    llama_model_free(model->model);
    delete model;
}

lms_status lms_model_get_info(const lms_model * model, lms_model_info * out_info) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(model != nullptr && out_info != nullptr, "model and out_info are required");
        LMS_REQUIRE(out_info->struct_size == static_cast<int32_t>(sizeof(lms_model_info)),
                    "lms_model_info size mismatch: managed and native definitions differ");
        const llama_model * m = model->model;
        out_info->n_layer = llama_model_n_layer(m);
        out_info->n_embd = llama_model_n_embd(m);
        out_info->n_head = llama_model_n_head(m);
        out_info->n_head_kv = llama_model_n_head_kv(m);
        out_info->n_vocab = llama_vocab_n_tokens(model->vocab);
        out_info->n_ctx_train = llama_model_n_ctx_train(m);
        out_info->tied_output = model->tied_output ? 1 : 0;
        out_info->embedding_input = model->embedding_input ? 1 : 0;
        out_info->reserved = 0;
        out_info->n_params = static_cast<int64_t>(llama_model_n_params(m));
        out_info->size_bytes = static_cast<int64_t>(llama_model_size(m));
        return LMS_OK;
    });
}

lms_status lms_model_get_string(const lms_model * model, int32_t which, char * buf, size_t buf_size, size_t * needed) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(model != nullptr, "model is required");
        bool found = false;
        std::string s;
        switch (which) {
            case LMS_MODEL_STR_ARCHITECTURE: s = model_meta(model->model, "general.architecture", &found); break;
            case LMS_MODEL_STR_CHAT_TEMPLATE: {
                const char * t = llama_model_chat_template(model->model, nullptr);
                s = t ? t : "";
                break;
            }
            case LMS_MODEL_STR_DESCRIPTION: s = model_desc(model->model); break;
            case LMS_MODEL_STR_NAME: s = model_meta(model->model, "general.name", &found); break;
            default: return lms::fail(LMS_ERR_INVALID_ARGUMENT, "unknown model string " + std::to_string(which));
        }
        return lms::copy_out(s, buf, buf_size, needed);
    });
}

lms_status lms_model_get_meta(const lms_model * model, const char * key, char * buf, size_t buf_size, size_t * needed) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(model != nullptr && key != nullptr, "model and key are required");
        bool found = false;
        std::string s = model_meta(model->model, key, &found);
        if (!found) {
            return lms::fail(LMS_ERR_NOT_FOUND, std::string("metadata key not found: ") + key);
        }
        return lms::copy_out(s, buf, buf_size, needed);
    });
}

int32_t lms_vocab_special(const lms_model * model, int32_t which) {
    if (model == nullptr) {
        return -1;
    }
    llama_token t = LLAMA_TOKEN_NULL;
    switch (which) {
        case LMS_TOKEN_BOS: t = llama_vocab_bos(model->vocab); break;
        case LMS_TOKEN_EOS: t = llama_vocab_eos(model->vocab); break;
        case LMS_TOKEN_EOT: t = llama_vocab_eot(model->vocab); break;
        case LMS_TOKEN_PAD: t = llama_vocab_pad(model->vocab); break;
        default: break;
    }
    return t == LLAMA_TOKEN_NULL ? -1 : t;
}

int32_t lms_vocab_is_eog(const lms_model * model, int32_t token) {
    if (model == nullptr || token < 0 || token >= llama_vocab_n_tokens(model->vocab)) {
        return 0;
    }
    return llama_vocab_is_eog(model->vocab, token) ? 1 : 0;
}

int32_t lms_vocab_add_bos(const lms_model * model) {
    return model != nullptr && llama_vocab_get_add_bos(model->vocab) ? 1 : 0;
}

lms_status lms_tokenize(const lms_model * model, const char * text, int32_t text_len, int32_t add_special,
                        int32_t parse_special, int32_t * tokens, int32_t capacity, int32_t * n_tokens) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(model != nullptr && n_tokens != nullptr, "model and n_tokens are required");
        LMS_REQUIRE(text != nullptr || text_len == 0, "text is required");
        LMS_REQUIRE(text_len >= 0 && capacity >= 0, "negative length");
        const int32_t n = llama_tokenize(model->vocab, text, text_len, tokens, tokens ? capacity : 0,
                                         add_special != 0, parse_special != 0);
        if (n == INT32_MIN) {
            return lms::fail(LMS_ERR_INVALID_ARGUMENT, "text too long to tokenize");
        }
        if (n < 0) {
            *n_tokens = -n;
            return lms::fail(LMS_ERR_BUFFER_TOO_SMALL, "token buffer too small");
        }
        *n_tokens = n;
        return LMS_OK;
    });
}

lms_status lms_detokenize(const lms_model * model, const int32_t * tokens, int32_t n_tokens, int32_t remove_special,
                          int32_t unparse_special, char * buf, size_t buf_size, size_t * needed) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(model != nullptr && needed != nullptr, "model and needed are required");
        LMS_REQUIRE(n_tokens >= 0 && (tokens != nullptr || n_tokens == 0), "tokens are required");
        const int32_t n_vocab = llama_vocab_n_tokens(model->vocab);
        for (int32_t i = 0; i < n_tokens; ++i) {
            LMS_REQUIRE(tokens[i] >= 0 && tokens[i] < n_vocab, "token id " + std::to_string(tokens[i]) + " out of range");
        }
        const int32_t cap = static_cast<int32_t>(std::min<size_t>(buf_size, INT32_MAX));
        const int32_t n = llama_detokenize(model->vocab, tokens, n_tokens, buf, buf ? cap : 0, remove_special != 0,
                                           unparse_special != 0);
        if (n < 0) {
            *needed = static_cast<size_t>(-n);
            return lms::fail(LMS_ERR_BUFFER_TOO_SMALL, "text buffer too small");
        }
        *needed = static_cast<size_t>(n);
        return LMS_OK;
    });
}

lms_status lms_token_piece(const lms_model * model, int32_t token, int32_t render_special, char * buf, size_t buf_size,
                           size_t * needed) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(model != nullptr && needed != nullptr, "model and needed are required");
        LMS_REQUIRE(token >= 0 && token < llama_vocab_n_tokens(model->vocab), "token id " + std::to_string(token) + " out of range");
        const int32_t cap = static_cast<int32_t>(std::min<size_t>(buf_size, INT32_MAX));
        const int32_t n = llama_token_to_piece(model->vocab, token, buf, buf ? cap : 0, 0, render_special != 0);
        if (n < 0) {
            *needed = static_cast<size_t>(-n);
            return lms::fail(LMS_ERR_BUFFER_TOO_SMALL, "piece buffer too small");
        }
        *needed = static_cast<size_t>(n);
        return LMS_OK;
    });
}

lms_status lms_chat_apply(const lms_model * model, const char * tmpl, const char * const * roles,
                          const char * const * contents, int32_t n_messages, int32_t add_assistant, char * buf,
                          size_t buf_size, size_t * needed) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(needed != nullptr, "needed is required");
        LMS_REQUIRE(n_messages >= 0 && (n_messages == 0 || (roles != nullptr && contents != nullptr)), "messages are required");
        const char * t = tmpl;
        if (t == nullptr) {
            LMS_REQUIRE(model != nullptr, "a model or a template is required");
            t = llama_model_chat_template(model->model, nullptr);
            if (t == nullptr) {
                return lms::fail(LMS_ERR_NOT_FOUND, "the model has no chat template (tokenizer.chat_template); pass one explicitly");
            }
        }
        std::vector<llama_chat_message> msgs(static_cast<size_t>(n_messages));
        for (int32_t i = 0; i < n_messages; ++i) {
            LMS_REQUIRE(roles[i] != nullptr && contents[i] != nullptr, "message " + std::to_string(i) + " is incomplete");
            msgs[static_cast<size_t>(i)] = {roles[i], contents[i]};
        }
        const int32_t cap = static_cast<int32_t>(std::min<size_t>(buf_size, INT32_MAX));
        const int32_t n = llama_chat_apply_template(t, msgs.data(), msgs.size(), add_assistant != 0, buf, buf ? cap : 0);
        if (n < 0) {
            return lms::fail(LMS_ERR_INVALID_ARGUMENT, "llama.cpp does not recognise this chat template");
        }
        *needed = static_cast<size_t>(n);
        if (buf == nullptr || static_cast<size_t>(n) > buf_size) {
            return lms::fail(LMS_ERR_BUFFER_TOO_SMALL, "chat buffer too small");
        }
        return LMS_OK;
    });
}

lms_status lms_model_quantize(const char * in_path, const char * out_path, int32_t ftype, int32_t n_threads) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(in_path != nullptr && out_path != nullptr, "paths are required");
        if (!lms::file_exists(in_path)) {
            return lms::fail(LMS_ERR_IO, std::string("model file not found: ") + in_path);
        }
        const char * name = llama_ftype_name(static_cast<llama_ftype>(ftype));
        LMS_REQUIRE(ftype >= 0 && name != nullptr && std::strstr(name, "unknown") == nullptr,
                    "unknown quantization type " + std::to_string(ftype));
        llama_model_quantize_params qp = llama_model_quantize_default_params();
        qp.ftype = static_cast<llama_ftype>(ftype);
        qp.nthread = n_threads;
        if (llama_model_quantize(in_path, out_path, &qp) != 0) {
            return lms::fail(LMS_ERR_INVALID_FILE, std::string("quantizing '") + in_path + "' failed");
        }
        return LMS_OK;
    });
}

}  // extern "C"
