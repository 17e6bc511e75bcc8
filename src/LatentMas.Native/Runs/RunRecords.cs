using System.Text.Json;
using System.Text.Json.Serialization;
using LatentMas.Native.Methods;

namespace LatentMas.Native.Runs;

/// <summary>One line of results.jsonl: a finished question.</summary>
public sealed record ItemRecord
{
    /// <summary>Dataset position.</summary>
    public required int Index { get; init; }
    /// <summary>Dataset id.</summary>
    public string? Id { get; init; }
    /// <summary>Question text.</summary>
    public required string Question { get; init; }
    /// <summary>Gold answer.</summary>
    public required string Gold { get; init; }
    /// <summary>Extracted answer.</summary>
    public string? Prediction { get; init; }
    /// <summary>The final agent's text.</summary>
    public required string RawOutput { get; init; }
    /// <summary>Whether the prediction is right.</summary>
    public required bool Correct { get; init; }
    /// <summary>Failure reason beyond a wrong answer.</summary>
    public string? Failure { get; init; }
    /// <summary>Whether the output degenerated into a loop.</summary>
    public required bool Collapsed { get; init; }
    /// <summary>Tokens written by all agents.</summary>
    public required int GeneratedTokens { get; init; }
    /// <summary>Latent steps of all agents.</summary>
    public required int LatentSteps { get; init; }
    /// <summary>Prompt tokens of all agents.</summary>
    public required int PromptTokens { get; init; }
    /// <summary>Wall time of the item's batch divided by the batch size.</summary>
    public required double Seconds { get; init; }
    /// <summary>Per-agent traces.</summary>
    public required IReadOnlyList<AgentTrace> Agents { get; init; }
}

/// <summary>summary.json: everything needed to read and to reproduce a run.</summary>
public sealed record RunSummary
{
    /// <summary>Method name.</summary>
    public required string Method { get; init; }
    /// <summary>Task name.</summary>
    public required string Task { get; init; }
    /// <summary>Model path, identity and shape.</summary>
    public required IReadOnlyDictionary<string, string> Model { get; init; }
    /// <summary>Every setting that changes results.</summary>
    public required IReadOnlyDictionary<string, string> Settings { get; init; }
    /// <summary>Items asked for.</summary>
    public required int Items { get; init; }
    /// <summary>Items finished (including earlier runs that were resumed).</summary>
    public required int Done { get; init; }
    /// <summary>Items answered correctly.</summary>
    public required int Correct { get; init; }
    /// <summary>Correct / done.</summary>
    public required double Accuracy { get; init; }
    /// <summary>Share of finished outputs that collapsed into a loop.</summary>
    public required double CollapseRate { get; init; }
    /// <summary>Tokens written.</summary>
    public required long GeneratedTokens { get; init; }
    /// <summary>Latent steps taken.</summary>
    public required long LatentSteps { get; init; }
    /// <summary>Prompt tokens decoded.</summary>
    public required long PromptTokens { get; init; }
    /// <summary>Wall time of this invocation.</summary>
    public required double WallSeconds { get; init; }
    /// <summary>Generated tokens per second in this invocation.</summary>
    public required double TokensPerSecond { get; init; }
    /// <summary>Latent steps per second in this invocation.</summary>
    public required double LatentStepsPerSecond { get; init; }
    /// <summary>Peak resident memory of the process.</summary>
    public required long PeakMemoryBytes { get; init; }
    /// <summary>KV cache size.</summary>
    public required long KvCacheBytes { get; init; }
    /// <summary>True when the run was stopped before every item was done.</summary>
    public required bool Interrupted { get; init; }
}

internal static class RunJson
{
    public static readonly JsonSerializerOptions Line = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static readonly JsonSerializerOptions Indented = new(Line) { WriteIndented = true };
}
