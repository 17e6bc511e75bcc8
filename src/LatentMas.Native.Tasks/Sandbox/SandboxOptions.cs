namespace LatentMas.Native.Tasks.Sandbox;

/// <summary>Limits of one sandboxed run.</summary>
public sealed record SandboxOptions
{
    /// <summary>The default limits.</summary>
    public static SandboxOptions Default { get; } = new();

    /// <summary>Wall-clock limit; the whole process tree is killed when it passes. Default 10 s.</summary>
    public TimeSpan WallTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>CPU-time limit (RLIMIT_CPU); null means the wall-clock limit rounded up, plus one second.</summary>
    public TimeSpan? CpuTime { get; init; }

    /// <summary>Address-space limit (RLIMIT_AS) in bytes. Default 1 GiB.</summary>
    public long MemoryBytes { get; init; } = 1L << 30;

    /// <summary>Process and thread limit (RLIMIT_NPROC). Default 32.</summary>
    public int MaxProcesses { get; init; } = 32;

    /// <summary>Largest file the program may write (RLIMIT_FSIZE) in bytes. Default 16 MiB.</summary>
    public long MaxFileBytes { get; init; } = 16L << 20;

    /// <summary>Bytes kept of each of stdout and stderr (the tail). Default 64 KiB.</summary>
    public int OutputLimitBytes { get; init; } = 64 * 1024;

    /// <summary>Python interpreter; null resolves <c>python3</c> from PATH.</summary>
    public string? Python { get; init; }

    /// <summary>Weaker isolation than the machine allows (tests of the fallbacks); null uses the strongest available.</summary>
    internal IsolationMode? IsolationCap { get; init; }

    /// <summary>Effective CPU limit in whole seconds.</summary>
    internal int CpuSeconds => (int)Math.Ceiling((CpuTime ?? WallTimeout + TimeSpan.FromSeconds(1)).TotalSeconds);
}
