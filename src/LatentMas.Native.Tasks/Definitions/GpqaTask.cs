using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LatentMas.Native.Tasks.Data;
using LatentMas.Native.Tasks.Scoring;
using LatentMas.Native.Tasks.Util;

namespace LatentMas.Native.Tasks.Definitions;

/// <summary>
/// GPQA Diamond, graduate-level science multiple choice (4 options). Accepts two layouts:
/// <c>fingertap/GPQA-Diamond</c>'s <c>question</c> (stem followed by lines "A) ...") and <c>answer</c> (a letter),
/// and the original release's <c>Question</c>, <c>Correct Answer</c>, <c>Incorrect Answer 1..3</c>. The options
/// are shuffled deterministically from <see cref="TaskOptions.Seed"/> and the question text, so the right answer's
/// letter does not follow the source order.
/// </summary>
public sealed partial class GpqaTask : ChoiceTask
{
    /// <inheritdoc />
    public override string Name => "gpqa";

    /// <inheritdoc />
    public override string Description => "GPQA Diamond graduate-level science; 4 options, shuffled by seed";

    /// <inheritdoc />
    public override DataSource Source { get; } = new("fingertap/GPQA-Diamond", "default", "test");

    /// <inheritdoc />
    public override TaskItem BuildItem(JsonObject row, int index, TaskOptions options)
    {
        string stem;
        List<string> choices;
        int correct;
        var id = row.Text("Record ID", "id") ?? index.ToString(CultureInfo.InvariantCulture);

        if (row.Text("Correct Answer") is { } right)
        {
            stem = row.Require(Name, index, "Question").Trim();
            choices = [right.Trim()];
            for (var k = 1; k <= 3; k++)
                choices.Add(row.Require(Name, index, $"Incorrect Answer {k}").Trim());
            correct = 0;
        }
        else
        {
            var question = row.Require(Name, index, "question");
            var answer = row.Require(Name, index, "answer");
            (stem, choices) = SplitOptions(question);
            if (choices.Count < 2)
            {
                // Options not recognisable in the text: keep the question as written.
                var letter = GoldLetter(answer, DefaultLetters[..4], null, index);
                return new TaskItem { Index = index, Id = id, Question = question.Trim(), SourceText = question.Trim(), Gold = letter };
            }
            var gold = GoldLetter(answer, new string([.. Enumerable.Range(0, choices.Count).Select(i => (char)('A' + i))]), choices, index);
            correct = gold[0] - 'A';
        }

        if (options.ShuffleChoices)
        {
            var order = DeterministicShuffle.Permutation(choices.Count, options.Seed, stem);
            choices = [.. order.Select(i => choices[i])];
            correct = Array.IndexOf(order, correct);
        }
        return new TaskItem
        {
            Index = index,
            Id = id,
            Question = WithOptions(stem, choices),
            SourceText = stem,
            Gold = ((char)('A' + correct)).ToString(),
            Choices = choices,
        };
    }

    /// <summary>Splits "stem\n\nA) x\nB) y\n..." (also "(A) x", "A. x") into the stem and the options.</summary>
    internal static (string Stem, List<string> Choices) SplitOptions(string question)
    {
        var lines = question.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var choices = new List<string>();
        var first = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            var m = OptionLine().Match(lines[i]);
            if (m.Success && m.Groups[1].Value[0] == (char)('A' + choices.Count))
            {
                if (choices.Count == 0)
                    first = i;
                choices.Add(m.Groups[2].Value.Trim());
            }
            else if (choices.Count > 0 && lines[i].Trim().Length > 0)
            {
                // A continuation line of the previous option.
                choices[^1] += "\n" + lines[i].TrimEnd();
            }
        }
        if (choices.Count < 2)
            return (question.Trim(), []);
        return (string.Join('\n', lines[..first]).Trim(), choices);
    }

    [GeneratedRegex(@"^\s*\(?([A-J])[\)\.:]\s*(.*)$")]
    private static partial Regex OptionLine();
}
