namespace LatentMas.Native.Tasks.Sandbox;

/// <summary>
/// A pids cgroup for one run. RLIMIT_NPROC does not bind a process whose real user is root (not even mapped root
/// in a user namespace), so when running as root the run's process count is capped by the cgroup's
/// <c>pids.max</c> instead. Only available where the cgroup file system is writable (root, cgroup v1 pids
/// hierarchy or a v2 cgroup with the pids controller delegated).
/// </summary>
internal sealed class PidsCgroup : IDisposable
{
    private static readonly Lazy<string?> Parent = new(FindParent);

    private PidsCgroup(string folder) => Folder = folder;

    /// <summary>The cgroup's folder.</summary>
    public string Folder { get; }

    /// <summary>The file a process writes "0" into to join.</summary>
    public string ProcsFile => Path.Combine(Folder, "cgroup.procs");

    /// <summary>Creates a cgroup allowing <paramref name="maxTasks"/> processes and threads, or null when none can be made.</summary>
    public static PidsCgroup? TryCreate(int maxTasks)
    {
        if (Parent.Value is not { } parent)
            return null;
        var folder = Path.Combine(parent, $"latentmas-sbx-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "pids.max"), maxTasks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new PidsCgroup(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryRemove(folder);
            return null;
        }
    }

    /// <summary>
    /// Kills every process left in the cgroup. Without a PID namespace this is what reaches a process that left the
    /// run's process group (setsid); the cgroup's cap keeps the loop short even against a fork bomb.
    /// </summary>
    public void KillAll()
    {
        for (var round = 0; round < 20; round++)
        {
            var pids = Members();
            if (pids.Count == 0)
                return;
            foreach (var pid in pids)
            {
                try
                {
                    using var process = System.Diagnostics.Process.GetProcessById(pid);
                    process.Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Already gone.
                }
            }
            Thread.Sleep(10);
        }
    }

    private List<int> Members()
    {
        try
        {
            return [.. File.ReadAllLines(ProcsFile).Select(l => int.TryParse(l, out var pid) ? pid : 0).Where(pid => pid > 0)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Kills what is left, then removes the cgroup (retried briefly while the kernel reaps).</summary>
    public void Dispose()
    {
        KillAll();
        for (var attempt = 0; attempt < 40 && Directory.Exists(Folder); attempt++)
        {
            if (TryRemove(Folder))
                return;
            Thread.Sleep(25);
        }
    }

    private static bool TryRemove(string folder)
    {
        try
        {
            // A cgroup folder is removed with rmdir even though it lists control files.
            Directory.Delete(folder);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return !Directory.Exists(folder);
        }
    }

    /// <summary>A pids cgroup folder under which this process may create children, or null.</summary>
    private static string? FindParent()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
            return null;
        var candidates = new List<string>();
        try
        {
            foreach (var line in File.ReadAllLines("/proc/self/cgroup"))
            {
                var parts = line.Split(':', 3);
                if (parts.Length != 3)
                    continue;
                if (parts[1].Split(',').Contains("pids"))
                    candidates.Add(Path.Join("/sys/fs/cgroup/pids", parts[2]));
                else if (parts[0] == "0" && parts[1].Length == 0)
                {
                    candidates.Add(Path.Join("/sys/fs/cgroup", parts[2]));
                    candidates.Add(Path.Join("/sys/fs/cgroup/unified", parts[2]));
                }
            }
        }
        catch (IOException)
        {
            return null;
        }
        foreach (var dir in candidates.Distinct())
        {
            if (!File.Exists(Path.Combine(dir, "cgroup.procs")))
                continue;
            var controllers = Path.Combine(dir, "cgroup.subtree_control");
            // cgroup v2: children get pids.max only when the controller is enabled for the subtree.
            if (File.Exists(controllers) && !File.ReadAllText(controllers).Split(' ', '\n').Contains("pids"))
                continue;
            var probe = Path.Combine(dir, $"latentmas-probe-{Environment.ProcessId}");
            try
            {
                Directory.CreateDirectory(probe);
                var ok = File.Exists(Path.Combine(probe, "pids.max"));
                TryRemove(probe);
                if (ok)
                    return dir;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TryRemove(probe);
            }
        }
        return null;
    }
}
