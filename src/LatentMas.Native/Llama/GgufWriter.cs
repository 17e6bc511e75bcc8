using LatentMas.Native.Interop;

namespace LatentMas.Native.Llama;

/// <summary>
/// Writes a GGUF file: metadata first, then every declared tensor's data streamed in as float32 (converted
/// to F32 or F16), in declaration order. Disposing an unfinished writer deletes the partial file.
/// </summary>
public sealed unsafe class GgufWriter : IDisposable
{
    private readonly GgufWriterHandle _handle;

    /// <summary>Creates an empty writer.</summary>
    public GgufWriter()
    {
        NativeRuntime.EnsureInitialized();
        NativeStatus.Check(NativeMethods.lms_gguf_writer_create(out _handle));
    }

    /// <summary>Copies the metadata keys of another GGUF that start with <paramref name="prefix"/> (e.g. "tokenizer.").</summary>
    public void CopyMetadata(string sourcePath, string prefix)
    {
        if (!File.Exists(sourcePath))
        {
            throw new FileNotFoundException($"GGUF file not found: {sourcePath}", sourcePath);
        }
        NativeStatus.Check(NativeMethods.lms_gguf_writer_copy_meta(_handle, sourcePath, prefix));
    }

    /// <summary>Sets a string value.</summary>
    public void Set(string key, string value) => NativeStatus.Check(NativeMethods.lms_gguf_writer_set_str(_handle, key, value));

    /// <summary>Sets an unsigned 32-bit value.</summary>
    public void Set(string key, uint value) => NativeStatus.Check(NativeMethods.lms_gguf_writer_set_u32(_handle, key, value));

    /// <summary>Sets a float value.</summary>
    public void Set(string key, float value) => NativeStatus.Check(NativeMethods.lms_gguf_writer_set_f32(_handle, key, value));

    /// <summary>Sets a boolean value.</summary>
    public void Set(string key, bool value) => NativeStatus.Check(NativeMethods.lms_gguf_writer_set_bool(_handle, key, value ? 1 : 0));

    /// <summary>Declares a tensor (F32 or F16) with shape ne[0] (row width), ne[1] (rows), ...</summary>
    public void AddTensor(string name, GgmlType type, params long[] shape)
    {
        if (type is not (GgmlType.F32 or GgmlType.F16))
        {
            throw new ArgumentException("The writer stores F32 or F16 tensors; quantize the file afterwards.", nameof(type));
        }
        if (shape.Length is < 1 or > 4 || shape.Any(d => d <= 0))
        {
            throw new ArgumentException("A tensor has 1 to 4 positive dimensions.", nameof(shape));
        }
        fixed (long* ne = shape)
        {
            NativeStatus.Check(NativeMethods.lms_gguf_writer_add_tensor(_handle, name, (int)type, shape.Length, ne));
        }
    }

    /// <summary>Writes the header to <paramref name="path"/>; tensor data follows with <see cref="Append"/>.</summary>
    public void BeginData(string path) => NativeStatus.Check(NativeMethods.lms_gguf_writer_begin_data(_handle, path));

    /// <summary>Appends float32 data for the tensors in declaration order.</summary>
    public void Append(ReadOnlySpan<float> data)
    {
        fixed (float* d = data)
        {
            NativeStatus.Check(NativeMethods.lms_gguf_writer_append(_handle, d, data.Length));
        }
    }

    /// <summary>Checks that every tensor was filled and closes the file.</summary>
    public void Finish() => NativeStatus.Check(NativeMethods.lms_gguf_writer_finish(_handle));

    /// <summary>Frees the writer (deleting the file if unfinished).</summary>
    public void Dispose() => _handle.Dispose();
}
