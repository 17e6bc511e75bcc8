using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;

namespace LatentMas.Native.Tasks.Data;

/// <summary>
/// Fetches a dataset split as Parquet files from the Hugging Face hub's Parquet export and caches them. Each file
/// gets a <c>.sha256</c> sidecar; a later call reuses the cached files without any request when every file still
/// matches its sidecar, and downloads again the ones that do not.
/// </summary>
/// <remarks>
/// Cache layout: <c>{cache}/{owner}__{name}/{config}/{split}/</c> holds <c>0000.parquet</c>, <c>0000.parquet.sha256</c>, ...
/// and <c>manifest.json</c> (file names and their URLs), written last so a half-finished download is never reused.
/// </remarks>
public sealed class HubDatasetDownloader : IDisposable
{
    private const string ManifestName = "manifest.json";
    private readonly HttpClient _http;
    private readonly HubDownloadOptions _options;

    /// <summary>Creates a downloader.</summary>
    /// <param name="options">Hub address, cache folder and time-out; null for the defaults.</param>
    /// <param name="handler">HTTP handler to send requests through (tests); null for a normal sockets handler.</param>
    public HubDatasetDownloader(HubDownloadOptions? options = null, HttpMessageHandler? handler = null)
    {
        _options = options ?? new HubDownloadOptions();
        var ownHandler = handler is null;
        handler ??= new SocketsHttpHandler
        {
            ConnectTimeout = _options.Timeout,
            AutomaticDecompression = DecompressionMethods.All,
        };
        _http = new HttpClient(handler, disposeHandler: ownHandler) { Timeout = _options.Timeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("latentmas-native", "1.0"));
        if (!string.IsNullOrEmpty(_options.Token))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _options.Token);
    }

    /// <summary>The options in use.</summary>
    public HubDownloadOptions Options => _options;

    /// <summary>Folder where the files of <paramref name="source"/> are cached.</summary>
    public string CacheFolder(DataSource source) =>
        Path.Combine(_options.CacheDirectory, Safe(source.DatasetId.Replace("/", "__", StringComparison.Ordinal)),
                     Safe(source.Config), Safe(source.Split));

    /// <summary>Returns the local Parquet files of the split, downloading what is missing or corrupt.</summary>
    /// <exception cref="DatasetUnavailableException">The hub cannot be reached, or has no such dataset, config or split.</exception>
    public async Task<IReadOnlyList<string>> DownloadAsync(DataSource source, IProgress<DownloadProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var folder = CacheFolder(source);
        Directory.CreateDirectory(folder);

        var manifest = ReadManifest(folder);
        if (manifest is null)
        {
            var urls = await ListParquetUrlsAsync(source, ct).ConfigureAwait(false);
            manifest = [.. urls.Select((url, i) => new ManifestEntry($"{i:D4}.parquet", url))];
        }

        var paths = new List<string>(manifest.Count);
        for (var i = 0; i < manifest.Count; i++)
        {
            var entry = manifest[i];
            var path = Path.Combine(folder, entry.File);
            if (await IsValidCachedFileAsync(path, ct).ConfigureAwait(false))
            {
                progress?.Report(new DownloadProgress(source, entry.File, i, manifest.Count, new FileInfo(path).Length, new FileInfo(path).Length, FromCache: true));
            }
            else
            {
                await DownloadFileAsync(source, entry, path, i, manifest.Count, progress, ct).ConfigureAwait(false);
            }
            paths.Add(path);
        }
        WriteManifest(folder, manifest);
        return paths;
    }

    /// <summary>Asks the hub for the Parquet files of the split.</summary>
    private async Task<IReadOnlyList<Uri>> ListParquetUrlsAsync(DataSource source, CancellationToken ct)
    {
        var listing = new Uri(_options.BaseAddress,
            $"api/datasets/{source.DatasetId}/parquet/{Uri.EscapeDataString(source.Config)}/{Uri.EscapeDataString(source.Split)}");
        string body;
        try
        {
            using var response = await _http.GetAsync(listing, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw NotFound(source, $"{listing} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsNetworkFailure(e, ct))
        {
            throw Offline(source, listing, e);
        }

        List<string>? urls;
        try
        {
            urls = JsonSerializer.Deserialize<List<string>>(body);
        }
        catch (JsonException e)
        {
            throw new DatasetUnavailableException(source.DatasetId, source,
                $"The hub's Parquet listing for {source} is not a list of URLs ({e.Message}). Pass the data with --data FILE.", e);
        }
        if (urls is null || urls.Count == 0)
            throw NotFound(source, $"{listing} listed no Parquet files");
        // Relative URLs (a mirror) are resolved against the hub address.
        return [.. urls.Select(u => new Uri(_options.BaseAddress, u))];
    }

    private async Task DownloadFileAsync(DataSource source, ManifestEntry entry, string path, int index, int count,
                                         IProgress<DownloadProgress>? progress, CancellationToken ct)
    {
        var partial = path + ".partial";
        try
        {
            using var response = await _http.GetAsync(entry.Url, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                throw NotFound(source, $"{entry.Url} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            var total = response.Content.Headers.ContentLength;
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var input = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false))
            await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                long received = 0;
                var lastReport = 0L;
                int n;
                progress?.Report(new DownloadProgress(source, entry.File, index, count, 0, total, FromCache: false));
                while ((n = await input.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    sha.AppendData(buffer, 0, n);
                    received += n;
                    // At most one report per 256 KiB keeps a progress bar smooth without flooding it.
                    if (received - lastReport >= 1 << 18)
                    {
                        progress?.Report(new DownloadProgress(source, entry.File, index, count, received, total, FromCache: false));
                        lastReport = received;
                    }
                }
                progress?.Report(new DownloadProgress(source, entry.File, index, count, received, total, FromCache: false));
            }
            var hex = Convert.ToHexStringLower(sha.GetHashAndReset());
            File.Move(partial, path, overwrite: true);
            await File.WriteAllTextAsync(path + ".sha256", $"{hex}  {entry.File}\n", ct).ConfigureAwait(false);
        }
        catch (Exception e) when (IsNetworkFailure(e, ct))
        {
            throw Offline(source, entry.Url, e);
        }
        finally
        {
            if (File.Exists(partial))
                File.Delete(partial);
        }
    }

    /// <summary>True when the file exists and hashes to the value in its sidecar.</summary>
    private static async Task<bool> IsValidCachedFileAsync(string path, CancellationToken ct)
    {
        var sidecar = path + ".sha256";
        if (!File.Exists(path) || !File.Exists(sidecar))
            return false;
        var expected = (await File.ReadAllTextAsync(sidecar, ct).ConfigureAwait(false)).Split(' ', 2)[0].Trim();
        string actual;
        await using (var stream = File.OpenRead(path))
            actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct).ConfigureAwait(false));
        if (string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            return true;
        // A corrupt or edited file is dropped and fetched again.
        File.Delete(path);
        File.Delete(sidecar);
        return false;
    }

    private static List<ManifestEntry>? ReadManifest(string folder)
    {
        var path = Path.Combine(folder, ManifestName);
        if (!File.Exists(path))
            return null;
        try
        {
            var entries = JsonSerializer.Deserialize<List<ManifestEntry>>(File.ReadAllText(path));
            return entries is { Count: > 0 } ? entries : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void WriteManifest(string folder, List<ManifestEntry> manifest)
    {
        var path = Path.Combine(folder, ManifestName);
        var temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));
        File.Move(temp, path, overwrite: true);
    }

    private static bool IsNetworkFailure(Exception e, CancellationToken ct) =>
        e is HttpRequestException or SocketException
        || (e is TaskCanceledException && !ct.IsCancellationRequested)   // HttpClient's time-out
        || (e is IOException && e.InnerException is SocketException);

    private DatasetUnavailableException Offline(DataSource source, Uri url, Exception e) =>
        new(source.DatasetId, source,
            $"Could not download dataset '{source.DatasetId}' (config {source.Config}, split {source.Split}) from {url.GetLeftPart(UriPartial.Authority)}: " +
            $"{Describe(e)}. This machine looks offline or cannot reach the hub. Download the data elsewhere and pass it with " +
            "--data FILE (a .jsonl, .json or .parquet file in the dataset's own columns).", e)
        { IsOffline = true };

    private static DatasetUnavailableException NotFound(DataSource source, string what) =>
        new(source.DatasetId, source,
            $"Dataset '{source.DatasetId}' (config {source.Config}, split {source.Split}) is not available from the hub: {what}. " +
            "Check the names, or pass the data with --data FILE (a .jsonl, .json or .parquet file in the dataset's own columns).");

    private static string Describe(Exception e) => e switch
    {
        TaskCanceledException => "the request timed out",
        _ when e.InnerException is SocketException s => $"{e.Message.TrimEnd('.')} ({s.SocketErrorCode})",
        _ => e.Message.TrimEnd('.'),
    };

    private static string Safe(string name)
    {
        var invalid = Path.GetInvalidFileNameChars();
        return new string([.. name.Select(c => invalid.Contains(c) ? '_' : c)]);
    }

    /// <summary>Releases the HTTP client.</summary>
    public void Dispose() => _http.Dispose();

    private sealed record ManifestEntry(string File, Uri Url);
}
