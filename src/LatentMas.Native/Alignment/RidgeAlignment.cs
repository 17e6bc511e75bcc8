using System.Diagnostics;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;
using LatentMas.Native.Llama;

namespace LatentMas.Native.Alignment;

/// <summary>
/// The map a latent thought takes from output space back to input space:
/// e = h W_a, with W_a = (W_outᵀ W_out + λI)⁻¹ W_outᵀ W_in (W_in: token embeddings; W_out: the output matrix,
/// or W_in when tied), then rescaled to the mean row norm of W_in. The identity variant only rescales.
/// </summary>
public sealed class RidgeAlignment
{
    private const string OutputMatrix = "output.weight";
    private readonly float[]? _matrix;

    private RidgeAlignment(int width, double lambda, double targetNorm, float[]? matrix, TimeSpan computeTime)
    {
        Width = width;
        Lambda = lambda;
        TargetNorm = targetNorm;
        _matrix = matrix;
        ComputeTime = computeTime;
    }

    /// <summary>Hidden width d.</summary>
    public int Width { get; }

    /// <summary>Ridge regularisation λ (0 for the identity).</summary>
    public double Lambda { get; }

    /// <summary>Mean L2 norm of W_in's rows: every aligned vector is rescaled to it.</summary>
    public double TargetNorm { get; }

    /// <summary>True when no matrix is applied (realignment off).</summary>
    public bool IsIdentity => _matrix is null;

    /// <summary>How long computing (or loading) took.</summary>
    public TimeSpan ComputeTime { get; }

    /// <summary>W_a, row-major d × d (a copy), or null for the identity.</summary>
    public float[]? Matrix => _matrix?.ToArray();

    /// <summary>Realignment off: e = h rescaled to <paramref name="targetNorm"/>.</summary>
    public static RidgeAlignment Identity(int width, double targetNorm) => new(width, 0, targetNorm, null, TimeSpan.Zero);

    /// <summary>Identity alignment of a model file (reads W_in once for its mean row norm).</summary>
    public static RidgeAlignment Identity(GgufFile file)
    {
        var width = (int)file.GetTensorInfo(EmbeddingStatistics.TokenEmbeddings).RowWidth;
        return Identity(width, EmbeddingStatistics.MeanRowNorm(file));
    }

    /// <summary>Computes W_a from a model file, streaming W_in and W_out in row chunks (never held whole).</summary>
    public static RidgeAlignment Compute(GgufFile file, double lambda = 1e-5, int rowsPerChunk = 4096,
                                         IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!(lambda > 0) || !double.IsFinite(lambda))
        {
            throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "Lambda must be a positive number.");
        }
        var clock = Stopwatch.StartNew();
        var input = file.GetTensorInfo(EmbeddingStatistics.TokenEmbeddings);
        var tied = !file.HasTensor(OutputMatrix);
        var width = (int)input.RowWidth;
        if (!tied)
        {
            var output = file.GetTensorInfo(OutputMatrix);
            if (output.RowWidth != width || output.Rows != input.Rows)
            {
                throw new InvalidModelFileException(3, $"{file.Path}: output.weight is {output.Rows} x {output.RowWidth}, token_embd.weight {input.Rows} x {width}.");
            }
        }
        var gram = new GramKernel(width);
        var cross = tied ? null : new GramKernel(width);
        var inRows = new float[rowsPerChunk * width];
        var outRows = tied ? inRows : new float[rowsPerChunk * width];
        double normSum = 0;
        for (long row = 0; row < input.Rows; row += rowsPerChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var n = (int)Math.Min(rowsPerChunk, input.Rows - row);
            file.ReadRows(EmbeddingStatistics.TokenEmbeddings, row, n, inRows);
            for (var r = 0; r < n; r++)
            {
                normSum += TensorPrimitives.Norm(inRows.AsSpan(r * width, width));
            }
            if (!tied)
            {
                file.ReadRows(OutputMatrix, row, n, outRows);
                cross!.Add(outRows, inRows, n);
            }
            gram.Add(outRows, outRows, n);
            progress?.Report((double)(row + n) / input.Rows);
        }
        // (G + λI) W_a = R, with R = G when tied.
        var a = gram.Result.ToArray();
        for (var i = 0; i < width; i++)
        {
            a[i * width + i] += lambda;
        }
        var solution = CholeskySolver.Solve(a, (cross ?? gram).Result, width, width);
        var matrix = solution.Select(v => (float)v).ToArray();
        return new RidgeAlignment(width, lambda, normSum / input.Rows, matrix, clock.Elapsed);
    }

    /// <summary>e = h W_a (or h), rescaled to <see cref="TargetNorm"/>.</summary>
    public void Apply(ReadOnlySpan<float> hidden, Span<float> embedding)
    {
        if (hidden.Length != Width || embedding.Length != Width)
        {
            throw new ArgumentException($"Hidden state and embedding must have the model's width {Width}.");
        }
        if (_matrix is null)
        {
            hidden.CopyTo(embedding);
        }
        else
        {
            // Row vector times matrix: accumulate row i of W_a scaled by h[i].
            embedding.Clear();
            for (var i = 0; i < Width; i++)
            {
                TensorPrimitives.MultiplyAdd(_matrix.AsSpan(i * Width, Width), hidden[i], embedding, embedding);
            }
        }
        EmbeddingStatistics.RescaleTo(embedding, TargetNorm);
    }

    // ---- on-disk cache ----------------------------------------------------------------------

    private static readonly byte[] Magic = "LMSALGN1"u8.ToArray();

    /// <summary>
    /// Loads W_a for <paramref name="modelPath"/> and <paramref name="lambda"/> from <paramref name="cacheDirectory"/>,
    /// or computes and stores it. A cache entry of another file (size, time or content differ) or another lambda is
    /// never used; a damaged entry is recomputed.
    /// </summary>
    public static RidgeAlignment LoadOrCompute(string modelPath, double lambda, string cacheDirectory,
                                               IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var key = CacheKey(modelPath, lambda);
        var entry = Path.Combine(cacheDirectory, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..32] + ".align");
        var clock = Stopwatch.StartNew();
        if (TryLoad(entry, key, clock) is { } cached)
        {
            return cached;
        }
        using var file = GgufFile.Open(modelPath);
        var computed = Compute(file, lambda, progress: progress, cancellationToken: cancellationToken);
        Directory.CreateDirectory(cacheDirectory);
        Save(computed, entry, key);
        return computed;
    }

    /// <summary>Identity of a model file and lambda: path, size, modification time, and hashes of its first and last MiB.</summary>
    internal static string CacheKey(string modelPath, double lambda)
    {
        var info = new FileInfo(modelPath);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"Model file not found: {modelPath}", modelPath);
        }
        using var stream = info.OpenRead();
        var span = (int)Math.Min(1 << 20, info.Length);
        var head = new byte[span];
        stream.ReadExactly(head);
        stream.Seek(-span, SeekOrigin.End);
        var tail = new byte[span];
        stream.ReadExactly(tail);
        var content = Convert.ToHexString(SHA256.HashData([.. head, .. tail]));
        return $"{info.FullName}|{info.Length}|{info.LastWriteTimeUtc.Ticks}|{content}|lambda={lambda:R}";
    }

    private static void Save(RidgeAlignment alignment, string path, string key)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(key);
            writer.Write(alignment.Width);
            writer.Write(alignment.Lambda);
            writer.Write(alignment.TargetNorm);
            foreach (var v in alignment._matrix!)
            {
                writer.Write(v);
            }
        }
        var body = memory.ToArray();
        var temp = path + ".tmp";
        using (var output = File.Create(temp))
        {
            output.Write(body);
            output.Write(SHA256.HashData(body));
        }
        File.Move(temp, path, overwrite: true);
    }

    private static RidgeAlignment? TryLoad(string path, string key, Stopwatch clock)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length < 32 + Magic.Length)
            {
                return null;
            }
            var body = bytes.AsSpan(0, bytes.Length - 32);
            if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - 32)))
            {
                return null;  // damaged: recompute
            }
            using var reader = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
            if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic) || reader.ReadString() != key)
            {
                return null;
            }
            var width = reader.ReadInt32();
            var lambda = reader.ReadDouble();
            var norm = reader.ReadDouble();
            var matrix = new float[width * width];
            for (var i = 0; i < matrix.Length; i++)
            {
                matrix[i] = reader.ReadSingle();
            }
            return new RidgeAlignment(width, lambda, norm, matrix, clock.Elapsed);
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or FormatException)
        {
            return null;
        }
    }
}
