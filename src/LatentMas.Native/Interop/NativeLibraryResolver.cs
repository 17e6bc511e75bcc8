using System.Reflection;
using System.Runtime.InteropServices;

namespace LatentMas.Native.Interop;

/// <summary>
/// Finds liblatentmas_shim.so (and, through its RUNPATH, llama.cpp beside it). Search order: the directory
/// given in <c>NativeRuntimeOptions.LibraryDirectory</c>, the LATENTMAS_NATIVE_DIR environment
/// variable, then runtimes/linux-x64/native under the application and under this assembly.
/// </summary>
internal static class NativeLibraryResolver
{
    public const string EnvironmentVariable = "LATENTMAS_NATIVE_DIR";
    private const string ShimFile = "liblatentmas_shim.so";

    private static readonly Lock Gate = new();
    private static string? _directory;
    private static string? _override;
    private static bool _installed;

    /// <summary>The directory the shim was loaded from, once it was.</summary>
    public static string? LoadedDirectory => _directory;

    public static void Install(string? overrideDirectory)
    {
        lock (Gate)
        {
            if (_override is null && overrideDirectory is not null)
            {
                _override = overrideDirectory;
            }
            if (_installed)
            {
                return;
            }
            NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);
            _installed = true;
        }
    }

    public static IReadOnlyList<string> Candidates()
    {
        var list = new List<string>();
        void Add(string? dir)
        {
            if (!string.IsNullOrWhiteSpace(dir))
            {
                var full = Path.GetFullPath(dir);
                if (!list.Contains(full))
                {
                    list.Add(full);
                }
            }
        }
        Add(_override);
        Add(Environment.GetEnvironmentVariable(EnvironmentVariable));
        Add(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native"));
        var assemblyDir = Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDir))
        {
            Add(Path.Combine(assemblyDir, "runtimes", "linux-x64", "native"));
        }
        Add(AppContext.BaseDirectory);
        return list;
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != NativeMethods.Shim)
        {
            return IntPtr.Zero;
        }
        var tried = new List<string>();
        foreach (var dir in Candidates())
        {
            var path = Path.Combine(dir, ShimFile);
            if (!File.Exists(path))
            {
                tried.Add($"{path} (not there)");
                continue;
            }
            try
            {
                var handle = NativeLibrary.Load(path);
                _directory = dir;
                return handle;
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                tried.Add($"{path} ({e.Message})");
            }
        }
        throw new NativeLibraryException(
            $"{ShimFile} could not be loaded. Tried:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", tried) +
            $"{Environment.NewLine}Build it with tools/build-native.sh (dotnet build does this), or set {EnvironmentVariable} " +
            "to a directory holding the shim and the llama.cpp libraries.");
    }
}
