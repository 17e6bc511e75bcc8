using System.Text;

namespace LatentMas.Native.Runs;

/// <summary>Writes NumPy .npy files (format 1.0, little-endian, C order) so thoughts can be studied in Python.</summary>
public static class NpyWriter
{
    /// <summary>Writes a rows × columns float32 matrix.</summary>
    public static void WriteFloat32(string path, IReadOnlyList<float[]> rows, int columns)
    {
        using var stream = File.Create(path);
        WriteHeader(stream, "<f4", rows.Count, columns);
        var buffer = new byte[columns * 4];
        foreach (var row in rows)
        {
            if (row.Length != columns)
            {
                throw new ArgumentException($"Every row must have {columns} values.", nameof(rows));
            }
            Buffer.BlockCopy(row, 0, buffer, 0, buffer.Length);
            stream.Write(buffer);
        }
    }

    /// <summary>Writes a one-dimensional int32 array.</summary>
    public static void WriteInt32(string path, IReadOnlyList<int> values)
    {
        using var stream = File.Create(path);
        WriteHeader(stream, "<i4", values.Count, null);
        var bytes = new byte[values.Count * 4];
        Buffer.BlockCopy(values.ToArray(), 0, bytes, 0, bytes.Length);
        stream.Write(bytes);
    }

    private static void WriteHeader(Stream stream, string dtype, int rows, int? columns)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The .npy writer assumes a little-endian machine.");
        }
        var shape = columns is { } c ? $"({rows}, {c})" : $"({rows},)";
        var dict = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': {shape}, }}";
        // magic (6) + version (2) + header length (2) + dict + padding + newline: a multiple of 64.
        var total = 10 + dict.Length + 1;
        var padded = (total + 63) / 64 * 64;
        var header = dict + new string(' ', padded - total) + "\n";
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)header.Length));
        stream.Write(Encoding.ASCII.GetBytes(header));
    }
}
