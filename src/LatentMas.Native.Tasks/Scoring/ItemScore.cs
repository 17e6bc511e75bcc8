using LatentMas.Native.Tasks.Sandbox;

namespace LatentMas.Native.Tasks.Scoring;

/// <summary>How one answer scored.</summary>
/// <param name="Prediction">The answer extracted from the output (a number, a letter, text, or the program), or null when none was found.</param>
/// <param name="Correct">Whether it matches the gold answer (for code: whether the tests passed).</param>
/// <param name="Failure">Why it failed when that is more than a wrong answer ("no answer found", a sandbox failure), else null.</param>
/// <param name="Execution">The sandbox run, for code tasks.</param>
public sealed record ItemScore(string? Prediction, bool Correct, string? Failure = null, SandboxResult? Execution = null)
{
    /// <summary>Failure text used when nothing could be extracted.</summary>
    public const string NoAnswer = "no answer found";

    /// <summary>The sandbox's failure reason for code tasks, else null.</summary>
    public SandboxFailure? CodeFailure => Execution?.Failure;
}
