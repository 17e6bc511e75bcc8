using System.Runtime.InteropServices;
using LatentMas.Native.Interop;

namespace LatentMas.Native.Llama;

/// <summary>Severity of a llama.cpp log line (ggml's levels).</summary>
public enum NativeLogLevel
{
    /// <summary>Not set.</summary>
    None = 0,
    /// <summary>Debug output.</summary>
    Debug = 1,
    /// <summary>Information.</summary>
    Info = 2,
    /// <summary>Warning.</summary>
    Warning = 3,
    /// <summary>Error.</summary>
    Error = 4,
    /// <summary>Continuation of the previous line (same level).</summary>
    Continue = 5,
}

/// <summary>Where the native libraries come from and where llama.cpp's log goes.</summary>
public sealed record NativeRuntimeOptions
{
    /// <summary>Directory holding liblatentmas_shim.so and the llama.cpp libraries (null: search the defaults).</summary>
    public string? LibraryDirectory { get; init; }

    /// <summary>Directory whose ggml backends (CPU variants, CUDA, ...) are loaded (null: the library directory).
    /// Also read from LATENTMAS_BACKEND_DIR.</summary>
    public string? BackendDirectory { get; init; }

    /// <summary>Receives llama.cpp's log lines. Called on native threads: keep it fast and never throw.
    /// Null: errors go to standard error, everything else is dropped.</summary>
    public Action<NativeLogLevel, string>? Log { get; init; }
}

/// <summary>
/// Loads the shim once per process, checks its ABI version and loads llama.cpp's backends.
/// Every other type calls <see cref="EnsureInitialized"/>; call <see cref="Initialize"/> first to choose options.
/// </summary>
public static class NativeRuntime
{
    private static readonly Lock Gate = new();
    private static bool _initialized;
    private static Action<NativeLogLevel, string>? _log;
    // Kept in a static field: the native side holds the pointer for the life of the process.
    private static readonly NativeMethods.LogCallback LogTrampoline = OnLog;

    /// <summary>Directory the shim was loaded from.</summary>
    public static string? LibraryDirectory => NativeLibraryResolver.LoadedDirectory;

    /// <summary>Initialises the native runtime; later calls only replace the log handler.</summary>
    public static void Initialize(NativeRuntimeOptions? options = null)
    {
        options ??= new NativeRuntimeOptions();
        lock (Gate)
        {
            _log = options.Log;
            if (_initialized)
            {
                return;
            }
            NativeLibraryResolver.Install(options.LibraryDirectory);
            int abi;
            try
            {
                abi = NativeMethods.lms_abi_version();
            }
            catch (DllNotFoundException e)
            {
                throw new NativeLibraryException(e.Message, e);
            }
            if (abi != NativeMethods.ExpectedAbiVersion)
            {
                throw new NativeLibraryException(
                    $"liblatentmas_shim.so in {LibraryDirectory} has ABI version {abi}, this assembly needs {NativeMethods.ExpectedAbiVersion}: rebuild it with tools/build-native.sh");
            }
            NativeStatus.Check(NativeMethods.lms_log_set(Marshal.GetFunctionPointerForDelegate(LogTrampoline), IntPtr.Zero));
            var backendDir = options.BackendDirectory ?? Environment.GetEnvironmentVariable("LATENTMAS_BACKEND_DIR") ?? LibraryDirectory;
            NativeStatus.Check(NativeMethods.lms_backend_init(backendDir));
            _initialized = true;
        }
    }

    /// <summary>Initialises with default options unless already done.</summary>
    public static void EnsureInitialized()
    {
        if (!Volatile.Read(ref _initialized))
        {
            Initialize();
        }
    }

    /// <summary>Compute devices llama.cpp found ("CPU: ...", "CUDA0: ...").</summary>
    public static unsafe IReadOnlyList<string> Devices()
    {
        EnsureInitialized();
        var n = NativeMethods.lms_backend_device_count();
        var list = new List<string>(n);
        for (var i = 0; i < n; i++)
        {
            var index = i;
            list.Add(NativeText.Read((byte* b, nuint s, out nuint needed) => NativeMethods.lms_backend_device_name(index, b, s, out needed)));
        }
        return list;
    }

    private static void OnLog(int level, IntPtr text, IntPtr userData)
    {
        try
        {
            var s = Marshal.PtrToStringUTF8(text) ?? string.Empty;
            var handler = _log;
            if (handler is not null)
            {
                handler((NativeLogLevel)level, s);
            }
            else if (level == (int)NativeLogLevel.Error)
            {
                Console.Error.Write(s);
            }
        }
        catch
        {
            // a log handler must never unwind into native code
        }
    }
}
