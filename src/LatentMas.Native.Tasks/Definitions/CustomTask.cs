using System.Globalization;
using System.Text.Json.Nodes;
using LatentMas.Native.Tasks.Data;
using LatentMas.Native.Tasks.Scoring;

namespace LatentMas.Native.Tasks.Definitions;

/// <summary>
/// A user's own questions, from a local file. Columns: the question in <c>question</c>, <c>problem</c>,
/// <c>prompt</c>, <c>input</c> or <c>query</c>; the answer in <c>answer</c>, <c>gold</c>, <c>target</c>,
/// <c>label</c> or <c>output</c>; an optional <c>id</c>; for choice answers, optional <c>choices</c>/<c>options</c>
/// (a list, or {"A": text}). The answer type (<c>--answer number|choice|text</c>) picks extraction and comparison.
/// </summary>
public sealed class CustomTask : TaskDefinition
{
    private static readonly string[] QuestionColumns = ["question", "problem", "prompt", "input", "query"];
    private static readonly string[] AnswerColumns = ["answer", "gold", "target", "label", "output"];

    /// <summary>Creates the task for one answer type (number, integer, choice or text; not code).</summary>
    public CustomTask(AnswerType answerType)
    {
        if (answerType == AnswerType.Code)
            throw new ArgumentException("Custom tasks take number, choice or text answers; code needs a benchmark's tests.", nameof(answerType));
        AnswerType = answerType;
    }

    /// <inheritdoc />
    public override string Name => "custom";

    /// <inheritdoc />
    public override string Description => "Your own questions from a local file; --answer number|choice|text";

    /// <inheritdoc />
    public override AnswerType AnswerType { get; }

    /// <inheritdoc />
    public override DataSource? Source => null;

    /// <inheritdoc />
    public override string SourceDescription => "local file only (question/answer columns, optional choices)";

    /// <inheritdoc />
    public override string AnswerFormat => AnswerType switch
    {
        AnswerType.Number => "Write the final answer as a single number, without units or thousands separators, inside \\boxed{}, e.g. \\boxed{42}.",
        AnswerType.Integer => "Write the final answer as an integer inside \\boxed{}, e.g. \\boxed{42}.",
        AnswerType.Choice => "Write the letter of the correct option inside \\boxed{}, e.g. \\boxed{B}.",
        _ => "Write the final answer, as short as possible, inside \\boxed{}.",
    };

    /// <inheritdoc />
    public override TaskItem BuildItem(JsonObject row, int index, TaskOptions options)
    {
        var question = row.Require(Name, index, QuestionColumns).Trim();
        var answer = row.Require(Name, index, AnswerColumns).Trim();
        var id = row.Text("id", "question_id", "qid", "task_id") ?? index.ToString(CultureInfo.InvariantCulture);
        var item = new TaskItem { Index = index, Id = id, Question = question, SourceText = question, Gold = answer };
        switch (AnswerType)
        {
            case AnswerType.Number:
            case AnswerType.Integer:
                var gold = answer.Contains("####", StringComparison.Ordinal) ? NumberAnswer.Gsm8kGold(answer) : null;
                if (gold is null && NumberAnswer.TryParse(answer, out var value))
                    gold = NumberAnswer.Format(value);
                return item with { Gold = gold ?? throw new DataFormatException($"{Name}: row {index} has a non-numeric answer '{answer}'.") };
            case AnswerType.Choice:
                var choices = MedQaTask.ReadOptions(row.Find("choices", "options"));
                var letters = choices.Count > 0 ? new string([.. Enumerable.Range(0, choices.Count).Select(i => (char)('A' + i))]) : "ABCDEFGHIJ";
                var letter = ChoiceAnswer.NormalizeGold(answer, letters, choices)
                    ?? throw new DataFormatException($"{Name}: row {index} has an answer '{answer}' that is none of the options {letters}.");
                return item with
                {
                    Question = choices.Count > 0 ? ChoiceTask.WithOptions(question, choices) : question,
                    Gold = letter,
                    Choices = choices,
                };
            default:
                return item;
        }
    }

    /// <inheritdoc />
    public override string? ExtractAnswer(TaskItem item, string rawOutput) => AnswerType switch
    {
        AnswerType.Number or AnswerType.Integer => NumberAnswer.Extract(rawOutput),
        AnswerType.Choice => ChoiceAnswer.Extract(rawOutput, item.ChoiceLetters.Length > 0 ? item.ChoiceLetters : "ABCDEFGHIJ", item.Choices),
        _ => TextAnswer.Extract(rawOutput),
    };

    /// <inheritdoc />
    public override bool IsCorrect(TaskItem item, string prediction) => AnswerType switch
    {
        AnswerType.Number => NumberAnswer.Matches(prediction, item.Gold),
        AnswerType.Integer => NumberAnswer.Matches(prediction, item.Gold, integerOnly: true),
        AnswerType.Choice => string.Equals(prediction.Trim(), item.Gold, StringComparison.OrdinalIgnoreCase),
        _ => TextAnswer.Matches(prediction, item.Gold),
    };
}
