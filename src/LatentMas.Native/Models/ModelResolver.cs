using System.Security.Cryptography;

namespace LatentMas.Native.Models;

/// <summary>Bytes received of a download.</summary>
/// <param name="Received">Bytes so far.</param>
/// <param name="Total">Expected bytes, when the server or the catalogue says.</param>
public sealed record DownloadProgress(long Received, long? Total);

/// <summary>
/// Turns a --model argument into a local file: an existing path is used as it is; a catalogue name resolves
/// to the model cache, downloading the file once (checked against its SHA-256 when the catalogue knows it).
/// </summary>
public static class ModelResolver
{
    /// <summary>Local path of <paramref name="model"/> (a path or a catalogue name).</summary>
    /// <exception cref="FileNotFoundException">Neither a file nor a catalogue name.</exception>
    /// <exception cref="LatentMasException">The download failed; the message says how to pass a local file.</exception>
    public static string Resolve(string model, string cacheDirectory, IProgress<DownloadProgress>? progress = null,
                                 HttpClient? client = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        if (File.Exists(model))
        {
            return Path.GetFullPath(model);
        }
        var entry = ModelCatalogue.Find(model) ?? throw new FileNotFoundException(
            $"'{model}' is neither a model file nor a catalogue name. Pass a .gguf path, or one of: {string.Join(", ", ModelCatalogue.All.Select(e => e.Name))}.", model);
        return Download(entry, cacheDirectory, progress, client, cancellationToken);
    }

    /// <summary>Path of a catalogue model in the cache, downloaded when missing.</summary>
    public static string Download(CatalogueEntry entry, string cacheDirectory, IProgress<DownloadProgress>? progress = null,
                                  HttpClient? client = null, CancellationToken cancellationToken = default)
    {
        var path = Path.Combine(cacheDirectory, entry.File);
        if (File.Exists(path))
        {
            return path;
        }
        Directory.CreateDirectory(cacheDirectory);
        var partial = path + ".partial";
        var owned = client is null;
        client ??= new HttpClient { Timeout = TimeSpan.FromMinutes(30) };
        try
        {
            using var response = client.GetAsync(entry.Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).GetAwaiter().GetResult();
            response.EnsureSuccessStatusCode();
            var total = response.Content.Headers.ContentLength ?? entry.SizeBytes;
            using (var input = response.Content.ReadAsStream(cancellationToken))
            using (var output = File.Create(partial))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 20];
                long received = 0;
                int n;
                while ((n = input.Read(buffer)) > 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    output.Write(buffer, 0, n);
                    hash.AppendData(buffer, 0, n);
                    received += n;
                    progress?.Report(new DownloadProgress(received, total));
                }
                var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
                if (entry.Sha256 is { } expected && !string.Equals(expected, sha, StringComparison.OrdinalIgnoreCase))
                {
                    throw new LatentMasException($"{entry.File} from {entry.Url} has SHA-256 {sha}, the catalogue expects {expected}: the download is refused.");
                }
            }
            File.Move(partial, path);
            return path;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new LatentMasException(
                $"Could not download {entry.Name} from {entry.Url} ({e.Message}). This machine may be offline: download the file elsewhere and pass it with --model PATH.", e);
        }
        finally
        {
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
            if (owned)
            {
                client.Dispose();
            }
        }
    }
}
