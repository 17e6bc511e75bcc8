namespace LatentMas.Native.Llama;

/// <summary>
/// Results of one decode, copied into managed memory: for every row that asked for output, in row order,
/// its logits (vocab-size floats) and its final hidden state (embedding-size floats; after the output norm).
/// </summary>
public sealed class DecodeOutput
{
    internal DecodeOutput(int rows, int embeddingSize, int vocabSize, float[]? hidden, float[]? logits)
    {
        Rows = rows;
        EmbeddingSize = embeddingSize;
        VocabSize = vocabSize;
        Hidden = hidden;
        Logits = logits;
    }

    /// <summary>Number of output rows.</summary>
    public int Rows { get; }

    /// <summary>Width of a hidden state.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Width of a logits row.</summary>
    public int VocabSize { get; }

    /// <summary>Rows x EmbeddingSize hidden states, or null when not requested.</summary>
    public float[]? Hidden { get; }

    /// <summary>Rows x VocabSize logits, or null when not requested.</summary>
    public float[]? Logits { get; }

    /// <summary>Hidden state of output row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> HiddenRow(int row) =>
        (Hidden ?? throw new InvalidOperationException("Hidden states were not requested for this decode."))
            .AsSpan(CheckRow(row) * EmbeddingSize, EmbeddingSize);

    /// <summary>Logits of output row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> LogitsRow(int row) =>
        (Logits ?? throw new InvalidOperationException("Logits were not requested for this decode."))
            .AsSpan(CheckRow(row) * VocabSize, VocabSize);

    private int CheckRow(int row) =>
        (uint)row < (uint)Rows ? row : throw new ArgumentOutOfRangeException(nameof(row), row, $"This decode has {Rows} output rows.");
}

/// <summary>Which outputs a decode copies back.</summary>
[Flags]
public enum DecodeOutputs
{
    /// <summary>Nothing (only fill the KV cache).</summary>
    None = 0,
    /// <summary>Final hidden states.</summary>
    Hidden = 1,
    /// <summary>Logits.</summary>
    Logits = 2,
    /// <summary>Both.</summary>
    Both = Hidden | Logits,
}
