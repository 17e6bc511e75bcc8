using System.Text;

namespace LatentMas.Native.Interop;

/// <summary>The shim's "caller buffer + needed size" convention, for text results.</summary>
internal static unsafe class NativeText
{
    public delegate int Fill(byte* buffer, nuint size, out nuint needed);

    /// <summary>Calls <paramref name="fill"/> with a growing buffer until the text fits; decodes UTF-8.</summary>
    public static string Read(Fill fill, int initialSize = 256)
    {
        var size = Math.Max(16, initialSize);
        while (true)
        {
            var buffer = new byte[size];
            int status;
            nuint needed;
            fixed (byte* p = buffer)
            {
                status = fill(p, (nuint)buffer.Length, out needed);
            }
            if (status == NativeStatus.BufferTooSmall && (int)needed + 1 > size)
            {
                size = (int)needed + 1;
                continue;
            }
            NativeStatus.Check(status);
            return Encoding.UTF8.GetString(buffer, 0, (int)needed);
        }
    }

    /// <summary>NUL-terminated UTF-8 bytes of <paramref name="s"/>.</summary>
    public static byte[] Utf8z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, 0, s.Length, bytes, 0);
        return bytes;
    }
}
