namespace LatentMas.Native.Bench;

/// <summary>How much to measure. Quick mode finishes in a few minutes on 2 cores.</summary>
public sealed record BenchSettings
{
    /// <summary>Short runs on the Qwen2.5-0.5B shape only.</summary>
    public bool Quick { get; init; }

    /// <summary>Recipes whose shapes are measured.</summary>
    public IReadOnlyList<string> Recipes => Quick ? ["qwen2.5-0.5b-shape"] : ["qwen2.5-0.5b-shape", "qwen2.5-1.5b-shape"];

    /// <summary>Quantizations measured (F16 is generated, the others quantized from it).</summary>
    public IReadOnlyList<string> Quantizations { get; init; } = ["F16", "Q8_0", "Q4_K_M"];

    /// <summary>Latent steps per agent in the pipeline comparison.</summary>
    public int LatentSteps { get; init; } = 40;

    /// <summary>Tokens each TextMAS agent writes in the pipeline comparison.</summary>
    public int TextTokens { get; init; } = 256;

    /// <summary>Questions in the pipeline comparison.</summary>
    public int Questions => Quick ? 1 : 3;

    /// <summary>Rounds and steps per round of the overhead measurement.</summary>
    public int Rounds => Quick ? 3 : 7;

    /// <summary>Steps per round.</summary>
    public int StepsPerRound => Quick ? 8 : 32;

    /// <summary>Context length at which steps are timed.</summary>
    public int PromptLength { get; init; } = 128;

    /// <summary>Rows of the alignment-kernel comparison (a whole vocabulary unless quick).</summary>
    public int AlignmentRows => Quick ? 16384 : 151936;

    /// <summary>Compute threads (0: all cores).</summary>
    public int Threads { get; init; }

    /// <summary>Where models are generated and cached.</summary>
    public required string ModelDirectory { get; init; }

    /// <summary>Where the alignment cache lives.</summary>
    public required string AlignmentCache { get; init; }
}
