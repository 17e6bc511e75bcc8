using System.Globalization;
using System.Text.Json.Nodes;
using LatentMas.Native.Tasks.Data;

namespace LatentMas.Native.Tasks.Definitions;

/// <summary>
/// MedQA (USMLE) medical multiple choice, from a local JSON/JSONL file only. Accepts the usual layouts:
/// <c>question</c> (or <c>query</c>), <c>options</c> as {"A": text, ...} or a list (items may start with "A."),
/// and <c>answer_idx</c> (a letter) or <c>answer</c> (a letter or the option's text).
/// </summary>
public sealed class MedQaTask : ChoiceTask
{
    /// <inheritdoc />
    public override string Name => "medqa";

    /// <inheritdoc />
    public override string Description => "MedQA (USMLE) medical questions; 4-5 options";

    /// <inheritdoc />
    public override DataSource? Source => null;

    /// <inheritdoc />
    public override string SourceDescription => "local JSON/JSONL file only (question, options, answer_idx or answer)";

    /// <inheritdoc />
    public override TaskItem BuildItem(JsonObject row, int index, TaskOptions options)
    {
        var question = row.Require(Name, index, "question", "query", "sent1").Trim();
        var choices = ReadOptions(row.Find("options", "choices"));
        var id = row.Text("id", "qid") ?? index.ToString(CultureInfo.InvariantCulture);
        var letters = choices.Count > 0 ? new string([.. Enumerable.Range(0, choices.Count).Select(i => (char)('A' + i))]) : DefaultLetters;
        var goldText = row.Text("answer_idx") ?? row.Require(Name, index, "answer", "label");
        var gold = GoldLetter(goldText, letters, choices, index);

        // Some exports already list the options inside the question text; do not repeat them.
        var shown = choices.Count > 0 && !choices.All(c => question.Contains(c, StringComparison.Ordinal))
            ? WithOptions(question, choices)
            : question;
        return new TaskItem { Index = index, Id = id, Question = shown, SourceText = question, Gold = gold, Choices = choices };
    }

    /// <summary>Options from {"A": text} or ["A. text", ...] or [text, ...]; letter prefixes dropped.</summary>
    internal static List<string> ReadOptions(JsonNode? node)
    {
        var list = node switch
        {
            JsonObject map => map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => RowReader.AsText(p.Value) ?? "").ToList(),
            JsonArray array => array.Select(n => n is JsonObject o ? o.Text("text", "value") ?? "" : RowReader.AsText(n) ?? "").ToList(),
            _ => [],
        };
        for (var i = 0; i < list.Count; i++)
        {
            var s = list[i].Trim();
            var prefix = $"{(char)('A' + i)}";
            if (s.Length > 2 && s.StartsWith(prefix, StringComparison.Ordinal) && s[1] is '.' or ')' or ':')
                s = s[2..].Trim();
            list[i] = s;
        }
        return list;
    }
}
