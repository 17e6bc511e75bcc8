using System.Runtime.InteropServices;

namespace LatentMas.Native.Interop;

/// <summary>Turns shim status codes into typed exceptions carrying the native message.</summary>
internal static class NativeStatus
{
    public const int Ok = 0;
    public const int InvalidArgument = 1;
    public const int IO = 2;
    public const int InvalidFile = 3;
    public const int NotFound = 4;
    public const int BufferTooSmall = 5;
    public const int NoKvSlot = 6;
    public const int Aborted = 7;
    public const int Decode = 8;
    public const int Backend = 9;
    public const int Internal = 10;

    /// <summary>Throws the exception that matches <paramref name="status"/> unless it is success.</summary>
    public static void Check(int status)
    {
        if (status != Ok)
        {
            throw ToException(status, LastError());
        }
    }

    /// <summary>The calling thread's last native error message.</summary>
    public static string LastError()
    {
        var p = NativeMethods.lms_last_error();
        var text = p == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(p);
        return string.IsNullOrEmpty(text) ? "no message from the native library" : text;
    }

    public static Exception ToException(int status, string message) => status switch
    {
        InvalidArgument or BufferTooSmall => new NativeArgumentException(status, message),
        IO => new NativeIOException(status, message),
        InvalidFile => new InvalidModelFileException(status, message),
        NotFound => new NativeNotFoundException(status, message),
        NoKvSlot => new KvCacheFullException(status, message),
        Aborted => new OperationCanceledException(message),
        Decode => new DecodeException(status, message),
        Backend => new NativeLibraryException(message),
        _ => new NativeInternalException(status, message),
    };
}
