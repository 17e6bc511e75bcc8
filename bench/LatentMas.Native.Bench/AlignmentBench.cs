using System.Diagnostics;
using LatentMas.Native.Alignment;

namespace LatentMas.Native.Bench;

/// <summary>Our Gram kernel against OpenBLAS sgemm on the same matrices, in the same run.</summary>
internal static class AlignmentBench
{
    public sealed record Result(string Shape, int Rows, int Width, double OursGflops, double? OpenBlasGflops, double? Ratio,
                                double SolveSeconds, double MaxRelativeDifference);

    /// <summary>Times C = Xᵀ X for <paramref name="rows"/> × <paramref name="width"/> random rows, best of <paramref name="repeats"/>.</summary>
    public static Result Run(string shape, int rows, int width, int repeats, int chunkRows = 4096)
    {
        var random = new Random(1);
        var x = new float[(long)rows * width];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() * 0.04 - 0.02);
        }
        var flops = 2.0 * rows * width * width;

        double best = double.MaxValue;
        GramKernel? kernel = null;
        for (var r = 0; r < repeats; r++)
        {
            kernel = new GramKernel(width);
            var clock = Stopwatch.StartNew();
            for (var start = 0; start < rows; start += chunkRows)
            {
                var n = Math.Min(chunkRows, rows - start);
                var chunk = x.AsSpan(start * width, n * width);
                kernel.Add(chunk, chunk, n);
            }
            _ = kernel.Result;
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        var ours = flops / best / 1e9;

        double? blas = null, ratio = null, diff = 0;
        if (OpenBlas.Available)
        {
            var c = new float[width * width];
            double bestBlas = double.MaxValue;
            for (var r = 0; r < repeats; r++)
            {
                Array.Clear(c);
                var clock = Stopwatch.StartNew();
                OpenBlas.AtB(x, x, c, rows, width);
                bestBlas = Math.Min(bestBlas, clock.Elapsed.TotalSeconds);
            }
            blas = flops / bestBlas / 1e9;
            ratio = ours / blas;
            var result = kernel!.Result;
            var scale = result.Max(Math.Abs);
            diff = result.Zip(c, (a, b) => Math.Abs(a - b)).Max() / scale;
        }

        // The solve that follows the accumulation: (G + λI) W = G in float64.
        var g = kernel!.Result.ToArray();
        for (var i = 0; i < width; i++)
        {
            g[i * width + i] += 1e-5;
        }
        var solveClock = Stopwatch.StartNew();
        CholeskySolver.Solve(g, kernel.Result, width, width);
        return new Result(shape, rows, width, ours, blas, ratio, solveClock.Elapsed.TotalSeconds, diff ?? 0);
    }
}
