using System.Diagnostics;
using LatentMas.Native.Alignment;

namespace LatentMas.Native.Bench;

/// <summary>
/// Our Gram kernel against OpenBLAS sgemm on the same matrices, in the same run, repeats interleaved
/// (ours, OpenBLAS, ours, ...) and the best of each kept, so a busy moment of the machine hits both.
/// </summary>
internal static class AlignmentBench
{
    public sealed record Result(string Shape, int Rows, int Width, double OursGflops, double? OpenBlasGflops, double? Ratio,
                                double CrossGflops, double? CrossRatio, double SolveSeconds, double MaxRelativeDifference);

    public static Result Run(string shape, int rows, int width, int repeats, int chunkRows = 4096)
    {
        var random = new Random(1);
        var x = new float[(long)rows * width];
        var y = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (float)(random.NextDouble() * 0.04 - 0.02);
            y[i] = (float)(random.NextDouble() * 0.04 - 0.02);
        }
        var flops = 2.0 * rows * width * width;
        double bestGram = double.MaxValue, bestCross = double.MaxValue, bestBlas = double.MaxValue;
        GramKernel? gram = null;
        var c = new float[width * width];
        for (var r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            gram = Accumulate(x, x, rows, width, chunkRows);
            bestGram = Math.Min(bestGram, clock.Elapsed.TotalSeconds);

            clock.Restart();
            Accumulate(x, y, rows, width, chunkRows);
            bestCross = Math.Min(bestCross, clock.Elapsed.TotalSeconds);

            if (OpenBlas.Available)
            {
                Array.Clear(c);
                clock.Restart();
                OpenBlas.AtB(x, x, c, rows, width);
                bestBlas = Math.Min(bestBlas, clock.Elapsed.TotalSeconds);
            }
        }
        var ours = flops / bestGram / 1e9;
        var cross = flops / bestCross / 1e9;
        double? blas = OpenBlas.Available ? flops / bestBlas / 1e9 : null;
        double diff = 0;
        if (OpenBlas.Available)
        {
            var result = gram!.Result;
            var scale = result.Max(Math.Abs);
            diff = result.Zip(c, (a, b) => Math.Abs(a - b)).Max() / scale;
        }

        // The solve that follows the accumulation: (G + λI) W = G in float64.
        var g = gram!.Result.ToArray();
        for (var i = 0; i < width; i++)
        {
            g[i * width + i] += 1e-5;
        }
        var solveClock = Stopwatch.StartNew();
        CholeskySolver.Solve(g, gram.Result, width, width);
        return new Result(shape, rows, width, ours, blas, blas is { } b1 ? ours / b1 : null, cross, blas is { } b2 ? cross / b2 : null,
            solveClock.Elapsed.TotalSeconds, diff);
    }

    private static GramKernel Accumulate(float[] x, float[] y, int rows, int width, int chunkRows)
    {
        var kernel = new GramKernel(width);
        for (var start = 0; start < rows; start += chunkRows)
        {
            var n = Math.Min(chunkRows, rows - start);
            kernel.Add(x.AsSpan(start * width, n * width), y.AsSpan(start * width, n * width), n);
        }
        _ = kernel.Result;
        return kernel;
    }
}
