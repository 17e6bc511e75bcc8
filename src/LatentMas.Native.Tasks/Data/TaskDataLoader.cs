using System.Text.Json;
using System.Text.Json.Nodes;

namespace LatentMas.Native.Tasks.Data;

/// <summary>
/// Reads benchmark data in the benchmark's own column layout from a local <c>.jsonl</c>, <c>.json</c> (an array,
/// or an object whose <c>data</c> holds one) or <c>.parquet</c> file, or from a folder of such files, and builds
/// the task's items. Without a local file the data is fetched from the Hugging Face hub and cached.
/// </summary>
public static class TaskDataLoader
{
    private static readonly string[] KnownExtensions = [".jsonl", ".json", ".parquet"];

    /// <summary>Reads the rows of a data file (or of every data file in a folder, in name order).</summary>
    /// <exception cref="DataFormatException">The file is missing, empty of rows, or not valid JSON/JSONL/Parquet.</exception>
    public static async Task<IReadOnlyList<JsonObject>> ReadRowsAsync(string path, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path)
                .Where(f => KnownExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
                throw new DataFormatException($"Folder '{path}' holds no .jsonl, .json or .parquet file.");
            var all = new List<JsonObject>();
            foreach (var file in files)
                all.AddRange(await ReadFileAsync(file, ct).ConfigureAwait(false));
            return all;
        }
        if (!File.Exists(path))
            throw new DataFormatException($"Data file '{path}' does not exist.");
        return await ReadFileAsync(path, ct).ConfigureAwait(false);
    }

    /// <summary>Synchronous form of <see cref="ReadRowsAsync"/>.</summary>
    public static IReadOnlyList<JsonObject> ReadRows(string path) => ReadRowsAsync(path).GetAwaiter().GetResult();

    /// <summary>Builds one item per row; row positions become item indices.</summary>
    /// <exception cref="DataFormatException">A row lacks a column the benchmark needs.</exception>
    public static IReadOnlyList<TaskItem> BuildItems(TaskDefinition task, IReadOnlyList<JsonObject> rows, TaskOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(rows);
        options ??= TaskOptions.Default;
        var items = new List<TaskItem>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
            items.Add(task.BuildItem(rows[i], i, options));
        return items;
    }

    /// <summary>Reads a local data file and builds the task's items.</summary>
    public static async Task<IReadOnlyList<TaskItem>> LoadAsync(TaskDefinition task, string dataPath, TaskOptions? options = null, CancellationToken ct = default)
    {
        var rows = await ReadRowsAsync(dataPath, ct).ConfigureAwait(false);
        try
        {
            return BuildItems(task, rows, options);
        }
        catch (DataFormatException e)
        {
            throw new DataFormatException($"{dataPath}: {e.Message}", e);
        }
    }

    /// <summary>Synchronous form of <see cref="LoadAsync"/>.</summary>
    public static IReadOnlyList<TaskItem> Load(TaskDefinition task, string dataPath, TaskOptions? options = null) =>
        LoadAsync(task, dataPath, options).GetAwaiter().GetResult();

    /// <summary>
    /// Reads <paramref name="dataPath"/> when given; otherwise downloads the task's Parquet files from the hub
    /// (or reuses the verified cache) and reads those.
    /// </summary>
    /// <param name="task">The benchmark.</param>
    /// <param name="dataPath">Local data file or folder, or null to use the hub.</param>
    /// <param name="options">Item settings (seed of the option shuffle).</param>
    /// <param name="downloader">Downloader to use; null makes one with default options (real hub, default cache).</param>
    /// <param name="progress">Receives download progress, for a progress bar.</param>
    /// <param name="ct">Cancels the download.</param>
    /// <exception cref="DatasetUnavailableException">No local file and the hub cannot be reached, or the task has no public source.</exception>
    public static async Task<IReadOnlyList<TaskItem>> LoadOrDownloadAsync(TaskDefinition task, string? dataPath,
        TaskOptions? options = null, HubDatasetDownloader? downloader = null, IProgress<DownloadProgress>? progress = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (!string.IsNullOrWhiteSpace(dataPath))
            return await LoadAsync(task, dataPath, options, ct).ConfigureAwait(false);
        if (task.Source is null)
            throw new DatasetUnavailableException(task.Name, null,
                $"Task '{task.Name}' has no public download: {task.SourceDescription}. Pass it with --data FILE.");

        var owned = downloader is null;
        downloader ??= new HubDatasetDownloader();
        try
        {
            var files = await downloader.DownloadAsync(task.Source, progress, ct).ConfigureAwait(false);
            var rows = new List<JsonObject>();
            foreach (var file in files)
                rows.AddRange(await ReadFileAsync(file, ct).ConfigureAwait(false));
            return BuildItems(task, rows, options);
        }
        finally
        {
            if (owned)
                downloader.Dispose();
        }
    }

    private static async Task<IReadOnlyList<JsonObject>> ReadFileAsync(string path, CancellationToken ct)
    {
        var format = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jsonl" or ".ndjson" => Format.JsonLines,
            ".json" => Format.Json,
            ".parquet" => Format.Parquet,
            _ => await SniffAsync(path, ct).ConfigureAwait(false),
        };
        try
        {
            return format switch
            {
                Format.Parquet => await ParquetRows.ReadAsync(path, ct).ConfigureAwait(false),
                Format.Json => ReadJson(path, await File.ReadAllTextAsync(path, ct).ConfigureAwait(false)),
                _ => ReadJsonLines(path, await File.ReadAllLinesAsync(path, ct).ConfigureAwait(false)),
            };
        }
        catch (DataFormatException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or ApplicationException)
        {
            throw new DataFormatException($"Cannot read '{path}' as {format}: {e.Message}", e);
        }
    }

    private enum Format { JsonLines, Json, Parquet }

    private static async Task<Format> SniffAsync(string path, CancellationToken ct)
    {
        var head = new byte[4];
        await using (var stream = File.OpenRead(path))
            _ = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
        if (head.AsSpan().SequenceEqual("PAR1"u8))
            return Format.Parquet;
        var text = await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
        return text.TrimStart().StartsWith('[') ? Format.Json : Format.JsonLines;
    }

    private static List<JsonObject> ReadJsonLines(string path, string[] lines)
    {
        var rows = new List<JsonObject>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
                continue;
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(line);
            }
            catch (JsonException e)
            {
                throw new DataFormatException($"{path}, line {i + 1}: not valid JSON ({e.Message}).", e);
            }
            rows.Add(node as JsonObject ?? throw new DataFormatException($"{path}, line {i + 1}: expected a JSON object per line."));
        }
        return rows;
    }

    private static List<JsonObject> ReadJson(string path, string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            // A .json file that is really JSON lines is common enough to accept.
            if (text.TrimStart().StartsWith('{') && text.Contains('\n'))
                return ReadJsonLines(path, text.Split('\n'));
            throw new DataFormatException($"{path}: not valid JSON ({e.Message}).", e);
        }
        var array = node switch
        {
            JsonArray a => a,
            JsonObject o when o["data"] is JsonArray data => data,
            JsonObject o when o.Count(p => p.Value is JsonArray) == 1 => (JsonArray)o.First(p => p.Value is JsonArray).Value!,
            _ => throw new DataFormatException($"{path}: expected a JSON array of rows or an object with a \"data\" array."),
        };
        var rows = new List<JsonObject>(array.Count);
        for (var i = 0; i < array.Count; i++)
            rows.Add(array[i] as JsonObject ?? throw new DataFormatException($"{path}: element {i} is not a JSON object."));
        return rows;
    }
}
