// Contexts: creation, the one decode entry point (tokens or embeddings, several sequences),
// layer capture, KV cache operations and per-sequence state.
#include "lms_internal.h"

#include "ggml-backend.h"
#include "ggml.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

namespace {

bool is_known_cache_type(int32_t t) {
    // F32, F16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, BF16: the cache types llama.cpp accepts
    return t == GGML_TYPE_F32 || t == GGML_TYPE_F16 || t == GGML_TYPE_Q4_0 || t == GGML_TYPE_Q4_1 ||
           t == GGML_TYPE_Q5_0 || t == GGML_TYPE_Q5_1 || t == GGML_TYPE_Q8_0 || t == GGML_TYPE_BF16;
}

// Evaluation callback: asks only for the tensor named l_out-<layer> and copies its rows out.
bool capture_callback(ggml_tensor * t, bool ask, void * user_data) {
    auto * c = static_cast<lms_context *>(user_data);
    if (c->capture_layer < 0 || std::strcmp(t->name, c->capture_name.c_str()) != 0) {
        return ask ? false : true;
    }
    if (ask) {
        return true;
    }
    if (t->type != GGML_TYPE_F32 || t->ne[0] != c->n_embd || !ggml_is_contiguous(t)) {
        return true;  // unexpected layout: leave it uncaptured rather than copy garbage
    }
    const size_t old = c->captured.size();
    c->captured.resize(old + static_cast<size_t>(ggml_nelements(t)));
    ggml_backend_tensor_get(t, c->captured.data() + old, 0, ggml_nbytes(t));
    return true;
}

// Head width from <arch>.attention.key_length / value_length when the model states it (Qwen3 does), else n_embd / n_head.
int64_t head_width(const llama_model * m, const char * which) {
    char arch[64] = {0};
    if (llama_model_meta_val_str(m, "general.architecture", arch, sizeof(arch)) > 0) {
        char value[32] = {0};
        const std::string key = std::string(arch) + ".attention." + which;
        if (llama_model_meta_val_str(m, key.c_str(), value, sizeof(value)) > 0) {
            const long v = std::strtol(value, nullptr, 10);
            if (v > 0) {
                return v;
            }
        }
    }
    return llama_model_n_embd(m) / std::max(1, llama_model_n_head(m));
}

int64_t kv_cache_bytes(const lms_context * c) {
    const llama_model * m = c->owner->model;
    const int64_t n_ctx = llama_n_ctx(c->ctx);
    const int64_t n_layer = llama_model_n_layer(m);
    const int64_t n_head_kv = llama_model_n_head_kv(m);
    const size_t k_row = ggml_row_size(static_cast<ggml_type>(c->type_k), head_width(m, "key_length") * n_head_kv);
    const size_t v_row = ggml_row_size(static_cast<ggml_type>(c->type_v), head_width(m, "value_length") * n_head_kv);
    return n_ctx * n_layer * static_cast<int64_t>(k_row + v_row);
}

}  // namespace

extern "C" {

void lms_context_default_params(lms_context_params * p) {
    if (p == nullptr) {
        return;
    }
    *p = {};
    p->struct_size = sizeof(lms_context_params);
    p->n_ctx = 4096;
    p->n_batch = 512;
    p->n_ubatch = 0;
    p->n_seq_max = 1;
    p->n_threads = 0;
    p->n_threads_batch = 0;
    p->type_k = GGML_TYPE_F16;
    p->type_v = GGML_TYPE_F16;
    p->flash_attn = -1;
    p->layer_capture = 0;
}

lms_status lms_context_create(lms_model * model, const lms_context_params * p, lms_context ** out_ctx) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(model != nullptr && p != nullptr && out_ctx != nullptr, "model, params and out_ctx are required");
        *out_ctx = nullptr;
        LMS_REQUIRE(p->struct_size == static_cast<int32_t>(sizeof(lms_context_params)),
                    "lms_context_params size mismatch: managed and native definitions differ");
        LMS_REQUIRE(p->n_ctx >= 0 && p->n_batch > 0 && p->n_ubatch >= 0 && p->n_seq_max > 0 && static_cast<size_t>(p->n_seq_max) <= llama_max_parallel_sequences(),
                    "context sizes must be positive and n_seq_max at most " + std::to_string(llama_max_parallel_sequences()));
        LMS_REQUIRE(is_known_cache_type(p->type_k) && is_known_cache_type(p->type_v), "unsupported KV cache type");
        LMS_REQUIRE(p->flash_attn >= -1 && p->flash_attn <= 1, "flash_attn must be -1, 0 or 1");

        auto * c = new lms_context();
        c->owner = model;
        llama_context_params cp = llama_context_default_params();
        cp.n_ctx = static_cast<uint32_t>(p->n_ctx);
        cp.n_batch = static_cast<uint32_t>(p->n_batch);
        cp.n_ubatch = static_cast<uint32_t>(p->n_ubatch > 0 ? p->n_ubatch : p->n_batch);
        cp.n_seq_max = static_cast<uint32_t>(p->n_seq_max);
        // llama.cpp's default (4 threads) oversubscribes small machines, and spinning barriers then dominate.
        cp.n_threads = p->n_threads > 0 ? p->n_threads : static_cast<int32_t>(std::max(1u, std::thread::hardware_concurrency()));
        cp.n_threads_batch = p->n_threads_batch > 0 ? p->n_threads_batch : cp.n_threads;
        cp.type_k = static_cast<ggml_type>(p->type_k);
        cp.type_v = static_cast<ggml_type>(p->type_v);
        cp.flash_attn_type = static_cast<llama_flash_attn_type>(p->flash_attn);
        cp.embeddings = true;                          // hidden states are the product
        cp.pooling_type = LLAMA_POOLING_TYPE_NONE;     // one hidden state per row, not per sequence
        cp.kv_unified = true;                          // all sequences share n_ctx cells
        cp.abort_callback = [](void * ud) { return static_cast<lms_context *>(ud)->abort_requested.load(); };
        cp.abort_callback_data = c;
        if (p->layer_capture != 0) {
            cp.cb_eval = capture_callback;
            cp.cb_eval_user_data = c;
            c->capture_installed = true;
        }
        llama_context * ctx = llama_init_from_model(model->model, cp);
        if (ctx == nullptr) {
            delete c;
            return lms::fail(LMS_ERR_INVALID_ARGUMENT, "llama.cpp could not create the context (n_ctx " +
                                                           std::to_string(p->n_ctx) + ", n_batch " + std::to_string(p->n_batch) + ")");
        }
        c->ctx = ctx;
        c->n_embd = llama_model_n_embd(model->model);
        c->hidden_ok = llama_model_n_embd_out(model->model) == c->n_embd;
        c->n_vocab = llama_vocab_n_tokens(model->vocab);
        c->n_seq_max = p->n_seq_max;
        c->type_k = p->type_k;
        c->type_v = p->type_v;
        *out_ctx = c;
        return LMS_OK;
    });
}

void lms_context_free(lms_context * ctx) {
    if (ctx == nullptr) {
        return;
    }
    llama_free(ctx->ctx);
    delete ctx;
}

lms_status lms_context_get_info(const lms_context * c, lms_context_info * out) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(c != nullptr && out != nullptr, "ctx and out_info are required");
        LMS_REQUIRE(out->struct_size == static_cast<int32_t>(sizeof(lms_context_info)),
                    "lms_context_info size mismatch: managed and native definitions differ");
        const auto * lctx = c->ctx;
        out->n_ctx = static_cast<int32_t>(llama_n_ctx(lctx));
        out->n_batch = static_cast<int32_t>(llama_n_batch(lctx));
        out->n_ubatch = static_cast<int32_t>(llama_n_ubatch(lctx));
        out->n_seq_max = static_cast<int32_t>(llama_n_seq_max(lctx));
        out->n_embd = c->n_embd;
        out->n_vocab = c->n_vocab;
        out->n_layer = llama_model_n_layer(c->owner->model);
        out->kv_bytes = kv_cache_bytes(c);
        return LMS_OK;
    });
}

void lms_context_request_abort(lms_context * ctx) {
    if (ctx != nullptr) {
        ctx->abort_requested.store(true);
    }
}

namespace {

// One llama_decode of rows [from, to) of the caller's arrays; embeddings on or off for this call.
int32_t decode_rows(lms_context * c, int32_t from, int32_t to, const int32_t * tokens, const float * embd, int32_t n_embd,
                    const int32_t * seq_ids, const int32_t * positions, const std::vector<int8_t> & want, bool embeddings) {
    const int32_t n = to - from;
    llama_batch batch = llama_batch_init(n, embd != nullptr ? n_embd : 0, 1);
    struct batch_guard { llama_batch & b; ~batch_guard() { llama_batch_free(b); } } guard{batch};
    batch.n_tokens = n;
    if (embd != nullptr) {
        std::memcpy(batch.embd, embd + static_cast<size_t>(from) * n_embd, sizeof(float) * static_cast<size_t>(n) * static_cast<size_t>(n_embd));
    }
    for (int32_t i = 0; i < n; ++i) {
        if (tokens != nullptr) {
            batch.token[i] = tokens[from + i];
        }
        batch.pos[i] = positions[from + i];
        batch.n_seq_id[i] = 1;
        batch.seq_id[i][0] = seq_ids[from + i];
        batch.logits[i] = want[static_cast<size_t>(from + i)];
    }
    // With embeddings on llama.cpp outputs every row; off, it honours the per-row flags.
    llama_set_embeddings(c->ctx, embeddings);
    return llama_decode(c->ctx, batch);
}

}  // namespace

lms_status lms_context_decode(lms_context * c, int32_t n, const int32_t * tokens, const float * embd, int32_t n_embd,
                              const int32_t * seq_ids, const int32_t * positions, const int8_t * outputs,
                              float * logits_out, float * hidden_out) {
    if (c == nullptr) {
        return lms::fail(LMS_ERR_INVALID_ARGUMENT, "ctx is required");
    }
    // A stop request belongs to the decode it interrupts: one left from before this call, or arriving after it
    // returned, must not stop a later, unrelated decode.
    c->abort_requested.store(false);
    struct abort_reset { lms_context * c; ~abort_reset() { c->abort_requested.store(false); } } reset{c};
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(n > 0, "a decode needs at least one row");
        LMS_REQUIRE((tokens != nullptr) != (embd != nullptr), "give either tokens or embeddings, not both");
        LMS_REQUIRE(seq_ids != nullptr && positions != nullptr, "seq_ids and positions are required");
        const int32_t n_batch = static_cast<int32_t>(llama_n_batch(c->ctx));
        LMS_REQUIRE(n <= n_batch, "batch of " + std::to_string(n) + " rows exceeds the context's n_batch " + std::to_string(n_batch));
        if (embd != nullptr) {
            LMS_REQUIRE(c->owner->embedding_input,
                        "this model's architecture takes multi-part positions or wider input vectors: embedding input is not supported for it");
            LMS_REQUIRE(n_embd == c->n_embd, "embedding width " + std::to_string(n_embd) + " differs from the model's " +
                                                 std::to_string(c->n_embd));
        }
        LMS_REQUIRE(hidden_out == nullptr || c->hidden_ok, "this model's output vectors are not n_embd wide: hidden states are not supported for it");
        const int32_t n_ctx = static_cast<int32_t>(llama_n_ctx(c->ctx));
        for (int32_t i = 0; i < n; ++i) {
            LMS_REQUIRE(seq_ids[i] >= 0 && seq_ids[i] < c->n_seq_max, "row " + std::to_string(i) + ": sequence id " +
                                                                          std::to_string(seq_ids[i]) + " out of range");
            LMS_REQUIRE(positions[i] >= 0 && positions[i] < n_ctx, "row " + std::to_string(i) + ": position " +
                                                                        std::to_string(positions[i]) + " outside the context");
            if (tokens != nullptr) {
                LMS_REQUIRE(tokens[i] >= 0 && tokens[i] < c->n_vocab, "row " + std::to_string(i) + ": token id " +
                                                                          std::to_string(tokens[i]) + " out of range");
            }
        }
        if (c->capture_layer >= 0) {
            LMS_REQUIRE(n <= static_cast<int32_t>(llama_n_ubatch(c->ctx)), "layer capture needs a batch no larger than n_ubatch");
        }

        std::vector<int8_t> want(static_cast<size_t>(n));
        int32_t n_out = 0;
        for (int32_t i = 0; i < n; ++i) {
            want[static_cast<size_t>(i)] = (outputs == nullptr || outputs[i] != 0) ? 1 : 0;
            n_out += want[static_cast<size_t>(i)];
        }
        const bool hidden = hidden_out != nullptr;

        // Two passes when hidden states are wanted for rows that each end their sequence in this batch:
        // rows without output first (embeddings off: no LM head for them), then the output rows.
        bool two_pass = hidden && n_out < n && c->capture_layer < 0;
        if (two_pass) {
            for (int32_t i = 0; i < n && two_pass; ++i) {
                if (!want[static_cast<size_t>(i)]) {
                    continue;
                }
                for (int32_t j = i + 1; j < n; ++j) {
                    if (seq_ids[j] == seq_ids[i]) {
                        two_pass = false;  // an output row followed by more rows of its sequence
                        break;
                    }
                }
            }
        }

        c->captured.clear();
        c->capture_row_index.assign(static_cast<size_t>(n), -1);
        std::vector<int32_t> order(static_cast<size_t>(n));  // batch row of each row as decoded
        int32_t rc = 0;
        if (two_pass) {
            std::vector<int32_t> t2, s2, p2;
            std::vector<float> e2;
            std::vector<int8_t> w2;
            // Stable partition: quiet rows, then output rows, each keeping their order.
            int32_t k = 0;
            for (int pass = 0; pass < 2; ++pass) {
                for (int32_t i = 0; i < n; ++i) {
                    if (want[static_cast<size_t>(i)] != pass) {
                        continue;
                    }
                    order[static_cast<size_t>(k++)] = i;
                    if (tokens != nullptr) {
                        t2.push_back(tokens[i]);
                    } else {
                        e2.insert(e2.end(), embd + static_cast<size_t>(i) * n_embd, embd + static_cast<size_t>(i + 1) * n_embd);
                    }
                    s2.push_back(seq_ids[i]);
                    p2.push_back(positions[i]);
                    w2.push_back(static_cast<int8_t>(pass));
                }
            }
            const int32_t quiet = n - n_out;
            const int32_t * tp = tokens != nullptr ? t2.data() : nullptr;
            const float * ep = embd != nullptr ? e2.data() : nullptr;
            rc = decode_rows(c, 0, quiet, tp, ep, n_embd, s2.data(), p2.data(), w2, false);
            if (rc == 0) {
                rc = decode_rows(c, quiet, n, tp, ep, n_embd, s2.data(), p2.data(), w2, true);
            }
            if (rc == 1 && c->abort_requested.load() == false) {
                // The second pass found no room: undo the first so the cache is unchanged, as documented.
                for (int32_t i = 0; i < quiet; ++i) {
                    llama_memory_seq_rm(llama_get_memory(c->ctx), s2[static_cast<size_t>(i)], p2[static_cast<size_t>(i)], p2[static_cast<size_t>(i)] + 1);
                }
            }
        } else {
            for (int32_t i = 0; i < n; ++i) {
                order[static_cast<size_t>(i)] = i;
            }
            rc = decode_rows(c, 0, n, tokens, embd, n_embd, seq_ids, positions, want, hidden);
        }
        const bool aborted = c->abort_requested.load();
        if (rc == 1) {
            return lms::fail(LMS_ERR_NO_KV_SLOT, "the KV cache has no room for " + std::to_string(n) +
                                                     " more rows: use a larger context or remove positions");
        }
        if (rc == 2 || (rc != 0 && aborted)) {
            return lms::fail(LMS_ERR_ABORTED, "decode aborted");
        }
        if (rc != 0) {
            return lms::fail(LMS_ERR_DECODE, "llama_decode failed with code " + std::to_string(rc));
        }

        // Map batch rows to captured rows: all rows for inner layers, only output rows for the last.
        if (c->capture_layer >= 0 && c->n_embd > 0) {
            const auto captured_rows = static_cast<int32_t>(c->captured.size() / static_cast<size_t>(c->n_embd));
            int32_t out_i = 0;
            for (int32_t i = 0; i < n; ++i) {
                if (captured_rows == n) {
                    c->capture_row_index[static_cast<size_t>(i)] = i;
                } else if (captured_rows == n_out && want[static_cast<size_t>(i)]) {
                    c->capture_row_index[static_cast<size_t>(i)] = out_i;
                }
                out_i += want[static_cast<size_t>(i)];
            }
        }

        // Outputs in the caller's row order. In the last decode, output row r of the caller is at index
        // (its place in that decode's batch).
        const int32_t last_first = two_pass ? n - n_out : 0;
        int32_t j = 0;
        for (int32_t i = 0; i < n; ++i) {
            if (!want[static_cast<size_t>(i)]) {
                continue;
            }
            int32_t idx = -1;
            for (int32_t k = last_first; k < n; ++k) {
                if (order[static_cast<size_t>(k)] == i) {
                    idx = k - last_first;
                    break;
                }
            }
            if (logits_out != nullptr) {
                const float * l = llama_get_logits_ith(c->ctx, idx);
                if (l == nullptr) {
                    return lms::fail(LMS_ERR_DECODE, "no logits for row " + std::to_string(i));
                }
                std::memcpy(logits_out + static_cast<size_t>(j) * c->n_vocab, l, sizeof(float) * static_cast<size_t>(c->n_vocab));
            }
            if (hidden_out != nullptr) {
                const float * h = llama_get_embeddings_ith(c->ctx, idx);
                if (h == nullptr) {
                    return lms::fail(LMS_ERR_DECODE, "no hidden state for row " + std::to_string(i));
                }
                std::memcpy(hidden_out + static_cast<size_t>(j) * c->n_embd, h, sizeof(float) * static_cast<size_t>(c->n_embd));
            }
            ++j;
        }
        return LMS_OK;
    });
}

lms_status lms_context_set_capture_layer(lms_context * c, int32_t layer) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(c != nullptr, "ctx is required");
        LMS_REQUIRE(c->capture_installed, "layer capture was not enabled when the context was created (layer_capture = 1)");
        const int32_t n_layer = llama_model_n_layer(c->owner->model);
        LMS_REQUIRE(layer >= -1 && layer < n_layer, "layer " + std::to_string(layer) + " out of range [0, " + std::to_string(n_layer) + ")");
        c->capture_layer = layer;
        c->capture_name = layer >= 0 ? "l_out-" + std::to_string(layer) : std::string();
        c->captured.clear();
        c->capture_row_index.clear();
        return LMS_OK;
    });
}

lms_status lms_context_get_captured(const lms_context * c, int32_t row, float * out, int32_t n_embd) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(c != nullptr && out != nullptr, "ctx and out are required");
        LMS_REQUIRE(n_embd == c->n_embd, "buffer width differs from the model's n_embd");
        LMS_REQUIRE(row >= 0 && static_cast<size_t>(row) < c->capture_row_index.size(), "row out of range of the last decode");
        const int32_t k = c->capture_row_index[static_cast<size_t>(row)];
        if (k < 0) {
            return lms::fail(LMS_ERR_NOT_FOUND, "no captured hidden state for row " + std::to_string(row) +
                                                    " (the last layer keeps only rows that had outputs)");
        }
        std::memcpy(out, c->captured.data() + static_cast<size_t>(k) * c->n_embd, sizeof(float) * static_cast<size_t>(n_embd));
        return LMS_OK;
    });
}

lms_status lms_kv_seq_rm(lms_context * c, int32_t seq, int32_t p0, int32_t p1) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(c != nullptr, "ctx is required");
        LMS_REQUIRE(seq < c->n_seq_max, "sequence id out of range");
        if (!llama_memory_seq_rm(llama_get_memory(c->ctx), seq < 0 ? -1 : seq, p0, p1)) {
            return lms::fail(LMS_ERR_INVALID_ARGUMENT, "the KV cache refused to remove that range");
        }
        return LMS_OK;
    });
}

lms_status lms_kv_seq_cp(lms_context * c, int32_t src, int32_t dst, int32_t p0, int32_t p1) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(c != nullptr, "ctx is required");
        LMS_REQUIRE(src >= 0 && src < c->n_seq_max && dst >= 0 && dst < c->n_seq_max, "sequence id out of range");
        llama_memory_seq_cp(llama_get_memory(c->ctx), src, dst, p0, p1);
        return LMS_OK;
    });
}

lms_status lms_kv_seq_keep(lms_context * c, int32_t seq) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(c != nullptr, "ctx is required");
        LMS_REQUIRE(seq >= 0 && seq < c->n_seq_max, "sequence id out of range");
        llama_memory_seq_keep(llama_get_memory(c->ctx), seq);
        return LMS_OK;
    });
}

int32_t lms_kv_seq_pos_max(const lms_context * c, int32_t seq) {
    if (c == nullptr || seq < 0 || seq >= c->n_seq_max) {
        return -1;
    }
    return llama_memory_seq_pos_max(llama_get_memory(c->ctx), seq);
}

int32_t lms_kv_seq_pos_min(const lms_context * c, int32_t seq) {
    if (c == nullptr || seq < 0 || seq >= c->n_seq_max) {
        return -1;
    }
    return llama_memory_seq_pos_min(llama_get_memory(c->ctx), seq);
}

lms_status lms_kv_clear(lms_context * c) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(c != nullptr, "ctx is required");
        llama_memory_clear(llama_get_memory(c->ctx), true);
        return LMS_OK;
    });
}

lms_status lms_state_seq_size(lms_context * c, int32_t seq, size_t * out_size) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(c != nullptr && out_size != nullptr, "ctx and out_size are required");
        LMS_REQUIRE(seq >= 0 && seq < c->n_seq_max, "sequence id out of range");
        *out_size = llama_state_seq_get_size(c->ctx, seq);
        return LMS_OK;
    });
}

lms_status lms_state_seq_save(lms_context * c, int32_t seq, uint8_t * buf, size_t buf_size, size_t * written) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(c != nullptr && buf != nullptr && written != nullptr, "ctx, buf and written are required");
        LMS_REQUIRE(seq >= 0 && seq < c->n_seq_max, "sequence id out of range");
        const size_t need = llama_state_seq_get_size(c->ctx, seq);
        if (buf_size < need) {
            *written = need;
            return lms::fail(LMS_ERR_BUFFER_TOO_SMALL, "state buffer too small");
        }
        *written = llama_state_seq_get_data(c->ctx, buf, buf_size, seq);
        if (*written == 0) {
            return lms::fail(LMS_ERR_INTERNAL, "llama.cpp wrote no state");
        }
        return LMS_OK;
    });
}

lms_status lms_state_seq_load(lms_context * c, int32_t seq, const uint8_t * buf, size_t buf_size) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(c != nullptr && buf != nullptr && buf_size > 0, "ctx and a non-empty buffer are required");
        LMS_REQUIRE(seq >= 0 && seq < c->n_seq_max, "sequence id out of range");
        if (llama_state_seq_set_data(c->ctx, buf, buf_size, seq) == 0) {
            return lms::fail(LMS_ERR_INVALID_ARGUMENT, "llama.cpp refused the sequence state (wrong model, or no room in the cache)");
        }
        return LMS_OK;
    });
}

}  // extern "C"
