using LatentMas.Native.Interop;

namespace LatentMas.Native.Llama;

/// <summary>ggml tensor element types that matter here (ggml's ids).</summary>
public enum GgmlType
{
    /// <summary>32-bit float.</summary>
    F32 = 0,
    /// <summary>16-bit float.</summary>
    F16 = 1,
    /// <summary>4-bit blocks of 32.</summary>
    Q4_0 = 2,
    /// <summary>4-bit blocks with minimum.</summary>
    Q4_1 = 3,
    /// <summary>5-bit blocks.</summary>
    Q5_0 = 6,
    /// <summary>5-bit blocks with minimum.</summary>
    Q5_1 = 7,
    /// <summary>8-bit blocks of 32.</summary>
    Q8_0 = 8,
    /// <summary>K-quant 2-bit.</summary>
    Q2_K = 10,
    /// <summary>K-quant 3-bit.</summary>
    Q3_K = 11,
    /// <summary>K-quant 4-bit.</summary>
    Q4_K = 12,
    /// <summary>K-quant 5-bit.</summary>
    Q5_K = 13,
    /// <summary>K-quant 6-bit.</summary>
    Q6_K = 14,
    /// <summary>bfloat16.</summary>
    BF16 = 30,
}

/// <summary>Type and shape of a tensor in a GGUF file. <see cref="RowWidth"/> is ne[0].</summary>
/// <param name="Name">Tensor name.</param>
/// <param name="Type">ggml type id (see <see cref="GgmlType"/>).</param>
/// <param name="Shape">ne[0..n_dims).</param>
public sealed record TensorInfo(string Name, int Type, long[] Shape)
{
    /// <summary>Elements per row (ne[0]).</summary>
    public long RowWidth => Shape[0];

    /// <summary>Rows (the product of the other dimensions).</summary>
    public long Rows => Shape.Skip(1).Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// A GGUF file opened for its metadata and tensors, without loading a model: tensors stream out dequantized
/// to float32 in row chunks, so a 152k x 5120 matrix is never held whole.
/// </summary>
public sealed unsafe class GgufFile : IDisposable
{
    private readonly GgufReaderHandle _handle;

    /// <summary>Path of the file.</summary>
    public string Path { get; }

    private GgufFile(GgufReaderHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    /// <summary>Opens a GGUF file; checks that it is complete.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidModelFileException">Not a GGUF, or truncated.</exception>
    public static GgufFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"GGUF file not found: {full}", full);
        }
        NativeRuntime.EnsureInitialized();
        NativeStatus.Check(NativeMethods.lms_gguf_open(full, out var handle));
        return new GgufFile(handle, full);
    }

    /// <summary>Names of all tensors, in file order.</summary>
    public IReadOnlyList<string> TensorNames()
    {
        var n = NativeMethods.lms_gguf_tensor_count(_handle);
        var names = new List<string>((int)n);
        for (long i = 0; i < n; i++)
        {
            var index = i;
            names.Add(NativeText.Read((byte* b, nuint s, out nuint needed) => NativeMethods.lms_gguf_tensor_name(_handle, index, b, s, out needed)));
        }
        return names;
    }

    /// <summary>Whether a tensor exists.</summary>
    public bool HasTensor(string name) => TensorNames().Contains(name);

    /// <summary>Type and shape of a tensor.</summary>
    /// <exception cref="NativeNotFoundException">No tensor of that name.</exception>
    public TensorInfo GetTensorInfo(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var info = LmsTensorInfo.Create();
        NativeStatus.Check(NativeMethods.lms_gguf_tensor_info(_handle, name, ref info));
        var shape = new long[info.NDims];
        for (var d = 0; d < info.NDims; d++)
        {
            shape[d] = info.Ne[d];
        }
        return new TensorInfo(name, info.Type, shape);
    }

    /// <summary>Reads rows [<paramref name="firstRow"/>, firstRow + rows) dequantized to float32 into <paramref name="destination"/>.</summary>
    public void ReadRows(string name, long firstRow, int rows, Span<float> destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (firstRow < 0 || rows < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(firstRow), "Row range must not be negative.");
        }
        fixed (float* d = destination)
        {
            NativeStatus.Check(NativeMethods.lms_gguf_read_rows(_handle, name, firstRow, rows, d, destination.Length));
        }
    }

    /// <summary>Streams a tensor in chunks of at most <paramref name="rowsPerChunk"/> rows; the buffer is reused between chunks.</summary>
    public IEnumerable<(long FirstRow, int Rows, float[] Data)> StreamRows(string name, int rowsPerChunk = 1024)
    {
        if (rowsPerChunk < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rowsPerChunk));
        }
        var info = GetTensorInfo(name);
        var buffer = new float[checked(rowsPerChunk * (int)info.RowWidth)];
        for (long row = 0; row < info.Rows; row += rowsPerChunk)
        {
            var n = (int)Math.Min(rowsPerChunk, info.Rows - row);
            ReadRows(name, row, n, buffer);
            yield return (row, n, buffer);
        }
    }

    /// <summary>A metadata value as text (arrays as "[n items]"), or null when absent.</summary>
    public string? GetMetadata(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        try
        {
            return NativeText.Read((byte* b, nuint s, out nuint n) => NativeMethods.lms_gguf_get_meta(_handle, key, b, s, out n));
        }
        catch (NativeNotFoundException)
        {
            return null;
        }
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _handle.Dispose();
}
