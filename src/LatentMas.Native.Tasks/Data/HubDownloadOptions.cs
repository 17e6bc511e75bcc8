namespace LatentMas.Native.Tasks.Data;

/// <summary>Where datasets come from and where they are cached.</summary>
public sealed record HubDownloadOptions
{
    /// <summary>Environment variable that overrides the default cache folder.</summary>
    public const string CacheEnvironmentVariable = "LATENTMAS_DATASET_CACHE";

    /// <summary>The hub (or a mirror) that serves <c>/api/datasets/{id}/parquet/{config}/{split}</c>.</summary>
    public Uri BaseAddress { get; init; } = new("https://huggingface.co/");

    /// <summary>Cache folder; defaults to <c>$LATENTMAS_DATASET_CACHE</c> or <c>~/.cache/latentmas/datasets</c>.</summary>
    public string CacheDirectory { get; init; } = DefaultCacheDirectory;

    /// <summary>Time allowed for each request (the listing, and each file).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Bearer token for gated datasets; none by default.</summary>
    public string? Token { get; init; }

    /// <summary>The default cache folder.</summary>
    public static string DefaultCacheDirectory
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable(CacheEnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv))
                return fromEnv;
            var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
            return Path.Combine(home, ".cache", "latentmas", "datasets");
        }
    }
}
