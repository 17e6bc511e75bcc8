using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LatentMas.Native.Tasks.Sandbox;

/// <summary>
/// Runs model-written Python in a separate <c>python3</c> process: a fresh temporary folder (deleted afterwards),
/// an environment holding only PATH, HOME (the folder) and LANG, resource limits (address space, CPU time,
/// processes, file size) set by a small runner before the program starts, a wall-clock limit after which the
/// whole process tree is killed, and captured output capped to its tail. Where the OS allows it the program also
/// gets new user, network, PID and mount namespaces (via <c>unshare</c>): no network, a read-only file system
/// outside its folder, and nothing it starts can outlive it. The result says which of these were in force.
/// </summary>
public sealed class PythonSandbox
{
    private const string StatusMark = "\u001esandbox ";
    private static readonly ConcurrentDictionary<string, Lazy<PythonInfo>> Interpreters = new();
    private static readonly Lazy<IsolationMode> DetectedIsolation = new(ProbeIsolation);
    private static readonly Lazy<string> RunnerSource = new(LoadRunner);

    private readonly SandboxOptions _options;

    /// <summary>Creates a sandbox with the given limits (the defaults when null).</summary>
    public PythonSandbox(SandboxOptions? options = null) => _options = options ?? SandboxOptions.Default;

    /// <summary>The limits in use.</summary>
    public SandboxOptions Options => _options;

    /// <summary>The isolation this machine allows (probed once per process).</summary>
    public static IsolationMode Isolation => DetectedIsolation.Value;

    /// <summary>
    /// Checks that a Python 3 interpreter can be started and returns what it is; call it before any model work
    /// when a code task will be scored.
    /// </summary>
    /// <param name="python">Interpreter name or path; null for <c>python3</c> from PATH.</param>
    /// <exception cref="PythonNotFoundException">There is no such interpreter, or it does not run.</exception>
    public static PythonInfo EnsureAvailable(string? python = null)
    {
        var key = python ?? "python3";
        var lazy = Interpreters.GetOrAdd(key, k => new Lazy<PythonInfo>(() => Inspect(k)));
        try
        {
            return lazy.Value;
        }
        catch (PythonNotFoundException)
        {
            // Let a later call try again (python may have been installed meanwhile).
            Interpreters.TryRemove(key, out _);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="solution"/> followed by the benchmark's tests; the solution (with the given header when
    /// it lacks the entry point) is checked for syntax first, so a syntax error is told apart from a failing test.
    /// </summary>
    public Task<SandboxResult> RunTestAsync(string solution, CodeTest test, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(solution);
        ArgumentNullException.ThrowIfNull(test);
        var (program, checkedPart) = Compose(solution, test);
        return RunCoreAsync(program, checkedPart, ct);
    }

    /// <summary>Runs a complete program.</summary>
    public Task<SandboxResult> RunAsync(string program, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(program);
        return RunCoreAsync(program, null, ct);
    }

    /// <summary>The program that is run for a solution: setup, the solution (with the given header when it lacks the entry point), the tests.</summary>
    public static string BuildProgram(string solution, CodeTest test) => Compose(solution, test).Program;

    private static (string Program, string Solution) Compose(string solution, CodeTest test)
    {
        var body = new StringBuilder();
        // A model that wrote only the body (or helpers) still gets the benchmark's header in front.
        if (test.EntryPoint is { Length: > 0 } entry && test.Signature is { Length: > 0 } signature
            && !Regex.IsMatch(solution, $@"(?m)^\s*(async\s+)?def\s+{Regex.Escape(entry)}\s*\("))
            body.Append(signature.TrimEnd()).Append('\n');
        body.Append(solution.TrimEnd()).Append('\n');

        var program = new StringBuilder();
        if (!string.IsNullOrWhiteSpace(test.Setup))
            program.Append(test.Setup.TrimEnd()).Append("\n\n");
        program.Append(body).Append("\n\n");
        program.Append(test.TestCode.TrimEnd()).Append('\n');
        return (program.ToString(), body.ToString());
    }

    private async Task<SandboxResult> RunCoreAsync(string program, string? solution, CancellationToken ct)
    {
        var python = EnsureAvailable(_options.Python);
        var isolation = _options.IsolationCap is { } cap && cap < Isolation ? cap : Isolation;
        var work = Directory.CreateTempSubdirectory("latentmas-sbx-").FullName;
        // Root is exempt from RLIMIT_NPROC: cap its runs with a pids cgroup where one can be made.
        using var cgroup = Environment.IsPrivilegedProcess ? PidsCgroup.TryCreate(_options.MaxProcesses + 1) : null;
        var stopwatch = Stopwatch.StartNew();
        try
        {
            File.WriteAllText(Path.Combine(work, "program.py"), program);
            if (solution is not null)
                File.WriteAllText(Path.Combine(work, "solution.py"), solution);
            var runner = Path.Combine(work, "_sandbox_runner.py");
            File.WriteAllText(runner, RunnerSource.Value);

            var config = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["memory"] = _options.MemoryBytes,
                ["cpu"] = _options.CpuSeconds,
                ["nproc"] = _options.MaxProcesses,
                ["fsize"] = _options.MaxFileBytes,
                ["isolate_fs"] = isolation is IsolationMode.UserNamespaces or IsolationMode.Namespaces,
                ["cgroup_procs"] = cgroup?.ProcsFile,
                ["program"] = Path.Combine(work, "program.py"),
                ["solution"] = solution is null ? null : Path.Combine(work, "solution.py"),
            });

            var psi = new ProcessStartInfo
            {
                WorkingDirectory = work,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            var command = new List<string>();
            // setsid: the run gets its own process group, so a group kill reaches what escapes the tree walk.
            if (FindOnPath("setsid") is { } setsid)
                command.Add(setsid);
            if (isolation != IsolationMode.None)
            {
                command.Add(FindOnPath("unshare")!);
                command.AddRange(IsolationArguments(isolation));
            }
            command.AddRange([python.Executable, "-B", "-E", "-s", runner, config]);
            psi.FileName = command[0];
            foreach (var arg in command.Skip(1))
                psi.ArgumentList.Add(arg);
            psi.Environment.Clear();
            psi.Environment["PATH"] = $"{Path.GetDirectoryName(python.Executable)}:/usr/local/bin:/usr/bin:/bin";
            psi.Environment["HOME"] = work;
            psi.Environment["LANG"] = "C.UTF-8";

            using var process = new Process { StartInfo = psi };
            try
            {
                process.Start();
            }
            catch (Win32Exception e)
            {
                return new SandboxResult
                {
                    Passed = false, Failure = SandboxFailure.Crashed, Detail = $"could not start {psi.FileName}: {e.Message}",
                    Duration = stopwatch.Elapsed, WorkDirectory = work,
                };
            }
            process.StandardInput.Close();   // input() sees end of file instead of waiting

            using var drainCts = new CancellationTokenSource();
            var stdout = new OutputTail(_options.OutputLimitBytes);
            var stderr = new OutputTail(_options.OutputLimitBytes);
            var drains = Task.WhenAll(
                stdout.DrainAsync(process.StandardOutput.BaseStream, drainCts.Token),
                stderr.DrainAsync(process.StandardError.BaseStream, drainCts.Token));

            var timedOut = false;
            using (var wallCts = CancellationTokenSource.CreateLinkedTokenSource(ct))
            {
                wallCts.CancelAfter(_options.WallTimeout);
                try
                {
                    await process.WaitForExitAsync(wallCts.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    timedOut = !ct.IsCancellationRequested;
                    KillAll(process);
                    await WaitBrieflyAsync(process).ConfigureAwait(false);
                    ct.ThrowIfCancellationRequested();
                }
            }
            // Without a PID namespace a descendant can outlive the program: kill what is left in the run's cgroup
            // now, and the process group if something still holds the pipes open.
            cgroup?.KillAll();
            if (await Task.WhenAny(drains, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false) != drains)
            {
                KillGroup(process.Id);
                if (await Task.WhenAny(drains, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)).ConfigureAwait(false) != drains)
                    await drainCts.CancelAsync().ConfigureAwait(false);
            }
            var duration = stopwatch.Elapsed;
            int? exitCode = process.HasExited ? process.ExitCode : null;

            var (stderrText, status) = SplitStatus(stderr.Head, stderr.ToString());
            var result = Classify(timedOut ? null : exitCode, timedOut, status, stderrText);
            return result with
            {
                Stdout = stdout.ToString(),
                Stderr = stderrText,
                OutputTruncated = stdout.Truncated || stderr.Truncated,
                ExitCode = timedOut ? null : exitCode,
                Duration = duration,
                NetworkIsolated = isolation != IsolationMode.None && status.Started,
                ProcessesContained = (isolation is IsolationMode.UserNamespaces or IsolationMode.Namespaces) && status.Started,
                FileSystemIsolated = status.FileSystem,
                ProcessLimitEnforced = status.Started && (!Environment.IsPrivilegedProcess || status.Cgroup),
                WorkDirectory = work,
            };
        }
        finally
        {
            DeleteQuietly(work);
        }
    }

    private sealed record RunnerStatus(bool Started, bool FileSystem, bool Cgroup, bool SyntaxError);

    /// <summary>Reads the runner's status lines (from the head of stderr) and removes them from the tail.</summary>
    private static (string Stderr, RunnerStatus Status) SplitStatus(string head, string tail)
    {
        bool started = false, fs = false, cgroup = false, syntax = false;
        foreach (var line in head.Split('\n').Where(l => l.StartsWith(StatusMark, StringComparison.Ordinal)))
        {
            try
            {
                using var doc = JsonDocument.Parse(line[StatusMark.Length..]);
                if (doc.RootElement.TryGetProperty("fs", out var f))
                {
                    started = true;
                    fs = f.ValueKind == JsonValueKind.True;
                }
                if (doc.RootElement.TryGetProperty("cgroup", out var c))
                    cgroup = c.ValueKind == JsonValueKind.True;
                if (doc.RootElement.TryGetProperty("syntax_error", out var s) && s.ValueKind == JsonValueKind.True)
                    syntax = true;
            }
            catch (JsonException)
            {
                // A status line cut by the head's end: ignore it.
            }
        }
        var kept = string.Join('\n', tail.Split('\n').Where(l => !l.StartsWith(StatusMark, StringComparison.Ordinal)));
        return (kept, new RunnerStatus(started, fs, cgroup, syntax));
    }

    private SandboxResult Classify(int? exitCode, bool timedOut, RunnerStatus status, string stderr)
    {
        var lastLine = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        SandboxResult Fail(SandboxFailure failure, string? detail) => new() { Passed = false, Failure = failure, Detail = detail };

        if (timedOut)
            return Fail(SandboxFailure.Timeout, $"wall-clock limit of {_options.WallTimeout.TotalSeconds:0.#} s reached; the process tree was killed");
        if (status.SyntaxError)
            return Fail(SandboxFailure.SyntaxError, lastLine);
        if (exitCode == 0)
            return new SandboxResult { Passed = true, Failure = SandboxFailure.None };
        if (IsMemoryError(stderr))
            return Fail(SandboxFailure.MemoryLimit, $"memory limit of {_options.MemoryBytes >> 20} MiB reached ({lastLine})");
        // 128 + SIGXCPU (24) or SIGKILL (9) after the CPU limit's hard margin.
        if (exitCode is 152 or 137 && !stderr.Contains("Traceback", StringComparison.Ordinal))
            return Fail(exitCode == 152 ? SandboxFailure.Timeout : SandboxFailure.Crashed,
                        exitCode == 152 ? $"CPU-time limit of {_options.CpuSeconds} s reached" : "killed (SIGKILL)");
        if (lastLine is not null && (lastLine.StartsWith("SyntaxError", StringComparison.Ordinal)
                                     || lastLine.StartsWith("IndentationError", StringComparison.Ordinal)
                                     || lastLine.StartsWith("TabError", StringComparison.Ordinal)))
            return Fail(SandboxFailure.SyntaxError, lastLine);
        if (stderr.Contains("Traceback (most recent call last)", StringComparison.Ordinal))
            return Fail(SandboxFailure.TestFailure, lastLine);
        if (exitCode > 128)
            return Fail(SandboxFailure.Crashed, $"killed by signal {exitCode - 128}" + (lastLine is null ? "" : $" ({lastLine})"));
        if (!status.Started)
            return Fail(SandboxFailure.Crashed, "the sandbox runner did not start" + (lastLine is null ? "" : $": {lastLine}"));
        return Fail(SandboxFailure.TestFailure, lastLine ?? $"exit status {exitCode}");
    }

    private static bool IsMemoryError(string stderr) =>
        stderr.Contains("MemoryError", StringComparison.Ordinal)
        || stderr.Contains("Cannot allocate memory", StringComparison.Ordinal)
        || stderr.Contains("out of memory", StringComparison.OrdinalIgnoreCase)
        || stderr.Contains("std::bad_alloc", StringComparison.Ordinal);

    private static void KillAll(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
        KillGroup(process.Id);
    }

    /// <summary>Kills the process group started by setsid (best effort; harmless when it is already empty).</summary>
    private static void KillGroup(int pgid)
    {
        if (FindOnPath("kill") is not { } kill)
            return;
        RunQuiet(kill, ["-KILL", "--", $"-{pgid}"], TimeSpan.FromSeconds(2));
    }

    private static async Task WaitBrieflyAsync(Process process)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Reported as a time-out either way.
        }
    }

    private static void DeleteQuietly(string folder)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file the program made read-only, or a straggler still writing: make it writable, try again.
                try
                {
                    foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories))
                        File.SetAttributes(entry, FileAttributes.Normal);
                    foreach (var dir in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).Prepend(folder))
                        if (!OperatingSystem.IsWindows())
                            File.SetUnixFileMode(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
                catch (Exception inner) when (inner is IOException or UnauthorizedAccessException)
                {
                    // Try the delete again anyway.
                }
                Thread.Sleep(50);
            }
        }
    }

    private static PythonInfo Inspect(string python)
    {
        var path = python.Contains('/') ? python : FindOnPath(python);
        if (path is null || !File.Exists(path))
            throw new PythonNotFoundException(
                $"'{python}' was not found{(python.Contains('/') ? "" : " on PATH")}. Scoring code tasks (mbppplus, humanevalplus) runs " +
                "the model's programs with Python 3: install it (e.g. 'apt-get install python3') or put it on PATH.");
        const string probe = "import sys, importlib.util\nprint(sys.executable)\nprint('%d.%d.%d' % sys.version_info[:3])\n" +
                             "print(importlib.util.find_spec('numpy') is not None)";
        var (exit, output) = RunQuiet(path, ["-c", probe], TimeSpan.FromSeconds(30));
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (exit != 0 || lines.Length < 3 || !lines[1].StartsWith('3'))
            throw new PythonNotFoundException(
                $"'{path}' did not run as Python 3 (exit {exit}: {output.Trim()}). Scoring code tasks needs a working python3 on PATH.");
        return new PythonInfo(lines[0], lines[1], lines[2] == "True");
    }

    /// <summary>unshare's arguments for a mode (ending with "--").</summary>
    private static string[] IsolationArguments(IsolationMode mode) => mode switch
    {
        IsolationMode.UserNamespaces => ["--user", "--map-root-user", "--net", "--pid", "--mount", "--fork", "--kill-child", "--"],
        IsolationMode.Namespaces => ["--net", "--pid", "--mount", "--fork", "--kill-child", "--"],
        IsolationMode.NetworkOnly when Environment.IsPrivilegedProcess => ["--net", "--"],
        IsolationMode.NetworkOnly => ["--user", "--map-root-user", "--net", "--"],
        _ => [],
    };

    /// <summary>The strongest isolation whose unshare call succeeds here.</summary>
    private static IsolationMode ProbeIsolation()
    {
        if (!OperatingSystem.IsLinux() || FindOnPath("unshare") is not { } unshare)
            return IsolationMode.None;
        var timeout = TimeSpan.FromSeconds(10);
        foreach (var mode in new[] { IsolationMode.UserNamespaces, IsolationMode.Namespaces, IsolationMode.NetworkOnly })
        {
            if (mode == IsolationMode.Namespaces && !Environment.IsPrivilegedProcess)
                continue;
            if (RunQuiet(unshare, [.. IsolationArguments(mode), "true"], timeout).Exit == 0)
                return mode;
        }
        return IsolationMode.None;
    }

    /// <summary>Runs a helper to completion and returns its status and combined output (status -1 when it could not run).</summary>
    private static (int Exit, string Output) RunQuiet(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var outTask = p.StandardOutput.ReadToEndAsync();
            var errTask = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeout))
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit(TimeSpan.FromSeconds(2));
                return (-1, "timed out");
            }
            Task.WaitAll([outTask, errTask], TimeSpan.FromSeconds(2));
            return (p.ExitCode, outTask.Result + errTask.Result);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or AggregateException)
        {
            return (-1, e.Message);
        }
    }

    /// <summary>Full path of an executable found on PATH, or null.</summary>
    internal static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin";
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/bin").Append("/bin"))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0))
                return candidate;
        }
        return null;
    }

    private static string LoadRunner()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("LatentMas.Native.Tasks.sandbox_runner.py")
            ?? throw new InvalidOperationException("The sandbox runner script is not embedded in the assembly.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
