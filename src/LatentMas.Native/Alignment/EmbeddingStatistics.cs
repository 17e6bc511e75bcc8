using System.Numerics.Tensors;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Alignment;

/// <summary>Statistics of a model's embedding matrices, read from its GGUF file in row chunks.</summary>
public static class EmbeddingStatistics
{
    /// <summary>Name of the input embedding matrix (W_in) in llama.cpp's GGUF files.</summary>
    public const string TokenEmbeddings = "token_embd.weight";

    /// <summary>
    /// Mean L2 norm of the rows of <paramref name="tensorName"/>, dequantized: the scale latent thoughts are
    /// rescaled to before they go back in as input embeddings (so a 4-bit file rescales to its own scale).
    /// </summary>
    public static double MeanRowNorm(GgufFile file, string tensorName = TokenEmbeddings, int rowsPerChunk = 2048)
    {
        ArgumentNullException.ThrowIfNull(file);
        var info = file.GetTensorInfo(tensorName);
        var width = (int)info.RowWidth;
        double sum = 0;
        foreach (var (_, rows, data) in file.StreamRows(tensorName, rowsPerChunk))
        {
            for (var r = 0; r < rows; r++)
            {
                sum += TensorPrimitives.Norm(data.AsSpan(r * width, width));
            }
        }
        return info.Rows == 0 ? 0 : sum / info.Rows;
    }

    /// <summary>Scales <paramref name="vector"/> in place to L2 norm <paramref name="targetNorm"/> (a zero vector stays zero).</summary>
    public static void RescaleTo(Span<float> vector, double targetNorm)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0 && double.IsFinite(norm))
        {
            TensorPrimitives.Multiply(vector, (float)(targetNorm / norm), vector);
        }
    }
}
