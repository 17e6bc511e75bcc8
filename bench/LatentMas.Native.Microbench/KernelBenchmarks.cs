using BenchmarkDotNet.Attributes;
using LatentMas.Native.Alignment;

namespace LatentMas.Native.Microbench;

/// <summary>The alignment kernels at the widths of real models.</summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];
    private RidgeAlignment _identity = null!;
    private float[] _h = [];
    private float[] _e = [];

    /// <summary>Hidden width (Qwen2.5-0.5B, Qwen2.5-1.5B).</summary>
    [Params(896, 1536)]
    public int Width { get; set; }

    /// <summary>Rows per chunk, as the alignment streams them.</summary>
    public const int Rows = 2048;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        _x = Enumerable.Range(0, Rows * Width).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _y = Enumerable.Range(0, Rows * Width).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _identity = RidgeAlignment.Identity(Width, 1.0);
        _h = _x.AsSpan(0, Width).ToArray();
        _e = new float[Width];
    }

    /// <summary>Gram matrix of one chunk (tied models).</summary>
    [Benchmark]
    public double GramChunk()
    {
        var kernel = new GramKernel(Width);
        kernel.Add(_x, _x, Rows);
        return kernel.Result[0];
    }

    /// <summary>Cross product of one chunk (separate output matrix).</summary>
    [Benchmark]
    public double CrossChunk()
    {
        var kernel = new GramKernel(Width);
        kernel.Add(_x, _y, Rows);
        return kernel.Result[0];
    }

    /// <summary>Identity alignment of one hidden state (rescale only).</summary>
    [Benchmark]
    public float ApplyIdentity()
    {
        _identity.Apply(_h, _e);
        return _e[0];
    }
}
