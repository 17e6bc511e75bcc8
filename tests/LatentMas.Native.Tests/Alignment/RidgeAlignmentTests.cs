using LatentMas.Native.Alignment;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Tests.Alignment;

/// <summary>The ridge realignment matrix of generated models, and its on-disk cache.</summary>
[TestFixture]
public sealed class RidgeAlignmentTests
{
    [Test]
    public void TiedModelAlignsToNearlyTheIdentity()
    {
        // With W_out = W_in, W_a = (G + λI)⁻¹ G, which is the identity up to λ over G's eigenvalues.
        using var file = GgufFile.Open(GeneratedModels.Get("tiny-qwen2"));
        var alignment = RidgeAlignment.Compute(file, 1e-5);
        var m = alignment.Matrix!;
        var worst = 0.0;
        for (var i = 0; i < 64; i++)
        {
            for (var j = 0; j < 64; j++)
            {
                worst = Math.Max(worst, Math.Abs(m[i * 64 + j] - (i == j ? 1 : 0)));
            }
        }
        Assert.That(worst, Is.LessThan(1e-3));
        Assert.That(alignment.TargetNorm, Is.EqualTo(EmbeddingStatistics.MeanRowNorm(file)).Within(1e-9));
    }

    [Test]
    public void UntiedModelSatisfiesTheNormalEquations()
    {
        using var file = GgufFile.Open(GeneratedModels.Get("tiny-qwen2-untied"));
        var alignment = RidgeAlignment.Compute(file, 1e-3, rowsPerChunk: 5000);
        var w = alignment.Matrix!;
        const int d = 64;

        // Independent float64 accumulation of G = W_outᵀ W_out and R = W_outᵀ W_in.
        var g = new double[d * d];
        var r = new double[d * d];
        var rows = (int)file.GetTensorInfo("output.weight").Rows;
        var output = new float[rows * d];
        var input = new float[rows * d];
        file.ReadRows("output.weight", 0, rows, output);
        file.ReadRows("token_embd.weight", 0, rows, input);
        for (var k = 0; k < rows; k++)
        {
            for (var i = 0; i < d; i++)
            {
                var o = (double)output[k * d + i];
                for (var j = 0; j < d; j++)
                {
                    g[i * d + j] += o * output[k * d + j];
                    r[i * d + j] += o * input[k * d + j];
                }
            }
        }
        double residual = 0, scale = 0;
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                var s = 1e-3 * w[i * d + j];
                for (var k = 0; k < d; k++)
                {
                    s += g[i * d + k] * w[k * d + j];
                }
                residual = Math.Max(residual, Math.Abs(s - r[i * d + j]));
                scale = Math.Max(scale, Math.Abs(r[i * d + j]));
            }
        }
        Assert.That(residual / scale, Is.LessThan(1e-4));

        // A direct dense solve of the same system (Gauss-Jordan with partial pivoting) gives the same W_a.
        var a = new double[d, 2 * d];
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                a[i, j] = g[i * d + j] + (i == j ? 1e-3 : 0);
                a[i, d + j] = r[i * d + j];
            }
        }
        for (var c = 0; c < d; c++)
        {
            var pivot = Enumerable.Range(c, d - c).MaxBy(i => Math.Abs(a[i, c]));
            for (var j = 0; j < 2 * d; j++)
            {
                (a[c, j], a[pivot, j]) = (a[pivot, j], a[c, j]);
            }
            var p = a[c, c];
            for (var j = 0; j < 2 * d; j++)
            {
                a[c, j] /= p;
            }
            for (var i = 0; i < d; i++)
            {
                if (i != c && a[i, c] != 0)
                {
                    var f = a[i, c];
                    for (var j = 0; j < 2 * d; j++)
                    {
                        a[i, j] -= f * a[c, j];
                    }
                }
            }
        }
        double diff = 0, norm = 0;
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                diff += Math.Pow(w[i * d + j] - a[i, d + j], 2);
                norm += Math.Pow(a[i, d + j], 2);
            }
        }
        Assert.That(Math.Sqrt(diff / norm), Is.LessThan(1e-4), "streaming kernel + Cholesky vs dense solve");
    }

    [Test]
    public void ApplyRescalesToTheTargetNorm()
    {
        using var file = GgufFile.Open(GeneratedModels.Get("tiny-qwen2-untied"));
        var alignment = RidgeAlignment.Compute(file);
        var identity = RidgeAlignment.Identity(file);
        var h = Enumerable.Range(0, 64).Select(i => (float)Math.Sin(i)).ToArray();
        var e = new float[64];
        alignment.Apply(h, e);
        Assert.That(Math.Sqrt(e.Sum(v => (double)v * v)), Is.EqualTo(alignment.TargetNorm).Within(1e-5));
        var plain = new float[64];
        identity.Apply(h, plain);
        Assert.That(Numerics.RelativeError(plain, h.Select(v => (float)(v * identity.TargetNorm / Math.Sqrt(h.Sum(x => (double)x * x)))).ToArray()), Is.LessThan(1e-6));
        Assert.That(Numerics.RelativeError(e, plain), Is.GreaterThan(1e-3), "the matrix changes the direction");
        Assert.Throws<ArgumentException>(() => alignment.Apply(new float[63], e));
    }

    [Test]
    public void CacheIsReusedOnlyForTheSameFileAndLambdaAndNeverWhenDamaged()
    {
        var cache = Path.Combine(GeneratedModels.Directory, "align-cache-" + Guid.NewGuid().ToString("N")[..6]);
        var model = GeneratedModels.Get("tiny-qwen2-untied");
        var first = RidgeAlignment.LoadOrCompute(model, 1e-4, cache);
        var entries = Directory.GetFiles(cache);
        Assert.That(entries, Has.Length.EqualTo(1));
        var stamp = File.GetLastWriteTimeUtc(entries[0]);

        var again = RidgeAlignment.LoadOrCompute(model, 1e-4, cache);
        Assert.That(again.Matrix, Is.EqualTo(first.Matrix));
        Assert.That(File.GetLastWriteTimeUtc(entries[0]), Is.EqualTo(stamp), "loaded, not rewritten");

        var otherLambda = RidgeAlignment.LoadOrCompute(model, 1e-1, cache);
        Assert.That(otherLambda.Lambda, Is.EqualTo(1e-1));
        Assert.That(otherLambda.Matrix, Is.Not.EqualTo(first.Matrix));
        Assert.That(Directory.GetFiles(cache), Has.Length.EqualTo(2));

        var otherFile = RidgeAlignment.LoadOrCompute(GeneratedModels.Get("tiny-qwen2"), 1e-4, cache);
        Assert.That(otherFile.Matrix, Is.Not.EqualTo(first.Matrix));

        // Flip one byte of the first entry: it must be recomputed, giving the same matrix again.
        var bytes = File.ReadAllBytes(entries[0]);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(entries[0], bytes);
        var repaired = RidgeAlignment.LoadOrCompute(model, 1e-4, cache);
        Assert.That(repaired.Matrix, Is.EqualTo(first.Matrix));
        Assert.That(File.ReadAllBytes(entries[0]), Is.Not.EqualTo(bytes), "the damaged entry was replaced");
    }
}
