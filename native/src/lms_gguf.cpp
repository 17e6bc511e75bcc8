// GGUF files without llama.cpp's model: streaming dequantized tensor rows out, and writing a file
// from metadata plus float32 data streamed in (the model factory's output).
#include "lms_internal.h"

#include "ggml.h"
#include "gguf.h"

#include <cstdio>
#include <memory>

struct lms_gguf_reader {
    gguf_context *    gguf = nullptr;
    FILE *            file = nullptr;
    std::string       path;
    std::vector<char> scratch;  // raw bytes of the rows being read
};

struct lms_gguf_writer {
    gguf_context *            gguf = nullptr;
    ggml_context *            tensors = nullptr;   // metadata-only tensors (no data)
    std::vector<ggml_tensor*> order;
    FILE *                    file = nullptr;
    std::string               path;
    size_t                    current = 0;         // tensor being filled
    int64_t                   filled = 0;          // elements of it written so far
    std::vector<char>         scratch;
};

namespace {

constexpr int kMaxWriterTensors = 8192;

std::string format_value(const gguf_context * g, int64_t id) {
    switch (gguf_get_kv_type(g, id)) {
        case GGUF_TYPE_UINT8: return std::to_string(gguf_get_val_u8(g, id));
        case GGUF_TYPE_INT8: return std::to_string(gguf_get_val_i8(g, id));
        case GGUF_TYPE_UINT16: return std::to_string(gguf_get_val_u16(g, id));
        case GGUF_TYPE_INT16: return std::to_string(gguf_get_val_i16(g, id));
        case GGUF_TYPE_UINT32: return std::to_string(gguf_get_val_u32(g, id));
        case GGUF_TYPE_INT32: return std::to_string(gguf_get_val_i32(g, id));
        case GGUF_TYPE_FLOAT32: return std::to_string(gguf_get_val_f32(g, id));
        case GGUF_TYPE_UINT64: return std::to_string(gguf_get_val_u64(g, id));
        case GGUF_TYPE_INT64: return std::to_string(gguf_get_val_i64(g, id));
        case GGUF_TYPE_FLOAT64: return std::to_string(gguf_get_val_f64(g, id));
        case GGUF_TYPE_BOOL: return gguf_get_val_bool(g, id) ? "true" : "false";
        case GGUF_TYPE_STRING: return gguf_get_val_str(g, id);
        case GGUF_TYPE_ARRAY: return "[" + std::to_string(gguf_get_arr_n(g, id)) + " items]";
        default: return "?";
    }
}

lms_status open_gguf_meta(const char * path, gguf_context ** out) {
    if (!lms::file_exists(path)) {
        return lms::fail(LMS_ERR_IO, std::string("file not found: ") + path);
    }
    gguf_init_params params{};
    params.no_alloc = true;
    params.ctx = nullptr;
    *out = gguf_init_from_file(path, params);
    if (*out == nullptr) {
        return lms::fail(LMS_ERR_INVALID_FILE, std::string("not a valid GGUF file: ") + path);
    }
    return LMS_OK;
}

bool write_padding(FILE * f, size_t n) {
    static const char zeros[64] = {};
    while (n > 0) {
        const size_t k = std::min(n, sizeof(zeros));
        if (std::fwrite(zeros, 1, k, f) != k) {
            return false;
        }
        n -= k;
    }
    return true;
}

}  // namespace

extern "C" {

lms_status lms_gguf_open(const char * path, lms_gguf_reader ** out_reader) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(path != nullptr && out_reader != nullptr, "path and out_reader are required");
        *out_reader = nullptr;
        gguf_context * g = nullptr;
        if (lms_status st = open_gguf_meta(path, &g); st != LMS_OK) {
            return st;
        }
        std::unique_ptr<gguf_context, decltype(&gguf_free)> owned(g, gguf_free);
        // gguf only parses the header: check that every tensor's bytes are really in the file.
        const int64_t size = lms::file_size(path);
        const size_t data = gguf_get_data_offset(g);
        for (int64_t i = 0; i < gguf_get_n_tensors(g); ++i) {
            const size_t end = data + gguf_get_tensor_offset(g, i) + gguf_get_tensor_size(g, i);
            if (static_cast<int64_t>(end) > size) {
                return lms::fail(LMS_ERR_INVALID_FILE, std::string("truncated GGUF file: ") + path + " (tensor '" +
                                                           gguf_get_tensor_name(g, i) + "' ends at byte " + std::to_string(end) +
                                                           ", the file has " + std::to_string(size) + ")");
            }
        }
        FILE * f = std::fopen(path, "rb");
        if (f == nullptr) {
            return lms::fail(LMS_ERR_IO, std::string("cannot open ") + path);
        }
        auto * r = new lms_gguf_reader();
        r->gguf = owned.release();
        r->file = f;
        r->path = path;
        *out_reader = r;
        return LMS_OK;
    });
}

void lms_gguf_close(lms_gguf_reader * r) {
    if (r == nullptr) {
        return;
    }
    if (r->file != nullptr) {
        std::fclose(r->file);
    }
    gguf_free(r->gguf);
    delete r;
}

int64_t lms_gguf_tensor_count(const lms_gguf_reader * r) { return r == nullptr ? 0 : gguf_get_n_tensors(r->gguf); }

lms_status lms_gguf_tensor_name(const lms_gguf_reader * r, int64_t index, char * buf, size_t buf_size, size_t * needed) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(r != nullptr, "reader is required");
        LMS_REQUIRE(index >= 0 && index < gguf_get_n_tensors(r->gguf), "tensor index out of range");
        return lms::copy_out(gguf_get_tensor_name(r->gguf, index), buf, buf_size, needed);
    });
}

lms_status lms_gguf_tensor_info(const lms_gguf_reader * r, const char * name, lms_tensor_info * out) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(r != nullptr && name != nullptr && out != nullptr, "reader, name and out_info are required");
        LMS_REQUIRE(out->struct_size == static_cast<int32_t>(sizeof(lms_tensor_info)),
                    "lms_tensor_info size mismatch: managed and native definitions differ");
        const int64_t id = gguf_find_tensor(r->gguf, name);
        if (id < 0) {
            return lms::fail(LMS_ERR_NOT_FOUND, std::string("tensor '") + name + "' not found in " + r->path);
        }
        const int64_t * ne = gguf_get_tensor_ne(r->gguf, id);
        out->type = static_cast<int32_t>(gguf_get_tensor_type(r->gguf, id));
        int32_t n_dims = 1;
        for (int d = 0; d < 4; ++d) {
            out->ne[d] = ne[d];
            if (ne[d] > 1) {
                n_dims = d + 1;
            }
        }
        out->n_dims = n_dims;
        return LMS_OK;
    });
}

lms_status lms_gguf_read_rows(lms_gguf_reader * r, const char * name, int64_t row0, int64_t n_rows, float * out, int64_t out_len) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(r != nullptr && name != nullptr && out != nullptr, "reader, name and out are required");
        const int64_t id = gguf_find_tensor(r->gguf, name);
        if (id < 0) {
            return lms::fail(LMS_ERR_NOT_FOUND, std::string("tensor '") + name + "' not found in " + r->path);
        }
        const int64_t * ne = gguf_get_tensor_ne(r->gguf, id);
        const int64_t width = ne[0];
        const int64_t rows = ne[1] * ne[2] * ne[3];
        LMS_REQUIRE(row0 >= 0 && n_rows >= 0 && row0 + n_rows <= rows,
                    "rows [" + std::to_string(row0) + ", " + std::to_string(row0 + n_rows) + ") outside the tensor's " +
                        std::to_string(rows) + " rows");
        LMS_REQUIRE(out_len >= n_rows * width, "output buffer holds fewer than n_rows * width floats");
        const auto type = gguf_get_tensor_type(r->gguf, id);
        const size_t row_bytes = ggml_row_size(type, width);
        const auto * traits = ggml_get_type_traits(type);
        LMS_REQUIRE(type == GGML_TYPE_F32 || traits->to_float != nullptr,
                    std::string("tensor type ") + ggml_type_name(type) + " cannot be dequantized");
        const size_t offset = gguf_get_data_offset(r->gguf) + gguf_get_tensor_offset(r->gguf, id) + static_cast<size_t>(row0) * row_bytes;
        if (fseeko(r->file, static_cast<off_t>(offset), SEEK_SET) != 0) {
            return lms::fail(LMS_ERR_IO, "seek failed in " + r->path);
        }
        const size_t bytes = static_cast<size_t>(n_rows) * row_bytes;
        if (type == GGML_TYPE_F32) {
            if (std::fread(out, 1, bytes, r->file) != bytes) {
                return lms::fail(LMS_ERR_IO, "short read in " + r->path);
            }
            return LMS_OK;
        }
        r->scratch.resize(bytes);
        if (std::fread(r->scratch.data(), 1, bytes, r->file) != bytes) {
            return lms::fail(LMS_ERR_IO, "short read in " + r->path);
        }
        // Rows are whole blocks, so a run of rows dequantizes in one call.
        traits->to_float(r->scratch.data(), out, n_rows * width);
        return LMS_OK;
    });
}

lms_status lms_gguf_get_meta(const lms_gguf_reader * r, const char * key, char * buf, size_t buf_size, size_t * needed) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(r != nullptr && key != nullptr, "reader and key are required");
        const int64_t id = gguf_find_key(r->gguf, key);
        if (id < 0) {
            return lms::fail(LMS_ERR_NOT_FOUND, std::string("metadata key not found: ") + key);
        }
        return lms::copy_out(format_value(r->gguf, id), buf, buf_size, needed);
    });
}

lms_status lms_gguf_writer_create(lms_gguf_writer ** out_writer) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(out_writer != nullptr, "out_writer is required");
        auto * w = new lms_gguf_writer();
        w->gguf = gguf_init_empty();
        ggml_init_params ip{};
        ip.mem_size = ggml_tensor_overhead() * kMaxWriterTensors;
        ip.mem_buffer = nullptr;
        ip.no_alloc = true;
        w->tensors = ggml_init(ip);
        *out_writer = w;
        return LMS_OK;
    });
}

void lms_gguf_writer_free(lms_gguf_writer * w) {
    if (w == nullptr) {
        return;
    }
    if (w->file != nullptr) {
        std::fclose(w->file);  // an unfinished file is incomplete: remove it
        std::remove(w->path.c_str());
    }
    gguf_free(w->gguf);
    ggml_free(w->tensors);
    delete w;
}

// general.alignment must be a power-of-two u32 (gguf aborts otherwise): the typed setters check it.
#define LMS_WRITER_META_OPEN(w) \
    LMS_REQUIRE((w) != nullptr && key != nullptr, "writer and key are required"); \
    LMS_REQUIRE((w)->file == nullptr, "metadata cannot change after lms_gguf_writer_begin_data")
#define LMS_NOT_ALIGNMENT_KEY() \
    LMS_REQUIRE(std::strcmp(key, "general.alignment") != 0, "general.alignment must be set as a power-of-two u32")

lms_status lms_gguf_writer_copy_meta(lms_gguf_writer * w, const char * src_path, const char * prefix) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(w != nullptr && src_path != nullptr && prefix != nullptr, "writer, src_path and prefix are required");
        LMS_REQUIRE(w->file == nullptr, "metadata cannot change after lms_gguf_writer_begin_data");
        gguf_context * src = nullptr;
        if (lms_status st = open_gguf_meta(src_path, &src); st != LMS_OK) {
            return st;
        }
        std::unique_ptr<gguf_context, decltype(&gguf_free)> owned(src, gguf_free);
        // Copy into a scratch context, drop what does not match, then merge.
        std::unique_ptr<gguf_context, decltype(&gguf_free)> tmp(gguf_init_empty(), gguf_free);
        gguf_set_kv(tmp.get(), src);
        const size_t plen = std::strlen(prefix);
        std::vector<std::string> drop;
        for (int64_t i = 0; i < gguf_get_n_kv(tmp.get()); ++i) {
            const char * k = gguf_get_key(tmp.get(), i);
            if (std::strncmp(k, prefix, plen) != 0) {
                drop.emplace_back(k);
            }
        }
        for (const auto & k : drop) {
            gguf_remove_key(tmp.get(), k.c_str());
        }
        gguf_set_kv(w->gguf, tmp.get());
        return LMS_OK;
    });
}

lms_status lms_gguf_writer_set_str(lms_gguf_writer * w, const char * key, const char * value) {
    return lms::guarded(__func__, [&] {
        LMS_WRITER_META_OPEN(w);
        LMS_NOT_ALIGNMENT_KEY();
        LMS_REQUIRE(value != nullptr, "value is required");
        gguf_set_val_str(w->gguf, key, value);
        return LMS_OK;
    });
}

lms_status lms_gguf_writer_set_u32(lms_gguf_writer * w, const char * key, uint32_t value) {
    return lms::guarded(__func__, [&] {
        LMS_WRITER_META_OPEN(w);
        LMS_REQUIRE(std::strcmp(key, "general.alignment") != 0 || (value != 0 && (value & (value - 1)) == 0),
                    "general.alignment must be a power of two");
        gguf_set_val_u32(w->gguf, key, value);
        return LMS_OK;
    });
}

lms_status lms_gguf_writer_set_f32(lms_gguf_writer * w, const char * key, float value) {
    return lms::guarded(__func__, [&] {
        LMS_WRITER_META_OPEN(w);
        LMS_NOT_ALIGNMENT_KEY();
        gguf_set_val_f32(w->gguf, key, value);
        return LMS_OK;
    });
}

lms_status lms_gguf_writer_set_bool(lms_gguf_writer * w, const char * key, int32_t value) {
    return lms::guarded(__func__, [&] {
        LMS_WRITER_META_OPEN(w);
        LMS_NOT_ALIGNMENT_KEY();
        gguf_set_val_bool(w->gguf, key, value != 0);
        return LMS_OK;
    });
}

lms_status lms_gguf_writer_add_tensor(lms_gguf_writer * w, const char * name, int32_t type, int32_t n_dims, const int64_t * ne) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(w != nullptr && name != nullptr && ne != nullptr, "writer, name and ne are required");
        LMS_REQUIRE(w->file == nullptr, "tensors cannot be added after lms_gguf_writer_begin_data");
        LMS_REQUIRE(type == GGML_TYPE_F32 || type == GGML_TYPE_F16, "the writer stores F32 or F16 tensors");
        LMS_REQUIRE(n_dims >= 1 && n_dims <= 4, "n_dims must be 1 to 4");
        LMS_REQUIRE(std::strlen(name) < GGML_MAX_NAME, "tensor name too long");
        LMS_REQUIRE(gguf_find_tensor(w->gguf, name) < 0, std::string("duplicate tensor name: ") + name);
        LMS_REQUIRE(static_cast<int>(w->order.size()) < kMaxWriterTensors, "too many tensors");
        for (int d = 0; d < n_dims; ++d) {
            LMS_REQUIRE(ne[d] > 0, "tensor dimensions must be positive");
        }
        ggml_tensor * t = ggml_new_tensor(w->tensors, static_cast<ggml_type>(type), n_dims, ne);
        ggml_set_name(t, name);
        gguf_add_tensor(w->gguf, t);
        w->order.push_back(t);
        return LMS_OK;
    });
}

lms_status lms_gguf_writer_begin_data(lms_gguf_writer * w, const char * path) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(w != nullptr && path != nullptr, "writer and path are required");
        LMS_REQUIRE(w->file == nullptr, "begin_data was already called");
        FILE * f = std::fopen(path, "wb");
        if (f == nullptr) {
            return lms::fail(LMS_ERR_IO, std::string("cannot create ") + path);
        }
        w->file = f;
        w->path = path;
        if (!gguf_write_to_file_ptr(w->gguf, f, /*only_meta=*/true)) {
            return lms::fail(LMS_ERR_IO, std::string("cannot write the GGUF header to ") + path);
        }
        w->current = 0;
        w->filled = 0;
        return LMS_OK;
    });
}

lms_status lms_gguf_writer_append(lms_gguf_writer * w, const float * data, int64_t n) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(w != nullptr && (data != nullptr || n == 0) && n >= 0, "writer and data are required");
        LMS_REQUIRE(w->file != nullptr, "call lms_gguf_writer_begin_data first");
        const size_t alignment = gguf_get_alignment(w->gguf);
        while (n > 0) {
            LMS_REQUIRE(w->current < w->order.size(), "more data than the declared tensors hold");
            ggml_tensor * t = w->order[w->current];
            const int64_t total = ggml_nelements(t);
            const int64_t k = std::min(n, total - w->filled);
            if (t->type == GGML_TYPE_F32) {
                if (std::fwrite(data, sizeof(float), static_cast<size_t>(k), w->file) != static_cast<size_t>(k)) {
                    return lms::fail(LMS_ERR_IO, "write failed: " + w->path);
                }
            } else {
                w->scratch.resize(static_cast<size_t>(k) * sizeof(ggml_fp16_t));
                ggml_fp32_to_fp16_row(data, reinterpret_cast<ggml_fp16_t *>(w->scratch.data()), k);
                if (std::fwrite(w->scratch.data(), 1, w->scratch.size(), w->file) != w->scratch.size()) {
                    return lms::fail(LMS_ERR_IO, "write failed: " + w->path);
                }
            }
            data += k;
            n -= k;
            w->filled += k;
            if (w->filled == total) {
                const size_t bytes = ggml_nbytes(t);
                if (!write_padding(w->file, GGML_PAD(bytes, alignment) - bytes)) {
                    return lms::fail(LMS_ERR_IO, "write failed: " + w->path);
                }
                ++w->current;
                w->filled = 0;
            }
        }
        return LMS_OK;
    });
}

lms_status lms_gguf_writer_finish(lms_gguf_writer * w) {
    return lms::guarded(__func__, [&] {
        LMS_REQUIRE(w != nullptr && w->file != nullptr, "nothing is being written");
        if (w->current != w->order.size()) {
            return lms::fail(LMS_ERR_INVALID_ARGUMENT, "tensor '" + std::string(w->order[w->current]->name) +
                                                           "' is incomplete: the file lacks data");
        }
        const bool ok = std::fclose(w->file) == 0;
        w->file = nullptr;
        if (!ok) {
            return lms::fail(LMS_ERR_IO, "closing failed: " + w->path);
        }
        return LMS_OK;
    });
}

}  // extern "C"
