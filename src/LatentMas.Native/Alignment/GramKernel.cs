using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace LatentMas.Native.Alignment;

/// <summary>
/// Accumulates C += Xᵀ Y over chunks of rows, where X and Y are r × d row-major chunks of two matrices read in
/// lockstep (the rows of W_out and W_in for the same tokens); C is d × d.
/// <para>
/// How: the columns of a chunk are packed into panels (6 columns of X, 16 of Y, row after row), and a register
/// tile of 6 × 16 outputs is accumulated with FMA over the chunk's rows: per row, two 8-wide loads, six
/// broadcasts and twelve FMAs, all from L1. Tile sums (float32 over one chunk) are added to a float64
/// accumulator, which keeps a 152k-row sum as accurate as one chunk. Tiles are spread over threads; for a
/// Gram matrix (X = Y) only tiles on or above the diagonal are computed and the result is mirrored.
/// Without AVX2/FMA a portable loop does the same work.
/// </para>
/// </summary>
public sealed class GramKernel
{
    private const int TileRows = 6;    // columns of X per tile
    private const int TileCols = 16;   // columns of Y per tile (two Vector256<float>)
    private const int RowBlock = 256;  // rows per packed block

    private readonly int _width;
    private readonly double[] _sum;
    private readonly int _xPanels;
    private readonly int _yPanels;
    private float[] _xPacked = [];
    private float[] _yPacked = [];
    private bool _symmetricSoFar = true;

    /// <summary>An accumulator for d × d results.</summary>
    public GramKernel(int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        _width = width;
        _sum = new double[(long)width * width];
        _xPanels = (width + TileRows - 1) / TileRows;
        _yPanels = (width + TileCols - 1) / TileCols;
    }

    /// <summary>Width d.</summary>
    public int Width => _width;

    /// <summary>Rows added so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Floating-point operations done so far (2 per multiply-add of the full product).</summary>
    public double Flops => 2.0 * Rows * _width * _width;

    /// <summary>The d × d sum Xᵀ Y so far (row-major, float64).</summary>
    public double[] Result
    {
        get
        {
            if (_symmetricSoFar)
            {
                Mirror();
            }
            return _sum;
        }
    }

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
        if (!symmetric && _symmetricSoFar && Rows > 0)
        {
            Mirror();  // earlier Gram chunks skipped the lower triangle: fill it before full tiles start
        }
        _symmetricSoFar &= symmetric;
        // Rows are taken in blocks small enough that a packed panel pair stays in L1/L2 while its tile is computed.
        for (var k0 = 0; k0 < rows; k0 += RowBlock)
        {
            var k = Math.Min(RowBlock, rows - k0);
            AddBlock(x.Slice(k0 * d, k * d), y.Slice(k0 * d, k * d), k, maxThreads);
        }
        Rows += rows;
    }

    private void AddBlock(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int rows, int maxThreads)
    {
        Pack(x, rows, TileRows, _xPanels, ref _xPacked);
        Pack(y, rows, TileCols, _yPanels, ref _yPacked);
        var xPacked = _xPacked;
        var yPacked = _yPacked;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxThreads > 0 ? maxThreads : Environment.ProcessorCount };
        var onlyUpper = _symmetricSoFar;
        Parallel.For(0, _xPanels, options, () => new float[TileRows * TileCols], (xp, _, tile) =>
        {
            var x0 = xp * TileRows;
            for (var yp = 0; yp < _yPanels; yp++)
            {
                var y0 = yp * TileCols;
                if (onlyUpper && y0 + TileCols <= x0)
                {
                    continue;  // entirely below the diagonal: mirrored later
                }
                Tile(xPacked.AsSpan(xp * rows * TileRows, rows * TileRows), yPacked.AsSpan(yp * rows * TileCols, rows * TileCols), rows, tile);
                Accumulate(tile, x0, y0);
            }
            return tile;
        }, _ => { });
    }

    // Panel p holds columns [p*w, p*w + w) of the chunk, row after row, zero-padded past the width.
    private void Pack(ReadOnlySpan<float> source, int rows, int w, int panels, ref float[] packed)
    {
        var needed = panels * rows * w;
        if (packed.Length < needed)
        {
            packed = new float[needed];
        }
        var d = _width;
        var target = packed;
        unsafe
        {
            fixed (float* src = source)
            {
                var srcPtr = (IntPtr)src;
                Parallel.For(0, panels, p =>
                {
                    var c0 = p * w;
                    var n = Math.Min(w, d - c0);
                    var panel = target.AsSpan(p * rows * w, rows * w);
                    var from = new ReadOnlySpan<float>((float*)srcPtr, rows * d);
                    for (var r = 0; r < rows; r++)
                    {
                        var dst = panel.Slice(r * w, w);
                        from.Slice(r * d + c0, n).CopyTo(dst);
                        dst[n..].Clear();
                    }
                });
            }
        }
    }

    private void Accumulate(float[] tile, int x0, int y0)
    {
        var d = _width;
        var rows = Math.Min(TileRows, d - x0);
        var cols = Math.Min(TileCols, d - y0);
        for (var i = 0; i < rows; i++)
        {
            var target = _sum.AsSpan((x0 + i) * d + y0, cols);
            var source = tile.AsSpan(i * TileCols, cols);
            for (var j = 0; j < cols; j++)
            {
                target[j] += source[j];
            }
        }
    }

    /// <summary>tile[i, j] = Σ_k a[k, i] · b[k, j] over one chunk: the 6 × 16 register-blocked micro-kernel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Tile(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int rows, float[] tile)
    {
        if (Fma.IsSupported && Avx.IsSupported)
        {
            fixed (float* pa = a)
            fixed (float* pb = b)
            fixed (float* pt = tile)
            {
                Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
                Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
                var ap = pa;
                var bp = pb;
                for (var k = 0; k < rows; k++, ap += TileRows, bp += TileCols)
                {
                    var b0 = Avx.LoadVector256(bp);
                    var b1 = Avx.LoadVector256(bp + 8);
                    var s = Avx.BroadcastScalarToVector256(ap + 0);
                    c00 = Fma.MultiplyAdd(s, b0, c00);
                    c01 = Fma.MultiplyAdd(s, b1, c01);
                    s = Avx.BroadcastScalarToVector256(ap + 1);
                    c10 = Fma.MultiplyAdd(s, b0, c10);
                    c11 = Fma.MultiplyAdd(s, b1, c11);
                    s = Avx.BroadcastScalarToVector256(ap + 2);
                    c20 = Fma.MultiplyAdd(s, b0, c20);
                    c21 = Fma.MultiplyAdd(s, b1, c21);
                    s = Avx.BroadcastScalarToVector256(ap + 3);
                    c30 = Fma.MultiplyAdd(s, b0, c30);
                    c31 = Fma.MultiplyAdd(s, b1, c31);
                    s = Avx.BroadcastScalarToVector256(ap + 4);
                    c40 = Fma.MultiplyAdd(s, b0, c40);
                    c41 = Fma.MultiplyAdd(s, b1, c41);
                    s = Avx.BroadcastScalarToVector256(ap + 5);
                    c50 = Fma.MultiplyAdd(s, b0, c50);
                    c51 = Fma.MultiplyAdd(s, b1, c51);
                }
                Avx.Store(pt, c00); Avx.Store(pt + 8, c01);
                Avx.Store(pt + 16, c10); Avx.Store(pt + 24, c11);
                Avx.Store(pt + 32, c20); Avx.Store(pt + 40, c21);
                Avx.Store(pt + 48, c30); Avx.Store(pt + 56, c31);
                Avx.Store(pt + 64, c40); Avx.Store(pt + 72, c41);
                Avx.Store(pt + 80, c50); Avx.Store(pt + 88, c51);
            }
            return;
        }
        // Portable path: the same computation with System.Numerics vectors or scalars.
        Array.Clear(tile);
        for (var k = 0; k < rows; k++)
        {
            var brow = b.Slice(k * TileCols, TileCols);
            for (var i = 0; i < TileRows; i++)
            {
                var s = a[k * TileRows + i];
                var trow = tile.AsSpan(i * TileCols, TileCols);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(brow, s, trow, trow);
            }
        }
    }

    private void Mirror()
    {
        var d = _width;
        for (var i = 0; i < d; i++)
        {
            for (var j = 0; j < i; j++)
            {
                _sum[(long)i * d + j] = _sum[(long)j * d + i];
            }
        }
    }
}
