using System.Text;
using LatentMas.Native.Interop;

namespace LatentMas.Native.Llama;

/// <summary>Shape and identity of a loaded model.</summary>
/// <param name="Architecture">general.architecture, e.g. qwen2 or llama.</param>
/// <param name="Layers">Number of transformer blocks.</param>
/// <param name="EmbeddingSize">Hidden width (n_embd): the length of every hidden state and input embedding.</param>
/// <param name="Heads">Attention heads.</param>
/// <param name="KvHeads">Key/value heads.</param>
/// <param name="VocabSize">Tokens in the vocabulary: the length of a logits row.</param>
/// <param name="TrainingContext">Context length the model was trained for.</param>
/// <param name="TiedOutput">True when the output matrix is the token embedding matrix.</param>
/// <param name="Parameters">Number of weights.</param>
/// <param name="SizeBytes">Bytes of all weights.</param>
/// <param name="Description">llama.cpp's one-line description.</param>
/// <param name="SupportsEmbeddingInput">Whether arbitrary vectors can be decoded as input: false for architectures
/// with multi-part positions (M-RoPE) or input wider than the hidden width, which latent methods refuse.</param>
public sealed record ModelInfo(
    string Architecture, int Layers, int EmbeddingSize, int Heads, int KvHeads, int VocabSize, int TrainingContext,
    bool TiedOutput, long Parameters, long SizeBytes, string Description, bool SupportsEmbeddingInput);

/// <summary>Where a model's layers run and how its file is read.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>Layers offloaded to the GPU (0: CPU only; -1: all).</summary>
    public int GpuLayers { get; init; }

    /// <summary>Memory-map the file instead of reading it (default on).</summary>
    public bool UseMmap { get; init; } = true;
}

/// <summary>A chat message for <see cref="LlamaModel.ApplyChatTemplate"/>.</summary>
public sealed record ChatMessage(string Role, string Content);

/// <summary>A GGUF model loaded by llama.cpp: its shape, vocabulary and chat template.</summary>
public sealed unsafe class LlamaModel : IDisposable
{
    internal ModelHandle Handle { get; }

    /// <summary>Shape and identity.</summary>
    public ModelInfo Info { get; }

    /// <summary>Path of the loaded file.</summary>
    public string Path { get; }

    private LlamaModel(ModelHandle handle, string path)
    {
        Handle = handle;
        Path = path;
        try
        {
            var raw = LmsModelInfo.Create();
            NativeStatus.Check(NativeMethods.lms_model_get_info(handle, ref raw));
            Info = new ModelInfo(GetString(0), raw.NLayer, raw.NEmbd, raw.NHead, raw.NHeadKv, raw.NVocab, raw.NCtxTrain,
                raw.TiedOutput != 0, raw.NParams, raw.SizeBytes, GetString(2), raw.EmbeddingInput != 0);
        }
        catch
        {
            handle.Dispose();  // a model can be gigabytes: do not leave it to the finalizer
            throw;
        }
    }

    /// <summary>Loads a GGUF model.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidModelFileException">It is not a GGUF model llama.cpp can load.</exception>
    public static LlamaModel Load(string path, ModelLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new ModelLoadOptions();
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Model file not found: {full}. Pass the path of a .gguf file, or create one with 'latentmas model create'.", full);
        }
        NativeRuntime.EnsureInitialized();
        NativeStatus.Check(NativeMethods.lms_model_load(full, options.GpuLayers, options.UseMmap ? 1 : 0, out var handle));
        return new LlamaModel(handle, full);
    }

    /// <summary>The model's chat template, or null when it has none.</summary>
    public string? ChatTemplate
    {
        get
        {
            var t = GetString(1);
            return t.Length == 0 ? null : t;
        }
    }

    /// <summary>Any metadata value as text, or null when the key is absent.</summary>
    public string? GetMetadata(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        try
        {
            return NativeText.Read((byte* b, nuint s, out nuint n) => NativeMethods.lms_model_get_meta(Handle, key, b, s, out n));
        }
        catch (NativeNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Beginning-of-sequence token, or -1.</summary>
    public int BosToken => NativeMethods.lms_vocab_special(Handle, 0);

    /// <summary>End-of-sequence token, or -1.</summary>
    public int EosToken => NativeMethods.lms_vocab_special(Handle, 1);

    /// <summary>End-of-turn token, or -1.</summary>
    public int EotToken => NativeMethods.lms_vocab_special(Handle, 2);

    /// <summary>Whether the tokenizer adds a BOS token when asked to add special tokens.</summary>
    public bool AddsBos => NativeMethods.lms_vocab_add_bos(Handle) != 0;

    /// <summary>Whether generation should stop at this token (EOS, EOT and the like).</summary>
    public bool IsEndOfGeneration(int token) => NativeMethods.lms_vocab_is_eog(Handle, token) != 0;

    /// <summary>Tokenizes text with the model's own tokenizer.</summary>
    /// <param name="text">UTF-8 text.</param>
    /// <param name="addSpecial">Add BOS (and EOS) when the model's tokenizer does so.</param>
    /// <param name="parseSpecial">Recognise special-token text such as &lt;|im_start|&gt;.</param>
    public int[] Tokenize(string text, bool addSpecial = false, bool parseSpecial = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        var capacity = bytes.Length + 8;
        while (true)
        {
            var tokens = new int[capacity];
            int status, n;
            fixed (byte* t = bytes)
            fixed (int* p = tokens)
            {
                status = NativeMethods.lms_tokenize(Handle, t, bytes.Length, addSpecial ? 1 : 0, parseSpecial ? 1 : 0, p, capacity, out n);
            }
            if (status == NativeStatus.BufferTooSmall && n > capacity)
            {
                capacity = n;
                continue;
            }
            NativeStatus.Check(status);
            return tokens.AsSpan(0, n).ToArray();
        }
    }

    /// <summary>Text of a token sequence.</summary>
    public string Detokenize(ReadOnlySpan<int> tokens, bool removeSpecial = false, bool renderSpecial = false)
    {
        CheckTokens(tokens);
        var copy = tokens.ToArray();
        return NativeText.Read((byte* b, nuint s, out nuint n) =>
        {
            fixed (int* p = copy)
            {
                return NativeMethods.lms_detokenize(Handle, p, copy.Length, removeSpecial ? 1 : 0, renderSpecial ? 1 : 0, b, s, out n);
            }
        }, copy.Length * 8 + 16);
    }

    /// <summary>Raw bytes of one token's piece (may be part of a UTF-8 character).</summary>
    public byte[] TokenPiece(int token, bool renderSpecial = true)
    {
        CheckTokens([token]);
        var size = 64;
        while (true)
        {
            var buffer = new byte[size];
            int status;
            nuint n;
            fixed (byte* b = buffer)
            {
                status = NativeMethods.lms_token_piece(Handle, token, renderSpecial ? 1 : 0, b, (nuint)size, out n);
            }
            if (status == NativeStatus.BufferTooSmall && (int)n > size)
            {
                size = (int)n;
                continue;
            }
            NativeStatus.Check(status);
            return buffer.AsSpan(0, (int)n).ToArray();
        }
    }

    /// <summary>Formats messages with a chat template (the model's own when <paramref name="template"/> is null).</summary>
    /// <exception cref="NativeNotFoundException">The model has no template and none was given.</exception>
    public string ApplyChatTemplate(IReadOnlyList<ChatMessage> messages, bool addAssistantPrefix = true, string? template = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var roles = messages.Select(m => NativeText.Utf8z(m.Role)).ToArray();
        var contents = messages.Select(m => NativeText.Utf8z(m.Content)).ToArray();
        var tmpl = template is null ? null : NativeText.Utf8z(template);
        var handles = new List<System.Runtime.InteropServices.GCHandle>();
        try
        {
            var rolePtrs = new IntPtr[roles.Length];
            var contentPtrs = new IntPtr[contents.Length];
            for (var i = 0; i < roles.Length; i++)
            {
                var r = System.Runtime.InteropServices.GCHandle.Alloc(roles[i], System.Runtime.InteropServices.GCHandleType.Pinned);
                var c = System.Runtime.InteropServices.GCHandle.Alloc(contents[i], System.Runtime.InteropServices.GCHandleType.Pinned);
                handles.Add(r);
                handles.Add(c);
                rolePtrs[i] = r.AddrOfPinnedObject();
                contentPtrs[i] = c.AddrOfPinnedObject();
            }
            var initial = contents.Sum(c => c.Length) * 2 + 256;
            return NativeText.Read((byte* b, nuint s, out nuint n) =>
            {
                fixed (IntPtr* rp = rolePtrs)
                fixed (IntPtr* cp = contentPtrs)
                fixed (byte* tp = tmpl)
                {
                    return NativeMethods.lms_chat_apply(Handle, tp, (byte**)rp, (byte**)cp, roles.Length, addAssistantPrefix ? 1 : 0, b, s, out n);
                }
            }, initial);
        }
        finally
        {
            foreach (var h in handles)
            {
                h.Free();
            }
        }
    }

    internal void CheckTokens(ReadOnlySpan<int> tokens)
    {
        foreach (var t in tokens)
        {
            if ((uint)t >= (uint)Info.VocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(tokens), t, $"Token id {t} is outside the vocabulary [0, {Info.VocabSize}).");
            }
        }
    }

    private string GetString(int which) =>
        NativeText.Read((byte* b, nuint s, out nuint n) => NativeMethods.lms_model_get_string(Handle, which, b, s, out n));

    /// <summary>Frees the model once no context uses it any more.</summary>
    public void Dispose() => Handle.Dispose();
}
