/*
 * lms.h - the flat C API of the LatentMas.Native shim over llama.cpp.
 *
 * Conventions (modelled on llama.h, with one error channel instead of five):
 *   - every function is named lms_<object>_<verb> and, unless it is a pure getter or a free
 *     function, returns an lms_status; LMS_OK is 0;
 *   - on failure, lms_last_error() returns a message for the calling thread, valid until the next
 *     shim call on that thread; no C++ exception ever crosses this boundary;
 *   - objects are opaque handles; each create, load or open function has exactly one free function,
 *     which accepts NULL;
 *   - buffers are owned by the caller; "needed" out-parameters report the full size so the caller can
 *     grow its buffer and call again (LMS_ERR_BUFFER_TOO_SMALL);
 *   - no llama.cpp or ggml type appears here: quantization and cache types are plain integers whose
 *     values are ggml's (documented next to each parameter).
 */
#ifndef LMS_H
#define LMS_H

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
#  define LMS_API __declspec(dllexport)
#else
#  define LMS_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* Bump when any signature or struct below changes; the managed side refuses a mismatch. */
#define LMS_ABI_VERSION 2

typedef int32_t lms_status;
#define LMS_OK                   ((lms_status)0)
#define LMS_ERR_INVALID_ARGUMENT ((lms_status)1)   /* a parameter is out of range or inconsistent */
#define LMS_ERR_IO               ((lms_status)2)   /* a file could not be opened, read or written */
#define LMS_ERR_INVALID_FILE     ((lms_status)3)   /* not a (complete) GGUF, or llama.cpp refused to load it */
#define LMS_ERR_NOT_FOUND        ((lms_status)4)   /* a named tensor or metadata key does not exist */
#define LMS_ERR_BUFFER_TOO_SMALL ((lms_status)5)   /* the caller's buffer is smaller than *needed */
#define LMS_ERR_NO_KV_SLOT       ((lms_status)6)   /* the KV cache has no room for the batch (an expected outcome) */
#define LMS_ERR_ABORTED          ((lms_status)7)   /* lms_context_request_abort stopped the decode */
#define LMS_ERR_DECODE           ((lms_status)8)   /* llama_decode failed for another reason */
#define LMS_ERR_BACKEND          ((lms_status)9)   /* no compute backend could be loaded */
#define LMS_ERR_INTERNAL         ((lms_status)10)  /* an unexpected C++ exception; the message says which */

typedef struct lms_model        lms_model;
typedef struct lms_context      lms_context;
typedef struct lms_sampler      lms_sampler;
typedef struct lms_gguf_reader  lms_gguf_reader;
typedef struct lms_gguf_writer  lms_gguf_writer;

/* ---- library ---------------------------------------------------------------------------- */

LMS_API int32_t      lms_abi_version(void);
/* Message of the last failed call on this thread ("" if none). Owned by the shim. */
LMS_API const char * lms_last_error(void);

/* level: 1 debug, 2 info, 3 warning, 4 error, 5 continuation (ggml's values); text is valid only during the call. */
typedef void (*lms_log_callback)(int32_t level, const char * text, void * user_data);
/* Routes llama.cpp's and ggml's log to cb (NULL: drop everything). */
LMS_API lms_status lms_log_set(lms_log_callback cb, void * user_data);

/* Loads every ggml backend found in backend_dir (CPU variants, CUDA, ...) and initialises llama.cpp.
 * Idempotent. Fails with LMS_ERR_BACKEND when no backend at all is available afterwards. */
LMS_API lms_status lms_backend_init(const char * backend_dir);
/* Number of compute devices ggml knows about (CPU included). */
LMS_API int32_t    lms_backend_device_count(void);
/* Name and description of device i, "name: description", into buf. */
LMS_API lms_status lms_backend_device_name(int32_t i, char * buf, size_t buf_size, size_t * needed);

/* ---- model ------------------------------------------------------------------------------ */

typedef struct lms_model_info {
    int32_t struct_size;     /* sizeof(lms_model_info): checked by lms_model_get_info */
    int32_t n_layer;
    int32_t n_embd;
    int32_t n_head;
    int32_t n_head_kv;
    int32_t n_vocab;
    int32_t n_ctx_train;
    int32_t tied_output;     /* 1 when the model has no output.weight and reuses token_embd */
    int32_t embedding_input; /* 1 when arbitrary n_embd vectors can be decoded as input (plain RoPE, no wider input) */
    int32_t reserved;
    int64_t n_params;
    int64_t size_bytes;      /* bytes of all weights */
} lms_model_info;

/* String properties of a model. */
enum {
    LMS_MODEL_STR_ARCHITECTURE  = 0,
    LMS_MODEL_STR_CHAT_TEMPLATE = 1,  /* "" when the model has none */
    LMS_MODEL_STR_DESCRIPTION   = 2,  /* llama.cpp's one-line description, e.g. "qwen2 ?B F32" */
    LMS_MODEL_STR_NAME          = 3   /* general.name, "" when absent */
};

LMS_API lms_status lms_model_load(const char * path, int32_t n_gpu_layers, int32_t use_mmap, lms_model ** out_model);
LMS_API void       lms_model_free(lms_model * model);
LMS_API lms_status lms_model_get_info(const lms_model * model, lms_model_info * out_info);
LMS_API lms_status lms_model_get_string(const lms_model * model, int32_t which, char * buf, size_t buf_size, size_t * needed);
/* Any metadata value, as text. LMS_ERR_NOT_FOUND when the key is absent. */
LMS_API lms_status lms_model_get_meta(const lms_model * model, const char * key, char * buf, size_t buf_size, size_t * needed);

/* ---- vocabulary ------------------------------------------------------------------------- */

enum {
    LMS_TOKEN_BOS = 0,
    LMS_TOKEN_EOS = 1,
    LMS_TOKEN_EOT = 2,
    LMS_TOKEN_PAD = 3
};
/* The id of a special token, -1 when the vocabulary has none. */
LMS_API int32_t    lms_vocab_special(const lms_model * model, int32_t which);
LMS_API int32_t    lms_vocab_is_eog(const lms_model * model, int32_t token);
LMS_API int32_t    lms_vocab_add_bos(const lms_model * model);

/* Tokenizes UTF-8 text; *n_tokens receives the count (also when LMS_ERR_BUFFER_TOO_SMALL). */
LMS_API lms_status lms_tokenize(const lms_model * model, const char * text, int32_t text_len,
                                int32_t add_special, int32_t parse_special,
                                int32_t * tokens, int32_t capacity, int32_t * n_tokens);
/* Text of tokens (UTF-8, not NUL-terminated); *needed receives the byte count. */
LMS_API lms_status lms_detokenize(const lms_model * model, const int32_t * tokens, int32_t n_tokens,
                                  int32_t remove_special, int32_t unparse_special,
                                  char * buf, size_t buf_size, size_t * needed);
/* Piece of one token (bytes, may be part of a UTF-8 sequence). */
LMS_API lms_status lms_token_piece(const lms_model * model, int32_t token, int32_t render_special,
                                   char * buf, size_t buf_size, size_t * needed);

/* Applies a chat template (the model's own when tmpl is NULL) to n messages. */
LMS_API lms_status lms_chat_apply(const lms_model * model, const char * tmpl,
                                  const char * const * roles, const char * const * contents, int32_t n_messages,
                                  int32_t add_assistant, char * buf, size_t buf_size, size_t * needed);

/* ---- context ---------------------------------------------------------------------------- */

typedef struct lms_context_params {
    int32_t struct_size;     /* sizeof(lms_context_params) */
    int32_t n_ctx;           /* KV cache cells shared by all sequences; 0 = the model's training length */
    int32_t n_batch;         /* most rows one decode call accepts */
    int32_t n_ubatch;        /* physical batch; 0 = n_batch */
    int32_t n_seq_max;       /* number of sequences (questions decoded together) */
    int32_t n_threads;       /* 0 = all cores */
    int32_t n_threads_batch; /* 0 = n_threads */
    int32_t type_k;          /* ggml_type of the K cache: 0 F32, 1 F16, 8 Q8_0 ... */
    int32_t type_v;          /* ggml_type of the V cache */
    int32_t flash_attn;      /* -1 auto, 0 off, 1 on */
    int32_t layer_capture;   /* 1: install the evaluation callback so lms_context_set_capture_layer works */
} lms_context_params;

LMS_API void       lms_context_default_params(lms_context_params * out_params);
LMS_API lms_status lms_context_create(lms_model * model, const lms_context_params * params, lms_context ** out_ctx);
LMS_API void       lms_context_free(lms_context * ctx);

typedef struct lms_context_info {
    int32_t struct_size;
    int32_t n_ctx;
    int32_t n_batch;
    int32_t n_ubatch;
    int32_t n_seq_max;
    int32_t n_embd;
    int32_t n_vocab;
    int32_t n_layer;
    int64_t kv_bytes;        /* size of the KV cache buffers */
} lms_context_info;
LMS_API lms_status lms_context_get_info(const lms_context * ctx, lms_context_info * out_info);

/* Asks a running decode to stop (thread-safe); the request is cleared when a decode starts and when it returns. */
LMS_API void       lms_context_request_abort(lms_context * ctx);

/*
 * Decodes n rows in one llama_decode call. Row i is either a token (tokens != NULL) or an input
 * embedding of n_embd floats (embd != NULL, row-major n x n_embd); exactly one of the two is given.
 * Row i belongs to sequence seq_ids[i] at position positions[i]. Rows with outputs[i] != 0 produce
 * outputs (outputs == NULL: every row does); their logits (n_vocab floats each) and final hidden
 * states (n_embd floats each, after the output norm) are written in row order to logits_out and
 * hidden_out, either of which may be NULL.
 * LMS_ERR_NO_KV_SLOT when the cache is full; the cache is then unchanged. Embedding rows are refused for
 * models whose embedding_input is 0. When hidden states are asked for and every output row is the last row
 * of its sequence in the batch, the other rows are decoded first without outputs, so the LM head runs only
 * for the output rows.
 */
LMS_API lms_status lms_context_decode(lms_context * ctx, int32_t n,
                                      const int32_t * tokens, const float * embd, int32_t n_embd,
                                      const int32_t * seq_ids, const int32_t * positions, const int8_t * outputs,
                                      float * logits_out, float * hidden_out);

/* Layer whose output ("l_out-<layer>") the next decodes capture; -1 turns capture off.
 * Needs layer_capture = 1 at creation and a batch no larger than n_ubatch. */
LMS_API lms_status lms_context_set_capture_layer(lms_context * ctx, int32_t layer);
/* Captured hidden state of row `row` of the last decode (n_embd floats). Rows of the model's last
 * layer exist only for rows that had outputs. */
LMS_API lms_status lms_context_get_captured(const lms_context * ctx, int32_t row, float * out, int32_t n_embd);

/* ---- KV cache (one llama.cpp memory, several sequences) -------------------------------- */

/* Removes positions [p0, p1) of seq (p0 < 0: from 0; p1 < 0: to the end; seq < 0: every sequence). */
LMS_API lms_status lms_kv_seq_rm(lms_context * ctx, int32_t seq, int32_t p0, int32_t p1);
/* Makes dst share src's positions [p0, p1). */
LMS_API lms_status lms_kv_seq_cp(lms_context * ctx, int32_t src, int32_t dst, int32_t p0, int32_t p1);
/* Removes every sequence but seq. */
LMS_API lms_status lms_kv_seq_keep(lms_context * ctx, int32_t seq);
/* Largest / smallest position of seq, -1 when empty. */
LMS_API int32_t    lms_kv_seq_pos_max(const lms_context * ctx, int32_t seq);
LMS_API int32_t    lms_kv_seq_pos_min(const lms_context * ctx, int32_t seq);
LMS_API lms_status lms_kv_clear(lms_context * ctx);

/* Serialised state of one sequence (its KV entries). */
LMS_API lms_status lms_state_seq_size(lms_context * ctx, int32_t seq, size_t * out_size);
LMS_API lms_status lms_state_seq_save(lms_context * ctx, int32_t seq, uint8_t * buf, size_t buf_size, size_t * written);
LMS_API lms_status lms_state_seq_load(lms_context * ctx, int32_t seq, const uint8_t * buf, size_t buf_size);

/* ---- sampling --------------------------------------------------------------------------- */

typedef struct lms_sampler_params {
    int32_t  struct_size;
    float    temperature;    /* <= 0: greedy */
    int32_t  top_k;          /* <= 0: off */
    float    top_p;          /* >= 1: off */
    float    min_p;          /* <= 0: off */
    uint32_t seed;
} lms_sampler_params;

LMS_API lms_status lms_sampler_create(const lms_sampler_params * params, lms_sampler ** out_sampler);
LMS_API void       lms_sampler_free(lms_sampler * sampler);
/* Picks a token from one row of logits (n_vocab floats) and records it as accepted. */
LMS_API lms_status lms_sampler_sample(lms_sampler * sampler, const float * logits, int32_t n_vocab, int32_t * out_token);
LMS_API lms_status lms_sampler_reset(lms_sampler * sampler);

/* ---- GGUF files ------------------------------------------------------------------------- */

/* Opens a GGUF for reading metadata and tensors; tensor data stays on disk until read. */
LMS_API lms_status lms_gguf_open(const char * path, lms_gguf_reader ** out_reader);
LMS_API void       lms_gguf_close(lms_gguf_reader * reader);
LMS_API int64_t    lms_gguf_tensor_count(const lms_gguf_reader * reader);
LMS_API lms_status lms_gguf_tensor_name(const lms_gguf_reader * reader, int64_t index, char * buf, size_t buf_size, size_t * needed);

typedef struct lms_tensor_info {
    int32_t struct_size;
    int32_t type;            /* ggml_type */
    int32_t n_dims;
    int32_t reserved;
    int64_t ne[4];           /* ne[0] = row width, ne[1] = rows, ... */
} lms_tensor_info;
LMS_API lms_status lms_gguf_tensor_info(const lms_gguf_reader * reader, const char * name, lms_tensor_info * out_info);
/* Reads rows [row0, row0 + n_rows) of a 2-D (or 1-D, one row) tensor dequantized to float32. */
LMS_API lms_status lms_gguf_read_rows(lms_gguf_reader * reader, const char * name, int64_t row0, int64_t n_rows,
                                      float * out, int64_t out_len);
/* A metadata value as text (arrays: "[n items]"). */
LMS_API lms_status lms_gguf_get_meta(const lms_gguf_reader * reader, const char * key, char * buf, size_t buf_size, size_t * needed);

/*
 * Writing: create, set metadata, declare every tensor, then lms_gguf_writer_begin_data writes the
 * header and lms_gguf_writer_append streams the float32 data of the tensors in declaration order
 * (converted to each tensor's type), so no tensor has to be held whole. finish checks that every
 * byte was written.
 */
LMS_API lms_status lms_gguf_writer_create(lms_gguf_writer ** out_writer);
LMS_API void       lms_gguf_writer_free(lms_gguf_writer * writer);
/* Copies every metadata key of src_path that starts with prefix ("" copies all). */
LMS_API lms_status lms_gguf_writer_copy_meta(lms_gguf_writer * writer, const char * src_path, const char * prefix);
LMS_API lms_status lms_gguf_writer_set_str(lms_gguf_writer * writer, const char * key, const char * value);
LMS_API lms_status lms_gguf_writer_set_u32(lms_gguf_writer * writer, const char * key, uint32_t value);
LMS_API lms_status lms_gguf_writer_set_f32(lms_gguf_writer * writer, const char * key, float value);
LMS_API lms_status lms_gguf_writer_set_bool(lms_gguf_writer * writer, const char * key, int32_t value);
/* type: 0 F32 or 1 F16; ne as in lms_tensor_info. */
LMS_API lms_status lms_gguf_writer_add_tensor(lms_gguf_writer * writer, const char * name, int32_t type,
                                              int32_t n_dims, const int64_t * ne);
LMS_API lms_status lms_gguf_writer_begin_data(lms_gguf_writer * writer, const char * path);
LMS_API lms_status lms_gguf_writer_append(lms_gguf_writer * writer, const float * data, int64_t n);
LMS_API lms_status lms_gguf_writer_finish(lms_gguf_writer * writer);

/* Quantizes a model file with llama_model_quantize; ftype is llama_ftype (2 Q4_0, 7 Q8_0, 15 Q4_K_M, 1 F16). */
LMS_API lms_status lms_model_quantize(const char * in_path, const char * out_path, int32_t ftype, int32_t n_threads);

#ifdef __cplusplus
}
#endif

#endif /* LMS_H */
