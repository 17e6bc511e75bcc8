using LatentMas.Native.Interop;

namespace LatentMas.Native.Llama;

/// <summary>
/// One llama.cpp context: a KV cache shared by <see cref="Sequences"/> sequences, and the decode calls that
/// put tokens or input embeddings into it and read back logits and hidden states. Every input is checked
/// here before it reaches llama.cpp (widths, sequence ids, positions, batch and context sizes).
/// Not thread-safe: use one context from one thread at a time.
/// </summary>
public sealed unsafe class LlamaContext : IDisposable
{
    private readonly ContextHandle _handle;

    /// <summary>The model this context runs.</summary>
    public LlamaModel Model { get; }

    /// <summary>Options it was created with.</summary>
    public ContextOptions Options { get; }

    /// <summary>KV cells (positions of all sequences together).</summary>
    public int ContextSize { get; }

    /// <summary>Most rows one native decode takes; longer inputs are split.</summary>
    public int BatchSize { get; }

    /// <summary>Number of sequences.</summary>
    public int Sequences { get; }

    /// <summary>Hidden width.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Logits width.</summary>
    public int VocabSize { get; }

    /// <summary>Bytes of the KV cache buffers.</summary>
    public long KvCacheBytes { get; }

    private LlamaContext(LlamaModel model, ContextOptions options, ContextHandle handle)
    {
        Model = model;
        Options = options;
        _handle = handle;
        var info = LmsContextInfo.Create();
        NativeStatus.Check(NativeMethods.lms_context_get_info(handle, ref info));
        ContextSize = info.NCtx;
        BatchSize = info.NBatch;
        Sequences = info.NSeqMax;
        EmbeddingSize = info.NEmbd;
        VocabSize = info.NVocab;
        KvCacheBytes = info.KvBytes;
    }

    /// <summary>Creates a context on <paramref name="model"/>.</summary>
    public static LlamaContext Create(LlamaModel model, ContextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new ContextOptions();
        options.Validate();
        NativeMethods.lms_context_default_params(out var p);
        p.NCtx = options.ContextSize;
        p.NBatch = options.BatchSize;
        p.NUbatch = options.MicroBatchSize;
        p.NSeqMax = options.Sequences;
        p.NThreads = options.Threads;
        p.NThreadsBatch = options.Threads;
        p.TypeK = (int)options.CacheType;
        p.TypeV = (int)options.CacheType;
        p.FlashAttn = (int)options.FlashAttention;
        p.LayerCapture = options.EnableLayerCapture ? 1 : 0;
        NativeStatus.Check(NativeMethods.lms_context_create(model.Handle, p, out var handle));
        try
        {
            handle.KeepAlive(model.Handle);
            return new LlamaContext(model, options, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Next free position of a sequence (its length when nothing was removed from the middle).</summary>
    public int NextPosition(int sequence) => PositionMax(sequence) + 1;

    /// <summary>Largest position stored for a sequence, -1 when empty.</summary>
    public int PositionMax(int sequence)
    {
        CheckSequence(sequence);
        return NativeMethods.lms_kv_seq_pos_max(_handle, sequence);
    }

    /// <summary>Smallest position stored for a sequence, -1 when empty.</summary>
    public int PositionMin(int sequence)
    {
        CheckSequence(sequence);
        return NativeMethods.lms_kv_seq_pos_min(_handle, sequence);
    }

    /// <summary>
    /// Appends tokens to a sequence (at its next position), splitting them into batches when needed.
    /// Returns outputs for the last row, or for every row when <paramref name="allRows"/>.
    /// </summary>
    public DecodeOutput DecodeTokens(int sequence, ReadOnlySpan<int> tokens, DecodeOutputs outputs = DecodeOutputs.Both,
                                     bool allRows = false, CancellationToken cancellationToken = default)
    {
        Model.CheckTokens(tokens);
        return DecodeRun(sequence, tokens.Length, tokens, default, outputs, allRows, cancellationToken);
    }

    /// <summary>
    /// Appends input embeddings (rows of <see cref="EmbeddingSize"/> floats, row-major) to a sequence, in place
    /// of token ids: the path latent thoughts take into the KV cache.
    /// </summary>
    public DecodeOutput DecodeEmbeddings(int sequence, ReadOnlySpan<float> embeddings, DecodeOutputs outputs = DecodeOutputs.Both,
                                         bool allRows = false, CancellationToken cancellationToken = default)
    {
        CheckEmbeddingInput();
        var rows = RowsOf(embeddings);
        return DecodeRun(sequence, rows, default, embeddings, outputs, allRows, cancellationToken);
    }

    /// <summary>
    /// One latent step for several sequences in one native decode: row i of <paramref name="embeddings"/> is
    /// appended to sequence <paramref name="sequences"/>[i] at its next position. Every row gives output.
    /// </summary>
    public DecodeOutput DecodeStep(ReadOnlySpan<int> sequences, ReadOnlySpan<float> embeddings,
                                   DecodeOutputs outputs = DecodeOutputs.Hidden, CancellationToken cancellationToken = default)
    {
        CheckEmbeddingInput();
        var rows = RowsOf(embeddings);
        if (rows != sequences.Length)
        {
            throw new ArgumentException($"{sequences.Length} sequences need {sequences.Length} embeddings of width {EmbeddingSize}; got {rows}.", nameof(embeddings));
        }
        if (rows > BatchSize)
        {
            throw new ArgumentException($"A step of {rows} sequences exceeds the batch size {BatchSize}.", nameof(sequences));
        }
        var seqs = sequences.ToArray();
        if (seqs.Distinct().Count() != seqs.Length)
        {
            throw new ArgumentException("Each sequence may appear once in a step.", nameof(sequences));
        }
        var positions = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            CheckSequence(seqs[i]);
            positions[i] = NextPosition(seqs[i]);
            CheckPosition(positions[i], 1);
        }
        return DecodeCore(rows, default, embeddings, seqs, positions, null, outputs, cancellationToken);
    }

    /// <summary>
    /// Appends a run of tokens to each of several sequences, packing rows of different sequences into shared
    /// native decodes (at most <see cref="BatchSize"/> rows each). Returns one output row per sequence: the
    /// outputs of its last token, in the order the sequences were given.
    /// </summary>
    public DecodeOutput DecodeTokens(IReadOnlyList<int> sequences, IReadOnlyList<int[]> tokens, DecodeOutputs outputs = DecodeOutputs.Both,
                                     CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        ArgumentNullException.ThrowIfNull(tokens);
        if (sequences.Count != tokens.Count || sequences.Count == 0)
        {
            throw new ArgumentException("Give one token run per sequence, and at least one.");
        }
        if (sequences.Distinct().Count() != sequences.Count)
        {
            throw new ArgumentException("Each sequence may appear once.", nameof(sequences));
        }
        var next = new int[sequences.Count];
        for (var q = 0; q < sequences.Count; q++)
        {
            CheckSequence(sequences[q]);
            Model.CheckTokens(tokens[q]);
            if (tokens[q].Length == 0)
            {
                throw new ArgumentException($"The token run of sequence {sequences[q]} is empty.", nameof(tokens));
            }
            next[q] = NextPosition(sequences[q]);
            CheckPosition(next[q], tokens[q].Length);
        }
        var hidden = outputs.HasFlag(DecodeOutputs.Hidden) ? new float[sequences.Count * EmbeddingSize] : null;
        var logits = outputs.HasFlag(DecodeOutputs.Logits) ? new float[(long)sequences.Count * VocabSize] : null;
        // Rows in order: all of sequence 0, then sequence 1, ...; a native batch may span sequences.
        var rows = new List<(int Query, int Index)>();
        for (var q = 0; q < sequences.Count; q++)
        {
            for (var i = 0; i < tokens[q].Length; i++)
            {
                rows.Add((q, i));
            }
        }
        for (var offset = 0; offset < rows.Count; offset += BatchSize)
        {
            var n = Math.Min(BatchSize, rows.Count - offset);
            var batchTokens = new int[n];
            var seqs = new int[n];
            var positions = new int[n];
            var want = new sbyte[n];
            var owners = new List<int>();
            for (var r = 0; r < n; r++)
            {
                var (q, i) = rows[offset + r];
                batchTokens[r] = tokens[q][i];
                seqs[r] = sequences[q];
                positions[r] = next[q] + i;
                if (i == tokens[q].Length - 1 && outputs != DecodeOutputs.None)
                {
                    want[r] = 1;
                    owners.Add(q);
                }
            }
            var part = DecodeCore(n, batchTokens, default, seqs, positions, want, outputs, cancellationToken);
            for (var k = 0; k < owners.Count; k++)
            {
                part.Hidden?.AsSpan(k * EmbeddingSize, EmbeddingSize).CopyTo(hidden.AsSpan(owners[k] * EmbeddingSize));
                part.Logits?.AsSpan(k * VocabSize, VocabSize).CopyTo(logits.AsSpan(owners[k] * VocabSize));
            }
        }
        return new DecodeOutput(outputs == DecodeOutputs.None ? 0 : sequences.Count, EmbeddingSize, VocabSize, hidden, logits);
    }

    /// <summary>
    /// One generated token per sequence in one native decode (batched text generation): token i is appended
    /// to sequence <paramref name="sequences"/>[i]. Every row gives output.
    /// </summary>
    public DecodeOutput DecodeStep(ReadOnlySpan<int> sequences, ReadOnlySpan<int> tokens, DecodeOutputs outputs = DecodeOutputs.Logits,
                                   CancellationToken cancellationToken = default)
    {
        if (tokens.Length != sequences.Length || tokens.IsEmpty)
        {
            throw new ArgumentException("Give one token per sequence.", nameof(tokens));
        }
        if (tokens.Length > BatchSize)
        {
            throw new ArgumentException($"A step of {tokens.Length} sequences exceeds the batch size {BatchSize}.", nameof(sequences));
        }
        Model.CheckTokens(tokens);
        var seqs = sequences.ToArray();
        if (seqs.Distinct().Count() != seqs.Length)
        {
            throw new ArgumentException("Each sequence may appear once in a step.", nameof(sequences));
        }
        var positions = new int[seqs.Length];
        for (var i = 0; i < seqs.Length; i++)
        {
            CheckSequence(seqs[i]);
            positions[i] = NextPosition(seqs[i]);
            CheckPosition(positions[i], 1);
        }
        return DecodeCore(seqs.Length, tokens, default, seqs, positions, null, outputs, cancellationToken);
    }

    private DecodeOutput DecodeRun(int sequence, int rows, ReadOnlySpan<int> tokens, ReadOnlySpan<float> embeddings,
                                   DecodeOutputs outputs, bool allRows, CancellationToken cancellationToken)
    {
        CheckSequence(sequence);
        if (rows == 0)
        {
            throw new ArgumentException("Nothing to decode: the input is empty.");
        }
        var start = NextPosition(sequence);
        CheckPosition(start, rows);
        var hidden = outputs.HasFlag(DecodeOutputs.Hidden) ? new float[(allRows ? rows : 1) * EmbeddingSize] : null;
        var logits = outputs.HasFlag(DecodeOutputs.Logits) ? new float[(long)(allRows ? rows : 1) * VocabSize] : null;
        var written = 0;
        for (var offset = 0; offset < rows; offset += BatchSize)
        {
            var n = Math.Min(BatchSize, rows - offset);
            var seqs = new int[n];
            var positions = new int[n];
            var want = new sbyte[n];
            Array.Fill(seqs, sequence);
            for (var i = 0; i < n; i++)
            {
                positions[i] = start + offset + i;
                want[i] = (sbyte)(outputs != DecodeOutputs.None && (allRows || offset + i == rows - 1) ? 1 : 0);
            }
            var part = DecodeCore(n,
                tokens.IsEmpty ? default : tokens.Slice(offset, n),
                embeddings.IsEmpty ? default : embeddings.Slice(offset * EmbeddingSize, n * EmbeddingSize),
                seqs, positions, want, outputs, cancellationToken);
            part.Hidden?.CopyTo(hidden!, written * EmbeddingSize);
            part.Logits?.CopyTo(logits!, (long)written * VocabSize);
            written += part.Rows;
        }
        return new DecodeOutput(outputs == DecodeOutputs.None ? 0 : written, EmbeddingSize, VocabSize, hidden, logits);
    }

    private DecodeOutput DecodeCore(int n, ReadOnlySpan<int> tokens, ReadOnlySpan<float> embeddings, int[] seqs, int[] positions,
                                    sbyte[]? want, DecodeOutputs outputs, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var outRows = want is null ? n : want.Count(w => w != 0);
        var hidden = outputs.HasFlag(DecodeOutputs.Hidden) && outRows > 0 ? new float[outRows * EmbeddingSize] : null;
        var logits = outputs.HasFlag(DecodeOutputs.Logits) && outRows > 0 ? new float[(long)outRows * VocabSize] : null;
        int status;
        using (cancellationToken.Register(RequestAbort))
        {
            fixed (int* t = tokens)
            fixed (float* e = embeddings)
            fixed (int* s = seqs)
            fixed (int* p = positions)
            fixed (sbyte* w = want)
            fixed (float* l = logits)
            fixed (float* h = hidden)
            {
                status = NativeMethods.lms_context_decode(_handle, n, tokens.IsEmpty ? null : t, embeddings.IsEmpty ? null : e,
                    EmbeddingSize, s, p, w, l, h);
            }
        }
        if (status == NativeStatus.Aborted)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
        NativeStatus.Check(status);
        return new DecodeOutput(outputs == DecodeOutputs.None ? 0 : outRows, EmbeddingSize, VocabSize, hidden, logits);
    }

    /// <summary>Stops a decode running on another thread (it then throws <see cref="OperationCanceledException"/>); a request made while no decode runs is dropped.</summary>
    public void RequestAbort() => NativeMethods.lms_context_request_abort(_handle);

    /// <summary>Removes positions [<paramref name="from"/>, <paramref name="to"/>) of a sequence (to = -1: to the end).</summary>
    public void RemoveRange(int sequence, int from, int to = -1)
    {
        CheckSequence(sequence);
        if (from < 0 || (to >= 0 && to < from))
        {
            throw new ArgumentOutOfRangeException(nameof(from), $"Invalid range [{from}, {to}).");
        }
        NativeStatus.Check(NativeMethods.lms_kv_seq_rm(_handle, sequence, from, to));
    }

    /// <summary>Makes <paramref name="destination"/> share the cache entries of <paramref name="source"/> (no copy of data).</summary>
    public void CopySequence(int source, int destination)
    {
        CheckSequence(source);
        CheckSequence(destination);
        NativeStatus.Check(NativeMethods.lms_kv_seq_cp(_handle, source, destination, -1, -1));
    }

    /// <summary>Removes every sequence but <paramref name="sequence"/>.</summary>
    public void KeepOnly(int sequence)
    {
        CheckSequence(sequence);
        NativeStatus.Check(NativeMethods.lms_kv_seq_keep(_handle, sequence));
    }

    /// <summary>Removes one sequence entirely.</summary>
    public void ClearSequence(int sequence) => RemoveRange(sequence, 0);

    /// <summary>Empties the whole cache.</summary>
    public void Clear() => NativeStatus.Check(NativeMethods.lms_kv_clear(_handle));

    /// <summary>Serialises a sequence's KV entries.</summary>
    public byte[] SaveSequence(int sequence)
    {
        CheckSequence(sequence);
        NativeStatus.Check(NativeMethods.lms_state_seq_size(_handle, sequence, out var size));
        var buffer = new byte[(int)size];
        fixed (byte* b = buffer)
        {
            NativeStatus.Check(NativeMethods.lms_state_seq_save(_handle, sequence, b, size, out var written));
            return written == size ? buffer : buffer.AsSpan(0, (int)written).ToArray();
        }
    }

    /// <summary>Replaces a sequence's KV entries with a state from <see cref="SaveSequence"/>.</summary>
    public void RestoreSequence(int sequence, byte[] state)
    {
        CheckSequence(sequence);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length == 0)
        {
            throw new ArgumentException("The state is empty.", nameof(state));
        }
        ClearSequence(sequence);
        fixed (byte* b = state)
        {
            NativeStatus.Check(NativeMethods.lms_state_seq_load(_handle, sequence, b, (nuint)state.Length));
        }
    }

    /// <summary>
    /// Chooses the layer whose output (llama.cpp's l_out-N) later decodes capture; -1 stops capturing.
    /// Needs <see cref="ContextOptions.EnableLayerCapture"/>.
    /// </summary>
    public void SetCaptureLayer(int layer)
    {
        if (!Options.EnableLayerCapture)
        {
            throw new InvalidOperationException("Layer capture is off: create the context with EnableLayerCapture = true.");
        }
        if (layer < -1 || layer >= Model.Info.Layers)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"The model has layers 0 to {Model.Info.Layers - 1}.");
        }
        NativeStatus.Check(NativeMethods.lms_context_set_capture_layer(_handle, layer));
    }

    /// <summary>Captured hidden state of batch row <paramref name="row"/> of the last native decode.</summary>
    public float[] GetCapturedHidden(int row)
    {
        var result = new float[EmbeddingSize];
        fixed (float* r = result)
        {
            NativeStatus.Check(NativeMethods.lms_context_get_captured(_handle, row, r, EmbeddingSize));
        }
        return result;
    }

    private void CheckEmbeddingInput()
    {
        if (!Model.Info.SupportsEmbeddingInput)
        {
            throw new NotSupportedException(
                $"The '{Model.Info.Architecture}' architecture takes multi-part positions (M-RoPE) or wider input vectors: llama.cpp cannot take latent vectors as its input. Use text_mas or baseline.");
        }
    }

    private int RowsOf(ReadOnlySpan<float> embeddings)
    {
        if (embeddings.IsEmpty || embeddings.Length % EmbeddingSize != 0)
        {
            throw new ArgumentException(
                $"Embeddings must be whole rows of the model's width {EmbeddingSize}; got {embeddings.Length} floats.", nameof(embeddings));
        }
        return embeddings.Length / EmbeddingSize;
    }

    private void CheckSequence(int sequence)
    {
        if ((uint)sequence >= (uint)Sequences)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"This context has sequences 0 to {Sequences - 1}.");
        }
    }

    private void CheckPosition(int start, int rows)
    {
        if ((long)start + rows > ContextSize)
        {
            throw new ContextOverflowException(
                $"Positions {start} to {start + rows - 1} do not fit a context of {ContextSize} positions: use a larger context size or a shorter input.");
        }
    }

    /// <summary>Frees the context (and releases its hold on the model).</summary>
    public void Dispose() => _handle.Dispose();
}
