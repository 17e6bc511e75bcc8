using LatentMas.Native.Alignment;
using LatentMas.Native.Llama;
using LatentMas.Native.Models;

namespace LatentMas.Native.Tests.Interop;

/// <summary>Streaming dequantized tensor rows out of GGUF files.</summary>
[TestFixture]
public sealed class GgufReadTests
{
    [Test]
    public void F32RowsReadBackExactlyAsGenerated()
    {
        var recipe = RecipeCatalogue.Get("tiny-qwen2");
        using var file = GgufFile.Open(GeneratedModels.Get("tiny-qwen2"));
        var info = file.GetTensorInfo(EmbeddingStatistics.TokenEmbeddings);
        Assert.That(info.Type, Is.EqualTo((int)GgmlType.F32));
        Assert.That(info.Shape, Is.EqualTo(new long[] { 64, 151936 }));

        // The generator's stream is the tensor's row-major content; compare the first 300 rows in odd-sized chunks.
        var expected = new float[300 * 64];
        new WeightGenerator(recipe.Seed, EmbeddingStatistics.TokenEmbeddings, 0.02f).Fill(expected);
        var actual = new float[300 * 64];
        for (var row = 0; row < 300; row += 70)
        {
            var n = Math.Min(70, 300 - row);
            file.ReadRows(EmbeddingStatistics.TokenEmbeddings, row, n, actual.AsSpan(row * 64, n * 64));
        }
        Assert.That(actual, Is.EqualTo(expected));
    }

    [TestCase(QuantizationType.Q8_0, GgmlType.Q8_0, 1.0 / 200)]
    [TestCase(QuantizationType.Q4_0, GgmlType.Q4_0, 1.0 / 7)]
    public void QuantizedRowsMatchTheF32OriginalWithinTheTypesError(QuantizationType quantization, GgmlType expectedType, double boundPerMaxAbs)
    {
        // A separate output matrix, so llama.cpp quantizes a 2-D matrix with the chosen type.
        const string tensor = "blk.0.ffn_up.weight";
        using var original = GgufFile.Open(GeneratedModels.Get("tiny-qwen2"));
        using var quantized = GgufFile.Open(GeneratedModels.GetQuantized("tiny-qwen2", quantization));
        var info = quantized.GetTensorInfo(tensor);
        Assert.That(info.Type, Is.EqualTo((int)expectedType));
        var width = (int)info.RowWidth;
        var exact = new float[(int)info.Rows * width];
        var approx = new float[exact.Length];
        original.ReadRows(tensor, 0, (int)info.Rows, exact);
        var chunk = 0;
        foreach (var (first, rows, data) in quantized.StreamRows(tensor, rowsPerChunk: 37))
        {
            data.AsSpan(0, rows * width).CopyTo(approx.AsSpan((int)first * width));
            chunk++;
        }
        Assert.That(chunk, Is.EqualTo((int)Math.Ceiling(info.Rows / 37.0)));

        double worst = 0, total = 0;
        for (var block = 0; block < exact.Length; block += 32)
        {
            var e = exact.AsSpan(block, 32);
            var maxAbs = 0.0;
            foreach (var v in e)
            {
                maxAbs = Math.Max(maxAbs, Math.Abs(v));
            }
            var err = Numerics.MaxAbsDifference(approx.AsSpan(block, 32), e);
            worst = Math.Max(worst, err / maxAbs);
            total += err;
        }
        Assert.That(worst, Is.LessThanOrEqualTo(boundPerMaxAbs), "error beyond the quantization's step");
        Assert.That(total, Is.GreaterThan(0), "a quantized file should not be bit-identical");
    }

    [Test]
    public void MeanRowNormOfGeneratedEmbeddingsMatchesTheGeneratorSpread()
    {
        // Uniform values with standard deviation 0.02 in 64 dimensions: norm close to 0.02 * sqrt(64) = 0.16.
        using var file = GgufFile.Open(GeneratedModels.Get("tiny-qwen2"));
        Assert.That(EmbeddingStatistics.MeanRowNorm(file), Is.EqualTo(0.16).Within(0.005));
    }

    [Test]
    public void MetadataAndTensorListingAreReadable()
    {
        using var file = GgufFile.Open(GeneratedModels.Get("tiny-qwen2-untied"));
        Assert.That(file.GetMetadata("general.architecture"), Is.EqualTo("qwen2"));
        Assert.That(file.GetMetadata("qwen2.block_count"), Is.EqualTo("2"));
        Assert.That(file.GetMetadata("no.such.key"), Is.Null);
        var names = file.TensorNames();
        Assert.That(names, Does.Contain("output.weight"));
        Assert.That(names, Has.Count.EqualTo(3 + 2 * 12));
    }
}
