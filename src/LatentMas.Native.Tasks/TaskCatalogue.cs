using LatentMas.Native.Tasks.Definitions;

namespace LatentMas.Native.Tasks;

/// <summary>One row of <c>latentmas tasks</c>.</summary>
/// <param name="Name">Task name for <c>--task</c>.</param>
/// <param name="AnswerType">How answers are judged.</param>
/// <param name="Source">Where the data comes from (hub dataset, config, split; or a local file).</param>
/// <param name="Description">What the benchmark is.</param>
public sealed record TaskDescription(string Name, AnswerType AnswerType, string Source, string Description);

/// <summary>The benchmarks this project knows, by name.</summary>
public static class TaskCatalogue
{
    private static readonly TaskDefinition[] Builtin =
    [
        new Gsm8kTask(),
        AimeTask.Aime2024,
        AimeTask.Aime2025,
        new GpqaTask(),
        ArcTask.Easy,
        ArcTask.Challenge,
        new WinograndeTask(),
        new MbppPlusTask(),
        new HumanEvalPlusTask(),
        new MedQaTask(),
    ];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpqa_diamond"] = "gpqa", ["gpqa-diamond"] = "gpqa", ["arc-easy"] = "arc_easy", ["arc-challenge"] = "arc_challenge",
        ["mbpp+"] = "mbppplus", ["mbpp_plus"] = "mbppplus", ["humaneval+"] = "humanevalplus", ["humaneval_plus"] = "humanevalplus",
        ["aime24"] = "aime2024", ["aime25"] = "aime2025", ["aime_2024"] = "aime2024", ["aime_2025"] = "aime2025",
    };

    /// <summary>Every task name, in catalogue order (built-ins, then <c>custom</c>).</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Builtin.Select(t => t.Name), "custom"];

    /// <summary>The built-in benchmarks (without <c>custom</c>, which needs an answer type).</summary>
    public static IReadOnlyList<TaskDefinition> All => Builtin;

    /// <summary>Finds a task by name (case-insensitive; a few common spellings such as <c>gpqa_diamond</c> are accepted).</summary>
    /// <param name="name">Task name.</param>
    /// <param name="customAnswer">Answer type of the <c>custom</c> task (<c>--answer</c>); ignored by the others. Default text.</param>
    /// <exception cref="UnknownTaskException">No task has that name; the message lists the names.</exception>
    public static TaskDefinition Get(string name, AnswerType? customAnswer = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = Aliases.TryGetValue(name.Trim(), out var alias) ? alias : name.Trim();
        if (string.Equals(key, "custom", StringComparison.OrdinalIgnoreCase))
            return new CustomTask(customAnswer ?? AnswerType.Text);
        return Builtin.FirstOrDefault(t => string.Equals(t.Name, key, StringComparison.OrdinalIgnoreCase))
            ?? throw new UnknownTaskException($"Unknown task '{name}'. Known tasks: {string.Join(", ", Names)}.");
    }

    /// <summary>Parses <c>--answer</c>: number, integer, choice or text.</summary>
    /// <exception cref="ArgumentException">Another word.</exception>
    public static AnswerType ParseAnswerType(string value) => value.Trim().ToLowerInvariant() switch
    {
        "number" or "numeric" => AnswerType.Number,
        "integer" or "int" => AnswerType.Integer,
        "choice" or "mc" or "letter" => AnswerType.Choice,
        "text" or "string" => AnswerType.Text,
        _ => throw new ArgumentException($"Unknown answer type '{value}': use number, integer, choice or text.", nameof(value)),
    };

    /// <summary>One row per task, for <c>latentmas tasks</c>.</summary>
    public static IReadOnlyList<TaskDescription> Describe() =>
    [
        .. Builtin.Select(t => new TaskDescription(t.Name, t.AnswerType, t.SourceDescription, t.Description)),
        new TaskDescription("custom", AnswerType.Text, "local file only (question/answer columns, optional choices)",
                            "Your own questions; --answer number|choice|text picks extraction and comparison"),
    ];

    /// <summary><see cref="Describe"/> as an aligned plain-text table.</summary>
    public static string DescribeText()
    {
        var rows = Describe();
        var header = new TaskDescription("TASK", AnswerType.Text, "DATA", "DESCRIPTION");
        var nameWidth = rows.Append(header).Max(r => r.Name.Length);
        var typeWidth = rows.Max(r => r.AnswerType.ToString().Length);
        var sourceWidth = rows.Append(header).Max(r => r.Source.Length);
        var lines = new List<string> { $"{"TASK".PadRight(nameWidth)}  {"ANSWER".PadRight(typeWidth)}  {"DATA".PadRight(sourceWidth)}  DESCRIPTION" };
        lines.AddRange(rows.Select(r =>
            $"{r.Name.PadRight(nameWidth)}  {(r.Name == "custom" ? "*" : r.AnswerType.ToString().ToLowerInvariant()).PadRight(typeWidth)}  {r.Source.PadRight(sourceWidth)}  {r.Description}"));
        return string.Join('\n', lines);
    }
}
