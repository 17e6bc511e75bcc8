using System.Numerics.Tensors;

namespace LatentMas.Native.Alignment;

/// <summary>Solves A X = B for a symmetric positive definite A by Cholesky factorisation, in float64.</summary>
public static class CholeskySolver
{
    /// <summary>
    /// Returns X (n × m, row-major) with A X = B, where A is n × n and B is n × m. A is not modified.
    /// </summary>
    /// <exception cref="ArgumentException">A is not positive definite (a larger ridge lambda helps).</exception>
    public static double[] Solve(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int n, int m)
    {
        if (a.Length != n * n || b.Length != n * m)
        {
            throw new ArgumentException("Matrix sizes do not match n and m.");
        }
        // A = L Lᵀ, L lower triangular (the lower triangle of A is read, copied first for the parallel loop).
        var source = a.ToArray();
        var l = new double[n * n];
        for (var j = 0; j < n; j++)
        {
            var diag = a[j * n + j] - TensorPrimitives.Dot<double>(l.AsSpan(j * n, j), l.AsSpan(j * n, j));
            if (!(diag > 0))
            {
                throw new ArgumentException($"The matrix is not positive definite (pivot {j} is {diag:G3}); use a larger lambda.");
            }
            var ljj = Math.Sqrt(diag);
            l[j * n + j] = ljj;
            Parallel.For(j + 1, n, i =>
            {
                var s = source[i * n + j];
                s -= TensorPrimitives.Dot<double>(l.AsSpan(i * n, j), l.AsSpan(j * n, j));
                l[i * n + j] = s / ljj;
            });
        }
        // Forward (L Y = B) then backward (Lᵀ X = Y) substitution, all m right-hand sides at once.
        var x = b.ToArray();
        for (var i = 0; i < n; i++)
        {
            var xi = x.AsSpan(i * m, m);
            for (var k = 0; k < i; k++)
            {
                TensorPrimitives.MultiplyAdd(x.AsSpan(k * m, m), -l[i * n + k], xi, xi);
            }
            TensorPrimitives.Multiply(xi, 1.0 / l[i * n + i], xi);
        }
        for (var i = n - 1; i >= 0; i--)
        {
            var xi = x.AsSpan(i * m, m);
            for (var k = i + 1; k < n; k++)
            {
                TensorPrimitives.MultiplyAdd(x.AsSpan(k * m, m), -l[k * n + i], xi, xi);
            }
            TensorPrimitives.Multiply(xi, 1.0 / l[i * n + i], xi);
        }
        return x;
    }
}
