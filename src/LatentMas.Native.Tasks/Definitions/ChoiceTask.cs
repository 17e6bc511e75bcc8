using System.Text;
using LatentMas.Native.Tasks.Scoring;

namespace LatentMas.Native.Tasks.Definitions;

/// <summary>Base of multiple-choice tasks: options shown as "A) ...", the answer is the option's letter.</summary>
public abstract class ChoiceTask : TaskDefinition
{
    /// <summary>Letters accepted when an item lists no option texts (its question carries them).</summary>
    protected const string DefaultLetters = "ABCDEFGHIJ";

    /// <inheritdoc />
    public override AnswerType AnswerType => AnswerType.Choice;

    /// <inheritdoc />
    public override string AnswerFormat => "Write the letter of the correct option inside \\boxed{}, e.g. \\boxed{B}.";

    /// <inheritdoc />
    public override string? ExtractAnswer(TaskItem item, string rawOutput) =>
        ChoiceAnswer.Extract(rawOutput, Letters(item), item.Choices);

    /// <inheritdoc />
    public override bool IsCorrect(TaskItem item, string prediction) =>
        string.Equals(prediction.Trim(), item.Gold, StringComparison.OrdinalIgnoreCase);

    /// <summary>The item's valid letters.</summary>
    protected static string Letters(TaskItem item) => item.ChoiceLetters.Length > 0 ? item.ChoiceLetters : DefaultLetters;

    /// <summary>The question followed by its options, one per line: "A) first", "B) second", ...</summary>
    public static string WithOptions(string stem, IReadOnlyList<string> choices)
    {
        var sb = new StringBuilder(stem.Trim()).Append("\n\n");
        for (var i = 0; i < choices.Count; i++)
            sb.Append((char)('A' + i)).Append(") ").Append(choices[i].Trim()).Append('\n');
        return sb.ToString().TrimEnd();
    }

    /// <summary>The gold letter, or a <see cref="DataFormatException"/> naming the row.</summary>
    protected string GoldLetter(string gold, string letters, IReadOnlyList<string>? choices, int index) =>
        ChoiceAnswer.NormalizeGold(gold, letters, choices)
        ?? throw new DataFormatException($"{Name}: row {index} has a gold answer '{gold}' that is none of the options {letters}.");
}
