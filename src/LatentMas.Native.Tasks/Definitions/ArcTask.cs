using System.Globalization;
using System.Text.Json.Nodes;
using LatentMas.Native.Tasks.Data;

namespace LatentMas.Native.Tasks.Definitions;

/// <summary>
/// AI2 Reasoning Challenge, grade-school science multiple choice. Columns: <c>id</c>, <c>question</c>,
/// <c>choices</c> {<c>text</c>: [...], <c>label</c>: [...]}, <c>answerKey</c>. Some rows label options 1-4; they are
/// shown as A-D by position. The original release's nested <c>question</c> {<c>stem</c>, <c>choices</c>} is accepted too.
/// </summary>
public sealed class ArcTask : ChoiceTask
{
    /// <summary>ARC-Easy.</summary>
    public static ArcTask Easy { get; } = new("arc_easy", "ARC-Easy", "easy");

    /// <summary>ARC-Challenge.</summary>
    public static ArcTask Challenge { get; } = new("arc_challenge", "ARC-Challenge", "challenge");

    private readonly string _level;

    private ArcTask(string name, string config, string level)
    {
        Name = name;
        _level = level;
        Source = new DataSource("allenai/ai2_arc", config, "test");
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override string Description => $"AI2 Reasoning Challenge ({_level}) science questions; 3-5 options";

    /// <inheritdoc />
    public override DataSource Source { get; }

    /// <inheritdoc />
    public override TaskItem BuildItem(JsonObject row, int index, TaskOptions options)
    {
        string stem;
        IReadOnlyList<string> texts, labels;
        if (row.Find("question") is JsonObject nested)
        {
            stem = nested.Require(Name, index, "stem");
            var list = nested.Find("choices") as JsonArray ?? [];
            texts = [.. list.OfType<JsonObject>().Select(c => c.Text("text") ?? "")];
            labels = [.. list.OfType<JsonObject>().Select(c => c.Text("label") ?? "")];
        }
        else
        {
            stem = row.Require(Name, index, "question");
            var choices = row.Find("choices") as JsonObject
                ?? throw new DataFormatException($"{Name}: row {index} has no 'choices' {{text, label}} column.");
            texts = choices.TextList("text");
            labels = choices.TextList("label");
        }
        if (texts.Count < 2 || labels.Count != texts.Count)
            throw new DataFormatException($"{Name}: row {index} has {texts.Count} option texts and {labels.Count} labels.");

        var key = row.Require(Name, index, "answerKey").Trim();
        var position = labels.ToList().FindIndex(l => string.Equals(l.Trim(), key, StringComparison.OrdinalIgnoreCase));
        var letters = new string([.. Enumerable.Range(0, texts.Count).Select(i => (char)('A' + i))]);
        var gold = position >= 0 ? letters[position].ToString() : GoldLetter(key, letters, null, index);
        return new TaskItem
        {
            Index = index,
            Id = row.Text("id") ?? index.ToString(CultureInfo.InvariantCulture),
            Question = WithOptions(stem, texts),
            SourceText = stem.Trim(),
            Gold = gold,
            Choices = texts,
        };
    }
}
