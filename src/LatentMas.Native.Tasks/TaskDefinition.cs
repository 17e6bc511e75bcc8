using System.Text.Json.Nodes;
using LatentMas.Native.Tasks.Sandbox;
using LatentMas.Native.Tasks.Scoring;

namespace LatentMas.Native.Tasks;

/// <summary>
/// One benchmark: where its data lives, how a row becomes an item, what agents are told about the answer's form,
/// and how an answer is extracted and judged.
/// </summary>
public abstract class TaskDefinition
{
    /// <summary>Name used on the command line, e.g. <c>gsm8k</c>.</summary>
    public abstract string Name { get; }

    /// <summary>One-line description of the benchmark.</summary>
    public abstract string Description { get; }

    /// <summary>How answers are extracted and compared.</summary>
    public abstract AnswerType AnswerType { get; }

    /// <summary>The hub dataset, or null when the data must be given as a local file.</summary>
    public abstract DataSource? Source { get; }

    /// <summary>Where the data comes from, in words (the hub source, or what file to give).</summary>
    public virtual string SourceDescription => Source?.ToString() ?? "local file only (--data FILE)";

    /// <summary>Instruction appended to agent prompts that says how to state the final answer.</summary>
    public abstract string AnswerFormat { get; }

    /// <summary>Builds the item of one row (in the benchmark's own column layout).</summary>
    /// <exception cref="DataFormatException">The row lacks a column the benchmark needs.</exception>
    public abstract TaskItem BuildItem(JsonObject row, int index, TaskOptions options);

    /// <summary>The full prompt body for an item: its question, then the answer-format instruction.</summary>
    public virtual string BuildPrompt(TaskItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return $"{item.Question}\n\n{AnswerFormat}";
    }

    /// <summary>Extracts the answer of <paramref name="rawOutput"/> in this task's form (null when there is none).</summary>
    public abstract string? ExtractAnswer(TaskItem item, string rawOutput);

    /// <summary>
    /// Scores one output. Code tasks run the program in a sandbox (options from <paramref name="sandbox"/>, or the
    /// defaults); the others are pure text processing and complete synchronously.
    /// </summary>
    public virtual Task<ItemScore> ScoreAsync(TaskItem item, string rawOutput, PythonSandbox? sandbox = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        ArgumentNullException.ThrowIfNull(rawOutput);
        var prediction = ExtractAnswer(item, rawOutput);
        return Task.FromResult(prediction is null
            ? new ItemScore(null, false, ItemScore.NoAnswer)
            : new ItemScore(prediction, IsCorrect(item, prediction)));
    }

    /// <summary>Synchronous form of <see cref="ScoreAsync"/> (blocks while a code task's program runs).</summary>
    public ItemScore Score(TaskItem item, string rawOutput, PythonSandbox? sandbox = null) =>
        ScoreAsync(item, rawOutput, sandbox).GetAwaiter().GetResult();

    /// <summary>Whether an extracted prediction matches the item's gold answer.</summary>
    public abstract bool IsCorrect(TaskItem item, string prediction);

    /// <summary>The name.</summary>
    public override string ToString() => Name;
}
