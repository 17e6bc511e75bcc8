using System.Runtime.InteropServices;

namespace LatentMas.Native.Interop;

/// <summary>
/// Every entry point of the shim (<c>native/include/lms.h</c>), declared once. C-style names live only here;
/// the rest of the library calls the wrappers in <c>Llama/</c>.
/// </summary>
internal static unsafe partial class NativeMethods
{
    /// <summary>Library name the resolver maps to liblatentmas_shim.so.</summary>
    public const string Shim = "latentmas_shim";

    /// <summary>The ABI version this assembly was written against (LMS_ABI_VERSION).</summary>
    public const int ExpectedAbiVersion = 2;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    public delegate void LogCallback(int level, IntPtr text, IntPtr userData);

    // ---- library
    [LibraryImport(Shim)] public static partial int lms_abi_version();
    [LibraryImport(Shim)] public static partial IntPtr lms_last_error();
    [LibraryImport(Shim)] public static partial int lms_log_set(IntPtr callback, IntPtr userData);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)] public static partial int lms_backend_init(string? backendDir);
    [LibraryImport(Shim)] public static partial int lms_backend_device_count();
    [LibraryImport(Shim)] public static partial int lms_backend_device_name(int i, byte* buf, nuint bufSize, out nuint needed);

    // ---- model
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_model_load(string path, int nGpuLayers, int useMmap, out ModelHandle model);
    [LibraryImport(Shim)] public static partial void lms_model_free(IntPtr model);
    [LibraryImport(Shim)] public static partial int lms_model_get_info(ModelHandle model, ref LmsModelInfo info);
    [LibraryImport(Shim)] public static partial int lms_model_get_string(ModelHandle model, int which, byte* buf, nuint bufSize, out nuint needed);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_model_get_meta(ModelHandle model, string key, byte* buf, nuint bufSize, out nuint needed);

    // ---- vocabulary
    [LibraryImport(Shim)] public static partial int lms_vocab_special(ModelHandle model, int which);
    [LibraryImport(Shim)] public static partial int lms_vocab_is_eog(ModelHandle model, int token);
    [LibraryImport(Shim)] public static partial int lms_vocab_add_bos(ModelHandle model);
    [LibraryImport(Shim)]
    public static partial int lms_tokenize(ModelHandle model, byte* text, int textLen, int addSpecial, int parseSpecial,
                                           int* tokens, int capacity, out int nTokens);
    [LibraryImport(Shim)]
    public static partial int lms_detokenize(ModelHandle model, int* tokens, int nTokens, int removeSpecial, int unparseSpecial,
                                             byte* buf, nuint bufSize, out nuint needed);
    [LibraryImport(Shim)]
    public static partial int lms_token_piece(ModelHandle model, int token, int renderSpecial, byte* buf, nuint bufSize, out nuint needed);
    [LibraryImport(Shim)]
    public static partial int lms_chat_apply(ModelHandle model, byte* template, byte** roles, byte** contents, int nMessages,
                                             int addAssistant, byte* buf, nuint bufSize, out nuint needed);

    // ---- context
    [LibraryImport(Shim)] public static partial void lms_context_default_params(out LmsContextParams p);
    [LibraryImport(Shim)] public static partial int lms_context_create(ModelHandle model, in LmsContextParams p, out ContextHandle ctx);
    [LibraryImport(Shim)] public static partial void lms_context_free(IntPtr ctx);
    [LibraryImport(Shim)] public static partial int lms_context_get_info(ContextHandle ctx, ref LmsContextInfo info);
    [LibraryImport(Shim)] public static partial void lms_context_request_abort(ContextHandle ctx);
    [LibraryImport(Shim)]
    public static partial int lms_context_decode(ContextHandle ctx, int n, int* tokens, float* embd, int nEmbd,
                                                 int* seqIds, int* positions, sbyte* outputs, float* logitsOut, float* hiddenOut);
    [LibraryImport(Shim)] public static partial int lms_context_set_capture_layer(ContextHandle ctx, int layer);
    [LibraryImport(Shim)] public static partial int lms_context_get_captured(ContextHandle ctx, int row, float* output, int nEmbd);

    // ---- KV cache and sequence state
    [LibraryImport(Shim)] public static partial int lms_kv_seq_rm(ContextHandle ctx, int seq, int p0, int p1);
    [LibraryImport(Shim)] public static partial int lms_kv_seq_cp(ContextHandle ctx, int src, int dst, int p0, int p1);
    [LibraryImport(Shim)] public static partial int lms_kv_seq_keep(ContextHandle ctx, int seq);
    [LibraryImport(Shim)] public static partial int lms_kv_seq_pos_max(ContextHandle ctx, int seq);
    [LibraryImport(Shim)] public static partial int lms_kv_seq_pos_min(ContextHandle ctx, int seq);
    [LibraryImport(Shim)] public static partial int lms_kv_clear(ContextHandle ctx);
    [LibraryImport(Shim)] public static partial int lms_state_seq_size(ContextHandle ctx, int seq, out nuint size);
    [LibraryImport(Shim)] public static partial int lms_state_seq_save(ContextHandle ctx, int seq, byte* buf, nuint bufSize, out nuint written);
    [LibraryImport(Shim)] public static partial int lms_state_seq_load(ContextHandle ctx, int seq, byte* buf, nuint bufSize);

    // ---- sampling
    [LibraryImport(Shim)] public static partial int lms_sampler_create(in LmsSamplerParams p, out SamplerHandle sampler);
    [LibraryImport(Shim)] public static partial void lms_sampler_free(IntPtr sampler);
    [LibraryImport(Shim)] public static partial int lms_sampler_sample(SamplerHandle sampler, float* logits, int nVocab, out int token);
    [LibraryImport(Shim)] public static partial int lms_sampler_reset(SamplerHandle sampler);

    // ---- GGUF files
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_gguf_open(string path, out GgufReaderHandle reader);
    [LibraryImport(Shim)] public static partial void lms_gguf_close(IntPtr reader);
    [LibraryImport(Shim)] public static partial long lms_gguf_tensor_count(GgufReaderHandle reader);
    [LibraryImport(Shim)] public static partial int lms_gguf_tensor_name(GgufReaderHandle reader, long index, byte* buf, nuint bufSize, out nuint needed);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_gguf_tensor_info(GgufReaderHandle reader, string name, ref LmsTensorInfo info);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_gguf_read_rows(GgufReaderHandle reader, string name, long row0, long nRows, float* output, long outLen);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_gguf_get_meta(GgufReaderHandle reader, string key, byte* buf, nuint bufSize, out nuint needed);

    [LibraryImport(Shim)] public static partial int lms_gguf_writer_create(out GgufWriterHandle writer);
    [LibraryImport(Shim)] public static partial void lms_gguf_writer_free(IntPtr writer);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_gguf_writer_copy_meta(GgufWriterHandle writer, string srcPath, string prefix);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_gguf_writer_set_str(GgufWriterHandle writer, string key, string value);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_gguf_writer_set_u32(GgufWriterHandle writer, string key, uint value);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_gguf_writer_set_f32(GgufWriterHandle writer, string key, float value);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_gguf_writer_set_bool(GgufWriterHandle writer, string key, int value);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_gguf_writer_add_tensor(GgufWriterHandle writer, string name, int type, int nDims, long* ne);
    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_gguf_writer_begin_data(GgufWriterHandle writer, string path);
    [LibraryImport(Shim)] public static partial int lms_gguf_writer_append(GgufWriterHandle writer, float* data, long n);
    [LibraryImport(Shim)] public static partial int lms_gguf_writer_finish(GgufWriterHandle writer);

    [LibraryImport(Shim, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int lms_model_quantize(string inPath, string outPath, int ftype, int nThreads);
}
