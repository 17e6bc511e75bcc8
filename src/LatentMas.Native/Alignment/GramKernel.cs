using System.Numerics.Tensors;

namespace LatentMas.Native.Alignment;

/// <summary>
/// Accumulates C += Xᵀ Y over chunks of rows, where X and Y are r × d row-major chunks of two matrices read in
/// lockstep (the rows of W_out and W_in for the same tokens). Each chunk is transposed once, so every entry of
/// C is one contiguous SIMD dot product of length r; chunk sums are added to a float64 accumulator, which
/// keeps the error of a 152k-row sum at the level of one chunk. Output rows are split across threads.
/// </summary>
public sealed class GramKernel
{
    private readonly int _width;
    private readonly double[] _sum;
    private float[] _xt = [];
    private float[] _yt = [];

    /// <summary>An accumulator for d × d results.</summary>
    public GramKernel(int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        _width = width;
        _sum = new double[(long)width * width];
    }

    /// <summary>Width d.</summary>
    public int Width => _width;

    /// <summary>Rows added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>The d × d sum Xᵀ Y so far (row-major, float64).</summary>
    public double[] Result => _sum;

    /// <summary>Adds <paramref name="rows"/> rows: C += xᵀ y. Pass the same span twice for a Gram matrix.</summary>
    public void Add(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int rows, int maxThreads = 0)
    {
        var d = _width;
        if (x.Length < rows * d || y.Length < rows * d)
        {
            throw new ArgumentException($"Chunks must hold {rows} rows of {d} floats.");
        }
        if (rows == 0)
        {
            return;
        }
        var symmetric = x.Overlaps(y, out var offset) && offset == 0;
        if (_xt.Length < rows * d)
        {
            _xt = new float[rows * d];
            _yt = new float[rows * d];
        }
        Transpose(x, _xt, rows, d);
        if (!symmetric)
        {
            Transpose(y, _yt, rows, d);
        }
        var xt = _xt;
        var yt = symmetric ? _xt : _yt;
        var sum = _sum;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : Environment.ProcessorCount };
        Parallel.For(0, d, options, i =>
        {
            var xi = xt.AsSpan(i * rows, rows);
            // A Gram matrix is symmetric: compute the upper triangle and mirror it.
            for (var j = symmetric ? i : 0; j < d; j++)
            {
                sum[(long)i * d + j] += TensorPrimitives.Dot(xi, yt.AsSpan(j * rows, rows));
            }
        });
        if (symmetric)
        {
            for (var i = 0; i < d; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    sum[(long)i * d + j] = sum[(long)j * d + i];
                }
            }
        }
        Rows += rows;
    }

    private static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int rows, int cols)
    {
        for (var r = 0; r < rows; r++)
        {
            var row = source.Slice(r * cols, cols);
            for (var c = 0; c < cols; c++)
            {
                destination[c * rows + r] = row[c];
            }
        }
    }
}
