namespace LatentMas.Native.Tasks.Data;

/// <summary>
/// A dataset could not be had from the hub (no network, an unknown config or split, a corrupt cache) and no local
/// file was given. The message names the dataset and says to pass <c>--data FILE</c>.
/// </summary>
public sealed class DatasetUnavailableException : TaskException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="dataset">Dataset id or task name.</param>
    /// <param name="source">The hub source, when the task has one.</param>
    /// <param name="message">The full message.</param>
    /// <param name="inner">The underlying error.</param>
    public DatasetUnavailableException(string dataset, DataSource? source, string message, Exception? inner = null)
        : base(message, inner)
    {
        Dataset = dataset;
        HubSource = source;
    }

    /// <summary>Dataset id (or the task name when it has no public source).</summary>
    public string Dataset { get; }

    /// <summary>The hub source, when there is one.</summary>
    public DataSource? HubSource { get; }

    /// <summary>True when the hub could not be reached at all (no network, DNS failure, time-out).</summary>
    public bool IsOffline { get; init; }
}
