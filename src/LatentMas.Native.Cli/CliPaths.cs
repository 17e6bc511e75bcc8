namespace LatentMas.Native.Cli;

/// <summary>Where the command keeps what it creates or downloads.</summary>
internal static class CliPaths
{
    /// <summary>Root of the cache: $LATENTMAS_HOME, else ~/.cache/latentmas.</summary>
    public static string Home =>
        Environment.GetEnvironmentVariable("LATENTMAS_HOME") is { Length: > 0 } home
            ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "latentmas");

    /// <summary>Generated and downloaded models.</summary>
    public static string Models => Path.Combine(Home, "models");
}
