using LatentMas.Native.Tasks.Sandbox;

namespace LatentMas.Native.Tasks.Scoring;

/// <summary>Settings of a re-scoring run.</summary>
public sealed record ScoreOptions
{
    /// <summary>The default settings.</summary>
    public static ScoreOptions Default { get; } = new();

    /// <summary>Item settings; the seed must be the run's (GPQA's option order depends on it).</summary>
    public TaskOptions Task { get; init; } = TaskOptions.Default;

    /// <summary>Answer type of the <c>custom</c> task (<c>--answer</c>).</summary>
    public AnswerType? CustomAnswer { get; init; }

    /// <summary>Limits of the sandbox that runs code answers.</summary>
    public SandboxOptions Sandbox { get; init; } = SandboxOptions.Default;

    /// <summary>Code answers run at once. Default: half the cores, at least 1.</summary>
    public int Parallelism { get; init; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>Receives each item's result as it is scored (for a progress bar).</summary>
    public IProgress<ItemResult>? Progress { get; init; }
}
