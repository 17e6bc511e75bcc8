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
            var diag = a[j * n + j];
            for (var k = 0; k < j; k++)
            {
                diag -= l[j * n + k] * l[j * n + k];
            }
            if (!(diag > 0))
            {
                throw new ArgumentException($"The matrix is not positive definite (pivot {j} is {diag:G3}); use a larger lambda.");
            }
            var ljj = Math.Sqrt(diag);
            l[j * n + j] = ljj;
            Parallel.For(j + 1, n, i =>
            {
                var s = source[i * n + j];
                var li = l.AsSpan(i * n, j);
                var lj = l.AsSpan(j * n, j);
                for (var k = 0; k < j; k++)
                {
                    s -= li[k] * lj[k];
                }
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
                var f = l[i * n + k];
                var xk = x.AsSpan(k * m, m);
                for (var c = 0; c < m; c++)
                {
                    xi[c] -= f * xk[c];
                }
            }
            var inv = 1.0 / l[i * n + i];
            for (var c = 0; c < m; c++)
            {
                xi[c] *= inv;
            }
        }
        for (var i = n - 1; i >= 0; i--)
        {
            var xi = x.AsSpan(i * m, m);
            for (var k = i + 1; k < n; k++)
            {
                var f = l[k * n + i];
                var xk = x.AsSpan(k * m, m);
                for (var c = 0; c < m; c++)
                {
                    xi[c] -= f * xk[c];
                }
            }
            var inv = 1.0 / l[i * n + i];
            for (var c = 0; c < m; c++)
            {
                xi[c] *= inv;
            }
        }
        return x;
    }
}
