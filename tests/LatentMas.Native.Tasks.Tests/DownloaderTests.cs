using System.Net;
using System.Security.Cryptography;
using LatentMas.Native.Tasks.Data;

namespace LatentMas.Native.Tasks.Tests;

/// <summary>The hub downloader: offline error, cache with SHA-256 sidecars, progress. No real host is contacted.</summary>
public sealed class DownloaderTests
{
    private static readonly DataSource Gsm8k = new("openai/gsm8k", "main", "test");

    [Test]
    public void OfflineDownloadThrowsATypedErrorNamingTheDatasetAndTheDataFlag()
    {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
        var options = new HubDownloadOptions
        {
            BaseAddress = new Uri("http://127.0.0.1:9/"),
            CacheDirectory = FixtureFiles.NewScratchFolder(),
            Timeout = TimeSpan.FromSeconds(5),
        };
        using var downloader = new HubDatasetDownloader(options);
        var e = Assert.ThrowsAsync<DatasetUnavailableException>(() => downloader.DownloadAsync(Gsm8k));
        Assert.That(e!.IsOffline, Is.True);
        Assert.That(e.Dataset, Is.EqualTo("openai/gsm8k"));
        Assert.That(e.Message, Does.Contain("openai/gsm8k").And.Contain("--data FILE"));
        Assert.That(e.InnerException, Is.InstanceOf<HttpRequestException>());
    }

    [Test]
    public void LoaderWithoutDataFallsBackToTheHubAndReportsOffline()
    {
        var options = new HubDownloadOptions { BaseAddress = new Uri("http://127.0.0.1:9/"), CacheDirectory = FixtureFiles.NewScratchFolder(), Timeout = TimeSpan.FromSeconds(5) };
        using var downloader = new HubDatasetDownloader(options);
        var e = Assert.ThrowsAsync<DatasetUnavailableException>(() =>
            TaskDataLoader.LoadOrDownloadAsync(TaskCatalogue.Get("arc_challenge"), null, downloader: downloader));
        Assert.That(e!.Message, Does.Contain("allenai/ai2_arc").And.Contain("--data FILE"));
    }

    [Test]
    public void TimeoutCountsAsOffline()
    {
        var options = new HubDownloadOptions { CacheDirectory = FixtureFiles.NewScratchFolder(), Timeout = TimeSpan.FromMilliseconds(200) };
        using var downloader = new HubDatasetDownloader(options, new FakeHub { Delay = TimeSpan.FromSeconds(5) });
        var e = Assert.ThrowsAsync<DatasetUnavailableException>(() => downloader.DownloadAsync(Gsm8k));
        Assert.That(e!.IsOffline, Is.True);
        Assert.That(e.Message, Does.Contain("timed out"));
    }

    [Test]
    public void LocalOnlyTaskWithoutDataTellsToPassAFile()
    {
        var e = Assert.ThrowsAsync<DatasetUnavailableException>(() => TaskDataLoader.LoadOrDownloadAsync(TaskCatalogue.Get("medqa"), null));
        Assert.That(e!.Message, Does.Contain("--data FILE"));
    }

    [Test]
    public async Task DownloadsCachesWithSidecarAndReusesWithoutNetwork()
    {
        var cache = FixtureFiles.NewScratchFolder();
        var parquet = await File.ReadAllBytesAsync(FixtureFiles.ArcEasyParquet);
        var hub = new FakeHub { Files = { ["shard0.parquet"] = parquet } };
        var options = new HubDownloadOptions { BaseAddress = new Uri("https://hub.test/"), CacheDirectory = cache };
        var source = new DataSource("allenai/ai2_arc", "ARC-Easy", "test");
        var reports = new List<DownloadProgress>();
        var progress = new SyncProgress<DownloadProgress>(reports.Add);

        using (var downloader = new HubDatasetDownloader(options, hub))
        {
            var files = await downloader.DownloadAsync(source, progress);
            Assert.That(files, Has.Count.EqualTo(1));
            Assert.That(await File.ReadAllBytesAsync(files[0]), Is.EqualTo(parquet));
            var sidecar = await File.ReadAllTextAsync(files[0] + ".sha256");
            Assert.That(sidecar, Does.StartWith(Convert.ToHexStringLower(SHA256.HashData(parquet))));
            Assert.That(hub.Requests, Is.EqualTo(new[] { "/api/datasets/allenai/ai2_arc/parquet/ARC-Easy/test", "/files/shard0.parquet" }));
            Assert.That(Path.GetDirectoryName(files[0]), Is.EqualTo(downloader.CacheFolder(source)));
        }
        Assert.That(reports, Is.Not.Empty);
        Assert.That(reports[^1].BytesReceived, Is.EqualTo(parquet.Length));
        Assert.That(reports[^1].TotalBytes, Is.EqualTo(parquet.Length));
        Assert.That(reports.All(r => !r.FromCache), Is.True);

        // Offline now: the verified cache is used without a single request.
        reports.Clear();
        var offline = new FakeHub { Offline = true };
        using (var downloader = new HubDatasetDownloader(options, offline))
        {
            var items = await TaskDataLoader.LoadOrDownloadAsync(TaskCatalogue.Get("arc_easy"), null, downloader: downloader, progress: progress);
            Assert.That(items, Has.Count.EqualTo(3));
            Assert.That(items[0].Gold, Is.EqualTo("B"));
        }
        Assert.That(offline.Requests, Is.Empty);
        Assert.That(reports.Single().FromCache, Is.True);
    }

    [Test]
    public async Task CorruptCachedFileIsDownloadedAgain()
    {
        var cache = FixtureFiles.NewScratchFolder();
        var parquet = await File.ReadAllBytesAsync(FixtureFiles.ArcEasyParquet);
        var options = new HubDownloadOptions { BaseAddress = new Uri("https://hub.test/"), CacheDirectory = cache };
        var source = new DataSource("allenai/ai2_arc", "ARC-Easy", "test");
        string path;
        using (var downloader = new HubDatasetDownloader(options, new FakeHub { Files = { ["a.parquet"] = parquet } }))
            path = (await downloader.DownloadAsync(source))[0];

        await File.WriteAllBytesAsync(path, [1, 2, 3]);
        var hub = new FakeHub { Files = { ["a.parquet"] = parquet } };
        using (var downloader = new HubDatasetDownloader(options, hub))
            Assert.That(await File.ReadAllBytesAsync((await downloader.DownloadAsync(source))[0]), Is.EqualTo(parquet));
        Assert.That(hub.Requests, Is.EqualTo(new[] { "/files/a.parquet" }), "only the bad file is fetched, from the manifest's URL");

        // Corrupt and offline: a clear error, not a silent bad read.
        await File.WriteAllBytesAsync(path, [1, 2, 3]);
        using (var downloader = new HubDatasetDownloader(options, new FakeHub { Offline = true }))
        {
            var e = Assert.ThrowsAsync<DatasetUnavailableException>(() => downloader.DownloadAsync(source));
            Assert.That(e!.IsOffline, Is.True);
        }
    }

    [Test]
    public void UnknownSplitIsNotFoundAndTellsToPassAFile()
    {
        var options = new HubDownloadOptions { BaseAddress = new Uri("https://hub.test/"), CacheDirectory = FixtureFiles.NewScratchFolder() };
        using var downloader = new HubDatasetDownloader(options, new FakeHub());
        var e = Assert.ThrowsAsync<DatasetUnavailableException>(() => downloader.DownloadAsync(new DataSource("nobody/nothing", "default", "test")));
        Assert.That(e!.IsOffline, Is.False);
        Assert.That(e.Message, Does.Contain("nobody/nothing").And.Contain("404").And.Contain("--data FILE"));
    }

    [Test]
    public void DefaultCacheFolderIsUnderTheUsersCache()
    {
        var previous = Environment.GetEnvironmentVariable(HubDownloadOptions.CacheEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(HubDownloadOptions.CacheEnvironmentVariable, null);
            Assert.That(HubDownloadOptions.DefaultCacheDirectory, Does.EndWith(Path.Combine(".cache", "latentmas", "datasets")));
            Environment.SetEnvironmentVariable(HubDownloadOptions.CacheEnvironmentVariable, "/tmp/elsewhere");
            Assert.That(new HubDownloadOptions().CacheDirectory, Is.EqualTo("/tmp/elsewhere"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(HubDownloadOptions.CacheEnvironmentVariable, previous);
        }
    }

    /// <summary>IProgress that reports on the caller's thread (Progress&lt;T&gt; posts asynchronously).</summary>
    private sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>An in-memory hub: answers the Parquet listing and serves files; or behaves as if offline.</summary>
    private sealed class FakeHub : HttpMessageHandler
    {
        public Dictionary<string, byte[]> Files { get; } = [];
        public List<string> Requests { get; } = [];
        public bool Offline { get; init; }
        public TimeSpan Delay { get; init; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            if (Offline)
                throw new HttpRequestException("Name or service not known (hub.test:443)");
            if (Delay > TimeSpan.Zero)
                await Task.Delay(Delay, ct);
            var path = request.RequestUri!.AbsolutePath;
            lock (Requests)
                Requests.Add(path);
            if (path.StartsWith("/api/datasets/allenai/ai2_arc/parquet/", StringComparison.Ordinal) || path.StartsWith("/api/datasets/openai/gsm8k/", StringComparison.Ordinal))
            {
                var urls = Files.Keys.Select(name => $"https://hub.test/files/{name}");
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(System.Text.Json.JsonSerializer.Serialize(urls)) };
            }
            if (path.StartsWith("/files/", StringComparison.Ordinal) && Files.TryGetValue(path["/files/".Length..], out var bytes))
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(bytes) };
            return new HttpResponseMessage(HttpStatusCode.NotFound) { ReasonPhrase = "Not Found" };
        }
    }
}
