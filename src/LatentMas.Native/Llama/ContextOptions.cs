namespace LatentMas.Native.Llama;

/// <summary>Element type of the KV cache (ggml type ids).</summary>
public enum KvCacheType
{
    /// <summary>32-bit floats: exact, twice the memory of F16.</summary>
    F32 = 0,
    /// <summary>16-bit floats (llama.cpp's default).</summary>
    F16 = 1,
    /// <summary>8-bit blocks.</summary>
    Q8_0 = 8,
}

/// <summary>Whether llama.cpp uses flash attention.</summary>
public enum FlashAttention
{
    /// <summary>llama.cpp decides per backend.</summary>
    Auto = -1,
    /// <summary>Off: the reference attention path.</summary>
    Off = 0,
    /// <summary>On.</summary>
    On = 1,
}

/// <summary>Settings of one inference context (one KV cache shared by up to <see cref="Sequences"/> sequences).</summary>
public sealed record ContextOptions
{
    /// <summary>KV cells shared by all sequences (positions of all questions together).</summary>
    public int ContextSize { get; init; } = 4096;

    /// <summary>Most rows one decode call takes.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>Physical batch size (0: the batch size).</summary>
    public int MicroBatchSize { get; init; }

    /// <summary>Number of sequences (questions decoded together).</summary>
    public int Sequences { get; init; } = 1;

    /// <summary>Compute threads (0: all cores).</summary>
    public int Threads { get; init; }

    /// <summary>KV cache element type for keys and values.</summary>
    public KvCacheType CacheType { get; init; } = KvCacheType.F16;

    /// <summary>Flash attention setting.</summary>
    public FlashAttention FlashAttention { get; init; } = FlashAttention.Auto;

    /// <summary>Allows <see cref="LlamaContext.SetCaptureLayer"/> (installs llama.cpp's evaluation callback).</summary>
    public bool EnableLayerCapture { get; init; }

    /// <summary>Exact settings for parity checks: F32 cache, flash attention off.</summary>
    public static ContextOptions Exact(int contextSize = 512, int batchSize = 512, int sequences = 1) => new()
    {
        ContextSize = contextSize,
        BatchSize = batchSize,
        Sequences = sequences,
        CacheType = KvCacheType.F32,
        FlashAttention = FlashAttention.Off,
    };

    internal void Validate()
    {
        if (ContextSize < 16)
        {
            throw new ArgumentOutOfRangeException(nameof(ContextSize), ContextSize, "The context must hold at least 16 positions.");
        }
        if (BatchSize < 1 || MicroBatchSize < 0 || MicroBatchSize > BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Batch size must be positive and not below the micro-batch size.");
        }
        if (Sequences is < 1 or > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(Sequences), Sequences, "Sequences must be between 1 and 256.");
        }
        if (Threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "Threads must be 0 (all cores) or positive.");
        }
        if (!Enum.IsDefined(CacheType) || !Enum.IsDefined(FlashAttention))
        {
            throw new ArgumentOutOfRangeException(nameof(CacheType), "Unknown cache type or flash attention setting.");
        }
    }
}
