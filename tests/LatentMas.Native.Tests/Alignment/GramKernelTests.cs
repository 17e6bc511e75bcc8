using LatentMas.Native.Alignment;

namespace LatentMas.Native.Tests.Alignment;

/// <summary>The Gram kernel against a scalar float64 reference.</summary>
[TestFixture]
public sealed class GramKernelTests
{
    // Float32 dot products inside a chunk, float64 across chunks.
    private const double Tolerance = 1e-5;

    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    private static double[] Reference(float[] x, float[] y, int rows, int d)
    {
        var c = new double[d * d];
        for (var k = 0; k < rows; k++)
        {
            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < d; j++)
                {
                    c[i * d + j] += (double)x[k * d + i] * y[k * d + j];
                }
            }
        }
        return c;
    }

    [TestCase(1, 1, 1)]
    [TestCase(7, 3, 5)]
    [TestCase(100, 17, 33)]
    [TestCase(300, 64, 128)]
    public void CrossProductMatchesTheReference(int rows, int d, int chunk)
    {
        var x = Random(rows * d, 1);
        var y = Random(rows * d, 2);
        var kernel = new GramKernel(d);
        for (var start = 0; start < rows; start += chunk)
        {
            var n = Math.Min(chunk, rows - start);
            kernel.Add(x.AsSpan(start * d, n * d), y.AsSpan(start * d, n * d), n);
        }
        var expected = Reference(x, y, rows, d);
        Assert.That(kernel.Rows, Is.EqualTo(rows));
        Assert.That(MaxRelative(kernel.Result, expected), Is.LessThan(Tolerance));
    }

    [TestCase(50, 9)]
    [TestCase(257, 64)]
    public void GramMatrixIsSymmetricAndMatchesTheReference(int rows, int d)
    {
        var x = Random(rows * d, 3);
        var kernel = new GramKernel(d);
        kernel.Add(x, x, rows);
        var c = kernel.Result;
        Assert.That(MaxRelative(c, Reference(x, x, rows, d)), Is.LessThan(Tolerance));
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < d; j++)
            {
                Assert.That(c[i * d + j], Is.EqualTo(c[j * d + i]));
            }
        }
    }

    [Test]
    public void CholeskySolvesAPositiveDefiniteSystem()
    {
        const int n = 40, m = 7;
        var g = Random(n * n, 4);
        var a = new double[n * n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                for (var k = 0; k < n; k++)
                {
                    a[i * n + j] += (double)g[k * n + i] * g[k * n + j];
                }
            }
            a[i * n + i] += 1;
        }
        var b = Random(n * m, 5).Select(v => (double)v).ToArray();
        var x = CholeskySolver.Solve(a, b, n, m);
        var worst = 0.0;
        for (var i = 0; i < n; i++)
        {
            for (var c = 0; c < m; c++)
            {
                var s = 0.0;
                for (var k = 0; k < n; k++)
                {
                    s += a[i * n + k] * x[k * m + c];
                }
                worst = Math.Max(worst, Math.Abs(s - b[i * m + c]));
            }
        }
        Assert.That(worst, Is.LessThan(1e-9));
        Assert.Throws<ArgumentException>(() => CholeskySolver.Solve(new double[] { 1, 2, 2, 1 }, new double[] { 1, 1 }, 2, 1));
    }

    private static double MaxRelative(double[] actual, double[] expected)
    {
        var scale = expected.Max(Math.Abs);
        return actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max() / scale;
    }
}
