namespace LatentMas.Native.Tasks;

/// <summary>Settings that change how items are built from rows.</summary>
public sealed record TaskOptions
{
    /// <summary>The default settings.</summary>
    public static TaskOptions Default { get; } = new();

    /// <summary>Seed of the deterministic option shuffle (GPQA); record it with results, scoring needs the same one.</summary>
    public int Seed { get; init; }

    /// <summary>Whether GPQA's options are shuffled (on by default: in the source layout the right answer comes first).</summary>
    public bool ShuffleChoices { get; init; } = true;
}
