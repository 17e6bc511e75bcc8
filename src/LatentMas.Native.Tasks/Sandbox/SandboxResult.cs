namespace LatentMas.Native.Tasks.Sandbox;

/// <summary>Why a sandboxed program did not pass.</summary>
public enum SandboxFailure
{
    /// <summary>It passed.</summary>
    None,

    /// <summary>The model output had no fenced Python block (nothing was run).</summary>
    NoCodeBlock,

    /// <summary>The code does not compile.</summary>
    SyntaxError,

    /// <summary>The program ran and raised or exited non-zero: a test failed or the solution errored.</summary>
    TestFailure,

    /// <summary>The wall-clock or CPU-time limit was reached.</summary>
    Timeout,

    /// <summary>The memory limit was reached.</summary>
    MemoryLimit,

    /// <summary>The interpreter died from a signal, or the sandbox could not run it.</summary>
    Crashed,
}

/// <summary>Outcome of one sandboxed run.</summary>
public sealed record SandboxResult
{
    /// <summary>True when the program exited with status 0 within its limits.</summary>
    public required bool Passed { get; init; }

    /// <summary>Why it did not pass; <see cref="SandboxFailure.None"/> when it did.</summary>
    public required SandboxFailure Failure { get; init; }

    /// <summary>One line on the failure (the exception line, the limit reached), or null.</summary>
    public string? Detail { get; init; }

    /// <summary>Tail of standard output (at most the output limit).</summary>
    public string Stdout { get; init; } = "";

    /// <summary>Tail of standard error (at most the output limit), without the sandbox's own status line.</summary>
    public string Stderr { get; init; } = "";

    /// <summary>True when either stream was longer than the limit and only its tail was kept.</summary>
    public bool OutputTruncated { get; init; }

    /// <summary>Exit status of the sandbox (128 + signal when killed by one), or null when it was killed on time-out.</summary>
    public int? ExitCode { get; init; }

    /// <summary>Wall time from start to exit.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>True when the program ran in its own network namespace (no network, loopback down).</summary>
    public bool NetworkIsolated { get; init; }

    /// <summary>True when the file system outside the work folder was read-only for the program.</summary>
    public bool FileSystemIsolated { get; init; }

    /// <summary>True when the program ran in its own PID namespace, so nothing it started can outlive it.</summary>
    public bool ProcessesContained { get; init; }

    /// <summary>
    /// True when the process limit binds: RLIMIT_NPROC for a non-root user, or a pids cgroup for root (which the
    /// kernel exempts from RLIMIT_NPROC). False means a fork bomb is stopped only by the time limits.
    /// </summary>
    public bool ProcessLimitEnforced { get; init; }

    /// <summary>The temporary work folder (already deleted when the result is returned).</summary>
    public string WorkDirectory { get; init; } = "";

    /// <summary>A result for output without a code block.</summary>
    public static SandboxResult NoCode() => new()
    {
        Passed = false,
        Failure = SandboxFailure.NoCodeBlock,
        Detail = "no fenced Python code block in the output",
    };
}
