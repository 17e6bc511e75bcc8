// Sampling: llama.cpp's sampler chain applied to a row of logits the caller already holds.
#include "lms_internal.h"

struct lms_sampler {
    llama_sampler *               chain = nullptr;
    std::vector<llama_token_data> candidates;
};

extern "C" {

lms_status lms_sampler_create(const lms_sampler_params * p, lms_sampler ** out_sampler) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(p != nullptr && out_sampler != nullptr, "params and out_sampler are required");
        *out_sampler = nullptr;
        LMS_REQUIRE(p->struct_size == static_cast<int32_t>(sizeof(lms_sampler_params)),
                    "lms_sampler_params size mismatch: managed and native definitions differ");
        LMS_REQUIRE(p->top_p > 0.0f, "top_p must be greater than 0");
        llama_sampler * chain = llama_sampler_chain_init(llama_sampler_chain_default_params());
        if (p->temperature <= 0.0f) {
            llama_sampler_chain_add(chain, llama_sampler_init_greedy());
        } else {
            if (p->top_k > 0) {
                llama_sampler_chain_add(chain, llama_sampler_init_top_k(p->top_k));
            }
            if (p->top_p < 1.0f) {
                llama_sampler_chain_add(chain, llama_sampler_init_top_p(p->top_p, 1));
            }
            if (p->min_p > 0.0f) {
                llama_sampler_chain_add(chain, llama_sampler_init_min_p(p->min_p, 1));
            }
            llama_sampler_chain_add(chain, llama_sampler_init_temp(p->temperature));
            llama_sampler_chain_add(chain, llama_sampler_init_dist(p->seed));
        }
        auto * s = new lms_sampler();
        s->chain = chain;
        *out_sampler = s;
        return LMS_OK;
    });
}

void lms_sampler_free(lms_sampler * s) {
    if (s == nullptr) {
        return;
    }
    llama_sampler_free(s->chain);
    delete s;
}

lms_status lms_sampler_sample(lms_sampler * s, const float * logits, int32_t n_vocab, int32_t * out_token) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(s != nullptr && logits != nullptr && out_token != nullptr, "sampler, logits and out_token are required");
        LMS_REQUIRE(n_vocab > 0, "n_vocab must be positive");
        s->candidates.resize(static_cast<size_t>(n_vocab));
        for (int32_t i = 0; i < n_vocab; ++i) {
            s->candidates[static_cast<size_t>(i)] = llama_token_data{i, logits[i], 0.0f};
        }
        llama_token_data_array arr{s->candidates.data(), s->candidates.size(), -1, false};
        llama_sampler_apply(s->chain, &arr);
        if (arr.selected < 0 || static_cast<size_t>(arr.selected) >= arr.size) {
            return lms::fail(LMS_ERR_INTERNAL, "the sampler chain selected no token");
        }
        const llama_token t = arr.data[arr.selected].id;
        llama_sampler_accept(s->chain, t);
        *out_token = t;
        return LMS_OK;
    });
}

lms_status lms_sampler_reset(lms_sampler * s) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(s != nullptr, "sampler is required");
        llama_sampler_reset(s->chain);
        return LMS_OK;
    });
}

}  // extern "C"
