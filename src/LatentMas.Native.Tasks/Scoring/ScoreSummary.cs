using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LatentMas.Native.Tasks.Scoring;

/// <summary>Result of re-scoring a predictions file against a task's data.</summary>
public sealed record ScoreSummary
{
    /// <summary>Task name.</summary>
    public required string Task { get; init; }

    /// <summary>How answers were judged.</summary>
    public required AnswerType AnswerType { get; init; }

    /// <summary>Items in the data.</summary>
    public required int Items { get; init; }

    /// <summary>Prediction lines read (of this task).</summary>
    public required int Predictions { get; init; }

    /// <summary>Items that got a prediction and were scored.</summary>
    public required int Scored { get; init; }

    /// <summary>Scored items that are right.</summary>
    public required int Correct { get; init; }

    /// <summary>Correct / scored (0 when nothing was scored).</summary>
    public double Accuracy => Scored == 0 ? 0 : (double)Correct / Scored;

    /// <summary>Scored items whose output had no extractable answer (or no code block).</summary>
    public required int NoAnswer { get; init; }

    /// <summary>Items without any prediction.</summary>
    public required int Missing { get; init; }

    /// <summary>Prediction lines that matched no item (by id, question text or index).</summary>
    public required int Unmatched { get; init; }

    /// <summary>Prediction lines for an item already predicted (the last one is scored).</summary>
    public required int Duplicates { get; init; }

    /// <summary>Prediction lines skipped because their <c>task</c> field names another task.</summary>
    public int OtherTask { get; init; }

    /// <summary>Failure reasons and how often they occurred (code tasks: the sandbox reasons).</summary>
    public required IReadOnlyDictionary<string, int> Failures { get; init; }

    /// <summary>Per-item results, in item order.</summary>
    public required IReadOnlyList<ItemResult> Results { get; init; }

    /// <summary>Plain-text report; with <paramref name="includeItems"/> one line per item follows.</summary>
    public string ToText(bool includeItems = false)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"{Task} ({AnswerType.ToString().ToLowerInvariant()}): {Correct}/{Scored} correct, accuracy {Accuracy * 100:0.0}%");
        sb.AppendLine(inv, $"  items in data       {Items}");
        sb.AppendLine(inv, $"  predictions read    {Predictions}");
        sb.AppendLine(inv, $"  scored              {Scored}");
        sb.AppendLine(inv, $"  no answer found     {NoAnswer}");
        sb.AppendLine(inv, $"  items not predicted {Missing}");
        sb.AppendLine(inv, $"  unmatched lines     {Unmatched}");
        if (Duplicates > 0)
            sb.AppendLine(inv, $"  duplicate lines     {Duplicates} (the last of each was scored)");
        if (OtherTask > 0)
            sb.AppendLine(inv, $"  other tasks' lines  {OtherTask} (skipped)");
        if (Failures.Count > 0)
            sb.AppendLine(inv, $"  failures            {string.Join(", ", Failures.OrderByDescending(f => f.Value).Select(f => $"{f.Key} {f.Value}"))}");
        if (includeItems)
        {
            sb.AppendLine();
            foreach (var r in Results)
            {
                var shown = r.CodeFailure switch
                {
                    null => r.Prediction ?? "-",
                    Sandbox.SandboxFailure.None => "tests passed",
                    var failure => failure.ToString()!,
                };
                sb.AppendLine(inv, $"  {(r.Correct ? "ok  " : "FAIL")} {r.Id,-16} predicted {Shorten(shown),-20} gold {Shorten(r.Gold)}{(r.Failure is null ? "" : $"  ({r.Failure})")}");
            }
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>The summary as indented JSON (snake_case), per-item results included.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private static string Shorten(string s)
    {
        var line = s.ReplaceLineEndings(" ").Trim();
        return line.Length <= 40 ? line : line[..37] + "...";
    }
}
