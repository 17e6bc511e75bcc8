using System.Globalization;
using System.Text.Json.Nodes;
using LatentMas.Native.Tasks.Data;

namespace LatentMas.Native.Tasks.Definitions;

/// <summary>
/// AIME competition problems; the answer is an integer 0-999. Columns: <c>id</c>, <c>problem</c>, <c>answer</c>
/// (text or integer), plus <c>solution</c>, <c>url</c>, <c>year</c> which are not used.
/// </summary>
public sealed class AimeTask : NumericTask
{
    /// <summary>AIME 2024, from <c>HuggingFaceH4/aime_2024</c>.</summary>
    public static AimeTask Aime2024 { get; } = new("aime2024", 2024, new DataSource("HuggingFaceH4/aime_2024", "default", "train"));

    /// <summary>AIME 2025, from <c>yentinglin/aime_2025</c>.</summary>
    public static AimeTask Aime2025 { get; } = new("aime2025", 2025, new DataSource("yentinglin/aime_2025", "default", "train"));

    private readonly int _year;

    private AimeTask(string name, int year, DataSource source)
    {
        Name = name;
        _year = year;
        Source = source;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override string Description => $"AIME {_year} competition maths; integer answer 0-999";

    /// <inheritdoc />
    public override AnswerType AnswerType => AnswerType.Integer;

    /// <inheritdoc />
    public override DataSource Source { get; }

    /// <inheritdoc />
    public override TaskItem BuildItem(JsonObject row, int index, TaskOptions options)
    {
        var problem = row.Require(Name, index, "problem", "question").Trim();
        var answer = row.Require(Name, index, "answer");
        return new TaskItem
        {
            Index = index,
            Id = row.Text("id", "ID") ?? index.ToString(CultureInfo.InvariantCulture),
            Question = problem,
            SourceText = problem,
            Gold = GoldNumber(answer, index),
        };
    }
}
