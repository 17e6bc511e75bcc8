using System.Text.Json.Nodes;
using LatentMas.Native.Tasks.Data;
using LatentMas.Native.Tasks.Scoring;

namespace LatentMas.Native.Tasks.Definitions;

/// <summary>GSM8K grade-school maths. Columns: <c>question</c>, <c>answer</c> (worked solution ending in <c>#### 72</c>).</summary>
public sealed class Gsm8kTask : NumericTask
{
    /// <inheritdoc />
    public override string Name => "gsm8k";

    /// <inheritdoc />
    public override string Description => "Grade-school maths word problems; numeric answer";

    /// <inheritdoc />
    public override AnswerType AnswerType => AnswerType.Number;

    /// <summary>The hub's canonical id (the old name <c>gsm8k</c> redirects to it).</summary>
    public override DataSource Source { get; } = new("openai/gsm8k", "main", "test");

    /// <inheritdoc />
    public override TaskItem BuildItem(JsonObject row, int index, TaskOptions options)
    {
        var question = row.Require(Name, index, "question").Trim();
        var solution = row.Require(Name, index, "answer");
        var gold = NumberAnswer.Gsm8kGold(solution)
            ?? throw new DataFormatException($"{Name}: row {index} has no number after '####' in its answer.");
        return new TaskItem
        {
            Index = index,
            Id = row.Text("id") ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Question = question,
            SourceText = question,
            Gold = gold,
        };
    }
}
