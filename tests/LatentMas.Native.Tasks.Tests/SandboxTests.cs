using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LatentMas.Native.Tasks.Sandbox;

namespace LatentMas.Native.Tasks.Tests;

/// <summary>The Python sandbox: pass, fail, limits, containment, clean-up. Needs python3 on PATH.</summary>
[NonParallelizable]
public sealed class SandboxTests
{
    private static readonly CodeTest AddTest = new("", "assert add(2, 3) == 5\nassert add(-1, 1) == 0\n", "add");

    [OneTimeSetUp]
    public void RequirePython()
    {
        try
        {
            PythonSandbox.EnsureAvailable();
        }
        catch (PythonNotFoundException e)
        {
            Assert.Ignore(e.Message);
        }
    }

    private HashSet<string> _foldersBefore = [];

    private static HashSet<string> SandboxFolders() =>
        [.. Directory.EnumerateDirectories(Path.GetTempPath(), "latentmas-sbx-*")];

    [SetUp]
    public void RememberFolders() => _foldersBefore = SandboxFolders();

    [TearDown]
    public void NoSandboxFolderLeft()
    {
        var left = SandboxFolders();
        left.ExceptWith(_foldersBefore);
        Assert.That(left, Is.Empty, "every sandbox folder is deleted after its run");
    }

    /// <summary>Processes whose command line mentions the run's folder (none may outlive the run).</summary>
    private static List<int> ProcessesUsing(string folder)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(folder, StringComparison.Ordinal))
                    found.Add(pid);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return found;
    }

    private static void AssertNothingLeft(SandboxResult result)
    {
        Assert.That(result.WorkDirectory, Is.Not.Empty);
        Assert.That(Directory.Exists(result.WorkDirectory), Is.False, "work folder deleted");
        Assert.That(ProcessesUsing(result.WorkDirectory), Is.Empty, "no process of the run is left");
    }

    [Test]
    public void EnsureAvailableDescribesTheInterpreter()
    {
        var info = PythonSandbox.EnsureAvailable();
        Assert.That(info.Version, Does.StartWith("3."));
        Assert.That(File.Exists(info.Executable), Is.True);
    }

    [Test]
    public void MissingPythonIsATypedErrorWithAClearMessage()
    {
        var e = Assert.Throws<PythonNotFoundException>(() => PythonSandbox.EnsureAvailable("/nonexistent/python3"));
        Assert.That(e!.Message, Does.Contain("python3").Or.Contain("Python 3"));
        Assert.Throws<PythonNotFoundException>(() => PythonSandbox.EnsureAvailable("no-such-python-anywhere"));
    }

    [Test]
    public async Task PassingSolutionPasses()
    {
        var result = await new PythonSandbox().RunTestAsync("def add(a, b):\n    return a + b\n", AddTest);
        Assert.That(result.Passed, Is.True, result.Stderr);
        Assert.That(result.Failure, Is.EqualTo(SandboxFailure.None));
        Assert.That(result.ExitCode, Is.Zero);
        Assert.That(result.Duration, Is.LessThan(TimeSpan.FromSeconds(10)));
        AssertNothingLeft(result);
    }

    [Test]
    public async Task FailingSolutionIsATestFailure()
    {
        var result = await new PythonSandbox().RunTestAsync("def add(a, b):\n    return a - b\n", AddTest);
        Assert.That(result.Passed, Is.False);
        Assert.That(result.Failure, Is.EqualTo(SandboxFailure.TestFailure));
        Assert.That(result.Detail, Does.Contain("AssertionError"));
        Assert.That(result.Stderr, Does.Contain("Traceback").And.Not.Contain("\u001esandbox"), "the runner's status line is removed");
        AssertNothingLeft(result);
    }

    [Test]
    public async Task SyntaxErrorInTheSolutionIsTold()
    {
        var result = await new PythonSandbox().RunTestAsync("def add(a, b)\n    return a + b\n", AddTest);
        Assert.That(result.Failure, Is.EqualTo(SandboxFailure.SyntaxError));
        Assert.That(result.Detail, Does.Contain("SyntaxError"));
        AssertNothingLeft(result);
    }

    [Test]
    public async Task InfiniteLoopIsKilledByTheTimeout()
    {
        var options = new SandboxOptions { WallTimeout = TimeSpan.FromSeconds(2) };
        var result = await new PythonSandbox(options).RunAsync("print('started', flush=True)\nwhile True:\n    pass\n");
        Assert.That(result.Failure, Is.EqualTo(SandboxFailure.Timeout));
        Assert.That(result.Passed, Is.False);
        Assert.That(result.Duration, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.9)).And.LessThan(TimeSpan.FromSeconds(12)));
        Assert.That(result.Stdout, Does.Contain("started"), "output before the kill is kept");
        AssertNothingLeft(result);
    }

    [Test]
    public async Task CpuLimitStopsABusyLoopEvenWithALongWallClock()
    {
        var options = new SandboxOptions { WallTimeout = TimeSpan.FromSeconds(20), CpuTime = TimeSpan.FromSeconds(1) };
        var result = await new PythonSandbox(options).RunAsync("while True:\n    pass\n");
        Assert.That(result.Passed, Is.False);
        Assert.That(result.Failure, Is.EqualTo(SandboxFailure.Timeout).Or.EqualTo(SandboxFailure.Crashed));
        Assert.That(result.Duration, Is.LessThan(TimeSpan.FromSeconds(15)));
        AssertNothingLeft(result);
    }

    [Test]
    public async Task MemoryBombIsStoppedByTheLimit()
    {
        var options = new SandboxOptions { MemoryBytes = 256L << 20 };
        var sandbox = new PythonSandbox(options);
        var big = await sandbox.RunAsync("x = bytearray(2 * 1024 ** 3)\nprint(len(x))\n");
        Assert.That(big.Failure, Is.EqualTo(SandboxFailure.MemoryLimit), big.Stderr);
        var growing = await sandbox.RunAsync("chunks = []\nwhile True:\n    chunks.append(' ' * (16 * 1024 * 1024))\n");
        Assert.That(growing.Failure, Is.EqualTo(SandboxFailure.MemoryLimit), growing.Stderr);
        Assert.That(growing.Duration, Is.LessThan(TimeSpan.FromSeconds(10)));
        AssertNothingLeft(growing);
    }

    [Test]
    public async Task ForkBombIsContainedAndNothingOutlivesTheRun()
    {
        // Bounded (200 forks at most) so that even a machine without any isolation is not harmed.
        const string bomb = """
            import os, time
            made = 0
            for _ in range(200):
                try:
                    pid = os.fork()
                except OSError as e:
                    print("refused after", made, type(e).__name__, flush=True)
                    break
                if pid == 0:
                    time.sleep(60)
                    os._exit(0)
                made += 1
            print("made", made, flush=True)
            raise SystemExit(3)
            """;
        var options = new SandboxOptions { MaxProcesses = 16, WallTimeout = TimeSpan.FromSeconds(8) };
        var result = await new PythonSandbox(options).RunAsync(bomb);
        Assert.That(result.Passed, Is.False);
        TestContext.Out.WriteLine($"process limit enforced: {result.ProcessLimitEnforced}; {result.Stdout.Trim()}");
        if (result.ProcessLimitEnforced)
            Assert.That(result.Stdout, Does.Contain("refused after"), "the process limit stops the forks");
        Assert.That(result.Duration, Is.LessThan(TimeSpan.FromSeconds(12)));
        // The children sleep for a minute: they must have been killed with the run.
        AssertNothingLeft(result);
    }

    [TestCase(IsolationMode.None)]
    [TestCase(IsolationMode.NetworkOnly)]
    public async Task WithWeakerIsolationLimitsAndCleanUpStillHold(IsolationMode cap)
    {
        // Children that sleep past the run must be gone afterwards.
        const string program = """
            import os, time
            for _ in range(3):
                if os.fork() == 0:
                    time.sleep(60)
                    os._exit(0)
            print("parent done", flush=True)
            """;
        var options = new SandboxOptions { IsolationCap = cap, WallTimeout = TimeSpan.FromSeconds(8) };
        var result = await new PythonSandbox(options).RunAsync(program);
        Assert.That(result.Passed, Is.True, result.Stderr);
        Assert.That(result.ProcessesContained, Is.False);
        Assert.That(result.FileSystemIsolated, Is.False);
        if (cap == IsolationMode.None)
            Assert.That(result.NetworkIsolated, Is.False, "no namespace: the result says the network was reachable");
        Assert.That(result.Duration, Is.LessThan(TimeSpan.FromSeconds(8)));
        AssertNothingLeft(result);

        var loop = await new PythonSandbox(options with { WallTimeout = TimeSpan.FromSeconds(1) }).RunAsync("while True:\n    pass\n");
        Assert.That(loop.Failure, Is.EqualTo(SandboxFailure.Timeout));
        AssertNothingLeft(loop);
    }

    [Test]
    public async Task DaemonThatLeavesTheGroupIsKilledWithoutNamespacesWhenACgroupIsUsed()
    {
        const string program = """
            import os, time
            if os.fork() == 0:
                os.setsid()
                time.sleep(60)
                os._exit(0)
            print("parent done", flush=True)
            """;
        var result = await new PythonSandbox(new SandboxOptions { IsolationCap = IsolationMode.None }).RunAsync(program);
        Assert.That(result.Passed, Is.True, result.Stderr);
        var left = ProcessesUsing(result.WorkDirectory);
        if (!(Environment.IsPrivilegedProcess && result.ProcessLimitEnforced))
        {
            foreach (var pid in left)
                Process.GetProcessById(pid).Kill();
            Assert.Ignore("no pids cgroup here: without namespaces a setsid daemon can escape (the PID namespace stops it normally)");
        }
        Assert.That(left, Is.Empty);
    }

    [Test]
    public async Task NetworkIsRefusedOrReportedAsNotIsolated()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var program = $$"""
            import socket
            try:
                s = socket.create_connection(("127.0.0.1", {{port}}), timeout=2)
                print("CONNECTED")
                s.close()
            except OSError as e:
                print("BLOCKED", e)
            """;
        var result = await new PythonSandbox().RunAsync(program);
        Assert.That(result.Passed, Is.True, result.Stderr);
        if (result.NetworkIsolated)
            Assert.That(result.Stdout, Does.Contain("BLOCKED"), "a listener on the host's loopback is out of reach");
        else
            Assert.That(result.Stdout, Does.Contain("CONNECTED"), "not isolated, and the result says so");
        TestContext.Out.WriteLine($"isolation: {PythonSandbox.Isolation}; network isolated: {result.NetworkIsolated}; {result.Stdout.Trim()}");
        AssertNothingLeft(result);
    }

    [Test]
    public async Task FilesStayInsideTheWorkFolder()
    {
        var outside = Path.Combine(Path.GetTempPath(), $"latentmas-escape-{Guid.NewGuid():N}.txt");
        var program = $$"""
            import os
            open("inside.txt", "w").write("ok")
            os.makedirs("sub/dir", exist_ok=True)
            open("sub/dir/deep.txt", "w").write("ok")
            try:
                open({{System.Text.Json.JsonSerializer.Serialize(outside)}}, "w").write("escaped")
                print("WROTE-OUTSIDE")
            except OSError as e:
                print("READ-ONLY", e)
            print("HOME", os.environ["HOME"] == os.getcwd())
            """;
        try
        {
            var result = await new PythonSandbox().RunAsync(program);
            Assert.That(result.Passed, Is.True, result.Stderr);
            Assert.That(result.Stdout, Does.Contain("HOME True"));
            if (result.FileSystemIsolated)
            {
                Assert.That(result.Stdout, Does.Contain("READ-ONLY"));
                Assert.That(File.Exists(outside), Is.False);
            }
            TestContext.Out.WriteLine($"file system isolated: {result.FileSystemIsolated}");
            AssertNothingLeft(result);
        }
        finally
        {
            File.Delete(outside);
        }
    }

    [Test]
    public async Task EnvironmentHoldsNoInheritedSecrets()
    {
        Environment.SetEnvironmentVariable("LATENTMAS_TEST_SECRET", "hunter2");
        try
        {
            var result = await new PythonSandbox().RunAsync("import os\nfor k in sorted(os.environ):\n    print(k, '=', os.environ[k])\n");
            Assert.That(result.Passed, Is.True, result.Stderr);
            Assert.That(result.Stdout, Does.Not.Contain("hunter2").And.Not.Contain("LATENTMAS_TEST_SECRET"));
            var names = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')[0]).ToHashSet();
            names.ExceptWith(["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "LC_CTYPE"]);
            Assert.That(names, Is.EquivalentTo(new[] { "PATH", "HOME", "LANG" }));
        }
        finally
        {
            Environment.SetEnvironmentVariable("LATENTMAS_TEST_SECRET", null);
        }
    }

    [Test]
    public async Task OutputIsCappedToItsTail()
    {
        var options = new SandboxOptions { OutputLimitBytes = 4096 };
        var result = await new PythonSandbox(options).RunAsync(
            "import sys\nfor i in range(100000):\n    print('line', i)\nprint('THE END')\nsys.stderr.write('e' * 200000)\n");
        Assert.That(result.Passed, Is.True);
        Assert.That(result.OutputTruncated, Is.True);
        Assert.That(result.Stdout.Length, Is.LessThanOrEqualTo(4096));
        Assert.That(result.Stdout, Does.EndWith("THE END\n"));
        Assert.That(result.Stderr.Length, Is.LessThanOrEqualTo(4096));
        // The runner's status line came first and was pushed out of the tail; the flags still come from it.
        Assert.That(result.FileSystemIsolated, Is.EqualTo(PythonSandbox.Isolation is IsolationMode.UserNamespaces or IsolationMode.Namespaces));
        Assert.That(result.NetworkIsolated, Is.EqualTo(PythonSandbox.Isolation != IsolationMode.None));
    }

    [Test]
    public async Task StandardInputIsClosed()
    {
        var result = await new PythonSandbox(new SandboxOptions { WallTimeout = TimeSpan.FromSeconds(5) }).RunAsync("x = input()\n");
        Assert.That(result.Failure, Is.EqualTo(SandboxFailure.TestFailure));
        Assert.That(result.Detail, Does.Contain("EOFError"));
    }

    [Test]
    public void IsolationModeIsReported() =>
        TestContext.Out.WriteLine($"sandbox isolation on this machine: {PythonSandbox.Isolation}");

    [Test]
    public async Task CancellationStopsTheRun()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var sw = Stopwatch.StartNew();
        Assert.CatchAsync<OperationCanceledException>(() => new PythonSandbox().RunAsync("import time\ntime.sleep(30)\n", cts.Token));
        Assert.That(sw.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
        await Task.CompletedTask;
    }
}
