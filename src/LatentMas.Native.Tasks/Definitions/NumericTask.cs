using LatentMas.Native.Tasks.Scoring;

namespace LatentMas.Native.Tasks.Definitions;

/// <summary>Base of tasks whose answer is a number (or an integer): extraction and comparison by <see cref="NumberAnswer"/>.</summary>
public abstract class NumericTask : TaskDefinition
{
    /// <inheritdoc />
    public override string AnswerFormat => AnswerType == AnswerType.Integer
        ? "The answer is an integer from 0 to 999: write it inside \\boxed{}, e.g. \\boxed{42}."
        : "Write the final answer as a single number, without units or thousands separators, inside \\boxed{}, e.g. \\boxed{42}.";

    /// <inheritdoc />
    public override string? ExtractAnswer(TaskItem item, string rawOutput) => NumberAnswer.Extract(rawOutput);

    /// <inheritdoc />
    public override bool IsCorrect(TaskItem item, string prediction) =>
        NumberAnswer.Matches(prediction, item.Gold, integerOnly: AnswerType == AnswerType.Integer);

    /// <summary>The canonical number of a gold answer text, or a <see cref="DataFormatException"/>.</summary>
    protected string GoldNumber(string text, int index)
    {
        if (NumberAnswer.TryParse(text, out var value))
            return NumberAnswer.Format(value);
        throw new DataFormatException($"{Name}: row {index} has a gold answer that is not a number: '{text}'.");
    }
}
